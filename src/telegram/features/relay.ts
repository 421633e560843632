// Free text from a client who has a case manager: with consent to the relay it is stored (encrypted)
// and posted into the case's Slack thread; without it the client is told once why nothing is passed
// on and how to change that. Everything else falls through to the other features and the fallback.
import { Composer } from "grammy";
import type { AppContext, Feature } from "../../app/feature.ts";
import { hasConsent } from "../../modules/privacy/consent-guard.repository.ts";
import { SlackRelay } from "../../slack/outbox.ts";
import type { BotContext } from "../context.ts";
import { TELEGRAM_TEXT_LIMIT } from "./fallback.ts";
import { send, tr } from "./shared.ts";

/** Phases in which a case manager has accepted the case and can read a message. */
const WITH_CASE_MANAGER = [
  "first_consultation",
  "assessment",
  "goal_agreement",
  "service_steering",
  "reassessment",
] as const;

export function relayComposer(app: AppContext): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const relay = new SlackRelay(app.producer);
  c.chatType("private").on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    if (!ctx.clientId || text.startsWith("/") || text.length > TELEGRAM_TEXT_LIMIT) return next();
    const kase = await app.db.case.findFirst({
      where: { clientId: ctx.clientId, phase: { in: [...WITH_CASE_MANAGER] }, cmId: { not: null } },
      orderBy: { openedAt: "desc" },
      select: { id: true, referenceCode: true },
    });
    if (!kase) return next();
    if (!(await hasConsent(app.db, ctx.clientId, "slack_relay"))) {
      await send(ctx, tr(ctx, "relay.noConsent"));
      return;
    }
    const stored = await app.db.$transaction(async (tx) => {
      const m = await tx.relayedMessage.create({
        data: {
          caseId: kase.id,
          direction: "client_to_staff",
          body: app.cipher.encrypt(text),
          author: "client",
          telegramMessageId: ctx.message.message_id,
        },
        select: { id: true },
      });
      await tx.case.update({ where: { id: kase.id }, data: { lastContactAt: app.now() } });
      return m;
    });
    await relay.relayClientMessage(kase.id, stored.id);
    app.log.info({ caseId: kase.id, relayedMessageId: stored.id }, "client message relayed");
    await send(ctx, tr(ctx, "relay.forwarded", { referenceCode: kase.referenceCode }));
  });
  return c;
}

/** Place before the client fallback, after the intake (whose questions take free text first). */
export const relayFeature: Feature = { name: "client-relay", telegram: (app) => relayComposer(app) };
