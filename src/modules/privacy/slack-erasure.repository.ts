// The Slack clean-up outbox of erasure (SlackErasure rows): written in the erasure transaction from the
// references stored with the case, before the rows are blanked, so a process that dies after the
// commit loses nothing; worked off by the "slack.erase" job, which marks each row done.
import type { Db, Tx } from "../../db/client.ts";
import { AuditRepository } from "../audit/audit.repository.ts";
import { type CaseSlackRefs, planSlackErasure, type SlackRef, slackErasureCounts } from "./slack-erasure.ts";

export const DEPUTY_COPY_KEY = "slack.deputy_copy.";
const AUDITED_KEY = "slack.erased.";

export interface PendingCleanup {
  id: string;
  action: string;
  channel: string;
  ts: string;
}

const refOf = (result: unknown): SlackRef => {
  const r = (result ?? {}) as { channel?: unknown; ts?: unknown };
  return {
    channel: typeof r.channel === "string" ? r.channel : null,
    ts: typeof r.ts === "string" ? r.ts : null,
  };
};

export class SlackErasureRepository {
  constructor(private readonly db: Db) {}

  /** Inside the erasure transaction: records the clean-up of each case; returns the cases with some. */
  async capture(tx: Tx, caseIds: string[], now: Date): Promise<string[]> {
    if (caseIds.length === 0) return [];
    const cases = await tx.case.findMany({
      where: { id: { in: caseIds } },
      select: {
        id: true,
        threadChannel: true,
        threadTs: true,
        assignments: { select: { slackChannel: true, slackTs: true } },
        relayedMessages: {
          where: { direction: "client_to_staff", slackTs: { not: null } },
          select: { id: true, slackChannel: true, slackTs: true },
        },
      },
    });
    const messageIds = cases.flatMap((k) => k.relayedMessages.map((m) => m.id));
    const copies = messageIds.length
      ? await tx.idempotencyKey.findMany({
          where: { key: { in: messageIds.map((id) => `${DEPUTY_COPY_KEY}${id}`) } },
          select: { key: true, result: true },
        })
      : [];
    const copyOf = new Map(copies.map((c) => [c.key.slice(DEPUTY_COPY_KEY.length), refOf(c.result)]));
    const withWork: string[] = [];
    for (const k of cases) {
      const refs: CaseSlackRefs = {
        cards: k.assignments.map((a) => ({ channel: a.slackChannel, ts: a.slackTs })),
        thread: { channel: k.threadChannel, ts: k.threadTs },
        relayed: k.relayedMessages.map((m) => ({ channel: m.slackChannel, ts: m.slackTs })),
        deputyCopies: k.relayedMessages.flatMap((m) => {
          const c = copyOf.get(m.id);
          return c ? [c] : [];
        }),
      };
      const plan = planSlackErasure(refs);
      if (plan.length === 0) continue;
      await tx.slackErasure.createMany({
        data: plan.map((p) => ({ caseId: k.id, ...p, createdAt: now })),
        skipDuplicates: true,
      });
      withWork.push(k.id);
    }
    return withWork;
  }

  async pending(caseId: string): Promise<PendingCleanup[]> {
    return this.db.slackErasure.findMany({
      where: { caseId, doneAt: null },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, action: true, channel: true, ts: true },
    });
  }

  /** Cases with clean-up left (the start-up sweep re-enqueues them). */
  async pendingCases(limit = 1000): Promise<string[]> {
    const rows = await this.db.slackErasure.findMany({
      where: { doneAt: null },
      distinct: ["caseId"],
      select: { caseId: true },
      take: limit,
    });
    return rows.map((r) => r.caseId);
  }

  /** what the neutral text of the case's cards names (the reference code stays after erasure) */
  async referenceCode(caseId: string): Promise<string | null> {
    const k = await this.db.case.findUnique({ where: { id: caseId }, select: { referenceCode: true } });
    return k?.referenceCode ?? null;
  }

  async markDone(id: string, outcome: string, at: Date): Promise<void> {
    await this.db.slackErasure.updateMany({ where: { id, doneAt: null }, data: { doneAt: at, outcome } });
  }

  /**
   * Once nothing is left for the case: one AuditLog row "slack.erased" with the counts, exactly once
   * (an IdempotencyKey in the same transaction). False while work is left or when already audited.
   */
  async finish(caseId: string, at: Date): Promise<boolean> {
    const rows = await this.db.slackErasure.findMany({
      where: { caseId },
      select: { action: true, outcome: true, doneAt: true },
    });
    if (rows.length === 0 || rows.some((r) => !r.doneAt)) return false;
    const kase = await this.db.case.findUnique({ where: { id: caseId }, select: { clientId: true } });
    const key = `${AUDITED_KEY}${caseId}`;
    if (await this.db.idempotencyKey.findUnique({ where: { key } })) return false;
    try {
      await this.db.$transaction(async (tx) => {
        await tx.idempotencyKey.create({ data: { key, scope: "slack.erased", createdAt: at } });
        await new AuditRepository(tx).record(
          {
            actor: "system",
            action: "slack.erased",
            caseId,
            clientId: kase?.clientId ?? null,
            at,
            data: { messages: rows.length, ...slackErasureCounts(rows) },
          },
          tx,
        );
      });
    } catch (e) {
      if ((e as { code?: unknown })?.code === "P2002") return false;
      throw e;
    }
    return true;
  }
}
