// Inline keyboards as pure functions of what is shown: no grammY context, no I/O. Every button's
// callback data is a payload from `CB` below, signed by the `sign` function the caller passes in
// (src/telegram/callback-data.ts). Button labels are plain text (Telegram does not parse them).
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { ClientLocale, SpokenLanguage } from "../modules/intake/answers.ts";
import { CLIENT_LOCALES } from "../modules/intake/answers.ts";
import {
  ARRIVAL_EARLIER,
  ARRIVAL_UNKNOWN,
  ORIGIN_OTHER,
  type QuestionStep,
  SECTION_LIST,
  type Section,
  STEP_CODES,
  type Step,
  type View,
} from "../modules/intake/flow.ts";

export type Sign = (payload: string) => string;
/** A translator for button labels (plain text, no HTML). */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Languages named in their own language and script, so everyone finds theirs. Not translated. */
export const LOCALE_NATIVE_NAMES: Readonly<Record<ClientLocale, string>> = {
  de: "Deutsch",
  "de-simple": "Leichte Sprache (Einfaches Deutsch)",
  en: "English",
  ar: "العربية",
  fa: "فارسی",
  ku: "Kurdî (Kurmancî)",
  tr: "Türkçe",
  ru: "Русский",
  uk: "Українська",
  pl: "Polski",
  bg: "Български",
  ro: "Română",
};

export const SPOKEN_LANGUAGE_NATIVE_NAMES: Readonly<Record<SpokenLanguage, string>> = {
  de: "Deutsch",
  en: "English",
  ar: "العربية",
  fa: "فارسی / دری",
  ku: "Kurdî",
  tr: "Türkçe",
  ru: "Русский",
  uk: "Українська",
  pl: "Polski",
  bg: "Български",
  ro: "Română",
  fr: "Français",
  ti: "ትግርኛ",
  so: "Soomaali",
  ps: "پښتو",
  el: "Ελληνικά",
};

export const MARK = { on: "✅ ", off: "⬜ ", suggested: "📍 ", chosen: "✅ " } as const;

export const CONSENT_PURPOSE_CODES = {
  case_management: "cm",
  partner_sharing: "ps",
  slack_relay: "sr",
} as const;
export type ConsentPurposeName = keyof typeof CONSENT_PURPOSE_CODES;
export const CONSENT_PURPOSES = Object.keys(CONSENT_PURPOSE_CODES) as ConsentPurposeName[];
export const purposeOfCode = (code: string): ConsentPurposeName | undefined =>
  CONSENT_PURPOSES.find((p) => CONSENT_PURPOSE_CODES[p] === code);

/** The optional consents chosen on the consent screen, carried in the buttons themselves. */
export interface OptionalChoices {
  partner: boolean;
  slack: boolean;
}
export const choicesToBits = (c: OptionalChoices): string => `${c.partner ? 1 : 0}${c.slack ? 1 : 0}`;
export function bitsToChoices(bits: string | undefined): OptionalChoices | undefined {
  if (!bits || !/^[01]{2}$/.test(bits)) return undefined;
  return { partner: bits[0] === "1", slack: bits[1] === "1" };
}

export type IntakeAction = "c" | "t" | "d" | "n" | "b" | "s" | "e" | "x";

/** Every callback payload the bot creates. Parsers live next to the handlers. */
export const CB = {
  language: (l: ClientLocale) => `l:${l}`,
  infoContinue: "s:go",
  infoLanguage: "s:lang",
  resume: "s:cont",
  restart: "s:new",
  consentToggle: (c: OptionalChoices) => `c:t:${choicesToBits(c)}`,
  consentAgree: (c: OptionalChoices) => `c:y:${choicesToBits(c)}`,
  consentDecline: "c:n",
  consentReopen: (l: ClientLocale) => `c:r:${l}`,
  manage: (p: ConsentPurposeName, grant: boolean) => `k:${CONSENT_PURPOSE_CODES[p]}:${grant ? 1 : 0}`,
  withdrawConfirm: "k:cmx",
  withdrawKeep: "k:keep",
  intake: (step: Step, action: IntakeAction, value?: string) =>
    `i:${STEP_CODES[step]}:${action}${value === undefined ? "" : `:${value}`}`,
} as const;

const button = (text: string, payload: string, sign: Sign): InlineKeyboardButton.CallbackButton => ({
  text,
  callback_data: sign(payload),
});

function rows<T>(items: T[], perRow: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) out.push(items.slice(i, i + perRow));
  return out;
}

export const NO_KEYBOARD: InlineKeyboardMarkup = { inline_keyboard: [] };

/** All client languages, two per row; Telegram's suggestion (if we speak it) first and marked. */
export function languagePicker(sign: Sign, suggested?: ClientLocale): InlineKeyboardMarkup {
  const others = CLIENT_LOCALES.filter((l) => l !== suggested);
  const top = suggested
    ? [[button(`${MARK.chosen}${LOCALE_NATIVE_NAMES[suggested]}`, CB.language(suggested), sign)]]
    : [];
  // Leichte Sprache has a long name: give it a row of its own
  const simple = others.filter((l) => l === "de-simple");
  const rest = others.filter((l) => l !== "de-simple");
  return {
    inline_keyboard: [
      ...top,
      ...rows(
        rest.map((l) => button(LOCALE_NATIVE_NAMES[l], CB.language(l), sign)),
        2,
      ),
      ...simple.map((l) => [button(LOCALE_NATIVE_NAMES[l], CB.language(l), sign)]),
    ],
  };
}

export function infoSheetKeyboard(t: Translate, sign: Sign): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [button(t("info.continue"), CB.infoContinue, sign)],
      [button(t("info.changeLanguage"), CB.infoLanguage, sign)],
    ],
  };
}

export function consentKeyboard(t: Translate, sign: Sign, c: OptionalChoices): InlineKeyboardMarkup {
  const mark = (on: boolean) => (on ? MARK.on : MARK.off);
  return {
    inline_keyboard: [
      [
        button(
          `${mark(c.partner)}${t("consent.toggle.partner")}`,
          CB.consentToggle({ ...c, partner: !c.partner }),
          sign,
        ),
      ],
      [
        button(
          `${mark(c.slack)}${t("consent.toggle.slack")}`,
          CB.consentToggle({ ...c, slack: !c.slack }),
          sign,
        ),
      ],
      [button(t("consent.agree"), CB.consentAgree(c), sign)],
      [button(t("consent.decline"), CB.consentDecline, sign)],
    ],
  };
}

export function declinedKeyboard(t: Translate, sign: Sign, locale: ClientLocale): InlineKeyboardMarkup {
  return { inline_keyboard: [[button(t("consent.declined.reconsider"), CB.consentReopen(locale), sign)]] };
}

/** /consent: one toggle per purpose, labelled with what a tap will do. */
export function consentManageKeyboard(
  t: Translate,
  sign: Sign,
  current: Readonly<Record<ConsentPurposeName, boolean>>,
): InlineKeyboardMarkup {
  return {
    inline_keyboard: CONSENT_PURPOSES.map((p) => [
      button(
        t(current[p] ? "consent.manage.withdraw" : "consent.manage.give", {
          purpose: t(`consent.purpose.${p}`),
        }),
        CB.manage(p, !current[p]),
        sign,
      ),
    ]),
  };
}

export function withdrawConfirmKeyboard(t: Translate, sign: Sign): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [button(t("consent.withdraw.confirm"), CB.withdrawConfirm, sign)],
      [button(t("consent.withdraw.keep"), CB.withdrawKeep, sign)],
    ],
  };
}

export function resumeKeyboard(t: Translate, sign: Sign): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [button(t("start.resume.continue"), CB.resume, sign)],
      [button(t("start.resume.restart"), CB.restart, sign)],
    ],
  };
}

export function newIntakeKeyboard(t: Translate, sign: Sign): InlineKeyboardMarkup {
  return { inline_keyboard: [[button(t("start.again.newIntake"), CB.restart, sign)]] };
}

/** How many option buttons share a row, by step (long labels get a row each). */
export const COLUMNS: Readonly<Record<QuestionStep, number>> = {
  household: 2,
  adults: 3,
  children: 4,
  district: 2,
  topics: 2,
  urgency: 1,
  languages: 3,
  support: 1,
  contact: 3,
  phone: 1,
  times: 3,
  name: 1,
  origin: 2,
  status: 1,
  arrival: 4,
};

export interface QuestionLabels {
  t: Translate;
  sign: Sign;
  /** the label of one option of a step (translated, or a name from the organisation file) */
  label: (step: QuestionStep, value: string) => string;
}

export function questionKeyboard(
  view: Extract<View, { kind: "question" }>,
  l: QuestionLabels,
): InlineKeyboardMarkup {
  const { step } = view;
  const toButton = (o: (typeof view.options)[number]) => {
    const prefix = o.selected ? MARK.chosen : o.suggested ? MARK.suggested : view.multi ? MARK.off : "";
    return button(
      `${prefix}${l.label(step, o.value)}`,
      CB.intake(step, view.multi ? "t" : "c", o.value),
      l.sign,
    );
  };
  // "other country", "earlier", "don't know" close the list, each on a row of its own
  const wide = (v: string) =>
    (step === "origin" && v === ORIGIN_OTHER) ||
    (step === "arrival" && (v === ARRIVAL_EARLIER || v === ARRIVAL_UNKNOWN));
  const options = view.options.filter((o) => !wide(o.value)).map(toButton);
  const trailing = view.options.filter((o) => wide(o.value)).map((o) => [toButton(o)]);
  const controls: InlineKeyboardButton[] = [];
  if (view.canBack) controls.push(button(l.t("intake.button.back"), CB.intake(step, "b"), l.sign));
  if (view.canNone) controls.push(button(l.t("intake.button.none"), CB.intake(step, "n"), l.sign));
  if (view.canSkip) controls.push(button(l.t("intake.button.skip"), CB.intake(step, "s"), l.sign));
  if (view.canDone) controls.push(button(l.t("intake.button.done"), CB.intake(step, "d"), l.sign));
  return {
    inline_keyboard: [...rows(options, COLUMNS[step]), ...trailing, ...(controls.length ? [controls] : [])],
  };
}

export function summaryKeyboard(
  t: Translate,
  sign: Sign,
  sections: readonly Section[] = SECTION_LIST,
): InlineKeyboardMarkup {
  const edits = sections.map((s: Section) =>
    button(t(`intake.summary.edit.${s}`), CB.intake("summary", "e", s), sign),
  );
  return {
    inline_keyboard: [
      ...rows(edits, 2),
      [button(t("intake.button.back"), CB.intake("summary", "b"), sign)],
      [button(t("intake.summary.submit"), CB.intake("summary", "x"), sign)],
    ],
  };
}
