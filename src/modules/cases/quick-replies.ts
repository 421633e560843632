// The fixed catalogue of quick replies: prepared client messages a case manager picks in German or
// English and the client reads in their own language (locales/<lng>/quickreplies.json). A fixed list,
// so every text exists in all twelve locales and was translated with care instead of by a machine at
// send time. Parsing and rendering are pure: the texts come in through `t`, the day through `today`.
import { formatDateLong } from "../appointments/format.ts";
import { parseDay } from "./casework.ts";

export const QUICK_REPLY_NS = "quickreplies";

/** What a client may be asked to bring (labels: quickreplies:doc.<code> and quickreply:doc.<code>). */
export const DOCUMENT_CODES = [
  "passport",
  "residence_permit",
  "jobcenter_letter",
  "rental_contract",
  "certificates",
  "payslips",
  "bank_statements",
  "health_insurance",
  "registration",
  "letter_received",
] as const;
export type DocumentCode = (typeof DOCUMENT_CODES)[number];

/** count = working days (a plural), date = a day not in the past, time = HH:MM, documents = codes */
export type ParamKind = "count" | "date" | "time" | "documents";

/** The working days a reply may promise (a menu, so nobody promises 30). */
export const DAY_CHOICES = [1, 2, 3, 5, 10] as const;

export const QUICK_REPLIES = [
  { id: "received", params: ["count"] },
  { id: "call_on", params: ["date"] },
  { id: "appointment_confirmed", params: ["date", "time"] },
  { id: "bring_documents", params: ["documents"] },
  { id: "send_photo", params: [] },
  { id: "office_closed", params: ["date"] },
  { id: "contact_again", params: [] },
  { id: "interpreter", params: [] },
  { id: "reply_yes_no", params: [] },
  { id: "documents_received", params: [] },
] as const satisfies readonly { id: string; params: readonly ParamKind[] }[];

export type QuickReplyId = (typeof QUICK_REPLIES)[number]["id"];
export type QuickReply = { id: QuickReplyId; params: readonly ParamKind[] };

export const quickReply = (id: string): QuickReply | undefined =>
  (QUICK_REPLIES as readonly QuickReply[]).find((r) => r.id === id);

/** What the modal sent, as strings (Slack's values), before checking. */
export interface QuickReplyInput {
  replyId: string;
  count?: string;
  date?: string;
  time?: string;
  documents?: readonly string[];
}

/** Checked values: only the parameters the reply has. */
export interface QuickReplyValues {
  count?: number;
  date?: string;
  time?: string;
  documents?: DocumentCode[];
}

export type ParamError = "missing" | "invalid" | "past";
export type Parsed =
  | { ok: true; reply: QuickReply; values: QuickReplyValues }
  | { ok: false; errors: Partial<Record<ParamKind | "reply", ParamError>> };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const isDocument = (s: string): s is DocumentCode => (DOCUMENT_CODES as readonly string[]).includes(s);

/**
 * The reply and its parameters, or which field is wrong. `today` is the municipality's day
 * (YYYY-MM-DD): a call, an appointment or a closed office before it would tell the client nonsense.
 */
export function parseQuickReply(input: QuickReplyInput, today: string): Parsed {
  const reply = quickReply(input.replyId);
  if (!reply) return { ok: false, errors: { reply: input.replyId ? "invalid" : "missing" } };
  const errors: Partial<Record<ParamKind, ParamError>> = {};
  const values: QuickReplyValues = {};
  for (const p of reply.params) {
    if (p === "documents") {
      const docs = [...new Set(input.documents ?? [])];
      if (!docs.length) errors.documents = "missing";
      else if (!docs.every(isDocument)) errors.documents = "invalid";
      // the catalogue's order, whatever order they were ticked in
      else values.documents = DOCUMENT_CODES.filter((c) => docs.includes(c));
      continue;
    }
    const raw = (input[p] ?? "").trim();
    if (!raw) errors[p] = "missing";
    else if (p === "count") {
      const n = Number(raw);
      if ((DAY_CHOICES as readonly number[]).includes(n)) values.count = n;
      else errors.count = "invalid";
    } else if (p === "date") {
      if (!parseDay(raw)) errors.date = "invalid";
      else if (raw < today) errors.date = "past";
      else values.date = raw;
    } else if (TIME.test(raw)) values.time = raw;
    else errors.time = "invalid";
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, reply, values };
}

export type Translate = (key: string, opts: Record<string, unknown>) => string;

/**
 * The reply's text in one language: `t` is fixed to that language (client locale, or German for
 * the back-translation). A date is written out in that language (Gregorian, Latin digits), the
 * documents as a bulleted list of their translated names.
 */
export function renderQuickReply(
  t: Translate,
  lng: string,
  timeZone: string,
  reply: QuickReply,
  values: QuickReplyValues,
): string {
  const opts: Record<string, unknown> = {};
  if (values.count !== undefined) opts.count = values.count;
  // noon UTC is the same calendar day in every European zone
  if (values.date) opts.date = formatDateLong(new Date(`${values.date}T12:00:00Z`), lng, timeZone);
  if (values.time) opts.time = values.time;
  if (values.documents)
    opts.documents = values.documents.map((c) => `• ${t(`${QUICK_REPLY_NS}:doc.${c}`, {})}`).join("\n");
  return t(`${QUICK_REPLY_NS}:reply.${reply.id}`, opts);
}
