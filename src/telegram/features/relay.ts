// Free text from a client with a case: with consent to the relay it is stored (encrypted) and posted
// into the case's Slack thread once a case manager accepted the case, or, while the case still waits,
// into the first-contact channel of its region (modules/cases/first-contact.ts). Without consent the
// client of a case manager is told once why nothing is passed on; a waiting client without consent or
// without a first-contact channel gets the ordinary answer. Everything else falls through to the
// other features and the fallback.
import { Composer } from "grammy";
import type { AppContext, Feature } from "../../app/feature.ts";
import {
  BEFORE_ACCEPTANCE,
  routeClientMessage,
  WITH_CASE_MANAGER,
} from "../../modules/cases/first-contact.ts";
import { hasConsent } from "../../modules/privacy/consent-guard.repository.ts";
import { SlackRelay } from "../../slack/outbox.ts";
import type { BotContext } from "../context.ts";
import { TELEGRAM_TEXT_LIMIT } from "./fallback.ts";
import { send, tr } from "./shared.ts";

export function relayComposer(app: AppContext): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const relay = new SlackRelay(app.producer);
  c.chatType("private").on("message:text", async (ctx, next) => {
    const text = ctx.message.text;
    if (!ctx.clientId || text.startsWith("/") || text.length > TELEGRAM_TEXT_LIMIT) return next();
    const select = { id: true, referenceCode: true, phase: true, cmId: true, regionId: true } as const;
    // a case with its case manager comes first, as before there was a first-contact route
    const kase =
      (await app.db.case.findFirst({
        where: { clientId: ctx.clientId, phase: { in: [...WITH_CASE_MANAGER] }, cmId: { not: null } },
        orderBy: { openedAt: "desc" },
        select,
      })) ??
      (await app.db.case.findFirst({
        where: { clientId: ctx.clientId, phase: { in: [...BEFORE_ACCEPTANCE] } },
        orderBy: { openedAt: "desc" },
        select,
      }));
    if (!kase) return next();
    const route = routeClientMessage(kase, app.org.regions);
    if (route.to === "nobody") return next();
    const consented = await hasConsent(app.db, ctx.clientId, "slack_relay");
    if (!consented && route.to === "first_contact") return next();
    if (!consented) {
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
      // lastContactAt is the case manager's contact (monitoring); the first-contact team is not that
      if (route.to === "case_manager")
        await tx.case.update({ where: { id: kase.id }, data: { lastContactAt: app.now() } });
      return m;
    });
    await relay.relayClientMessage(kase.id, stored.id);
    app.log.info({ caseId: kase.id, relayedMessageId: stored.id, to: route.to }, "client message relayed");
    const said = route.to === "first_contact" ? "relay.firstContact" : "relay.forwarded";
    await send(ctx, tr(ctx, said, { referenceCode: kase.referenceCode }));
  });
  return c;
}

/** Place before the client fallback, after the intake (whose questions take free text first). */
export const relayFeature: Feature = { name: "client-relay", telegram: (app) => relayComposer(app) };
