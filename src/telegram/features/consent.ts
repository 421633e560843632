// Consent per purpose: the consent screen after the info sheet, and /consent to see and change it.
//
// What is stored when:
//   - before agreeing: nothing in Postgres; the chosen language (and a deep-link source) live in Redis
//     under the Telegram user id for at most 14 days (src/telegram/features/visitor.ts)
//   - agreeing to case management: Client + Consent rows (case management, Slack relay and one per
//     partner office listed, granted or not, text version, time) + the questionnaire's first step, in
//     one transaction
//   - declining: nothing in Postgres, and the Redis entry is deleted; the person gets general
//     information and the referral addresses of the organisation file
//   - withdrawing case management later (/consent): the consent rows are stamped withdrawnAt, the
//     optional purposes and every office's release with them, the questionnaire draft is deleted; the
//     Client row stays with its consent history (erasure is /delete's job)
//   - giving or withdrawing one office's release (/consent, or the buttons under /mydata): a new row
//     or a withdrawnAt stamp, plus an audit entry; the tap is applied to the client of the Telegram
//     user who tapped (the payload names only the office), and only to an office of the org file

import { Composer } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AppContext } from "../../app/feature.ts";
import { lifecycleOf } from "../../app/runtime/casework.ts";
import { isClientLocale } from "../../i18n/index.ts";
import { isGranted, type PurposeState } from "../../modules/intake/consent.repository.ts";
import { initialState } from "../../modules/intake/flow.ts";
import {
  PartnerConsentRepository,
  type PartnerConsentState,
  partnerCovered,
} from "../../modules/privacy/partner-consent.repository.ts";
import { stopCaseManagement } from "../../modules/privacy/withdrawal.ts";
import type { BotContext } from "../context.ts";
import {
  bitsToChoices,
  CONSENT_NUMBER,
  consentKeyboard,
  consentManageKeyboard,
  declinedKeyboard,
  type MANAGED_PURPOSES,
  type OptionalChoices,
  type PartnerOffice,
  partnerWithdrawKeyboard,
  purposeOfCode,
  type Sign,
  withdrawConfirmKeyboard,
} from "../keyboards.ts";
import { consentText, latin, partnerOffices, referralBlocks, showConsent } from "./info.ts";
import { showCurrent } from "./intake.ts";
import {
  answer,
  type ClientServices,
  callbackMessageId,
  clearKeyboard,
  directed,
  editOrSend,
  escapeHtml,
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

const mark = (on: boolean) => (on ? "✅" : "✖️");

/** The decision as recorded, one line per item, numbered as on the screen. */
function decisionLines(ctx: BotContext, s: ClientServices, choices: OptionalChoices): string {
  const lines = [
    `${mark(true)} ${CONSENT_NUMBER.caseManagement} ${tr(ctx, "consent.purpose.case_management")}`,
    ...partnerOffices(s.app).map(
      (o, i) =>
        `${mark(choices.partners[i] === true)} ${CONSENT_NUMBER.partner(i)} ${latin(ctx, escapeHtml(o.name))}`,
    ),
    `${mark(choices.slack)} ${CONSENT_NUMBER.slack} ${tr(ctx, "consent.purpose.slack_relay")}`,
  ];
  return lines.map((l) => directed(l, ctx.locale)).join("\n");
}

const decisionsOf = (offices: readonly PartnerOffice[], c: OptionalChoices) =>
  offices.map((o, i) => ({ partnerId: o.id, granted: c.partners[i] === true }));

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
  const offices = partnerOffices(s.app);
  const recorded = `${tr(ctx, "consent.recorded")}\n${decisionLines(ctx, s, choices)}`;
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
      partners: decisionsOf(offices, choices),
      slack: choices.slack,
      now,
      ...(open || hasDraft ? {} : { conversation: s.intakes.toRow(state) }),
    });
    await recordOnScreen(ctx, s, recorded);
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
    partners: decisionsOf(offices, choices),
    slack: choices.slack,
    conversation: s.intakes.toRow(fresh),
    now,
  });
  ctx.clientId = reg.clientId;
  await s.visitors.delete(from.id);
  if (!reg.created) return welcomeBack(ctx, s);
  s.app.log.info({ clientId: reg.clientId }, "client registered with consent");
  await recordOnScreen(ctx, s, recorded);
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

function statusLine(
  ctx: BotContext,
  app: AppContext,
  st: Pick<PurposeState, "granted" | "version" | "decidedAt" | "withdrawnAt"> | null | undefined,
): string {
  if (!st) return tr(ctx, "consent.manage.notAsked");
  if (isGranted(st))
    return tr(ctx, "consent.manage.givenOn", {
      date: formatDate(app, ctx.locale, st.decidedAt),
      version: st.version,
    });
  if (st.withdrawnAt)
    return tr(ctx, "consent.manage.withdrawnOn", { date: formatDate(app, ctx.locale, st.withdrawnAt) });
  return tr(ctx, "consent.manage.notGiven");
}

/** One line per partner office of the org file: its name and the state of its release. */
function partnerStateLines(
  ctx: BotContext,
  app: AppContext,
  states: ReadonlyMap<string, PartnerConsentState>,
): string[] {
  return partnerOffices(app).map((o) => {
    const st = states.get(o.id);
    return directed(
      `${partnerCovered(st) ? "✅" : "⬜"} <b>${latin(ctx, escapeHtml(o.name))}</b>\n${statusLine(ctx, app, st)}`,
      ctx.locale,
    );
  });
}

async function manageView(ctx: BotContext, s: ClientServices, clientId: string) {
  const current = await s.consents.current(clientId);
  const states = await new PartnerConsentRepository(s.app.db).states(clientId);
  const purposeLine = (p: (typeof MANAGED_PURPOSES)[number]) =>
    directed(
      `${isGranted(current[p]) ? "✅" : "⬜"} <b>${tr(ctx, `consent.purpose.${p}`)}</b>\n${statusLine(ctx, s.app, current[p])}`,
      ctx.locale,
    );
  const state = {
    case_management: isGranted(current.case_management),
    slack_relay: isGranted(current.slack_relay),
  };
  const offices = partnerOffices(s.app);
  const text = [
    tr(ctx, "consent.manage.title"),
    "",
    purposeLine("case_management"),
    "",
    directed(`<b>${tr(ctx, "consent.purpose.partner_sharing")}</b>`, ctx.locale),
    ...(offices.length ? partnerStateLines(ctx, s.app, states) : [tr(ctx, "consent.manage.noPartners")]),
    "",
    purposeLine("slack_relay"),
    "",
    tr(ctx, "consent.manage.hint"),
  ].join("\n");
  const partners = state.case_management
    ? offices.map((o) => ({ ...o, covered: partnerCovered(states.get(o.id)) }))
    : [];
  return { text, keyboard: consentManageKeyboard(plainT(ctx), signer(s), state, partners), state, states };
}

/**
 * /mydata's part: the state of every office's release, with a withdraw button for each office
 * released (the export itself lists every decision). Undefined when the org file names no office.
 */
export async function partnerConsentSummary(
  ctx: BotContext,
  app: AppContext,
  sign: Sign,
  clientId: string,
): Promise<{ text: string; keyboard: InlineKeyboardMarkup } | undefined> {
  const offices = partnerOffices(app);
  if (!offices.length) return undefined;
  const states = await new PartnerConsentRepository(app.db).states(clientId);
  const text = [
    tr(ctx, "consent.mydata.title"),
    "",
    partnerStateLines(ctx, app, states).join("\n\n"),
    "",
    tr(ctx, "consent.mydata.hint"),
  ].join("\n");
  const covered = offices.filter((o) => partnerCovered(states.get(o.id)));
  return { text, keyboard: partnerWithdrawKeyboard(plainT(ctx), sign, covered) };
}

export function consentComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();

  onPayload(c, "c", async (ctx, [, action, arg, fp]) => {
    const offices = partnerOffices(s.app);
    switch (action) {
      case "t": {
        const choices = bitsToChoices(arg, fp, offices);
        if (!choices) return outdated(ctx);
        await editOrSend(ctx, consentText(ctx, s), consentKeyboard(plainT(ctx), signer(s), choices, offices));
        return answer(ctx);
      }
      case "y":
        return agree(ctx, s, bitsToChoices(arg, fp, offices));
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

  onPayload(c, "k", async (ctx, [, code, arg, grantArg]) => {
    const clientId = ctx.clientId;
    if (!clientId) return outdated(ctx);
    const now = s.app.now();
    if (code === "po") return partnerTap(ctx, s, clientId, arg, grantArg, now, "consent");
    if (code === "pw") return partnerTap(ctx, s, clientId, arg, "0", now, "mydata");
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
    if (!purpose || purpose === "partner_sharing" || grant === undefined) return outdated(ctx);
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

/**
 * A tap on an office's give/withdraw button (from /consent or /mydata). Ownership: the client is
 * the one of the Telegram user who tapped (ctx.clientId, never from the payload), and the office
 * must be one of the org file. The message is redrawn as the view it came from.
 */
async function partnerTap(
  ctx: BotContext,
  s: ClientServices,
  clientId: string,
  partnerId: string | undefined,
  grantArg: string | undefined,
  now: Date,
  from: "consent" | "mydata",
): Promise<void> {
  const grant = grantArg === "1" ? true : grantArg === "0" ? false : undefined;
  const office = partnerOffices(s.app).find((o) => o.id === partnerId);
  if (!office || grant === undefined) return outdated(ctx);
  if (grant && !isGranted((await s.consents.current(clientId)).case_management))
    return answer(ctx, plain(ctx, "consent.manage.needsCaseManagement"));
  const { changed } = await s.consents.setPartner(clientId, office.id, grant, now);
  if (changed) s.app.log.info({ clientId, partnerId: office.id, granted: grant }, "partner consent changed");
  const view =
    from === "mydata"
      ? await partnerConsentSummary(ctx, s.app, signer(s), clientId)
      : await manageView(ctx, s, clientId);
  if (view) await editOrSend(ctx, view.text, view.keyboard);
  await answer(ctx, plain(ctx, grant ? "consent.manage.given" : "consent.manage.withdrawn"));
}
