// What a quick reply needs from the database: the case's client (language, whether they can still be
// reached, their Slack-relay consent), the case thread, and the one transaction that stores the
// reply like a relayed staff message (idempotency key, RelayedMessage, audit row).
import type { Db } from "../../db/client.ts";
import { UUID } from "../kernel/ids.ts";
import { mayRelay } from "../staff/consent.ts";

export interface QuickReplyRecipient {
  caseId: string;
  clientId: string;
  referenceCode: string;
  locale: string;
  /** not erased and with a Telegram chat */
  reachable: boolean;
  relayConsent: boolean;
  /** where the case's messages are relayed in Slack, if anywhere yet */
  thread: { channel: string; ts: string } | null;
}

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown })?.code === "P2002";

export class QuickReplyRepository {
  constructor(private readonly db: Db) {}

  async recipient(caseId: string): Promise<QuickReplyRecipient | null> {
    if (!UUID.test(caseId)) return null;
    const k = await this.db.case.findUnique({
      where: { id: caseId },
      select: {
        id: true,
        clientId: true,
        referenceCode: true,
        cmId: true,
        threadChannel: true,
        threadTs: true,
        client: {
          select: {
            locale: true,
            telegramChatId: true,
            erasedAt: true,
            consents: { select: { purpose: true, granted: true, decidedAt: true, withdrawnAt: true } },
          },
        },
        assignments: {
          where: { status: "accepted", slackTs: { not: null } },
          orderBy: { decidedAt: "desc" },
          take: 1,
          select: { cmId: true, slackChannel: true, slackTs: true },
        },
      },
    });
    if (!k) return null;
    // the accepted card in the case manager's DM is the thread until the case has one of its own
    const card = k.assignments.find((a) => a.cmId === k.cmId);
    const thread =
      k.threadChannel && k.threadTs
        ? { channel: k.threadChannel, ts: k.threadTs }
        : card?.slackChannel && card.slackTs
          ? { channel: card.slackChannel, ts: card.slackTs }
          : null;
    return {
      caseId: k.id,
      clientId: k.clientId,
      referenceCode: k.referenceCode,
      locale: k.client.locale,
      reachable: k.client.erasedAt === null && k.client.telegramChatId !== null,
      relayConsent: mayRelay(k.client.consents),
      thread,
    };
  }

  /**
   * Stores the reply once per key: the RelayedMessage (body encrypted by the caller), the audit row
   * with the reply's id only, and the key with the message id as its result. A second call with the
   * same key stores nothing and returns the first call's message id.
   */
  async store(a: {
    key: string;
    caseId: string;
    clientId: string;
    author: string;
    encryptedBody: string;
    replyId: string;
    now: Date;
  }): Promise<{ relayedMessageId: string; duplicate: boolean }> {
    try {
      const id = await this.db.$transaction(async (tx) => {
        const m = await tx.relayedMessage.create({
          data: {
            caseId: a.caseId,
            direction: "staff_to_client",
            body: a.encryptedBody,
            author: a.author,
            createdAt: a.now,
          },
          select: { id: true },
        });
        await tx.idempotencyKey.create({
          data: { key: a.key, scope: "quick_reply", createdAt: a.now, result: { relayedMessageId: m.id } },
        });
        await tx.auditLog.create({
          data: {
            actor: a.author,
            action: "relay.quick_reply",
            caseId: a.caseId,
            clientId: a.clientId,
            at: a.now,
            data: { relayedMessageId: m.id, quickReplyId: a.replyId },
          },
        });
        return m.id;
      });
      return { relayedMessageId: id, duplicate: false };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const row = await this.db.idempotencyKey.findUnique({
        where: { key: a.key },
        select: { result: true },
      });
      const stored = (row?.result as { relayedMessageId?: unknown } | null)?.relayedMessageId;
      if (typeof stored !== "string") throw e;
      return { relayedMessageId: stored, duplicate: true };
    }
  }
}
