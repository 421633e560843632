// Turns the flow's views into Telegram text and keyboards, in the person's language.
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AppContext } from "../../app/feature.ts";
import type { IntakeAnswers, SpokenLanguage } from "../../modules/intake/answers.ts";
import { type Draft, progressOf, type QuestionStep, type View } from "../../modules/intake/flow.ts";
import type { BotContext } from "../context.ts";
import {
  questionKeyboard,
  SPOKEN_LANGUAGE_NATIVE_NAMES,
  summaryKeyboard,
  type Translate,
} from "../keyboards.ts";
import { type ClientServices, directed, escapeHtml, plain, plainT, signer, tr } from "./shared.ts";

export function districtName(app: AppContext, id: string): string {
  for (const r of app.org.regions) for (const d of r.districts) if (d.id === id) return d.name;
  return id;
}

/** The label of one option: names from the organisation file, languages in their own script, else i18n. */
export function optionLabel(app: AppContext, t: Translate, step: QuestionStep, value: string): string {
  switch (step) {
    case "adults":
    case "children":
      return value;
    case "district":
      return districtName(app, value);
    case "languages":
      return SPOKEN_LANGUAGE_NATIVE_NAMES[value as SpokenLanguage] ?? value;
    default:
      return t(`intake.option.${step}.${value}`);
  }
}

export function questionText(ctx: BotContext, step: QuestionStep): string {
  const { n, total } = progressOf(step);
  return `${tr(ctx, "intake.progress", { n, total })}\n${tr(ctx, `intake.question.${step}`)}`;
}

export function questionMarkup(
  ctx: BotContext,
  s: ClientServices,
  view: Extract<View, { kind: "question" }>,
): InlineKeyboardMarkup {
  const t = plainT(ctx);
  return questionKeyboard(view, {
    t,
    sign: signer(s),
    label: (step, value) => optionLabel(s.app, t, step, value),
  });
}

/** The answer given at `step`, for the line under an answered question. */
export function answerOf(ctx: BotContext, s: ClientServices, step: QuestionStep, d: Draft): string {
  const t = plainT(ctx);
  const list = (step: QuestionStep, values: readonly string[]) =>
    values.length
      ? values.map((v) => optionLabel(s.app, t, step, v)).join(", ")
      : plain(ctx, "intake.answer.none");
  switch (step) {
    case "household":
      return d.household ? t(`intake.option.household.${d.household}`) : "";
    case "adults":
      return String(d.adults ?? "");
    case "children":
      return String(d.children ?? "");
    case "district":
      return d.districtId ? districtName(s.app, d.districtId) : "";
    case "topics":
      return list(step, d.topics);
    case "urgency":
      return list(step, d.urgency);
    case "languages":
      return list(step, d.languages);
    case "support":
      return list(step, d.existingSupport);
    case "contact":
      return list(step, d.contactModes);
    case "times":
      return list(step, d.timesOfDay);
    case "name":
      return d.displayName ?? plain(ctx, "intake.answer.skipped");
  }
}

/** A question after it was answered: the question, then the answer, no buttons. */
export function answeredText(ctx: BotContext, s: ClientServices, step: QuestionStep, d: Draft): string {
  return `${questionText(ctx, step)}\n\n${directed(`✅ <b>${escapeHtml(answerOf(ctx, s, step, d))}</b>`, ctx.locale)}`;
}

export function summaryText(ctx: BotContext, s: ClientServices, a: IntakeAnswers): string {
  const t = plainT(ctx);
  const d: Draft = { ...a, existingSupport: a.existingSupport };
  const household =
    a.household === "single"
      ? t("intake.option.household.single")
      : `${t("intake.option.household.family")}: ${t("intake.summary.adults", { count: a.adults })}, ${t("intake.summary.children", { count: a.children })}`;
  const line = (key: string, value: string) => tr(ctx, `intake.summary.${key}`, { value });
  return [
    tr(ctx, "intake.summary.title"),
    "",
    line("household", household),
    line("district", answerOf(ctx, s, "district", d)),
    line("topics", answerOf(ctx, s, "topics", d)),
    line("urgency", answerOf(ctx, s, "urgency", d)),
    line("languages", answerOf(ctx, s, "languages", d)),
    line("support", answerOf(ctx, s, "support", d)),
    line("contact", `${answerOf(ctx, s, "contact", d)} · ${answerOf(ctx, s, "times", d)}`),
    line("name", answerOf(ctx, s, "name", d)),
    "",
    tr(ctx, "intake.summary.check"),
  ].join("\n");
}

export function viewMessage(
  ctx: BotContext,
  s: ClientServices,
  view: View,
): { text: string; keyboard: InlineKeyboardMarkup } {
  if (view.kind === "summary")
    return { text: summaryText(ctx, s, view.answers), keyboard: summaryKeyboard(plainT(ctx), signer(s)) };
  return { text: questionText(ctx, view.step), keyboard: questionMarkup(ctx, s, view) };
}
