// The questionnaire in the chat. Every button tap or typed answer is one event for the pure flow
// (src/modules/intake/flow.ts); the new state is saved before anything is shown, so what the person
// sees is always what the database holds.
//
// Display rules: a tap that changes a selection edits the question in place; an answer that moves
// forward leaves the answered question in the chat (with the answer under it, without buttons) and
// asks the next one in a new message; back and edits from the summary replace the message in place.
import { Composer } from "grammy";
import type { IntakeAnswers } from "../../modules/intake/answers.ts";
import {
  type FlowEvent,
  type FlowState,
  initialState,
  type QuestionStep,
  reduce,
  STEPS,
  stepOfCode,
  viewOf,
} from "../../modules/intake/flow.ts";
import { AlreadySubmittedError } from "../../modules/intake/intake.repository.ts";
import type { BotContext } from "../context.ts";
import { answeredText, summaryText, viewMessage } from "./intake-view.ts";
import {
  answer,
  type ClientServices,
  callbackMessageId,
  clearKeyboard,
  editOrSend,
  HTML_OPTS,
  onPayload,
  outdated,
  plain,
  send,
  tr,
} from "./shared.ts";

/** Shows the current question (or summary) as a new message and remembers it. */
export async function showCurrent(
  ctx: BotContext,
  s: ClientServices,
  clientId: string,
  state: FlowState,
): Promise<void> {
  const { text, keyboard } = viewMessage(ctx, s, viewOf(state, s.flow));
  await clearKeyboard(ctx, state.messageId);
  const id = await send(ctx, text, keyboard);
  await s.intakes.rememberMessage(clientId, id);
}

/** A new questionnaire (after consent, after "start over", after a broken draft). */
export async function startQuestionnaire(
  ctx: BotContext,
  s: ClientServices,
  clientId: string,
  opts: { suggestedDistrictId?: string; intro?: boolean } = {},
): Promise<void> {
  // the "about you" steps are for new clients: whoever had an intake before is not asked again
  // (a case manager fills these in the case file instead)
  const askAbout = !(await s.intakes.hasIntake(clientId));
  const state = initialState({
    locale: ctx.locale,
    askAbout,
    ...(opts.suggestedDistrictId ? { suggestedDistrictId: opts.suggestedDistrictId } : {}),
  });
  await s.intakes.startConversation(clientId, state);
  if (opts.intro !== false) await send(ctx, tr(ctx, "intake.intro"));
  await showCurrent(ctx, s, clientId, state);
}

function eventOf(action: string | undefined, value: string | undefined): FlowEvent | undefined {
  switch (action) {
    case "c":
      return value === undefined ? undefined : { type: "choose", value };
    case "t":
      return value === undefined ? undefined : { type: "toggle", value };
    case "y":
    case "u":
      return value === undefined ? undefined : { type: "toggle", value, on: action === "y" };
    case "e":
      return value === undefined ? undefined : { type: "edit", section: value };
    case "d":
      return { type: "done" };
    case "n":
      return { type: "none" };
    case "b":
      return { type: "back" };
    case "s":
      return { type: "skip" };
    case "x":
      return { type: "submit" };
    default:
      return undefined;
  }
}

async function apply(
  ctx: BotContext,
  s: ClientServices,
  clientId: string,
  loaded: { state: FlowState; version: Date },
  event: FlowEvent,
): Promise<void> {
  const before = loaded.state;
  const r = reduce(s.flow, before, event);
  const viaButton = !!ctx.callbackQuery;
  if (r.submit) return submit(ctx, s, clientId, r.submit, r.state.draft.askAbout);

  if (r.change === "none") {
    if (viaButton) return answer(ctx, r.error ? plain(ctx, `intake.error.${r.error}`) : undefined);
    // a typed answer that does not fit: say why, then ask again right below
    if (r.error) await send(ctx, tr(ctx, `intake.error.${r.error}`));
    return showCurrent(ctx, s, clientId, r.state);
  }

  if (!(await s.intakes.saveConversation(clientId, r.state, loaded.version))) {
    if (viaButton) return outdated(ctx);
    await send(ctx, tr(ctx, "errors.generic"));
    return;
  }

  const { text, keyboard } = viewMessage(ctx, s, r.view);
  const forward =
    r.change === "moved" &&
    event.type !== "back" &&
    event.type !== "edit" &&
    before.step !== "summary" &&
    STEPS.indexOf(r.state.step) > STEPS.indexOf(before.step);
  const shownAt = viaButton ? callbackMessageId(ctx) : before.messageId;

  let id: number;
  if (r.change === "updated" || (viaButton && !forward)) {
    id = await editOrSend(ctx, text, keyboard, shownAt);
  } else {
    if (forward) await markAnswered(ctx, s, shownAt, before.step as QuestionStep, r.state);
    else await clearKeyboard(ctx, shownAt);
    if (r.error) await send(ctx, tr(ctx, `intake.error.${r.error}`));
    id = await send(ctx, text, keyboard);
  }
  if (id !== before.messageId) await s.intakes.rememberMessage(clientId, id);
  await answer(ctx, r.error ? plain(ctx, `intake.error.${r.error}`) : undefined);
}

/** Leaves an answered question in the chat with the answer under it and without buttons. */
async function markAnswered(
  ctx: BotContext,
  s: ClientServices,
  messageId: number | undefined,
  step: QuestionStep,
  after: FlowState,
): Promise<void> {
  if (messageId === undefined || !ctx.chat) return;
  await ctx.api
    .editMessageText(ctx.chat.id, messageId, answeredText(ctx, s, step, after.draft), {
      ...HTML_OPTS,
      reply_markup: { inline_keyboard: [] },
    })
    .catch(() => {});
}

/**
 * Submit: the Intake row and the end of the conversation in one transaction, then `intake.triage`
 * on the queue. Should the enqueue fail after the commit, the intake is safe and a sweep finds it
 * (IntakeRepository.intakesWithoutTriage); the person is told it arrived either way, because it did.
 */
async function submit(
  ctx: BotContext,
  s: ClientServices,
  clientId: string,
  answers: IntakeAnswers,
  askAbout: boolean,
): Promise<void> {
  let result: { intakeId: string; referenceCode: string };
  try {
    result = await s.intakes.submit({
      clientId,
      answers,
      referencePrefix: s.referencePrefix,
      now: s.app.now(),
    });
  } catch (e) {
    if (e instanceof AlreadySubmittedError) return outdated(ctx);
    throw e;
  }
  try {
    await s.app.producer.enqueue("intake.triage", { intakeId: result.intakeId });
  } catch (e) {
    s.app.log.error(
      { intakeId: result.intakeId, err: (e as Error).name },
      "intake.triage not enqueued; the sweep will pick it up",
    );
  }
  s.app.log.info({ intakeId: result.intakeId, clientId }, "intake submitted");
  const messageId = callbackMessageId(ctx);
  if (messageId !== undefined && ctx.chat)
    await ctx.api
      .editMessageText(
        ctx.chat.id,
        messageId,
        `${summaryText(ctx, s, answers, { askAbout })}\n\n${tr(ctx, "intake.sent")}`,
        {
          ...HTML_OPTS,
          reply_markup: { inline_keyboard: [] },
        },
      )
      .catch(() => {});
  await answer(ctx);
  await send(ctx, tr(ctx, "intake.submitted", { code: result.referenceCode }));
}

/** A draft we cannot read any more (a format change): start again rather than fail forever. */
async function restartUnreadable(ctx: BotContext, s: ClientServices, clientId: string): Promise<void> {
  s.app.log.warn({ clientId }, "unreadable intake draft replaced");
  await answer(ctx);
  await send(ctx, tr(ctx, "intake.restarted"));
  await startQuestionnaire(ctx, s, clientId, { intro: false });
}

export function intakeComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();

  onPayload(c, "i", async (ctx, [, code, action, value]) => {
    const clientId = ctx.clientId;
    if (!clientId) return outdated(ctx);
    const loaded = await s.intakes.loadConversation(clientId);
    if (!loaded) return outdated(ctx);
    if ("corrupt" in loaded) return restartUnreadable(ctx, s, clientId);
    // a button of an earlier question (or of a questionnaire that was cancelled)
    if (!code || stepOfCode(code) !== loaded.state.step) return outdated(ctx);
    const event = eventOf(action, value);
    if (!event) return outdated(ctx);
    await apply(ctx, s, clientId, loaded, event);
  });

  c.on("message:text", async (ctx, next) => {
    const clientId = ctx.clientId;
    if (!clientId || ctx.message.text.startsWith("/")) return next();
    const loaded = await s.intakes.loadConversation(clientId);
    if (!loaded) return next();
    if ("corrupt" in loaded) return restartUnreadable(ctx, s, clientId);
    await apply(ctx, s, clientId, loaded, { type: "text", text: ctx.message.text });
  });

  return c;
}
