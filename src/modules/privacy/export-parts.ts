// Pure parts of the /mydata export (src/modules/privacy/export.ts), kept apart so the main file stays a
// readable list of sections: the recipients' shape and lines (Art. 15(1)(c)), the triage outcome as an
// automated decision (Art. 15(1)(h)) and decrypting what is stored encrypted outside columns. The
// queries behind them are in export.repository.ts.
import type { FieldCipher } from "../../privacy/crypto.ts";

export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** who processed the data: role ("staff", "system", "you") and action, from the audit log */
export interface AccessLogEntry {
  at: string;
  by: string;
  action: string;
}

/** The triage outcome, an automated decision (Art. 15(1)(h)): inputs, result and how it came about. */
export interface TriageExport {
  route: string;
  referralTarget: string | null;
  decidedAt: string;
  automated: true;
  reasonCode: string;
  notes: string[];
  priority: number;
  /** the priority's components (urgency, household, vulnerability) as the rules computed them */
  breakdown: unknown;
  /** plain-language explanation of the logic, in the client's language (when a translator is given) */
  explanation?: string;
}

export type RecipientExport =
  | {
      kind: "case_manager";
      caseReferenceCode: string;
      firstName: string;
      agency: string;
      /** pending, accepted, declined, expired, revoked, moved */
      status: string;
      offeredAt: string;
      decidedAt: string | null;
      declineReason: string | null;
    }
  | {
      kind: "slack_relay";
      caseReferenceCode: string;
      /** "case_manager" (their case thread) or "shared_channel" */
      to: string;
      messages: number;
      firstAt: string;
      lastAt: string;
    }
  | { kind: "deputy"; caseReferenceCode: string; messages: number }
  | {
      kind: "partner_office";
      caseReferenceCode: string;
      partnerId: string;
      name: string | null;
      purpose: string;
      sentAt: string;
      status: string;
    };

export interface ExportOptions {
  /** referralTargets id → office name (organisation file) */
  partnerNames?: Record<string, string>;
  /** translator for the explanations (the client's language) */
  t?: Translate;
  /** audit rows read per page (tests make it small) */
  auditPageSize?: number;
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
export type Dec = (v: string | null) => string | null;

export const decrypting =
  (cipher: FieldCipher): Dec =>
  (v) => {
    if (v === null || v === "") return null;
    try {
      return cipher.decrypt(v);
    } catch {
      return "[unreadable]";
    }
  };

/**
 * The conversation draft with every encrypted value ("…Enc" keys, e.g. draft.displayNameEnc) decrypted
 * under its plain name, at any depth, so the client reads what they typed, not ciphertext.
 */
export function decryptDraft(draft: unknown, dec: Dec): unknown {
  if (Array.isArray(draft)) return draft.map((x) => decryptDraft(x, dec));
  if (typeof draft !== "object" || draft === null) return draft;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(draft)) {
    if (k.endsWith("Enc") && k.length > 3 && typeof v === "string") out[k.slice(0, -3)] = dec(v);
    else out[k] = decryptDraft(v, dec);
  }
  return out;
}

/** The triage outcome as an automated decision, with the explanation when a translator is given. */
export function triageExport(
  tr: {
    route: string;
    referralTarget: string | null;
    decidedAt: Date;
    reasonCode: string;
    notes: string[];
    priority: number;
    breakdown: unknown;
  },
  t?: Translate,
): TriageExport {
  return {
    route: tr.route,
    referralTarget: tr.referralTarget,
    decidedAt: tr.decidedAt.toISOString(),
    automated: true,
    reasonCode: tr.reasonCode,
    notes: [...tr.notes],
    priority: tr.priority,
    breakdown: tr.breakdown,
    ...(t ? { explanation: t("privacy:export.automated") } : {}),
  };
}

/** A case event's reason: encrypted (reasonEnc, e.g. case.reassigned) or a code (reason). */
export function eventReason(data: unknown, dec: Dec): string | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  if (typeof d.reasonEnc === "string") return dec(d.reasonEnc);
  return typeof d.reason === "string" ? d.reason : null;
}

export function recipientLine(
  r: RecipientExport,
  t: Translate,
  kv: (key: string, value: unknown) => string,
): string {
  const what = t(`privacy:export.recipient.${r.kind}`);
  switch (r.kind) {
    case "case_manager":
      return `• ${r.caseReferenceCode} ${what}: ${r.firstName} (${r.agency}), ${r.status} (${r.offeredAt})${r.declineReason ? `; ${kv("declineReason", r.declineReason)}` : ""}`;
    case "slack_relay":
      return `• ${r.caseReferenceCode} ${what}: ${r.messages} (${r.firstAt} … ${r.lastAt})`;
    case "deputy":
      return `• ${r.caseReferenceCode} ${what}: ${r.messages}`;
    case "partner_office":
      return `• ${r.caseReferenceCode} ${what}: ${r.name ?? r.partnerId}, ${r.purpose}, ${r.status} (${r.sentAt})`;
  }
}
