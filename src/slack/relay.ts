// Staff → client half of the case-thread relay. A reply in a case's thread is relayed only when the
// writer may use the thread (the one rule: the case's case manager, their deputy during an absence, or
// a supervising lead) and the client consented to slack_relay, and never once the client was erased
// (outcome "erased"). It is stored as a RelayedMessage (body
// encrypted) exactly once per Slack message (IdempotencyKey "slack.msg.<channel>.<ts>", Slack
// redelivers events) and handed to the client via the ClientNotifier; the job carries ids only, the
// Telegram worker reads and decrypts the body by `relayedMessageId`.
// A deputy also answers from the copy of a client message in their DM (Reply modal, caseReply; once per
// view, IdempotencyKey "slack.view.<view id>"). A deputy's message uses the template
// "relay.deputy_message", which tells the client who stands in for their case manager: the client
// learns the deputy's name only when the deputy writes (issue 11.8).
import type { Db } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import type { ClientNotifier } from "../modules/notify/notifier.ts";
import { authorize, type StaffActor } from "../modules/staff/authorize.ts";
import type { FieldCipher } from "../privacy/crypto.ts";
import type { CaseQueries, CaseThreadTarget, StaffReplyResult, ThreadActions } from "./ports.ts";

export const STAFF_MESSAGE_TEMPLATE = "relay.staff_message";
export const DEPUTY_MESSAGE_TEMPLATE = "relay.deputy_message";
export const LEAD_MESSAGE_TEMPLATE = "relay.lead_message";
/** Telegram allows 4096 characters; leave room for the template around the text. */
export const MAX_RELAY_CHARS = 3500;

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown })?.code === "P2002";

export class PrismaThreadActions implements ThreadActions {
  constructor(
    private readonly deps: {
      db: Db;
      cipher: FieldCipher;
      queries: Pick<CaseQueries, "caseByThread" | "caseById">;
      clients: ClientNotifier;
      log: Logger;
      now: () => Date;
    },
  ) {}

  async staffReply(a: Parameters<ThreadActions["staffReply"]>[0]): Promise<StaffReplyResult> {
    const target = await this.deps.queries.caseByThread(a.channel, a.threadTs);
    if (!target) return { outcome: "unknown_thread" };
    return this.relay(target, a.by, a.text, { key: `slack.msg.${a.channel}.${a.ts}`, slackTs: a.ts });
  }

  async caseReply(a: Parameters<ThreadActions["caseReply"]>[0]): Promise<StaffReplyResult> {
    const target = await this.deps.queries.caseById(a.caseId);
    if (!target) return { outcome: "unknown_thread" };
    return this.relay(target, a.by, a.text, { key: `slack.view.${a.viewId}`, slackTs: null });
  }

  private async relay(
    target: CaseThreadTarget,
    by: StaffActor,
    text: string,
    once: { key: string; slackTs: string | null },
  ): Promise<StaffReplyResult> {
    const { db, cipher } = this.deps;
    const d = authorize(by, "thread.use", target);
    if (!d.ok) return { outcome: "not_allowed" };
    if (target.erased) return { outcome: "erased" };
    if (!target.relayConsent) return { outcome: "no_consent" };
    // the client should know who writes: their case manager, a deputy standing in, or a team lead
    const template =
      d.via === "deputy"
        ? DEPUTY_MESSAGE_TEMPLATE
        : d.via === "supervision" || d.via === "coordination"
          ? LEAD_MESSAGE_TEMPLATE
          : STAFF_MESSAGE_TEMPLATE;
    const now = this.deps.now();
    let id: string;
    try {
      id = await db.$transaction(async (tx) => {
        const m = await tx.relayedMessage.create({
          data: {
            caseId: target.caseId,
            direction: "staff_to_client",
            body: cipher.encrypt(text.slice(0, MAX_RELAY_CHARS)),
            author: `cm:${by.id}`,
            slackTs: once.slackTs,
            createdAt: now,
          },
          select: { id: true },
        });
        await tx.idempotencyKey.create({
          data: {
            key: once.key,
            scope: once.slackTs ? "slack.msg" : "slack.view",
            createdAt: now,
            result: { relayedMessageId: m.id },
          },
        });
        await tx.auditLog.create({
          data: {
            actor: `cm:${by.id}`,
            action: "relay.staff_message",
            caseId: target.caseId,
            clientId: target.clientId,
            at: now,
            data: { relayedMessageId: m.id, chars: text.length, via: d.via },
          },
        });
        return m.id;
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Slack delivered the event (or the submission) again: hand it on again (the send key makes that a
      // no-op if it was queued), so a crash between commit and enqueue cannot lose the message
      const stored = await this.storedFor(target.caseId, once);
      if (stored) await this.handOn(target, stored, template);
      return { outcome: "duplicate" };
    }
    await this.handOn(target, id, template);
    return { outcome: "relayed", via: d.via };
  }

  /** The message an idempotency key stands for (keys written before it kept a result: by Slack ts). */
  private async storedFor(
    caseId: string,
    once: { key: string; slackTs: string | null },
  ): Promise<string | null> {
    const k = await this.deps.db.idempotencyKey.findUnique({
      where: { key: once.key },
      select: { result: true },
    });
    const fromKey = (k?.result as { relayedMessageId?: unknown } | null)?.relayedMessageId;
    if (typeof fromKey === "string") return fromKey;
    if (!once.slackTs) return null;
    const m = await this.deps.db.relayedMessage.findFirst({
      where: { caseId, slackTs: once.slackTs, direction: "staff_to_client" },
      select: { id: true },
    });
    return m?.id ?? null;
  }

  /** ids only in the job: the Telegram worker loads and decrypts the body itself */
  private async handOn(
    target: { clientId: string; referenceCode: string },
    id: string,
    template: string,
  ): Promise<void> {
    await this.deps.clients.notify(
      target.clientId,
      template,
      { referenceCode: target.referenceCode, relayedMessageId: id },
      { key: `relay.${id}` },
    );
  }

  /** Where the case's thread is, for the record of a reply written elsewhere (null: none yet). */
  async threadOf(caseId: string): Promise<{ channel: string; ts: string } | null> {
    const k = await this.deps.db.case.findUnique({
      where: { id: caseId },
      select: { threadChannel: true, threadTs: true },
    });
    return k?.threadChannel && k.threadTs ? { channel: k.threadChannel, ts: k.threadTs } : null;
  }
}
