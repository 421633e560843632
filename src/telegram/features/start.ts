// /start (with deep links), /language, the language picker and the "continue / start over" choice.
//
// /start for someone new: language picker (Telegram's language_code suggests one) → info sheet →
// consent → questionnaire. /start for a client: resume the questionnaire, or say where they stand.
import { Composer } from "grammy";
import type { AppContext } from "../../app/feature.ts";
import { isClientLocale } from "../../i18n/index.ts";
import { isGranted } from "../../modules/intake/consent.repository.ts";
import { progressOf, sectionsFor } from "../../modules/intake/flow.ts";
import type { BotContext } from "../context.ts";
import { LOCALE_NATIVE_NAMES, newIntakeKeyboard, resumeKeyboard } from "../keyboards.ts";
import { showConsent, showInfoSheet, showLanguagePicker } from "./info.ts";
import { showCurrent, startQuestionnaire } from "./intake.ts";
import {
  answer,
  type ClientServices,
  callbackMessageId,
  clearKeyboard,
  HTML_OPTS,
  onPayload,
  outdated,
  plainT,
  send,
  setLocale,
  signer,
  tr,
} from "./shared.ts";

const START_PARAM = /^[A-Za-z0-9_-]{1,64}$/;

/** A deep-link code from the organisation file; anything else (unknown, malformed) is no link at all. */
export function resolveDeepLink(
  app: AppContext,
  param: string | undefined,
): { source: string; districtId?: string } | undefined {
  const code = param?.trim();
  if (!code || !START_PARAM.test(code)) return undefined;
  const link = app.org.deepLinks.find((l) => l.code === code);
  if (!link) return undefined;
  return { source: link.source, ...(link.district ? { districtId: link.district } : {}) };
}

/** A client came back (/start, or agreed again): pick up where they are. */
export async function welcomeBack(ctx: BotContext, s: ClientServices): Promise<void> {
  const clientId = ctx.clientId!;
  const consent = await s.consents.current(clientId);
  if (!isGranted(consent.case_management)) {
    await send(ctx, tr(ctx, "start.welcomeBackWithoutConsent"));
    await showInfoSheet(ctx, s);
    return;
  }
  const loaded = await s.intakes.loadConversation(clientId);
  if (loaded && "state" in loaded) {
    const step = loaded.state.step;
    const sections = sectionsFor(loaded.state.draft);
    const { n, total } =
      step === "summary"
        ? { n: sections.length, total: sections.length }
        : progressOf(step, loaded.state.draft);
    await send(ctx, tr(ctx, "start.resume.text", { n, total }), resumeKeyboard(plainT(ctx), signer(s)));
    return;
  }
  if (loaded) return startQuestionnaire(ctx, s, clientId, { intro: false });
  const standing = await s.standing.standingOf(clientId, s.app.now());
  if (standing.kind === "none") return startQuestionnaire(ctx, s, clientId);
  const mayStartAgain = standing.kind === "closed" || standing.kind === "referral";
  await send(
    ctx,
    tr(ctx, "start.again.submitted", { code: standing.referenceCode }),
    mayStartAgain ? newIntakeKeyboard(plainT(ctx), signer(s)) : undefined,
  );
}

export function startComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command("start", async (ctx) => {
    if (ctx.clientId) return welcomeBack(ctx, s);
    const from = ctx.from!;
    const link = resolveDeepLink(s.app, typeof ctx.match === "string" ? ctx.match : undefined);
    const visitor = link
      ? await s.visitors.update(from.id, { source: link.source, districtId: link.districtId })
      : await s.visitors.get(from.id);
    await showLanguagePicker(ctx, s, visitor?.locale);
  });

  c.command("language", async (ctx) => {
    await showLanguagePicker(
      ctx,
      s,
      ctx.clientId ? ctx.locale : (await s.visitors.get(ctx.from!.id))?.locale,
    );
  });

  onPayload(c, "l", async (ctx, [, locale]) => {
    if (!locale || !isClientLocale(locale)) return outdated(ctx);
    setLocale(ctx, s.app, locale);
    await answer(ctx);
    // the picker stays in the chat, showing the choice
    const mid = callbackMessageId(ctx);
    if (mid !== undefined)
      await ctx.api
        .editMessageText(ctx.chat!.id, mid, `🌐 ${LOCALE_NATIVE_NAMES[locale]}`, {
          ...HTML_OPTS,
          reply_markup: { inline_keyboard: [] },
        })
        .catch(() => {});
    if (ctx.clientId) {
      await s.intakes.setLocale(ctx.clientId, locale);
      await send(ctx, tr(ctx, "language.changed", { language: LOCALE_NATIVE_NAMES[locale] }));
      const loaded = await s.intakes.loadConversation(ctx.clientId);
      if (loaded && "state" in loaded) await showCurrent(ctx, s, ctx.clientId, loaded.state);
      return;
    }
    await s.visitors.update(ctx.from!.id, { locale });
    await showInfoSheet(ctx, s);
  });

  onPayload(c, "s", async (ctx, [, action]) => {
    switch (action) {
      case "go": {
        await answer(ctx);
        await clearKeyboard(ctx, callbackMessageId(ctx));
        if (ctx.clientId && isGranted((await s.consents.current(ctx.clientId)).case_management))
          return welcomeBack(ctx, s);
        await showConsent(ctx, s);
        return;
      }
      case "lang":
        await answer(ctx);
        await showLanguagePicker(ctx, s, ctx.locale);
        return;
      case "cont": {
        const clientId = ctx.clientId;
        const loaded = clientId ? await s.intakes.loadConversation(clientId) : undefined;
        if (!clientId || !loaded || !("state" in loaded)) return outdated(ctx);
        await answer(ctx);
        await clearKeyboard(ctx, callbackMessageId(ctx));
        await showCurrent(ctx, s, clientId, loaded.state);
        return;
      }
      case "new": {
        const clientId = ctx.clientId;
        if (!clientId || !isGranted((await s.consents.current(clientId)).case_management))
          return outdated(ctx);
        const loaded = await s.intakes.loadConversation(clientId);
        if (!loaded) {
          // a new questionnaire only when the last one was closed or referred elsewhere
          const standing = await s.standing.standingOf(clientId, s.app.now());
          if (standing.kind !== "closed" && standing.kind !== "referral" && standing.kind !== "none")
            return outdated(ctx);
        }
        await answer(ctx);
        await clearKeyboard(ctx, callbackMessageId(ctx));
        if (loaded && "state" in loaded) await clearKeyboard(ctx, loaded.state.messageId);
        const suggested = loaded && "state" in loaded ? loaded.state.draft.suggestedDistrictId : undefined;
        await startQuestionnaire(ctx, s, clientId, suggested ? { suggestedDistrictId: suggested } : {});
        return;
      }
      default:
        return outdated(ctx);
    }
  });

  return c;
}
