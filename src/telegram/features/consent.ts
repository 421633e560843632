// Consent per purpose: the consent screen after the info sheet, and /consent to see and change it.
//
// What is stored when:
//   - before agreeing: nothing in Postgres; the chosen language (and a deep-link source) live in Redis
//     under the Telegram user id for at most 14 days (src/telegram/features/visitor.ts)
//   - agreeing to case management: Client + three Consent rows (one per purpose, granted or not, text
//     version, time) + the questionnaire's first step, in one transaction
//   - declining: nothing in Postgres, and the Redis entry is deleted; the person gets general
//     information and the referral addresses of the organisation file
//   - withdrawing case management later (/consent): the consent rows are stamped withdrawnAt, the
//     optional purposes with them, the questionnaire draft is deleted; the Client row stays with its
//     consent history (erasure is /delete's job, a later issue)

import { Composer } from "grammy";
import { lifecycleOf } from "../../app/runtime/casework.ts";
import { isClientLocale } from "../../i18n/index.ts";
import { isGranted, PURPOSES, type Purpose } from "../../modules/intake/consent.repository.ts";
import { initialState } from "../../modules/intake/flow.ts";
import { stopCaseManagement } from "../../modules/privacy/withdrawal.ts";
import type { BotContext } from "../context.ts";
import {
  bitsToChoices,
  consentKeyboard,
  consentManageKeyboard,
  declinedKeyboard,
  type OptionalChoices,
  purposeOfCode,
  withdrawConfirmKeyboard,
} from "../keyboards.ts";
import { consentText, referralBlocks, showConsent } from "./info.ts";
import { showCurrent } from "./intake.ts";
import {
  answer,
  type ClientServices,
  callbackMessageId,
  clearKeyboard,
  directed,
  editOrSend,
  formatDate,
  HTML_OPTS,
  html,
  officeLines,
  onPayload,
  outdated,
  plain,
  plainT,
  send,
  setLocale,
  signer,
  tr,
} from "./shared.ts";
import { welcomeBack } from "./start.ts";

function decisionLines(ctx: BotContext, granted: Record<Purpose, boolean>): string {
  return PURPOSES.map((p) =>
    directed(`${granted[p] ? "✅" : "✖️"} ${tr(ctx, `consent.purpose.${p}`)}`, ctx.locale),
  ).join("\n");
}

/** Leaves the consent screen in the chat as the record of the decision, without buttons. */
async function recordOnScreen(ctx: BotContext, s: ClientServices, footer: string): Promise<void> {
  const mid = callbackMessageId(ctx);
  if (mid === undefined || !ctx.chat) return;
  await ctx.api
    .editMessageText(ctx.chat.id, mid, `${consentText(ctx, s)}\n\n${footer}`, {
      ...HTML_OPTS,
      reply_markup: { inline_keyboard: [] },
    })
    .catch(() => {});
}

/**
 * Is a request still open (so agreeing again continues it instead of a new questionnaire)? After a
 * withdrawal the wait-list place is gone, so only a case that reached a case manager counts.
 */
async function hasOpenRequest(s: ClientServices, clientId: string): Promise<boolean> {
  const st = await s.standing.standingOf(clientId, s.app.now());
  return st.kind === "pending" || st.kind === "assigned" || st.kind === "waiting";
}

async function agree(
  ctx: BotContext,
  s: ClientServices,
  choices: OptionalChoices | undefined,
): Promise<void> {
  if (!choices) return outdated(ctx);
  const from = ctx.from!;
  const now = s.app.now();
  await answer(ctx);
  const granted = { case_management: true, partner_sharing: choices.partner, slack_relay: choices.slack };
  const state = initialState({ locale: ctx.locale });

  if (ctx.clientId) {
    const clientId = ctx.clientId;
    if (isGranted((await s.consents.current(clientId)).case_management)) {
      await clearKeyboard(ctx, callbackMessageId(ctx));
      return welcomeBack(ctx, s);
    }
    const open = await hasOpenRequest(s, clientId);
    const hasDraft = await s.intakes.hasConversation(clientId);
    await s.consents.agreeAgain({
      clientId,
      partner: choices.partner,
      slack: choices.slack,
      now,
      ...(open || hasDraft ? {} : { conversation: s.intakes.toRow(state) }),
    });
    await recordOnScreen(ctx, s, `${tr(ctx, "consent.recorded")}\n${decisionLines(ctx, granted)}`);
    if (open || hasDraft) return welcomeBack(ctx, s);
    await send(ctx, tr(ctx, "intake.intro"));
    await showCurrent(ctx, s, clientId, state);
    return;
  }

  const visitor = await s.visitors.get(from.id);
  const fresh = initialState({
    locale: ctx.locale,
    ...(visitor?.districtId ? { suggestedDistrictId: visitor.districtId } : {}),
  });
  const reg = await s.consents.register({
    telegramUserId: from.id,
    chatId: ctx.chat!.id,
    locale: ctx.locale,
    ...(visitor?.source ? { source: visitor.source } : {}),
    partner: choices.partner,
    slack: choices.slack,
    conversation: s.intakes.toRow(fresh),
    now,
  });
  ctx.clientId = reg.clientId;
  await s.visitors.delete(from.id);
  if (!reg.created) return welcomeBack(ctx, s);
  s.app.log.info({ clientId: reg.clientId }, "client registered with consent");
  await recordOnScreen(ctx, s, `${tr(ctx, "consent.recorded")}\n${decisionLines(ctx, granted)}`);
  await send(ctx, tr(ctx, "intake.intro"));
  await showCurrent(ctx, s, reg.clientId, fresh);
}

async function decline(ctx: BotContext, s: ClientServices): Promise<void> {
  await answer(ctx);
  if (!ctx.clientId) await s.visitors.delete(ctx.from!.id);
  await recordOnScreen(ctx, s, tr(ctx, "consent.declined.recorded"));
  await send(
    ctx,
    tr(ctx, "consent.declined.text", {
      referrals: html(referralBlocks(s.app)),
      offices: html(officeLines(s.app)),
    }),
    declinedKeyboard(plainT(ctx), signer(s), ctx.locale),
  );
}

async function manageView(ctx: BotContext, s: ClientServices, clientId: string) {
  const current = await s.consents.current(clientId);
  const lines = PURPOSES.map((p) => {
    const st = current[p];
    const status = !st
      ? tr(ctx, "consent.manage.notAsked")
      : isGranted(st)
        ? tr(ctx, "consent.manage.givenOn", {
            date: formatDate(s.app, ctx.locale, st.decidedAt),
            version: st.version,
          })
        : st.withdrawnAt
          ? tr(ctx, "consent.manage.withdrawnOn", { date: formatDate(s.app, ctx.locale, st.withdrawnAt) })
          : tr(ctx, "consent.manage.notGiven");
    return directed(
      `${isGranted(st) ? "✅" : "⬜"} <b>${tr(ctx, `consent.purpose.${p}`)}</b>\n${status}`,
      ctx.locale,
    );
  });
  const text = [
    tr(ctx, "consent.manage.title"),
    "",
    lines.join("\n\n"),
    "",
    tr(ctx, "consent.manage.hint"),
  ].join("\n");
  const state = {
    case_management: isGranted(current.case_management),
    partner_sharing: isGranted(current.partner_sharing),
    slack_relay: isGranted(current.slack_relay),
  };
  return { text, keyboard: consentManageKeyboard(plainT(ctx), signer(s), state), state };
}

export function consentComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();

  onPayload(c, "c", async (ctx, [, action, arg]) => {
    switch (action) {
      case "t": {
        const choices = bitsToChoices(arg);
        if (!choices) return outdated(ctx);
        await editOrSend(ctx, consentText(ctx, s), consentKeyboard(plainT(ctx), signer(s), choices));
        return answer(ctx);
      }
      case "y":
        return agree(ctx, s, bitsToChoices(arg));
      case "n":
        return decline(ctx, s);
      case "r": {
        // "I changed my mind" after declining: the button carries the language, since nothing was kept
        if (!arg || !isClientLocale(arg)) return outdated(ctx);
        setLocale(ctx, s.app, arg);
        if (!ctx.clientId) await s.visitors.update(ctx.from!.id, { locale: arg });
        await answer(ctx);
        await clearKeyboard(ctx, callbackMessageId(ctx));
        await showConsent(ctx, s);
        return;
      }
      default:
        return outdated(ctx);
    }
  });

  c.command("consent", async (ctx) => {
    if (!ctx.clientId) return void (await send(ctx, tr(ctx, "consent.manage.nothingStored")));
    const v = await manageView(ctx, s, ctx.clientId);
    await send(ctx, v.text, v.keyboard);
  });

  onPayload(c, "k", async (ctx, [, code, arg]) => {
    const clientId = ctx.clientId;
    if (!clientId) return outdated(ctx);
    const now = s.app.now();
    if (code === "cmx") {
      const { leftWaitlist } = await s.consents.withdrawCaseManagement(clientId, now);
      // withdrawing ends case management itself: open cases close (reason withdrawn), the case
      // manager is told, the freed place goes to the next person waiting
      const { closed } = await stopCaseManagement(
        { db: s.app.db, lifecycle: lifecycleOf(s.app), jobs: s.app.producer },
        clientId,
      );
      s.app.log.info(
        { clientId, leftWaitlist, closedCases: closed.length },
        "consent to case management withdrawn",
      );
      await answer(ctx);
      await editOrSend(
        ctx,
        tr(ctx, "consent.withdraw.done", {
          offices: html(officeLines(s.app)),
          deleteHint: html(tr(ctx, "info.deleteHint")),
        }),
      );
      return;
    }
    if (code === "keep") {
      const v = await manageView(ctx, s, clientId);
      await editOrSend(ctx, v.text, v.keyboard);
      return answer(ctx);
    }
    const purpose = code ? purposeOfCode(code) : undefined;
    const grant = arg === "1" ? true : arg === "0" ? false : undefined;
    if (!purpose || grant === undefined) return outdated(ctx);
    const current = await manageView(ctx, s, clientId);
    if (current.state[purpose] === grant) {
      await editOrSend(ctx, current.text, current.keyboard);
      return answer(ctx);
    }
    if (purpose === "case_management") {
      if (grant) {
        // giving it again means reading the full text again
        await answer(ctx);
        await clearKeyboard(ctx, callbackMessageId(ctx));
        await showConsent(ctx, s);
        return;
      }
      await editOrSend(ctx, tr(ctx, "consent.withdraw.ask"), withdrawConfirmKeyboard(plainT(ctx), signer(s)));
      return answer(ctx);
    }
    if (grant && !current.state.case_management)
      return answer(ctx, plain(ctx, "consent.manage.needsCaseManagement"));
    await s.consents.setOptional(clientId, purpose, grant, now);
    const v = await manageView(ctx, s, clientId);
    await editOrSend(ctx, v.text, v.keyboard);
    await answer(ctx, plain(ctx, grant ? "consent.manage.given" : "consent.manage.withdrawn"));
  });

  return c;
}
