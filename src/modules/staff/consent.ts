// What the client's consents allow staff to see in Slack. Pure. Decisions:
//
// - The latest decision per purpose counts (a newer "no" or a withdrawal beats an older "yes").
// - Name and phone number appear on the assignment card only once the case manager has ACCEPTED the
//   case and the client has granted `case_management` consent (the counselling agreement covers the
//   case manager knowing who they counsel). While an offer is pending the case manager may still
//   decline, so the card stays pseudonymous (reference code, household, topics …) for everyone.
//   `partner_sharing` (release from confidentiality towards partner offices) is not needed for the
//   case manager's own card and does not unlock anything in Slack.
// - Message contents are relayed between Telegram and Slack only with `slack_relay` consent.
export type ConsentPurpose = "case_management" | "partner_sharing" | "slack_relay";

export interface ConsentRecord {
  readonly purpose: ConsentPurpose | string;
  readonly granted: boolean;
  readonly decidedAt: Date;
  readonly withdrawnAt: Date | null;
}

export function consentGranted(rows: readonly ConsentRecord[], purpose: ConsentPurpose): boolean {
  let latest: ConsentRecord | undefined;
  for (const r of rows) {
    if (r.purpose !== purpose) continue;
    if (!latest || r.decidedAt.getTime() >= latest.decidedAt.getTime()) latest = r;
  }
  return latest?.granted === true && latest.withdrawnAt === null;
}

export function mayShowContact(rows: readonly ConsentRecord[], assignmentStatus: string): boolean {
  return assignmentStatus === "accepted" && consentGranted(rows, "case_management");
}

export const mayRelay = (rows: readonly ConsentRecord[]): boolean => consentGranted(rows, "slack_relay");
