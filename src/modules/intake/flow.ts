// The intake questionnaire (Klärungsbogen) as a plain state machine. PURE: state + event → new state +
// what to show, no I/O, no clock, no randomness. The Telegram layer persists the state (Conversation
// row) after every event, so a restart or a week of silence resumes exactly where the person stopped.
//
// Steps, in order (adults/children only for a family):
//   household → adults → children → district → topics → urgency → languages → support → contact
//   → times → name → summary
// From the summary a section can be edited; the flow then walks that section's steps and comes back
// to the summary. "back" goes to the previous step (inside an edited section, or back to the summary).
import { z } from "zod";
import {
  CLIENT_LOCALES,
  type ClientLocale,
  CONTACT_MODES,
  EXISTING_SUPPORT,
  HOUSEHOLD_KINDS,
  type IntakeAnswers,
  intakeAnswersSchema,
  SPOKEN_LANGUAGES,
  type SpokenLanguage,
  TIMES_OF_DAY,
  TOPICS,
  URGENCY_SIGNALS,
} from "./answers.ts";

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
  "times",
  "name",
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
  times: "ti",
  name: "na",
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
  contact: ["contact", "times"],
  name: ["name"],
} as const satisfies Record<string, readonly QuestionStep[]>;
export type Section = keyof typeof SECTIONS;
export const SECTION_LIST = Object.keys(SECTIONS) as Section[];
export const isSection = (s: string): s is Section => (SECTION_LIST as string[]).includes(s);

export const sectionOf = (step: QuestionStep): Section =>
  SECTION_LIST.find((s) => (SECTIONS[s] as readonly string[]).includes(step))!;

/** "Question n of total" counts sections, so a single person and a family see the same total. */
export const progressOf = (step: QuestionStep): { n: number; total: number } => ({
  n: SECTION_LIST.indexOf(sectionOf(step)) + 1,
  total: SECTION_LIST.length,
});

export const MAX_PERSONS_PER_ROLE = 20;
export const NAME_MAX_CHARS = 64;
/** Counts offered as buttons; larger numbers can be typed. */
export const ADULT_BUTTONS = ["1", "2", "3", "4", "5", "6"] as const;
export const CHILDREN_BUTTONS = ["0", "1", "2", "3", "4", "5", "6"] as const;

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
}

// ── events and results ────────────────────────────────────────────────────────────────────────────

export type FlowEvent =
  | { type: "choose"; value: string }
  | { type: "toggle"; value: string }
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
      options: ViewOption[];
      multi: boolean;
      canBack: boolean;
      canSkip: boolean;
      canNone: boolean;
      canDone: boolean;
      acceptsText: boolean;
    }
  | { kind: "summary"; answers: IntakeAnswers };

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

export function initialState(opts: { locale?: ClientLocale; suggestedDistrictId?: string } = {}): FlowState {
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
    },
  };
}

function next(step: QuestionStep, d: Draft): Step {
  switch (step) {
    case "household":
      return d.household === "family" ? "adults" : "district";
    case "adults":
      return "children";
    case "children":
      return "district";
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
    return { kind: "summary", answers };
  }
  const base = {
    kind: "question" as const,
    step,
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
      return { ...base, options: [], canSkip: true, acceptsText: true };
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

/** A count typed by a person: "3", " 3 ", "٣", "۳". */
export function parseCount(text: string): number | undefined {
  const ascii = text.trim().replace(/[\u0660-\u0669\u06f0-\u06f9\uff10-\uff19]/g, (c) => DIGITS[c] ?? c);
  if (!/^\d{1,3}$/.test(ascii)) return undefined;
  return Number(ascii);
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
        return goTo("name", d, false);
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
