// What the client's consents allow staff to see in Slack. Pure. Decisions:
//
// - The latest decision per purpose counts (a newer "no" or a withdrawal beats an older "yes").
// - Slack is an external provider, and a card is a message kept in its history. So a card carries
//   only what the client's Slack consent (`slack_relay`) covers. Without it the card is pseudonymous:
//   reference code, household, district, languages, phase and the topics and urgency signals that
//   are not special categories (GDPR Art. 9). Health topics and signals stay off it, and so do the
//   triage reason and priority, because "urgent" with no visible signal, or a priority raised by
//   the health weight, would give the hidden signal away.
// - Name and phone number never go on a card. They appear only in the Details modal, which is
//   fetched on demand, never stored as a message, and audited against whoever opened it. Even
//   there they show only once the case manager has ACCEPTED the case and the client has granted
//   `case_management` consent (the counselling agreement covers the case manager knowing who they
//   counsel). While an offer is pending the case manager may still decline, so it stays pseudonymous.
//   `partner_sharing` (release from confidentiality towards partner offices) does not unlock anything
//   in Slack.
// - Message contents are relayed between Telegram and Slack only with `slack_relay` consent.
import type { Topic, UrgencySignal } from "../intake/answers.ts";

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

// Which intake codes are special categories of personal data (GDPR Art. 9: health, sex life, ethnic
// origin, religion …). A Record over the vocabulary, so a new topic or signal fails to compile until
// someone decides here. The intake has no violence or protection code; if one is added it is Art. 9
// relevant (health, and often sex life) and belongs on this list as `true`.
export const SENSITIVE_TOPICS: Readonly<Record<Topic, boolean>> = {
  education_language: false,
  work: false,
  housing: false,
  health: true,
  residence: false,
  family: false,
  livelihood: false,
  leisure: false,
};
export const SENSITIVE_URGENCY: Readonly<Record<UrgencySignal, boolean>> = {
  eviction: false,
  benefits_loss: false,
  health_emergency: true,
  authority_deadline: false,
};

/** Codes this file does not know (old rows, a later vocabulary) count as sensitive: fail closed. */
export function isSensitive(kind: "topic" | "urgency", code: string): boolean {
  const list: Readonly<Record<string, boolean>> = kind === "topic" ? SENSITIVE_TOPICS : SENSITIVE_URGENCY;
  return Object.hasOwn(list, code) ? list[code] === true : true;
}

export interface CardContent {
  topics: string[];
  urgency: string[];
  /** triage reason and priority (they can betray a hidden urgency signal) */
  triage: boolean;
  /** false: the card is pseudonymous and points to the Details modal */
  complete: boolean;
}

/** What of a case goes on a Slack card, given whether the client consented to Slack. */
export function cardContent(
  slackConsent: boolean,
  topics: readonly string[],
  urgency: readonly string[],
): CardContent {
  if (slackConsent) return { topics: [...topics], urgency: [...urgency], triage: true, complete: true };
  return {
    topics: topics.filter((x) => !isSensitive("topic", x)),
    urgency: urgency.filter((x) => !isSensitive("urgency", x)),
    triage: false,
    complete: false,
  };
}
