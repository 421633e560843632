// Staff → client half of the case-thread relay. A reply in a case's thread is relayed only when the
// writer is the case's case manager (or their supervising lead) and the client consented to
// slack_relay, and never once the client was erased (outcome "erased"). It is stored as a RelayedMessage (body encrypted) exactly once per Slack message
// (IdempotencyKey "slack.msg.<channel>.<ts>", Slack redelivers events) and handed to the client via
// the ClientNotifier with template "relay.staff_message"; the job carries ids only, the Telegram
// worker reads and decrypts the body by `relayedMessageId`.
import type { Db } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import type { ClientNotifier } from "../modules/notify/notifier.ts";
import { authorize } from "../modules/staff/authorize.ts";
import type { FieldCipher } from "../privacy/crypto.ts";
import type { CaseQueries, StaffReplyResult, ThreadActions } from "./ports.ts";

export const STAFF_MESSAGE_TEMPLATE = "relay.staff_message";
/** Telegram allows 4096 characters; leave room for the template around the text. */
export const MAX_RELAY_CHARS = 3500;

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown })?.code === "P2002";

export class PrismaThreadActions implements ThreadActions {
  constructor(
    private readonly deps: {
      db: Db;
      cipher: FieldCipher;
      queries: Pick<CaseQueries, "caseByThread">;
      clients: ClientNotifier;
      log: Logger;
      now: () => Date;
    },
  ) {}

  async staffReply(a: Parameters<ThreadActions["staffReply"]>[0]): Promise<StaffReplyResult> {
    const { db, cipher } = this.deps;
    const target = await this.deps.queries.caseByThread(a.channel, a.threadTs);
    if (!target) return { outcome: "unknown_thread" };
    if (!authorize(a.by, "thread.use", target).ok) return { outcome: "not_allowed" };
    if (target.erased) return { outcome: "erased" };
    if (!target.relayConsent) return { outcome: "no_consent" };
    const now = this.deps.now();
    let id: string;
    try {
      id = await db.$transaction(async (tx) => {
        await tx.idempotencyKey.create({
          data: { key: `slack.msg.${a.channel}.${a.ts}`, scope: "slack.msg", createdAt: now },
        });
        const m = await tx.relayedMessage.create({
          data: {
            caseId: target.caseId,
            direction: "staff_to_client",
            body: cipher.encrypt(a.text.slice(0, MAX_RELAY_CHARS)),
            author: `cm:${a.by.id}`,
            slackTs: a.ts,
            createdAt: now,
          },
          select: { id: true },
        });
        await tx.auditLog.create({
          data: {
            actor: `cm:${a.by.id}`,
            action: "relay.staff_message",
            caseId: target.caseId,
            clientId: target.clientId,
            at: now,
            data: { relayedMessageId: m.id, chars: a.text.length },
          },
        });
        return m.id;
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Slack delivered the event again: hand it on again (the send key makes that a no-op if it
      // was queued), so a crash between commit and enqueue cannot lose the message
      const stored = await db.relayedMessage.findFirst({
        where: { caseId: target.caseId, slackTs: a.ts, direction: "staff_to_client" },
        select: { id: true },
      });
      if (stored) await this.handOn(target, stored.id);
      return { outcome: "duplicate" };
    }
    await this.handOn(target, id);
    return { outcome: "relayed" };
  }

  /** ids only in the job: the Telegram worker loads and decrypts the body itself */
  private async handOn(target: { clientId: string; referenceCode: string }, id: string): Promise<void> {
    await this.deps.clients.notify(
      target.clientId,
      STAFF_MESSAGE_TEMPLATE,
      { referenceCode: target.referenceCode, relayedMessageId: id },
      { key: `relay.${id}` },
    );
  }
}
