// Over 400 lines: the state machine reads best with every step's view and transitions side by side.
// The intake questionnaire (Klärungsbogen) as a plain state machine. PURE: state + event → new state +
// what to show, no I/O, no clock, no randomness. The Telegram layer persists the state (Conversation
// row) after every event, so a restart or a week of silence resumes exactly where the person stopped.
//
// Steps, in order (adults/children only for a family, phone only with phone contact, origin/status/
// arrival only in a client's first questionnaire: existing clients are not asked again):
//   household → adults → children → district → topics → urgency → languages → support → contact
//   → phone → times → name → origin → status → arrival → summary
// The last three ("about you") and phone and name are optional: each can be skipped.
// From the summary a section can be edited; the flow then walks that section's steps and comes back
// to the summary. "back" goes to the previous step (inside an edited section, or back to the summary).
import { z } from "zod";
import {
  ARRIVAL_YEAR_MIN,
  CLIENT_LOCALES,
  type ClientLocale,
  CONTACT_MODES,
  EXISTING_SUPPORT,
  HOUSEHOLD_KINDS,
  type IntakeAnswers,
  intakeAnswersSchema,
  PHONE_E164,
  RESIDENCE_STATUSES,
  SPOKEN_LANGUAGES,
  type SpokenLanguage,
  TIMES_OF_DAY,
  TOPICS,
  URGENCY_SIGNALS,
} from "./answers.ts";
import { COMMON_ORIGINS, isCountryCode, matchCountry } from "./countries.ts";

export const STEPS = [
  "household",
  "adults",
  "children",
  "district",
  "topics",
  "urgency",
  "languages",
  "support",
  "contact",
  "phone",
  "times",
  "name",
  "origin",
  "status",
  "arrival",
  "summary",
] as const;
export type Step = (typeof STEPS)[number];
export type QuestionStep = Exclude<Step, "summary">;

/** Short codes for callback data (64-byte limit). */
export const STEP_CODES: Readonly<Record<Step, string>> = {
  household: "hh",
  adults: "ad",
  children: "ch",
  district: "di",
  topics: "to",
  urgency: "ur",
  languages: "la",
  support: "su",
  contact: "co",
  phone: "ph",
  times: "ti",
  name: "na",
  origin: "or",
  status: "rs",
  arrival: "ar",
  summary: "sm",
};
export const stepOfCode = (code: string): Step | undefined =>
  (Object.keys(STEP_CODES) as Step[]).find((s) => STEP_CODES[s] === code);

/** What the summary offers to edit; each section is one or more steps. */
export const SECTIONS = {
  household: ["household", "adults", "children"],
  district: ["district"],
  topics: ["topics"],
  urgency: ["urgency"],
  languages: ["languages"],
  support: ["support"],
  contact: ["contact", "phone", "times"],
  name: ["name"],
  about: ["origin", "status", "arrival"],
} as const satisfies Record<string, readonly QuestionStep[]>;
export type Section = keyof typeof SECTIONS;
export const SECTION_LIST = Object.keys(SECTIONS) as Section[];
export const isSection = (s: string): s is Section => (SECTION_LIST as string[]).includes(s);

export const sectionOf = (step: QuestionStep): Section =>
  SECTION_LIST.find((s) => (SECTIONS[s] as readonly string[]).includes(step))!;

/** The sections this questionnaire has: "about you" only when it is asked (see Draft.askAbout). */
export const sectionsFor = (d: Pick<Draft, "askAbout"> | undefined): Section[] =>
  d?.askAbout === false ? SECTION_LIST.filter((s) => s !== "about") : SECTION_LIST;

/** "Question n of total" counts sections, so a single person and a family see the same total. */
export const progressOf = (step: QuestionStep, d?: Pick<Draft, "askAbout">): { n: number; total: number } => {
  const sections = sectionsFor(d);
  return { n: sections.indexOf(sectionOf(step)) + 1, total: sections.length };
};

export const MAX_PERSONS_PER_ROLE = 20;
export const NAME_MAX_CHARS = 64;
/** Counts offered as buttons; larger numbers can be typed. */
export const ADULT_BUTTONS = ["1", "2", "3", "4", "5", "6"] as const;
export const CHILDREN_BUTTONS = ["0", "1", "2", "3", "4", "5", "6"] as const;
/** Years of arrival offered as buttons: this year and the ones before; older ones are "earlier". */
export const ARRIVAL_YEAR_BUTTONS = 8;
/** The buttons of the country step besides the countries: "not in the list, I will type it". */
export const ORIGIN_OTHER = "other";
export const ARRIVAL_EARLIER = "earlier";
export const ARRIVAL_UNKNOWN = "unknown";

// ── state ─────────────────────────────────────────────────────────────────────────────────────────

export const draftSchema = z.object({
  household: z.enum(HOUSEHOLD_KINDS).optional(),
  adults: z.int().min(1).max(MAX_PERSONS_PER_ROLE).optional(),
  children: z.int().min(0).max(MAX_PERSONS_PER_ROLE).optional(),
  districtId: z.string().min(1).max(64).optional(),
  /** from a deep link: shown first and marked, not chosen for the person */
  suggestedDistrictId: z.string().min(1).max(64).optional(),
  topics: z.array(z.enum(TOPICS)).default([]),
  urgency: z.array(z.enum(URGENCY_SIGNALS)).default([]),
  languages: z.array(z.enum(SPOKEN_LANGUAGES)).default([]),
  existingSupport: z.array(z.enum(EXISTING_SUPPORT)).default([]),
  contactModes: z.array(z.enum(CONTACT_MODES)).default([]),
  timesOfDay: z.array(z.enum(TIMES_OF_DAY)).default([]),
  /** personal: the repository encrypts it at rest */
  displayName: z.string().min(1).max(NAME_MAX_CHARS).optional(),
  /** personal, E.164: the repository encrypts it at rest */
  phone: z.string().regex(PHONE_E164).optional(),
  /** false for a client who had an intake before: the "about you" steps are not asked again */
  askAbout: z.boolean().default(true),
  originCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** the countries a typed name may mean, offered as buttons instead of the common ones */
  originCandidates: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .max(10)
    .default([]),
  residenceStatus: z.enum(RESIDENCE_STATUSES).optional(),
  arrivalYear: z.int().min(ARRIVAL_YEAR_MIN).max(2100).optional(),
  arrivedBefore: z.int().min(ARRIVAL_YEAR_MIN).max(2100).optional(),
});
export type Draft = z.infer<typeof draftSchema>;

export const flowStateSchema = z.object({
  step: z.enum(STEPS),
  draft: draftSchema,
  /** true while a section is edited from the summary: finishing it returns to the summary */
  editing: z.boolean().default(false),
  /** the Telegram message that shows the current question (ignored by the flow itself) */
  messageId: z.int().positive().optional(),
});
export type FlowState = z.infer<typeof flowStateSchema>;

export interface FlowConfig {
  /** district ids of the organisation file, in display order */
  districtIds: readonly string[];
  /** the current year (the caller's clock; the flow has none), for the year-of-arrival buttons */
  thisYear: number;
}

// ── events and results ────────────────────────────────────────────────────────────────────────────

export type FlowEvent =
  | { type: "choose"; value: string }
  /**
   * `on` is what the button showed it would do (tick or untick). With it the tap is idempotent: a
   * redelivered update (a process died mid-update) does not untick what the first delivery ticked.
   */
  | { type: "toggle"; value: string; on?: boolean }
  | { type: "done" }
  | { type: "none" }
  | { type: "text"; text: string }
  | { type: "skip" }
  | { type: "back" }
  | { type: "edit"; section: string }
  | { type: "submit" }
  | { type: "show" };

export const FLOW_ERRORS = [
  "use_buttons",
  "choose_at_least_one",
  "not_a_number",
  "number_out_of_range",
  "family_too_small",
  "name_too_long",
  "name_invalid",
  "unknown_option",
  "not_possible_here",
  "incomplete",
  "country_type",
  "country_not_found",
  "country_pick",
  "phone_invalid",
  "year_invalid",
] as const;
export type FlowError = (typeof FLOW_ERRORS)[number];

export interface ViewOption {
  value: string;
  selected: boolean;
  suggested?: boolean;
}

export type View =
  | {
      kind: "question";
      step: QuestionStep;
      progress: { n: number; total: number };
      options: ViewOption[];
      multi: boolean;
      canBack: boolean;
      canSkip: boolean;
      canNone: boolean;
      canDone: boolean;
      acceptsText: boolean;
    }
  | { kind: "summary"; answers: IntakeAnswers; sections: Section[] };

export interface FlowResult {
  state: FlowState;
  view: View;
  /** "none": nothing changed; "updated": same step, new selection; "moved": another step is shown */
  change: "none" | "updated" | "moved";
  error?: FlowError;
  /** set when the person submitted a complete, valid questionnaire */
  submit?: IntakeAnswers;
}

// ── the machine ───────────────────────────────────────────────────────────────────────────────────

const MULTI = {
  topics: { field: "topics", values: TOPICS, min: 1, none: false },
  urgency: { field: "urgency", values: URGENCY_SIGNALS, min: 0, none: true },
  languages: { field: "languages", values: SPOKEN_LANGUAGES, min: 1, none: false },
  support: { field: "existingSupport", values: EXISTING_SUPPORT, min: 0, none: true },
  contact: { field: "contactModes", values: CONTACT_MODES, min: 1, none: false },
  times: { field: "timesOfDay", values: TIMES_OF_DAY, min: 1, none: false },
} as const;
type MultiStep = keyof typeof MULTI;
const isMulti = (s: Step): s is MultiStep => s in MULTI;

/** The spoken language that goes with the bot language (Leichte Sprache is German). */
export function spokenLanguageOf(locale: ClientLocale): SpokenLanguage {
  return locale === "de-simple" ? "de" : locale;
}

export function initialState(
  opts: { locale?: ClientLocale; suggestedDistrictId?: string; askAbout?: boolean } = {},
): FlowState {
  const locale =
    opts.locale && (CLIENT_LOCALES as readonly string[]).includes(opts.locale) ? opts.locale : undefined;
  return {
    step: "household",
    editing: false,
    draft: {
      ...(opts.suggestedDistrictId ? { suggestedDistrictId: opts.suggestedDistrictId } : {}),
      topics: [],
      urgency: [],
      // the language the person chose for the bot is surely one they speak; they can untick it
      languages: locale ? [spokenLanguageOf(locale)] : [],
      existingSupport: [],
      contactModes: [],
      timesOfDay: [],
      askAbout: opts.askAbout ?? true,
      originCandidates: [],
    },
  };
}

const wantsPhone = (d: Draft): boolean => d.contactModes.includes("phone");

function next(step: QuestionStep, d: Draft): Step {
  switch (step) {
    case "household":
      return d.household === "family" ? "adults" : "district";
    case "adults":
      return "children";
    case "children":
      return "district";
    case "contact":
      return wantsPhone(d) ? "phone" : "times";
    case "name":
      return d.askAbout ? "origin" : "summary";
    default:
      return STEPS[STEPS.indexOf(step) + 1]!;
  }
}

function previous(step: Step, d: Draft): Step | undefined {
  switch (step) {
    case "household":
      return undefined;
    case "district":
      return d.household === "family" ? "children" : "household";
    case "times":
      return wantsPhone(d) ? "phone" : "contact";
    case "summary":
      return d.askAbout ? "arrival" : "name";
    default:
      return STEPS[STEPS.indexOf(step) - 1];
  }
}

/** The answers as the shared schema wants them; undefined while something is missing or invalid. */
export function completeAnswers(d: Draft, config?: FlowConfig): IntakeAnswers | undefined {
  if (config && d.districtId && !config.districtIds.includes(d.districtId)) return undefined;
  const parsed = intakeAnswersSchema.safeParse({
    household: d.household,
    adults: d.adults,
    children: d.children,
    districtId: d.districtId,
    topics: d.topics,
    urgency: d.urgency,
    languages: d.languages,
    existingSupport: d.existingSupport,
    contactModes: d.contactModes,
    timesOfDay: d.timesOfDay,
    ...(d.displayName ? { displayName: d.displayName } : {}),
    // a number given for phone contact is dropped when phone contact is no longer chosen
    ...(d.phone && wantsPhone(d) ? { phone: d.phone } : {}),
    ...(d.askAbout
      ? {
          ...(d.originCountry && isCountryCode(d.originCountry) ? { originCountry: d.originCountry } : {}),
          ...(d.residenceStatus ? { residenceStatus: d.residenceStatus } : {}),
          ...(d.arrivalYear !== undefined ? { arrivalYear: d.arrivalYear } : {}),
          ...(d.arrivedBefore !== undefined && d.arrivalYear === undefined
            ? { arrivedBefore: d.arrivedBefore }
            : {}),
        }
      : {}),
  });
  if (!parsed.success) return undefined;
  if (parsed.data.household === "family" && parsed.data.adults + parsed.data.children < 2) return undefined;
  return parsed.data;
}

/** The first step whose answer is missing (for a summary that cannot be shown). */
export function firstIncompleteStep(d: Draft, config: FlowConfig): QuestionStep {
  if (!d.household) return "household";
  if (d.household === "family") {
    if (d.adults === undefined) return "adults";
    if (d.children === undefined || d.adults + d.children < 2) return "children";
  }
  if (!d.districtId || !config.districtIds.includes(d.districtId)) return "district";
  if (d.topics.length === 0) return "topics";
  if (d.languages.length === 0) return "languages";
  if (d.contactModes.length === 0) return "contact";
  if (d.timesOfDay.length === 0) return "times";
  return "name";
}

/**
 * Repairs a state loaded from storage against the current organisation file: a district that no
 * longer exists is dropped, and a summary that is not complete goes back to the first gap.
 */
export function normalize(state: FlowState, config: FlowConfig): FlowState {
  let draft = state.draft;
  if (draft.districtId && !config.districtIds.includes(draft.districtId)) {
    const { districtId: _gone, ...rest } = draft;
    draft = rest;
  }
  if (draft.suggestedDistrictId && !config.districtIds.includes(draft.suggestedDistrictId)) {
    const { suggestedDistrictId: _gone, ...rest } = draft;
    draft = rest;
  }
  let { step, editing } = state;
  if (step === "summary" && !completeAnswers(draft, config)) {
    step = firstIncompleteStep(draft, config);
    editing = false;
  }
  if (draft === state.draft && step === state.step && editing === state.editing) return state;
  return { ...state, step, editing, draft };
}

export function viewOf(state: FlowState, config: FlowConfig): View {
  const { step, draft: d } = state;
  if (step === "summary") {
    const answers = completeAnswers(d, config);
    // normalize() keeps this from happening; fail loudly rather than show a broken summary
    if (!answers) throw new Error("summary view of an incomplete draft");
    return { kind: "summary", answers, sections: sectionsFor(d) };
  }
  const base = {
    kind: "question" as const,
    step,
    progress: progressOf(step, d),
    multi: false,
    canBack: previous(step, d) !== undefined || state.editing,
    canSkip: false,
    canNone: false,
    canDone: false,
    acceptsText: false,
  };
  const single = (values: readonly string[], chosen: string | undefined): ViewOption[] =>
    values.map((value) => ({ value, selected: value === chosen }));
  switch (step) {
    case "household":
      return { ...base, options: single(HOUSEHOLD_KINDS, d.household) };
    case "adults": {
      const values = withExtra(ADULT_BUTTONS, d.adults);
      return { ...base, options: single(values, d.adults?.toString()), acceptsText: true };
    }
    case "children": {
      const values = withExtra(CHILDREN_BUTTONS, d.children);
      return { ...base, options: single(values, d.children?.toString()), acceptsText: true };
    }
    case "district": {
      const suggested = d.suggestedDistrictId;
      const ordered = suggested
        ? [suggested, ...config.districtIds.filter((id) => id !== suggested)]
        : [...config.districtIds];
      return {
        ...base,
        options: ordered.map((value) => ({
          value,
          selected: value === d.districtId,
          ...(value === suggested ? { suggested: true } : {}),
        })),
      };
    }
    case "name":
    case "phone":
      return { ...base, options: [], canSkip: true, acceptsText: true };
    case "origin": {
      const countries: string[] = d.originCandidates.length ? [...d.originCandidates] : [...COMMON_ORIGINS];
      if (d.originCountry && !countries.includes(d.originCountry)) countries.unshift(d.originCountry);
      return {
        ...base,
        options: [...single(countries, d.originCountry), { value: ORIGIN_OTHER, selected: false }],
        canSkip: true,
        acceptsText: true,
      };
    }
    case "status":
      return { ...base, options: single(RESIDENCE_STATUSES, d.residenceStatus), canSkip: true };
    case "arrival": {
      const years = arrivalYears(config.thisYear);
      const values = years.map(String);
      if (d.arrivalYear !== undefined && !years.includes(d.arrivalYear)) values.push(String(d.arrivalYear));
      const chosen =
        d.arrivalYear !== undefined ? String(d.arrivalYear) : d.arrivedBefore ? ARRIVAL_EARLIER : undefined;
      return {
        ...base,
        options: single([...values, ARRIVAL_EARLIER, ARRIVAL_UNKNOWN], chosen),
        canSkip: true,
        acceptsText: true,
      };
    }
    default: {
      const m = MULTI[step];
      const chosen = d[m.field] as readonly string[];
      return {
        ...base,
        multi: true,
        canDone: true,
        canNone: m.none,
        options: m.values.map((value) => ({ value, selected: chosen.includes(value) })),
      };
    }
  }
}

/** This year and the ones before it, newest first. */
export const arrivalYears = (thisYear: number): number[] =>
  Array.from({ length: ARRIVAL_YEAR_BUTTONS }, (_, i) => thisYear - i);

function withExtra(buttons: readonly string[], current: number | undefined): string[] {
  const values = [...buttons];
  if (current !== undefined && !values.includes(String(current))) values.push(String(current));
  return values;
}

const DIGITS: Record<string, string> = {};
for (let i = 0; i < 10; i++) {
  DIGITS[String.fromCharCode(0x0660 + i)] = String(i); // Arabic-Indic
  DIGITS[String.fromCharCode(0x06f0 + i)] = String(i); // Extended Arabic-Indic (Persian, Urdu)
  DIGITS[String.fromCharCode(0xff10 + i)] = String(i); // full width
}

const asciiDigits = (text: string): string =>
  text.replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (c) => DIGITS[c] ?? c);

/** A count typed by a person: "3", " 3 ", "٣", "۳". */
export function parseCount(text: string): number | undefined {
  const ascii = asciiDigits(text.trim());
  if (!/^\d{1,3}$/.test(ascii)) return undefined;
  return Number(ascii);
}

/** A year of arrival typed by a person ("2019", "٢٠١٩"), from ARRIVAL_YEAR_MIN to this year. */
export function parseYear(text: string, thisYear: number): number | undefined {
  const ascii = asciiDigits(text.trim());
  if (!/^\d{4}$/.test(ascii)) return undefined;
  const y = Number(ascii);
  return y >= ARRIVAL_YEAR_MIN && y <= thisYear ? y : undefined;
}

/**
 * A phone number as people type it, in international form (E.164). Spaces, dashes, dots, slashes and
 * brackets are ignored; "00" is the international prefix; a leading single 0 is a German number
 * (+49), as the counselling happens in Germany. Letters, or too few or too many digits, are refused.
 */
export function validatePhone(text: string): { ok: true; phone: string } | { ok: false; error: FlowError } {
  const compact = asciiDigits(text.trim())
    .replace(/^\+\s*/, "+")
    .replace(/[\s\-./()\u00a0]/g, "");
  let phone: string;
  if (/^\+\d+$/.test(compact)) phone = compact;
  else if (/^00\d+$/.test(compact)) phone = `+${compact.slice(2)}`;
  else if (/^0[1-9]\d+$/.test(compact)) phone = `+49${compact.slice(1)}`;
  else return { ok: false, error: "phone_invalid" };
  // German numbers have at least 10 digits with the country code (+49 30 123456)
  if (!PHONE_E164.test(phone) || (phone.startsWith("+49") && phone.length < 11))
    return { ok: false, error: "phone_invalid" };
  return { ok: true, phone };
}

const NAME = /^[\p{L}\p{M}](?:[\p{L}\p{M}' .\u2019-]*[\p{L}\p{M}.])?$/u;

/** A first name or pseudonym: letters (any script), spaces, hyphens, apostrophes, dots; no digits or links. */
export function validateName(text: string): { ok: true; name: string } | { ok: false; error: FlowError } {
  const name = text.normalize("NFC").trim().replace(/\s+/g, " ");
  if ([...name].length > NAME_MAX_CHARS) return { ok: false, error: "name_too_long" };
  if (name.length === 0 || !NAME.test(name)) return { ok: false, error: "name_invalid" };
  return { ok: true, name };
}

// ── the reducer ───────────────────────────────────────────────────────────────────────────────────

export function reduce(config: FlowConfig, current: FlowState, event: FlowEvent): FlowResult {
  const state = normalize(current, config);
  const stay = (error?: FlowError): FlowResult => ({
    state,
    view: viewOf(state, config),
    change: state === current ? "none" : "moved",
    ...(error ? { error } : {}),
  });
  const update = (draft: Draft): FlowResult => {
    const s = { ...state, draft };
    return { state: s, view: viewOf(s, config), change: "updated" };
  };
  const goTo = (step: Step, draft: Draft, editing: boolean): FlowResult => {
    const s = normalize({ ...state, step, draft, editing }, config);
    return { state: s, view: viewOf(s, config), change: "moved" };
  };
  /** leaves the current step forwards: within an edited section, or back to the summary */
  const advance = (draft: Draft): FlowResult => {
    const step = state.step as QuestionStep;
    const to = next(step, draft);
    if (state.editing && (to === "summary" || sectionOf(to as QuestionStep) !== sectionOf(step)))
      return goTo("summary", draft, false);
    return goTo(to, draft, state.editing);
  };

  const { step, draft: d } = state;

  if (event.type === "show") return stay();

  if (step === "summary") {
    switch (event.type) {
      case "edit": {
        if (!isSection(event.section)) return stay("unknown_option");
        return goTo(SECTIONS[event.section][0], d, true);
      }
      case "back":
        return goTo(previous("summary", d)!, d, false);
      case "submit": {
        const answers = completeAnswers(d, config);
        if (!answers) return goTo(firstIncompleteStep(d, config), d, false);
        return { state, view: viewOf(state, config), change: "none", submit: answers };
      }
      case "text":
        return stay("use_buttons");
      default:
        return stay("not_possible_here");
    }
  }

  if (event.type === "back") {
    const to = previous(step, d);
    if (state.editing && (to === undefined || sectionOf(to as QuestionStep) !== sectionOf(step)))
      return goTo("summary", d, false);
    if (to === undefined) return stay("not_possible_here");
    return goTo(to, d, state.editing);
  }
  if (event.type === "edit" || event.type === "submit") return stay("not_possible_here");

  switch (step) {
    case "household": {
      if (event.type === "text") return stay("use_buttons");
      if (event.type !== "choose") return stay("not_possible_here");
      if (event.value === "single") return advance({ ...d, household: "single", adults: 1, children: 0 });
      if (event.value === "family") return advance({ ...d, household: "family" });
      return stay("unknown_option");
    }
    case "adults":
    case "children": {
      if (event.type !== "choose" && event.type !== "text") return stay("not_possible_here");
      const raw = event.type === "choose" ? event.value : event.text;
      const n = parseCount(raw);
      if (n === undefined) return stay(event.type === "choose" ? "unknown_option" : "not_a_number");
      if (step === "adults") {
        if (n < 1 || n > MAX_PERSONS_PER_ROLE) return stay("number_out_of_range");
        return advance({ ...d, adults: n });
      }
      if (n > MAX_PERSONS_PER_ROLE) return stay("number_out_of_range");
      if ((d.adults ?? 1) + n < 2) return stay("family_too_small");
      return advance({ ...d, children: n });
    }
    case "district": {
      if (event.type === "text") return stay("use_buttons");
      if (event.type !== "choose") return stay("not_possible_here");
      if (!config.districtIds.includes(event.value)) return stay("unknown_option");
      return advance({ ...d, districtId: event.value });
    }
    case "phone": {
      if (event.type === "skip") {
        const { phone: _dropped, ...rest } = d;
        return advance(rest);
      }
      if (event.type !== "text") return stay("not_possible_here");
      const v = validatePhone(event.text);
      if (!v.ok) return stay(v.error);
      return advance({ ...d, phone: v.phone });
    }
    case "origin": {
      if (event.type === "skip") {
        const { originCountry: _dropped, ...rest } = d;
        return advance({ ...rest, originCandidates: [] });
      }
      if (event.type === "choose") {
        if (event.value === ORIGIN_OTHER) return stay("country_type");
        if (!isCountryCode(event.value)) return stay("unknown_option");
        return advance({ ...d, originCountry: event.value, originCandidates: [] });
      }
      if (event.type !== "text") return stay("not_possible_here");
      // only the code is kept: what was typed never enters the draft
      const m = matchCountry(event.text);
      if (m.code) return advance({ ...d, originCountry: m.code, originCandidates: [] });
      if (m.candidates.length === 0) return stay("country_not_found");
      // the same question again, in a new message, with the countries the text may mean as buttons
      return {
        ...goTo(step, { ...d, originCandidates: m.candidates }, state.editing),
        error: "country_pick",
      };
    }
    case "status": {
      if (event.type === "skip") {
        const { residenceStatus: _dropped, ...rest } = d;
        return advance(rest);
      }
      if (event.type === "text") return stay("use_buttons");
      if (event.type !== "choose") return stay("not_possible_here");
      const value = RESIDENCE_STATUSES.find((v) => v === event.value);
      if (!value) return stay("unknown_option");
      return advance({ ...d, residenceStatus: value });
    }
    case "arrival": {
      const { arrivalYear: _y, arrivedBefore: _b, ...rest } = d;
      if (event.type === "skip") return advance(rest);
      if (event.type === "choose" && event.value === ARRIVAL_UNKNOWN) return advance(rest);
      if (event.type === "choose" && event.value === ARRIVAL_EARLIER) {
        const years = arrivalYears(config.thisYear);
        return advance({ ...rest, arrivedBefore: years[years.length - 1]! });
      }
      if (event.type !== "choose" && event.type !== "text") return stay("not_possible_here");
      const y = parseYear(event.type === "choose" ? event.value : event.text, config.thisYear);
      if (y === undefined) return stay(event.type === "choose" ? "unknown_option" : "year_invalid");
      return advance({ ...rest, arrivalYear: y });
    }
    case "name": {
      if (event.type === "skip") {
        const { displayName: _dropped, ...rest } = d;
        return advance(rest);
      }
      if (event.type !== "text") return stay("not_possible_here");
      const v = validateName(event.text);
      if (!v.ok) return stay(v.error);
      return advance({ ...d, displayName: v.name });
    }
    default: {
      if (!isMulti(step)) return stay("not_possible_here");
      const m = MULTI[step];
      const chosen = d[m.field] as readonly string[];
      switch (event.type) {
        case "toggle": {
          if (!(m.values as readonly string[]).includes(event.value)) return stay("unknown_option");
          if (event.on !== undefined && chosen.includes(event.value) === event.on) return stay();
          const toggled = chosen.includes(event.value)
            ? chosen.filter((v) => v !== event.value)
            : // keep the vocabulary's order, whatever order the person tapped in
              m.values.filter((v) => v === event.value || chosen.includes(v));
          return update({ ...d, [m.field]: toggled } as Draft);
        }
        case "done":
          if (chosen.length < m.min) return stay("choose_at_least_one");
          return advance(d);
        case "none":
          if (!m.none) return stay("not_possible_here");
          return advance({ ...d, [m.field]: [] } as Draft);
        case "text":
          return stay("use_buttons");
        default:
          return stay("not_possible_here");
      }
    }
  }
}
