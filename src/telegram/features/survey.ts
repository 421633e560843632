// The survey in the client's chat: the invitation (sent by telegram.send, see surveyInvite below) holds
// the first question; each tap edits the message to the next question, the last one to a thanks. The
// answers so far ride in the signed buttons ("sv:<invitation>:<letters>"), so nothing is stored
// until the survey is complete, and then only anonymously (modules/survey/survey.ts). Every tap is
// checked against the invitation: its owner, not answered yet, not expired.
import { Composer, InlineKeyboard } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AppContext } from "../../app/feature.ts";
import type { ClientLocale } from "../../modules/intake/answers.ts";
import type { SurveyService } from "../../modules/survey/survey.service.ts";
import {
  decodeAnswers,
  encodeAnswers,
  SURVEY_ANSWERS,
  SURVEY_QUESTIONS,
  type SurveyAnswer,
} from "../../modules/survey/survey.ts";
import { packUuid, unpackUuid } from "../appointments-messages.ts";
import { type CallbackCodec, createCallbackCodec } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import type { Translate } from "../keyboards.ts";
import {
  answer,
  callbackSecret,
  editOrSend,
  html,
  onPayload,
  outdated,
  plain,
  plainT,
  render,
  tr,
  translator,
} from "./shared.ts";

export const SURVEY_PREFIX = "sv";
const INVITE_PREFIX = "survey:invite.";

/** The question after `answers` (HTML): "Question 2 of 3" and its text. */
function questionText(t: (key: string, params?: Record<string, number>) => string, index: number) {
  const q = SURVEY_QUESTIONS[index]!;
  return `<b>${t("survey:progress", { n: index + 1, of: SURVEY_QUESTIONS.length })}</b>\n${t(`survey:question.${q}`)}`;
}

/** The buttons of the question after `answers`: its three answers in a row, "skip" below. */
export function surveyKeyboard(
  codec: CallbackCodec,
  t: Translate,
  invitationId: string,
  answers: readonly SurveyAnswer[],
): InlineKeyboardMarkup {
  const q = SURVEY_QUESTIONS[answers.length]!;
  const cb = (a: SurveyAnswer) =>
    codec.encode(`${SURVEY_PREFIX}:${packUuid(invitationId)}:${encodeAnswers([...answers, a])}`);
  const kb = new InlineKeyboard();
  for (const a of SURVEY_ANSWERS.filter((x) => x !== "skipped")) kb.text(t(`survey:answer.${q}.${a}`), cb(a));
  kb.row().text(t("survey:skip"), cb("skipped"));
  return kb;
}

/**
 * What telegram.send adds to a survey invitation: the first question (parameter "question") and its
 * buttons. Undefined for every other template.
 */
export function surveyInvite(
  app: AppContext,
  locale: ClientLocale,
  template: string,
  params: Record<string, string | number>,
): { question: ReturnType<typeof html>; keyboard: InlineKeyboardMarkup } | undefined {
  if (!template.startsWith(INVITE_PREFIX) || typeof params.invitationId !== "string") return undefined;
  const t = translator(app, locale);
  const codec = createCallbackCodec(callbackSecret(app));
  return {
    question: html(questionText((k, p) => render(app, locale, k, p), 0)),
    keyboard: surveyKeyboard(codec, t, params.invitationId, []),
  };
}

export function surveyComposer(app: AppContext, service: SurveyService): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const codec = createCallbackCodec(callbackSecret(app));
  onPayload(c, SURVEY_PREFIX, async (ctx, parts) => {
    const id = unpackUuid(parts[1]);
    const answers = decodeAnswers(parts[2]);
    if (!id || !answers || answers.length === 0 || parts.length !== 3) return outdated(ctx);
    const r = await service.tap(id, ctx.clientId, answers);
    switch (r.kind) {
      case "not_yours":
        return outdated(ctx);
      case "answered":
        await answer(ctx, plain(ctx, "survey:answered"));
        return editOrSend(ctx, tr(ctx, "survey:answered"));
      case "expired":
        await answer(ctx);
        return editOrSend(ctx, tr(ctx, "survey:expired"));
      case "finish":
        await answer(ctx);
        return editOrSend(ctx, tr(ctx, "survey:thanks"));
      case "next":
        await answer(ctx);
        return editOrSend(
          ctx,
          questionText((k, p) => tr(ctx, k, p), r.answers.length),
          surveyKeyboard(codec, plainT(ctx), id, r.answers),
        );
    }
  });
  return c;
}
