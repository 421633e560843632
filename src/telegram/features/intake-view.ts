// Turns the flow's views into Telegram text and keyboards, in the person's language.
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AppContext } from "../../app/feature.ts";
import type { IntakeAnswers, SpokenLanguage } from "../../modules/intake/answers.ts";
import { countryLabel, countryName } from "../../modules/intake/countries.ts";
import {
  ARRIVAL_EARLIER,
  ARRIVAL_UNKNOWN,
  arrivalYears,
  type Draft,
  ORIGIN_OTHER,
  progressOf,
  type QuestionStep,
  type View,
} from "../../modules/intake/flow.ts";
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
export function optionLabel(
  app: AppContext,
  t: Translate,
  step: QuestionStep,
  value: string,
  locale: string,
  thisYear: number,
): string {
  switch (step) {
    case "adults":
    case "children":
      return value;
    case "origin":
      return value === ORIGIN_OTHER ? t("intake.option.origin.other") : countryLabel(value, locale);
    case "arrival":
      if (value === ARRIVAL_EARLIER)
        return t("intake.option.arrival.earlier", { year: arrivalYears(thisYear).at(-1) });
      if (value === ARRIVAL_UNKNOWN) return t("intake.option.arrival.unknown");
      return value;
    case "district":
      return districtName(app, value);
    case "languages":
      return SPOKEN_LANGUAGE_NATIVE_NAMES[value as SpokenLanguage] ?? value;
    default:
      return t(`intake.option.${step}.${value}`);
  }
}

export function questionText(
  ctx: BotContext,
  step: QuestionStep,
  progress: { n: number; total: number },
): string {
  const { n, total } = progress;
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
    label: (step, value) => optionLabel(s.app, t, step, value, ctx.locale, s.flow.thisYear),
  });
}

/** The answer given at `step`, for the line under an answered question. */
export function answerOf(ctx: BotContext, s: ClientServices, step: QuestionStep, d: Draft): string {
  const t = plainT(ctx);
  const list = (step: QuestionStep, values: readonly string[]) =>
    values.length
      ? values.map((v) => optionLabel(s.app, t, step, v, ctx.locale, s.flow.thisYear)).join(", ")
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
    case "phone":
      return d.phone ?? plain(ctx, "intake.answer.skipped");
    case "origin":
      return d.originCountry ? countryName(d.originCountry, ctx.locale) : plain(ctx, "intake.answer.skipped");
    case "status":
      return d.residenceStatus
        ? t(`intake.option.status.${d.residenceStatus}`)
        : plain(ctx, "intake.answer.skipped");
    case "arrival":
      if (d.arrivalYear !== undefined) return String(d.arrivalYear);
      if (d.arrivedBefore !== undefined) return t("intake.option.arrival.earlier", { year: d.arrivedBefore });
      return plain(ctx, "intake.answer.skipped");
  }
}

/** A question after it was answered: the question, then the answer, no buttons. */
export function answeredText(ctx: BotContext, s: ClientServices, step: QuestionStep, d: Draft): string {
  return `${questionText(ctx, step, progressOf(step, d))}\n\n${directed(`✅ <b>${escapeHtml(answerOf(ctx, s, step, d))}</b>`, ctx.locale)}`;
}

export function summaryText(
  ctx: BotContext,
  s: ClientServices,
  a: IntakeAnswers,
  opts: { askAbout: boolean } = { askAbout: true },
): string {
  const t = plainT(ctx);
  const d: Draft = { ...a, askAbout: opts.askAbout, originCandidates: [] };
  const contact = [
    answerOf(ctx, s, "contact", d),
    ...(a.phone ? [a.phone] : []),
    answerOf(ctx, s, "times", d),
  ];
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
    line("contact", contact.join(" · ")),
    line("name", answerOf(ctx, s, "name", d)),
    ...(opts.askAbout
      ? [
          line("origin", answerOf(ctx, s, "origin", d)),
          line("status", answerOf(ctx, s, "status", d)),
          line("arrival", answerOf(ctx, s, "arrival", d)),
        ]
      : []),
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
    return {
      text: summaryText(ctx, s, view.answers, { askAbout: view.sections.includes("about") }),
      keyboard: summaryKeyboard(plainT(ctx), signer(s), view.sections),
    };
  return { text: questionText(ctx, view.step, view.progress), keyboard: questionMarkup(ctx, s, view) };
}
