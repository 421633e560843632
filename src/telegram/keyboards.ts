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

/**
 * The optional consents chosen on the consent screen, carried in the buttons themselves: the Slack
 * relay and one release from confidentiality per partner office (Schweigepflichtentbindung), in the
 * order of the organisation file's referralTargets.
 */
export interface OptionalChoices {
  slack: boolean;
  partners: readonly boolean[];
}
/** A partner office as the consent screen shows it. */
export interface PartnerOffice {
  id: string;
  name: string;
}

/**
 * A short fingerprint of the office list, carried with the bits: a button from before the
 * organisation file changed (an office added, removed or moved) is outdated instead of releasing
 * data to an office the person never saw at that position. FNV-1a, base 36, 4 characters.
 */
export function partnerFingerprint(ids: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const ch of ids.join(",")) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 36 ** 4).toString(36).padStart(4, "0");
}

/** "<slack bit><one bit per office>:<fingerprint>", e.g. "0101:k3x9" */
export const choicesToBits = (c: OptionalChoices, fingerprint: string): string =>
  `${c.slack ? 1 : 0}${c.partners.map((p) => (p ? 1 : 0)).join("")}:${fingerprint}`;

export function bitsToChoices(
  bits: string | undefined,
  fingerprint: string | undefined,
  offices: readonly PartnerOffice[],
): OptionalChoices | undefined {
  if (!bits || !/^[01]+$/.test(bits) || bits.length !== offices.length + 1) return undefined;
  if (fingerprint !== partnerFingerprint(offices.map((o) => o.id))) return undefined;
  return { slack: bits[0] === "1", partners: [...bits.slice(1)].map((b) => b === "1") };
}

export const noChoices = (offices: readonly PartnerOffice[]): OptionalChoices => ({
  slack: false,
  partners: offices.map(() => false),
});

/**
 * The numbers the consent text and its buttons share: 1 case management (no toggle, it is the
 * agree button), 2.1 … 2.n one per partner office, 3 the Slack relay. Text and buttons are built
 * from these, so they cannot disagree.
 */
export const CONSENT_NUMBER = {
  caseManagement: "1",
  partners: "2",
  partner: (i: number) => `2.${i + 1}`,
  slack: "3",
} as const;

// "y"/"u": tick/untick an option of a multiple choice (idempotent); "t" flips it (buttons sent before "y"/"u")
export type IntakeAction = "c" | "t" | "y" | "u" | "d" | "n" | "b" | "s" | "e" | "x";

/** Every callback payload the bot creates. Parsers live next to the handlers. */
export const CB = {
  language: (l: ClientLocale) => `l:${l}`,
  infoContinue: "s:go",
  infoLanguage: "s:lang",
  resume: "s:cont",
  restart: "s:new",
  consentToggle: (c: OptionalChoices, fp: string) => `c:t:${choicesToBits(c, fp)}`,
  consentAgree: (c: OptionalChoices, fp: string) => `c:y:${choicesToBits(c, fp)}`,
  consentDecline: "c:n",
  consentReopen: (l: ClientLocale) => `c:r:${l}`,
  manage: (p: ConsentPurposeName, grant: boolean) => `k:${CONSENT_PURPOSE_CODES[p]}:${grant ? 1 : 0}`,
  /** give (1) or withdraw (0) the release towards one partner office, from /consent or /mydata */
  managePartner: (partnerId: string, grant: boolean) => `k:po:${partnerId}:${grant ? 1 : 0}`,
  /** withdraw the release towards one office, from the list under /mydata */
  mydataWithdrawPartner: (partnerId: string) => `k:pw:${partnerId}`,
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

/** The consent screen: one numbered toggle per partner office, the Slack toggle, agree, decline. */
export function consentKeyboard(
  t: Translate,
  sign: Sign,
  c: OptionalChoices,
  offices: readonly PartnerOffice[],
): InlineKeyboardMarkup {
  const mark = (on: boolean) => (on ? MARK.on : MARK.off);
  const fp = partnerFingerprint(offices.map((o) => o.id));
  const partnerRows = offices.map((o, i) => {
    const on = c.partners[i] === true;
    const partners = c.partners.map((p, j) => (j === i ? !on : p));
    return [
      button(
        `${mark(on)}${CONSENT_NUMBER.partner(i)} ${o.name}`,
        CB.consentToggle({ ...c, partners }, fp),
        sign,
      ),
    ];
  });
  return {
    inline_keyboard: [
      ...partnerRows,
      [
        button(
          `${mark(c.slack)}${CONSENT_NUMBER.slack} ${t("consent.toggle.slack")}`,
          CB.consentToggle({ ...c, slack: !c.slack }, fp),
          sign,
        ),
      ],
      [button(t("consent.agree"), CB.consentAgree(c, fp), sign)],
      [button(t("consent.decline"), CB.consentDecline, sign)],
    ],
  };
}

export function declinedKeyboard(t: Translate, sign: Sign, locale: ClientLocale): InlineKeyboardMarkup {
  return { inline_keyboard: [[button(t("consent.declined.reconsider"), CB.consentReopen(locale), sign)]] };
}

/** The purposes /consent switches as a whole; partner_sharing is decided per office instead. */
export const MANAGED_PURPOSES = [
  "case_management",
  "slack_relay",
] as const satisfies readonly ConsentPurposeName[];

/**
 * /consent: one toggle per purpose and one per partner office, labelled with what a tap will do.
 * `partners` absent = the office rows are left out (case management not given: nothing to release).
 */
export function consentManageKeyboard(
  t: Translate,
  sign: Sign,
  current: Readonly<Record<(typeof MANAGED_PURPOSES)[number], boolean>>,
  partners: readonly (PartnerOffice & { covered: boolean })[] = [],
): InlineKeyboardMarkup {
  const purpose = (p: (typeof MANAGED_PURPOSES)[number]) => [
    button(
      t(current[p] ? "consent.manage.withdraw" : "consent.manage.give", {
        purpose: t(`consent.purpose.${p}`),
      }),
      CB.manage(p, !current[p]),
      sign,
    ),
  ];
  return {
    inline_keyboard: [
      purpose("case_management"),
      ...partners.map((o) => [
        button(
          t(o.covered ? "consent.manage.withdraw" : "consent.manage.give", { purpose: o.name }),
          CB.managePartner(o.id, !o.covered),
          sign,
        ),
      ]),
      purpose("slack_relay"),
    ],
  };
}

/** /mydata: a withdraw button for each office the client has released. */
export function partnerWithdrawKeyboard(
  t: Translate,
  sign: Sign,
  covered: readonly PartnerOffice[],
): InlineKeyboardMarkup {
  return {
    inline_keyboard: covered.map((o) => [
      button(t("consent.manage.withdraw", { purpose: o.name }), CB.mydataWithdrawPartner(o.id), sign),
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
      CB.intake(step, view.multi ? (o.selected ? "u" : "y") : "c", o.value),
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
