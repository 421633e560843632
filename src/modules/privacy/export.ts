// Over 400 lines: the document and its message rendering must list the same fields; kept together.
// /mydata: everything stored about a client, decrypted, as one JSON document (GDPR Art. 15 and 20).
// Sent as a file where the Bot API allows it; otherwise as a series of messages with localized
// labels (`exportMessages`). Staff are named by first name and agency only; who read or changed the
// client's data comes from the audit log (role and time, not staff names), paged so nothing is cut off.
// Art. 15(1)(c) and (h): `recipients` lists who received the data (case managers offered or given the
// case, Slack relays and deputies, partner offices referred to) and each request's `triage` carries the
// automated decision's inputs, result and (with a translator) a plain explanation of its logic.
import type { FieldCipher } from "../../privacy/crypto.ts";
import { accessLogOf, clientRecordOf, type ExportDb, recipientsOf } from "./export.repository.ts";
import {
  type AccessLogEntry,
  decryptDraft,
  decrypting,
  type ExportOptions,
  eventReason,
  iso,
  type RecipientExport,
  recipientLine,
  type Translate,
  type TriageExport,
  triageExport,
} from "./export-parts.ts";

export type { AccessLogEntry, ExportOptions, RecipientExport, TriageExport } from "./export-parts.ts";

export interface ClientExport {
  exportedAt: string;
  client: {
    pseudonym: string;
    locale: string;
    displayName: string | null;
    phone: string | null;
    telegramUserId: string | null;
    telegramChatId: string | null;
    districtId: string | null;
    originCountry: string | null;
    residenceStatus: string | null;
    arrivalYear: number | null;
    arrivedBefore: number | null;
    source: string | null;
    createdAt: string;
    lastSeenAt: string;
  };
  household: { role: string; firstName: string | null; birthYear: number | null }[];
  consents: {
    purpose: string;
    version: string;
    granted: boolean;
    decidedAt: string;
    withdrawnAt: string | null;
  }[];
  /** the release from confidentiality per named partner office, every decision (referralTargets id) */
  partnerConsents: {
    partnerId: string;
    version: string;
    granted: boolean;
    decidedAt: string;
    withdrawnAt: string | null;
  }[];
  conversation: { step: string; draft: unknown; updatedAt: string } | null;
  requests: {
    referenceCode: string;
    submittedAt: string;
    household: string;
    adults: number;
    children: number;
    districtId: string;
    topics: string[];
    urgency: string[];
    languages: string[];
    existingSupport: string[];
    contactModes: string[];
    timesOfDay: string[];
    triage: TriageExport | null;
    waitlist: {
      enqueuedAt: string;
      status: string;
      leftAt: string | null;
      basePriority: number;
      urgent: boolean;
    } | null;
    case: {
      referenceCode: string;
      phase: string;
      caseManager: { firstName: string; agency: string } | null;
      persons: number;
      openedAt: string;
      closedAt: string | null;
      closureReason: string | null;
      goals: { text: string; dueDate: string | null; status: string; createdAt: string }[];
      appointments: {
        startsAt: string;
        endsAt: string;
        mode: string;
        status: string;
        officeId: string | null;
      }[];
      messages: { direction: string; text: string; at: string }[];
      history: { what: string; from: string | null; to: string | null; at: string; reason: string | null }[];
    } | null;
  }[];
  /** who received the data (Art. 15(1)(c)) */
  recipients: RecipientExport[];
  /** who processed the data: role ("staff", "system", "you") and action, from the audit log */
  accessLog: AccessLogEntry[];
}

export async function exportClientData(
  db: ExportDb,
  cipher: FieldCipher,
  clientId: string,
  opts: ExportOptions = {},
): Promise<ClientExport | null> {
  const dec = decrypting(cipher);
  const c = await clientRecordOf(db, clientId);
  if (!c || c.erasedAt) return null;
  const accessLog = await accessLogOf(db, clientId, opts.auditPageSize);
  const recipients = await recipientsOf(db, dec, clientId, opts.partnerNames);
  return {
    exportedAt: new Date().toISOString(),
    client: {
      pseudonym: c.pseudonym,
      locale: c.locale,
      displayName: dec(c.displayName),
      phone: dec(c.phone),
      telegramUserId: c.telegramUserId?.toString() ?? null,
      telegramChatId: c.telegramChatId?.toString() ?? null,
      districtId: c.districtId,
      originCountry: c.originCountry,
      residenceStatus: c.residenceStatus,
      arrivalYear: c.arrivalYear,
      arrivedBefore: c.arrivedBefore,
      source: c.source,
      createdAt: c.createdAt.toISOString(),
      lastSeenAt: c.lastSeenAt.toISOString(),
    },
    household: c.household.map((h) => ({
      role: h.role,
      firstName: dec(h.firstName),
      birthYear: h.birthYear,
    })),
    consents: c.consents
      .filter((k) => k.partnerId === null)
      .map((k) => ({
        purpose: k.purpose,
        version: k.version,
        granted: k.granted,
        decidedAt: k.decidedAt.toISOString(),
        withdrawnAt: iso(k.withdrawnAt),
      })),
    partnerConsents: partnerConsentsOf(c.consents),
    conversation: c.conversation
      ? {
          step: c.conversation.step,
          draft: decryptDraft(c.conversation.draft, dec),
          updatedAt: c.conversation.updatedAt.toISOString(),
        }
      : null,
    requests: c.intakes.map((i) => ({
      referenceCode: i.referenceCode,
      submittedAt: i.submittedAt.toISOString(),
      household: i.household,
      adults: i.adults,
      children: i.children,
      districtId: i.districtId,
      topics: i.topics,
      urgency: i.urgency,
      languages: i.languages,
      existingSupport: i.existingSupport,
      contactModes: i.contactModes,
      timesOfDay: i.timesOfDay,
      triage: i.triage ? triageExport(i.triage, opts.t) : null,
      waitlist: i.waitlistEntry
        ? {
            enqueuedAt: i.waitlistEntry.enqueuedAt.toISOString(),
            status: i.waitlistEntry.status,
            leftAt: iso(i.waitlistEntry.leftAt),
            basePriority: i.waitlistEntry.basePriority,
            urgent: i.waitlistEntry.urgent,
          }
        : null,
      case: i.case
        ? {
            referenceCode: i.case.referenceCode,
            phase: i.case.phase,
            caseManager: i.case.cm
              ? { firstName: i.case.cm.name.split(/\s+/)[0] ?? "", agency: i.case.cm.agency.name }
              : null,
            persons: i.case.persons,
            openedAt: i.case.openedAt.toISOString(),
            closedAt: iso(i.case.closedAt),
            closureReason: i.case.closureReason,
            goals: i.case.goals.map((g) => ({
              text: dec(g.text) ?? "",
              dueDate: iso(g.dueDate),
              status: g.status,
              createdAt: g.createdAt.toISOString(),
            })),
            appointments: i.case.appointments.map((a) => ({
              startsAt: a.startsAt.toISOString(),
              endsAt: a.endsAt.toISOString(),
              mode: a.mode,
              status: a.status,
              officeId: a.officeId,
            })),
            messages: i.case.relayedMessages.map((m) => ({
              direction: m.direction,
              text: dec(m.body) ?? "",
              at: m.createdAt.toISOString(),
            })),
            history: i.case.events.map((e) => ({
              what: e.kind,
              from: e.fromPhase,
              to: e.toPhase,
              at: e.at.toISOString(),
              reason: eventReason(e.data, dec),
            })),
          }
        : null,
    })),
    recipients,
    accessLog,
  };
}

/** Per-office decisions (rows with a partnerId), oldest first. */
function partnerConsentsOf(
  rows: readonly {
    partnerId: string | null;
    version: string;
    granted: boolean;
    decidedAt: Date;
    withdrawnAt: Date | null;
  }[],
): ClientExport["partnerConsents"] {
  return rows.flatMap((k) =>
    k.partnerId === null
      ? []
      : [
          {
            partnerId: k.partnerId,
            version: k.version,
            granted: k.granted,
            decidedAt: k.decidedAt.toISOString(),
            withdrawnAt: iso(k.withdrawnAt),
          },
        ],
  );
}

export const EXPORT_MESSAGE_MAX = 3800;

/**
 * The export as chat messages (for Bot API peers without sendDocument): one section per message,
 * "label: value" lines with localized labels, long sections split below Telegram's 4096 characters.
 * Plain text (no parse mode), so nothing the client typed can break the formatting.
 */
export function exportMessages(
  doc: ClientExport,
  t: Translate,
  partnerName: (partnerId: string) => string = (id) => id,
): string[] {
  const sections: string[][] = [];
  const v = (x: unknown): string =>
    x === null || x === undefined || x === ""
      ? t("privacy:export.none")
      : Array.isArray(x)
        ? x.join(", ") || t("privacy:export.none")
        : String(x);
  const kv = (key: string, value: unknown) => `${t(`privacy:export.field.${key}`)}: ${v(value)}`;

  sections.push([
    t("privacy:export.title"),
    kv("pseudonym", doc.client.pseudonym),
    kv("displayName", doc.client.displayName),
    kv("phone", doc.client.phone),
    kv("telegramUserId", doc.client.telegramUserId),
    kv("locale", doc.client.locale),
    kv("districtId", doc.client.districtId),
    kv("originCountry", doc.client.originCountry),
    kv("residenceStatus", doc.client.residenceStatus),
    kv("arrivalYear", doc.client.arrivalYear),
    kv("arrivedBefore", doc.client.arrivedBefore),
    kv("source", doc.client.source),
    kv("createdAt", doc.client.createdAt),
    kv("lastSeenAt", doc.client.lastSeenAt),
  ]);
  if (doc.household.length)
    sections.push([
      t("privacy:export.section.household"),
      ...doc.household.map(
        (h) => `• ${kv("role", h.role)}; ${kv("firstName", h.firstName)}; ${kv("birthYear", h.birthYear)}`,
      ),
    ]);
  sections.push([
    t("privacy:export.section.consents"),
    ...(doc.consents.length
      ? doc.consents.map(
          (k) =>
            `• ${t(`privacy:export.purpose.${k.purpose}`)}: ${k.granted ? t("privacy:export.granted") : t("privacy:export.declined")} (${k.decidedAt})${k.withdrawnAt ? `; ${kv("withdrawnAt", k.withdrawnAt)}` : ""}`,
        )
      : [t("privacy:export.none")]),
  ]);
  if (doc.partnerConsents.length)
    sections.push([
      t("privacy:export.section.partnerConsents"),
      ...doc.partnerConsents.map(
        (k) =>
          `• ${partnerName(k.partnerId)}: ${k.granted ? t("privacy:export.granted") : t("privacy:export.declined")} (${k.decidedAt}, ${kv("version", k.version)})${k.withdrawnAt ? `; ${kv("withdrawnAt", k.withdrawnAt)}` : ""}`,
      ),
    ]);
  if (doc.conversation)
    sections.push([
      t("privacy:export.section.conversation"),
      kv("step", doc.conversation.step),
      kv("draft", JSON.stringify(doc.conversation.draft)),
      kv("updatedAt", doc.conversation.updatedAt),
    ]);
  for (const r of doc.requests) {
    const s = [
      t("privacy:export.section.request", { referenceCode: r.referenceCode }),
      kv("submittedAt", r.submittedAt),
      kv("household", r.household),
      kv("adults", r.adults),
      kv("children", r.children),
      kv("districtId", r.districtId),
      kv("topics", r.topics),
      kv("urgency", r.urgency),
      kv("languages", r.languages),
      kv("existingSupport", r.existingSupport),
      kv("contactModes", r.contactModes),
      kv("timesOfDay", r.timesOfDay),
    ];
    if (r.triage)
      s.push(
        kv("route", r.triage.route),
        kv("referralTarget", r.triage.referralTarget),
        kv("reasonCode", r.triage.reasonCode),
        kv("priority", r.triage.priority),
        t("privacy:export.automated"),
      );
    if (r.waitlist) s.push(kv("waitlist", `${r.waitlist.status} (${r.waitlist.enqueuedAt})`));
    sections.push(s);
    const k = r.case;
    if (!k) continue;
    sections.push([
      t("privacy:export.section.case", { referenceCode: k.referenceCode }),
      kv("phase", k.phase),
      kv("caseManager", k.caseManager ? `${k.caseManager.firstName} (${k.caseManager.agency})` : null),
      kv("persons", k.persons),
      kv("openedAt", k.openedAt),
      kv("closedAt", k.closedAt),
      kv("closureReason", k.closureReason),
    ]);
    if (k.goals.length)
      sections.push([
        t("privacy:export.section.goals"),
        ...k.goals.map((g) => `• ${g.text} (${g.status}${g.dueDate ? `, ${kv("dueDate", g.dueDate)}` : ""})`),
      ]);
    if (k.appointments.length)
      sections.push([
        t("privacy:export.section.appointments"),
        ...k.appointments.map((a) => `• ${a.startsAt} ${a.mode} ${a.status}`),
      ]);
    if (k.messages.length)
      sections.push([
        t("privacy:export.section.messages"),
        ...k.messages.map((m) => `• ${m.at} ${t(`privacy:export.direction.${m.direction}`)}: ${m.text}`),
      ]);
    if (k.history.length)
      sections.push([
        t("privacy:export.section.history"),
        ...k.history.map(
          (h) =>
            `• ${h.at} ${h.what}${h.to ? ` → ${h.to}` : ""}${h.reason ? `; ${kv("reason", h.reason)}` : ""}`,
        ),
      ]);
  }
  if (doc.recipients.length)
    sections.push([
      t("privacy:export.section.recipients"),
      ...doc.recipients.map((r) => recipientLine(r, t, kv)),
    ]);
  if (doc.accessLog.length)
    sections.push([
      t("privacy:export.section.access"),
      ...doc.accessLog.map((a) => `• ${a.at} ${t(`privacy:export.by.${a.by}`)}: ${a.action}`),
    ]);
  return sections.flatMap((lines) => chunk(lines, EXPORT_MESSAGE_MAX));
}

/** Joins lines into messages of at most `max` characters; a single longer line is cut into pieces. */
export function chunk(lines: string[], max: number): string[] {
  const out: string[] = [];
  let cur = "";
  for (const raw of lines) {
    const pieces: string[] = [];
    for (let i = 0; i < raw.length; i += max) pieces.push(raw.slice(i, i + max));
    if (pieces.length === 0) pieces.push("");
    for (const line of pieces) {
      if (cur && cur.length + 1 + line.length > max) {
        out.push(cur);
        cur = line;
      } else cur = cur ? `${cur}\n${line}` : line;
    }
  }
  if (cur) out.push(cur);
  return out;
}
