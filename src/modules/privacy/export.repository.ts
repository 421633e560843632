// Queries of the /mydata export: the client's own rows, every audit row (paged by id, no cap) and who
// received the data (Art. 15(1)(c)): offers and assignments, Slack relays, deputies, referrals.
import type { Db } from "../../db/client.ts";
import { type AccessLogEntry, type Dec, iso, type RecipientExport } from "./export-parts.ts";

/** The handle exportClientData passes through to these queries. */
export type ExportDb = Db;

/** Every audit row about the client, oldest first, read in pages by id (no cap). */
export async function accessLogOf(db: Db, clientId: string, pageSize = 1000): Promise<AccessLogEntry[]> {
  const out: AccessLogEntry[] = [];
  let after: bigint | undefined;
  for (;;) {
    const page = await db.auditLog.findMany({
      where: { clientId, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: pageSize,
      select: { id: true, at: true, actor: true, action: true },
    });
    for (const a of page)
      out.push({
        at: a.at.toISOString(),
        by: a.actor.startsWith("cm:") ? "staff" : a.actor.startsWith("client:") ? "you" : "system",
        action: a.action,
      });
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.id;
  }
  // ids follow insertion; the document reads by time
  return out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
}

/** Who received the client's data, per case: offers and assignments, Slack relays, deputies, referrals. */
export async function recipientsOf(
  db: Db,
  dec: Dec,
  clientId: string,
  partnerNames: Record<string, string> = {},
): Promise<RecipientExport[]> {
  const cases = await db.case.findMany({
    where: { clientId },
    orderBy: { openedAt: "asc" },
    select: {
      id: true,
      referenceCode: true,
      assignments: {
        orderBy: { createdAt: "asc" },
        select: {
          status: true,
          createdAt: true,
          decidedAt: true,
          declineReason: true,
          cm: { select: { name: true, agency: { select: { name: true } } } },
        },
      },
      referrals: {
        orderBy: { sentAt: "asc" },
        select: { partnerId: true, purpose: true, sentAt: true, status: true },
      },
      relayedMessages: { where: { direction: "client_to_staff" }, select: { id: true } },
    },
  });
  const out: RecipientExport[] = [];
  for (const k of cases) {
    const ref = k.referenceCode;
    for (const a of k.assignments)
      out.push({
        kind: "case_manager",
        caseReferenceCode: ref,
        firstName: a.cm.name.split(/\s+/)[0] ?? "",
        agency: a.cm.agency.name,
        status: a.status,
        offeredAt: a.createdAt.toISOString(),
        decidedAt: iso(a.decidedAt),
        declineReason: dec(a.declineReason),
      });
    const relays = await db.auditLog.groupBy({
      by: ["actor"],
      where: { caseId: k.id, action: "personal_data.relayed" },
      _count: { _all: true },
      _min: { at: true },
      _max: { at: true },
    });
    for (const r of relays)
      out.push({
        kind: "slack_relay",
        caseReferenceCode: ref,
        to: r.actor.startsWith("cm:") ? "case_manager" : "shared_channel",
        messages: r._count._all,
        firstAt: iso(r._min.at) ?? "",
        lastAt: iso(r._max.at) ?? "",
      });
    if (k.relayedMessages.length) {
      const copies = await db.idempotencyKey.count({
        where: { key: { in: k.relayedMessages.map((m) => `slack.deputy_copy.${m.id}`) } },
      });
      if (copies) out.push({ kind: "deputy", caseReferenceCode: ref, messages: copies });
    }
    for (const r of k.referrals)
      out.push({
        kind: "partner_office",
        caseReferenceCode: ref,
        partnerId: r.partnerId,
        name: partnerNames[r.partnerId] ?? null,
        purpose: r.purpose,
        sentAt: r.sentAt.toISOString(),
        status: r.status,
      });
  }
  return out;
}

/** The client with everything the export lists, in the order the document shows it. */
export function clientRecordOf(db: Db, clientId: string) {
  return db.client.findUnique({
    where: { id: clientId },
    include: {
      household: { orderBy: { id: "asc" } },
      consents: { orderBy: { decidedAt: "asc" } },
      conversation: true,
      intakes: {
        orderBy: { submittedAt: "asc" },
        include: {
          triage: true,
          waitlistEntry: true,
          case: {
            include: {
              cm: { select: { name: true, agency: { select: { name: true } } } },
              goals: { orderBy: { createdAt: "asc" } },
              appointments: { orderBy: { startsAt: "asc" } },
              relayedMessages: { orderBy: { createdAt: "asc" } },
              events: { orderBy: { at: "asc" } },
            },
          },
        },
      },
    },
  });
}
