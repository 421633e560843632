import { describe, expect, it } from "vitest";
import { COMMON_ORIGINS } from "../../src/modules/intake/countries.ts";
import {
  completeAnswers,
  type Draft,
  type FlowConfig,
  type FlowError,
  type FlowEvent,
  type FlowResult,
  type FlowState,
  initialState,
  MAX_PERSONS_PER_ROLE,
  normalize,
  parseCount,
  parseYear,
  progressOf,
  reduce,
  SECTION_LIST,
  SECTIONS,
  STEP_CODES,
  STEPS,
  type Step,
  stepOfCode,
  validateName,
  validatePhone,
  viewOf,
} from "../../src/modules/intake/flow.ts";

const config: FlowConfig = { districtIds: ["mitte", "heepen", "senne"], thisYear: 2026 };

const emptyDraft = (): Draft => initialState().draft;

const at = (step: Step, draft: Partial<Draft> = {}, editing = false): FlowState => ({
  step,
  editing,
  draft: { ...emptyDraft(), ...draft },
});

/** A complete family draft, as the summary needs it. */
const complete: Draft = {
  ...emptyDraft(),
  household: "family",
  adults: 2,
  children: 3,
  districtId: "heepen",
  topics: ["work", "housing"],
  urgency: [],
  languages: ["ar", "en"],
  existingSupport: ["mbe"],
  contactModes: ["in_person"],
  timesOfDay: ["morning"],
  displayName: "Amal",
};

function play(events: FlowEvent[], from: FlowState = initialState({ locale: "ar" })): FlowResult {
  let r: FlowResult = reduce(config, from, { type: "show" });
  for (const e of events) r = reduce(config, r.state, e);
  return r;
}

describe("intake flow: every step forwards", () => {
  // [name, state, event, expected step, expected draft fields, expected change]
  const table: [string, FlowState, FlowEvent, Step, Partial<Draft>, FlowResult["change"]][] = [
    [
      "single skips adults and children",
      at("household"),
      { type: "choose", value: "single" },
      "district",
      { household: "single", adults: 1, children: 0 },
      "moved",
    ],
    [
      "family asks for adults",
      at("household"),
      { type: "choose", value: "family" },
      "adults",
      { household: "family" },
      "moved",
    ],
    [
      "adults by button",
      at("adults", { household: "family" }),
      { type: "choose", value: "2" },
      "children",
      { adults: 2 },
      "moved",
    ],
    [
      "adults typed",
      at("adults", { household: "family" }),
      { type: "text", text: " 7 " },
      "children",
      { adults: 7 },
      "moved",
    ],
    [
      "adults typed in Arabic digits",
      at("adults", { household: "family" }),
      { type: "text", text: "٣" },
      "children",
      { adults: 3 },
      "moved",
    ],
    [
      "children by button",
      at("children", { household: "family", adults: 2 }),
      { type: "choose", value: "0" },
      "district",
      { children: 0 },
      "moved",
    ],
    [
      "children typed in Persian digits",
      at("children", { household: "family", adults: 1 }),
      { type: "text", text: "۴" },
      "district",
      { children: 4 },
      "moved",
    ],
    [
      "district",
      at("district"),
      { type: "choose", value: "heepen" },
      "topics",
      { districtId: "heepen" },
      "moved",
    ],
    [
      "topic toggled on",
      at("topics"),
      { type: "toggle", value: "work" },
      "topics",
      { topics: ["work"] },
      "updated",
    ],
    [
      "topic toggled off",
      at("topics", { topics: ["work", "housing"] }),
      { type: "toggle", value: "work" },
      "topics",
      { topics: ["housing"] },
      "updated",
    ],
    [
      "tick of a ticked topic (a redelivered tap) changes nothing",
      at("topics", { topics: ["work"] }),
      { type: "toggle", value: "work", on: true },
      "topics",
      { topics: ["work"] },
      "none",
    ],
    [
      "untick of an unticked topic changes nothing",
      at("topics", { topics: ["housing"] }),
      { type: "toggle", value: "work", on: false },
      "topics",
      { topics: ["housing"] },
      "none",
    ],
    [
      "tick of an unticked topic ticks it",
      at("topics", { topics: ["housing"] }),
      { type: "toggle", value: "work", on: true },
      "topics",
      { topics: ["work", "housing"] },
      "updated",
    ],
    [
      "topics keep vocabulary order",
      at("topics", { topics: ["housing"] }),
      { type: "toggle", value: "education_language" },
      "topics",
      { topics: ["education_language", "housing"] },
      "updated",
    ],
    ["topics done", at("topics", { topics: ["work"] }), { type: "done" }, "urgency", {}, "moved"],
    [
      "urgency none clears",
      at("urgency", { urgency: ["eviction"] }),
      { type: "none" },
      "languages",
      { urgency: [] },
      "moved",
    ],
    [
      "urgency done with nothing is none",
      at("urgency"),
      { type: "done" },
      "languages",
      { urgency: [] },
      "moved",
    ],
    [
      "urgency toggled",
      at("urgency"),
      { type: "toggle", value: "authority_deadline" },
      "urgency",
      { urgency: ["authority_deadline"] },
      "updated",
    ],
    ["languages done", at("languages", { languages: ["uk"] }), { type: "done" }, "support", {}, "moved"],
    ["support none", at("support"), { type: "none" }, "contact", { existingSupport: [] }, "moved"],
    [
      "support toggled",
      at("support"),
      { type: "toggle", value: "sgb2" },
      "support",
      { existingSupport: ["sgb2"] },
      "updated",
    ],
    // phone contact asks for the number; without it the flow goes on to the times
    ["contact done", at("contact", { contactModes: ["phone"] }), { type: "done" }, "phone", {}, "moved"],
    [
      "contact done, no phone",
      at("contact", { contactModes: ["video"] }),
      { type: "done" },
      "times",
      {},
      "moved",
    ],
    ["times done", at("times", { timesOfDay: ["evening"] }), { type: "done" }, "name", {}, "moved"],
    [
      "name typed",
      at("name", complete),
      { type: "text", text: "  Olena   Marie " },
      "origin",
      { displayName: "Olena Marie" },
      "moved",
    ],
    ["name skipped", at("name", complete), { type: "skip" }, "origin", { displayName: undefined }, "moved"],
    // a client who had an intake before is not asked the "about you" steps again
    [
      "name skipped, existing client",
      at("name", { ...complete, askAbout: false }),
      { type: "skip" },
      "summary",
      { displayName: undefined },
      "moved",
    ],
  ];
  it.each(table)("%s", (_name, state, event, step, draft, change) => {
    const r = reduce(config, state, event);
    expect(r.error).toBeUndefined();
    expect(r.state.step).toBe(step);
    expect(r.change).toBe(change);
    for (const [k, v] of Object.entries(draft)) expect(r.state.draft[k as keyof Draft]).toEqual(v);
  });
});

describe("intake flow: validation keeps the step and says why", () => {
  const table: [string, FlowState, FlowEvent, string][] = [
    ["text on a button step", at("household"), { type: "text", text: "family please" }, "use_buttons"],
    ["text on a multi step", at("topics"), { type: "text", text: "work" }, "use_buttons"],
    ["unknown household", at("household"), { type: "choose", value: "clan" }, "unknown_option"],
    [
      "adults not a number",
      at("adults", { household: "family" }),
      { type: "text", text: "two" },
      "not_a_number",
    ],
    ["adults negative", at("adults", { household: "family" }), { type: "text", text: "-1" }, "not_a_number"],
    [
      "adults zero",
      at("adults", { household: "family" }),
      { type: "text", text: "0" },
      "number_out_of_range",
    ],
    [
      "adults too many",
      at("adults", { household: "family" }),
      { type: "text", text: String(MAX_PERSONS_PER_ROLE + 1) },
      "number_out_of_range",
    ],
    [
      "adults huge",
      at("adults", { household: "family" }),
      { type: "text", text: "1".repeat(5000) },
      "not_a_number",
    ],
    [
      "adults forged button",
      at("adults", { household: "family" }),
      { type: "choose", value: "x" },
      "unknown_option",
    ],
    [
      "children too many",
      at("children", { household: "family", adults: 2 }),
      { type: "text", text: "21" },
      "number_out_of_range",
    ],
    [
      "family of one",
      at("children", { household: "family", adults: 1 }),
      { type: "choose", value: "0" },
      "family_too_small",
    ],
    ["unknown district", at("district"), { type: "choose", value: "atlantis" }, "unknown_option"],
    ["district typed", at("district"), { type: "text", text: "Heepen" }, "use_buttons"],
    ["unknown topic", at("topics"), { type: "toggle", value: "crypto" }, "unknown_option"],
    ["topics done empty", at("topics"), { type: "done" }, "choose_at_least_one"],
    ["languages done empty", at("languages"), { type: "done" }, "choose_at_least_one"],
    ["contact done empty", at("contact"), { type: "done" }, "choose_at_least_one"],
    ["times done empty", at("times"), { type: "done" }, "choose_at_least_one"],
    ["no none on topics", at("topics"), { type: "none" }, "not_possible_here"],
    ["no skip on topics", at("topics"), { type: "skip" }, "not_possible_here"],
    ["no submit before the summary", at("topics"), { type: "submit" }, "not_possible_here"],
    ["no edit before the summary", at("district"), { type: "edit", section: "topics" }, "not_possible_here"],
    ["no back from the first step", at("household"), { type: "back" }, "not_possible_here"],
    ["name too long", at("name", complete), { type: "text", text: "A".repeat(65) }, "name_too_long"],
    [
      "name of 5000 characters",
      at("name", complete),
      { type: "text", text: "x".repeat(5000) },
      "name_too_long",
    ],
    ["name with digits", at("name", complete), { type: "text", text: "Amal 123" }, "name_invalid"],
    [
      "name that is a link",
      at("name", complete),
      { type: "text", text: "https://example.org" },
      "name_invalid",
    ],
    ["name of spaces", at("name", complete), { type: "text", text: "    " }, "name_invalid"],
    ["name with markup", at("name", complete), { type: "text", text: "<b>Amal</b>" }, "name_invalid"],
    ["summary text", at("summary", complete), { type: "text", text: "ok" }, "use_buttons"],
    [
      "summary unknown section",
      at("summary", complete),
      { type: "edit", section: "passport" },
      "unknown_option",
    ],
    ["summary toggle", at("summary", complete), { type: "toggle", value: "work" }, "not_possible_here"],
  ];
  it.each(table)("%s", (_name, state, event, error) => {
    const r = reduce(config, state, event);
    expect(r.error).toBe(error);
    expect(r.state.step).toBe(state.step);
    expect(r.change).toBe("none");
    expect(r.state.draft).toEqual(state.draft);
    expect(r.submit).toBeUndefined();
  });
});

describe("intake flow: back", () => {
  const table: [string, FlowState, Step][] = [
    ["adults → household", at("adults", { household: "family" }), "household"],
    ["children → adults", at("children", { household: "family", adults: 2 }), "adults"],
    [
      "district of a family → children",
      at("district", { household: "family", adults: 2, children: 1 }),
      "children",
    ],
    [
      "district of a single → household",
      at("district", { household: "single", adults: 1, children: 0 }),
      "household",
    ],
    ["topics → district", at("topics"), "district"],
    ["urgency → topics", at("urgency"), "topics"],
    ["name → times", at("name"), "times"],
    ["summary → arrival", at("summary", complete), "arrival"],
    ["summary → name for an existing client", at("summary", { ...complete, askAbout: false }), "name"],
  ];
  it.each(table)("%s", (_name, state, to) => {
    const r = reduce(config, state, { type: "back" });
    expect(r.error).toBeUndefined();
    expect(r.state.step).toBe(to);
    expect(r.state.draft).toEqual(state.draft);
  });

  it("keeps the answers of the step it returns to", () => {
    const r = play([{ type: "choose", value: "family" }, { type: "choose", value: "3" }, { type: "back" }]);
    expect(r.state.step).toBe("adults");
    expect(r.state.draft.adults).toBe(3);
    const view = r.view;
    expect(view.kind === "question" && view.options.find((o) => o.selected)?.value).toBe("3");
  });
});

describe("intake flow: edits from the summary", () => {
  const table: [string, string, FlowEvent[], Partial<Draft>][] = [
    ["district", "district", [{ type: "choose", value: "senne" }], { districtId: "senne" }],
    [
      "topics",
      "topics",
      [{ type: "toggle", value: "health" }, { type: "done" }],
      { topics: ["work", "housing", "health"] },
    ],
    [
      "urgency",
      "urgency",
      [{ type: "toggle", value: "eviction" }, { type: "done" }],
      { urgency: ["eviction"] },
    ],
    ["languages", "languages", [{ type: "toggle", value: "en" }, { type: "done" }], { languages: ["ar"] }],
    ["support", "support", [{ type: "none" }], { existingSupport: [] }],
    [
      "contact walks contact and times",
      "contact",
      [
        { type: "toggle", value: "video" },
        { type: "done" },
        { type: "toggle", value: "evening" },
        { type: "done" },
      ],
      { contactModes: ["in_person", "video"], timesOfDay: ["morning", "evening"] },
    ],
    ["name", "name", [{ type: "text", text: "Sami" }], { displayName: "Sami" }],
    ["name removed", "name", [{ type: "skip" }], { displayName: undefined }],
    [
      "household family → single",
      "household",
      [{ type: "choose", value: "single" }],
      { household: "single", adults: 1, children: 0 },
    ],
    [
      "household walks adults and children",
      "household",
      [
        { type: "choose", value: "family" },
        { type: "choose", value: "1" },
        { type: "choose", value: "4" },
      ],
      { adults: 1, children: 4 },
    ],
  ];
  it.each(table)("%s comes back to the summary", (_name, section, events, draft) => {
    let r = reduce(config, at("summary", complete), { type: "edit", section });
    expect(r.state.editing).toBe(true);
    expect(r.state.step).toBe(SECTIONS[section as keyof typeof SECTIONS][0]);
    for (const e of events) {
      expect(r.state.step).not.toBe("summary");
      r = reduce(config, r.state, e);
      expect(r.error).toBeUndefined();
    }
    expect(r.state.step).toBe("summary");
    expect(r.state.editing).toBe(false);
    expect(r.view.kind).toBe("summary");
    for (const [k, v] of Object.entries(draft)) expect(r.state.draft[k as keyof Draft]).toEqual(v);
  });

  it("back from the first step of an edited section returns to the summary unchanged", () => {
    const editing = reduce(config, at("summary", complete), { type: "edit", section: "topics" }).state;
    const r = reduce(config, editing, { type: "back" });
    expect(r.state.step).toBe("summary");
    expect(r.state.editing).toBe(false);
  });

  it("back inside an edited section stays in the section", () => {
    let r = reduce(config, at("summary", complete), { type: "edit", section: "contact" });
    r = reduce(config, r.state, { type: "done" });
    expect(r.state.step).toBe("times");
    r = reduce(config, r.state, { type: "back" });
    expect(r.state.step).toBe("contact");
    expect(r.state.editing).toBe(true);
  });
});

describe("intake flow: submit", () => {
  it("submits a complete questionnaire", () => {
    const r = reduce(config, at("summary", complete), { type: "submit" });
    expect(r.submit).toEqual({
      household: "family",
      adults: 2,
      children: 3,
      districtId: "heepen",
      topics: ["work", "housing"],
      urgency: [],
      languages: ["ar", "en"],
      existingSupport: ["mbe"],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      displayName: "Amal",
    });
  });

  it("never submits an incomplete one: it goes to the first gap", () => {
    const r = reduce(
      config,
      { step: "summary", editing: false, draft: { ...complete, timesOfDay: [] } },
      { type: "submit" },
    );
    expect(r.submit).toBeUndefined();
    expect(r.state.step).toBe("times");
  });

  it("a whole intake, single person, from the first question", () => {
    const r = play([
      { type: "choose", value: "single" },
      { type: "choose", value: "mitte" },
      { type: "toggle", value: "residence" },
      { type: "done" },
      { type: "none" },
      { type: "done" }, // the bot language (ar) is pre-selected
      { type: "toggle", value: "jmd" },
      { type: "done" },
      { type: "toggle", value: "phone" },
      { type: "done" },
      { type: "skip" }, // the phone number
      { type: "toggle", value: "afternoon" },
      { type: "done" },
      { type: "skip" },
      { type: "skip" }, // country of origin
      { type: "skip" }, // residence status
      { type: "skip" }, // year of arrival
      { type: "submit" },
    ]);
    expect(r.submit).toMatchObject({
      household: "single",
      adults: 1,
      children: 0,
      languages: ["ar"],
      existingSupport: ["jmd"],
    });
    expect(r.submit?.displayName).toBeUndefined();
  });
});

describe("intake flow: views", () => {
  it("marks the deep-link district as suggested and shows it first", () => {
    const v = viewOf(at("district", initialState({ suggestedDistrictId: "senne" }).draft), config);
    expect(v.kind === "question" && v.options.map((o) => [o.value, !!o.suggested])).toEqual([
      ["senne", true],
      ["mitte", false],
      ["heepen", false],
    ]);
  });

  it("pre-selects the bot language as a spoken language (Leichte Sprache is German)", () => {
    expect(initialState({ locale: "uk" }).draft.languages).toEqual(["uk"]);
    expect(initialState({ locale: "de-simple" }).draft.languages).toEqual(["de"]);
  });

  const controls: [
    Step,
    { back: boolean; none: boolean; skip: boolean; done: boolean; text: boolean; multi: boolean },
  ][] = [
    ["household", { back: false, none: false, skip: false, done: false, text: false, multi: false }],
    ["adults", { back: true, none: false, skip: false, done: false, text: true, multi: false }],
    ["topics", { back: true, none: false, skip: false, done: true, text: false, multi: true }],
    ["urgency", { back: true, none: true, skip: false, done: true, text: false, multi: true }],
    ["support", { back: true, none: true, skip: false, done: true, text: false, multi: true }],
    ["name", { back: true, none: false, skip: true, done: false, text: true, multi: false }],
    ["phone", { back: true, none: false, skip: true, done: false, text: true, multi: false }],
    ["origin", { back: true, none: false, skip: true, done: false, text: true, multi: false }],
    ["status", { back: true, none: false, skip: true, done: false, text: false, multi: false }],
    ["arrival", { back: true, none: false, skip: true, done: false, text: true, multi: false }],
  ];
  it.each(controls)("%s offers the right controls", (step, c) => {
    const v = viewOf(at(step, { household: "family" }), config);
    if (v.kind !== "question") throw new Error("expected a question");
    expect({
      back: v.canBack,
      none: v.canNone,
      skip: v.canSkip,
      done: v.canDone,
      text: v.acceptsText,
      multi: v.multi,
    }).toEqual(c);
  });

  it("a typed count above the buttons appears as a selected option", () => {
    const v = viewOf(at("adults", { household: "family", adults: 9 }), config);
    expect(v.kind === "question" && v.options.at(-1)).toEqual({ value: "9", selected: true });
  });

  it("counts progress by section", () => {
    expect(progressOf("household")).toEqual({ n: 1, total: SECTION_LIST.length });
    expect(progressOf("children")).toEqual({ n: 1, total: 9 });
    expect(progressOf("times")).toEqual({ n: 7, total: 9 });
    expect(progressOf("name")).toEqual({ n: 8, total: 9 });
    expect(progressOf("phone")).toEqual({ n: 7, total: 9 });
    expect(progressOf("arrival")).toEqual({ n: 9, total: 9 });
    // without the "about you" section (an existing client) there are eight
    expect(progressOf("name", { askAbout: false })).toEqual({ n: 8, total: 8 });
  });
});

describe("intake flow: resuming a stored state", () => {
  it("drops a district the organisation file no longer has and leaves the summary", () => {
    const s = normalize(
      { step: "summary", editing: false, draft: { ...complete, districtId: "gone" } },
      config,
    );
    expect(s.draft.districtId).toBeUndefined();
    expect(s.step).toBe("district");
  });

  it("leaves a valid state untouched (same object)", () => {
    const s = at("topics");
    expect(normalize(s, config)).toBe(s);
    expect(reduce(config, s, { type: "show" }).change).toBe("none");
  });

  it("completeAnswers refuses a family of one", () => {
    expect(completeAnswers({ ...complete, adults: 1, children: 0 })).toBeUndefined();
  });
});

describe("intake flow: helpers", () => {
  it.each([
    ["3", 3],
    [" 12 ", 12],
    ["٠", 0],
    ["۱۵", 15],
    ["３", 3],
    ["3.5", undefined],
    ["", undefined],
    ["1e3", undefined],
    ["1000", undefined],
  ])("parseCount(%j) = %j", (text, n) => {
    expect(parseCount(text)).toBe(n);
  });

  it.each([
    ["Amal", "Amal"],
    ["  Jean-Luc  ", "Jean-Luc"],
    ["O’Brien", "O’Brien"],
    ["محمد", "محمد"],
    ["Олена", "Олена"],
    ["Zoë", "Zoë"],
  ])("accepts the name %j", (input, name) => {
    expect(validateName(input)).toEqual({ ok: true, name });
  });

  it("step codes are unique and reversible", () => {
    const codes = STEPS.map((s) => STEP_CODES[s]);
    expect(new Set(codes).size).toBe(STEPS.length);
    for (const s of STEPS) expect(stepOfCode(STEP_CODES[s])).toBe(s);
    expect(stepOfCode("zz")).toBeUndefined();
  });
});

describe("intake flow: the optional steps (phone, country, status, year of arrival)", () => {
  const about = (step: Step, draft: Partial<Draft> = {}) => at(step, { ...complete, ...draft });
  // [name, state, event, expected step, expected draft fields, error]
  const table: [string, FlowState, FlowEvent, Step, Partial<Draft>, FlowError | undefined][] = [
    [
      "phone typed, German national",
      about("phone", { contactModes: ["phone"] }),
      { type: "text", text: "0151 / 234 567-89" },
      "times",
      { phone: "+4915123456789" },
      undefined,
    ],
    [
      "phone typed, international with 00",
      about("phone", { contactModes: ["phone"] }),
      { type: "text", text: "00380 67 123 4567" },
      "times",
      { phone: "+380671234567" },
      undefined,
    ],
    [
      "phone in Arabic-Indic digits",
      about("phone", { contactModes: ["phone"] }),
      { type: "text", text: "+٤٩ ١٥١ ٢٣٤٥٦٧٨٩" },
      "times",
      { phone: "+4915123456789" },
      undefined,
    ],
    [
      "phone not a number",
      about("phone", { contactModes: ["phone"] }),
      { type: "text", text: "call me maybe" },
      "phone",
      { phone: undefined },
      "phone_invalid",
    ],
    [
      "phone too short",
      about("phone", { contactModes: ["phone"] }),
      { type: "text", text: "0151 23" },
      "phone",
      { phone: undefined },
      "phone_invalid",
    ],
    [
      "phone skipped",
      about("phone", { contactModes: ["phone"], phone: "+4915123456789" }),
      { type: "skip" },
      "times",
      { phone: undefined },
      undefined,
    ],
    [
      "country by button",
      about("origin"),
      { type: "choose", value: "SY" },
      "status",
      { originCountry: "SY" },
      undefined,
    ],
    [
      "country typed in German",
      about("origin"),
      { type: "text", text: "Syrien" },
      "status",
      { originCountry: "SY", originCandidates: [] },
      undefined,
    ],
    [
      "country typed in Persian",
      about("origin"),
      { type: "text", text: "افغانستان" },
      "status",
      { originCountry: "AF" },
      undefined,
    ],
    [
      "country typed, several fit: offered as buttons",
      about("origin"),
      { type: "text", text: "Guin" },
      "origin",
      { originCountry: undefined },
      "country_pick",
    ],
    [
      "country typed, nothing fits",
      about("origin"),
      { type: "text", text: "Atlantis" },
      "origin",
      { originCountry: undefined, originCandidates: [] },
      "country_not_found",
    ],
    [
      "country other: type it",
      about("origin"),
      { type: "choose", value: "other" },
      "origin",
      {},
      "country_type",
    ],
    ["country forged", about("origin"), { type: "choose", value: "ZZ" }, "origin", {}, "unknown_option"],
    [
      "country skipped",
      about("origin", { originCountry: "SY" }),
      { type: "skip" },
      "status",
      { originCountry: undefined },
      undefined,
    ],
    [
      "status chosen",
      about("status"),
      { type: "choose", value: "ukraine24" },
      "arrival",
      { residenceStatus: "ukraine24" },
      undefined,
    ],
    ["status forged", about("status"), { type: "choose", value: "tourist" }, "status", {}, "unknown_option"],
    ["status typed", about("status"), { type: "text", text: "refugee" }, "status", {}, "use_buttons"],
    [
      "status skipped",
      about("status"),
      { type: "skip" },
      "arrival",
      { residenceStatus: undefined },
      undefined,
    ],
    [
      "year by button",
      about("arrival"),
      { type: "choose", value: "2023" },
      "summary",
      { arrivalYear: 2023 },
      undefined,
    ],
    [
      "year typed",
      about("arrival", { arrivedBefore: 2019 }),
      { type: "text", text: "2001" },
      "summary",
      { arrivalYear: 2001, arrivedBefore: undefined },
      undefined,
    ],
    [
      "year earlier than the buttons",
      about("arrival", { arrivalYear: 2024 }),
      { type: "choose", value: "earlier" },
      "summary",
      { arrivalYear: undefined, arrivedBefore: 2019 },
      undefined,
    ],
    [
      "year unknown",
      about("arrival", { arrivalYear: 2024 }),
      { type: "choose", value: "unknown" },
      "summary",
      { arrivalYear: undefined, arrivedBefore: undefined },
      undefined,
    ],
    ["year in the future", about("arrival"), { type: "text", text: "2031" }, "arrival", {}, "year_invalid"],
    [
      "year forged button",
      about("arrival"),
      { type: "choose", value: "1800" },
      "arrival",
      {},
      "unknown_option",
    ],
    [
      "year skipped",
      about("arrival", { arrivalYear: 2020 }),
      { type: "skip" },
      "summary",
      { arrivalYear: undefined },
      undefined,
    ],
  ];
  it.each(table)("%s", (_name, state, event, step, draft, error) => {
    const r = reduce(config, state, event);
    expect(r.error).toBe(error);
    expect(r.state.step).toBe(step);
    for (const [k, v] of Object.entries(draft)) expect(r.state.draft[k as keyof Draft]).toEqual(v);
  });

  it("offers the common countries with their buttons, then the typed candidates instead", () => {
    const v = viewOf(about("origin"), config);
    expect(v.kind === "question" && v.options.map((o) => o.value)).toEqual([...COMMON_ORIGINS, "other"]);
    const r = reduce(config, about("origin"), { type: "text", text: "Guin" });
    const values = r.view.kind === "question" ? r.view.options.map((o) => o.value) : [];
    expect(values).toContain("GW");
    expect(values).toContain("GQ");
    expect(values.at(-1)).toBe("other");
    // the typed text itself is kept nowhere in the state
    expect(JSON.stringify(r.state)).not.toContain("Guin");
    const chosen = reduce(config, r.state, { type: "choose", value: "GW" });
    expect(chosen.state.step).toBe("status");
    expect(chosen.state.draft).toMatchObject({ originCountry: "GW", originCandidates: [] });
  });

  it("offers this year and the seven before it, then earlier and don't know", () => {
    const v = viewOf(about("arrival"), config);
    expect(v.kind === "question" && v.options.map((o) => o.value)).toEqual([
      "2026",
      "2025",
      "2024",
      "2023",
      "2022",
      "2021",
      "2020",
      "2019",
      "earlier",
      "unknown",
    ]);
    const earlier = viewOf(about("arrival", { arrivedBefore: 2019 }), config);
    expect(earlier.kind === "question" && earlier.options.find((o) => o.selected)?.value).toBe("earlier");
  });

  it("asks for the phone number only with phone contact, and back skips it the same way", () => {
    expect(reduce(config, about("times", { contactModes: ["phone"] }), { type: "back" }).state.step).toBe(
      "phone",
    );
    expect(reduce(config, about("times", { contactModes: ["video"] }), { type: "back" }).state.step).toBe(
      "contact",
    );
  });

  it("editing the contact walks contact → phone → times and returns to the summary", () => {
    const r = play(
      [
        { type: "edit", section: "contact" },
        { type: "toggle", value: "phone" },
        { type: "done" },
        { type: "text", text: "0521 123456" },
        { type: "done" },
      ],
      at("summary", complete),
    );
    expect(r.state.step).toBe("summary");
    expect(r.view.kind === "summary" && r.view.answers.phone).toBe("+49521123456");
  });

  it("submits what was given, and drops a phone number once phone contact is no longer chosen", () => {
    const full = {
      ...complete,
      contactModes: ["phone" as const],
      phone: "+4915123456789",
      originCountry: "UA",
      residenceStatus: "ukraine24" as const,
      arrivalYear: 2022,
    };
    expect(completeAnswers(full, config)).toMatchObject({
      phone: "+4915123456789",
      originCountry: "UA",
      residenceStatus: "ukraine24",
      arrivalYear: 2022,
    });
    expect(completeAnswers({ ...full, contactModes: ["video"] }, config)?.phone).toBeUndefined();
    // an existing client was not asked: nothing of "about you" is submitted, whatever the draft holds
    const existing = completeAnswers({ ...full, askAbout: false }, config);
    expect(existing?.originCountry).toBeUndefined();
    expect(existing?.arrivalYear).toBeUndefined();
  });

  it("the summary of an existing client has no 'about you' section", () => {
    const v = viewOf(at("summary", { ...complete, askAbout: false }), config);
    expect(v.kind === "summary" && v.sections).not.toContain("about");
    expect(initialState({ askAbout: false }).draft.askAbout).toBe(false);
    expect(initialState().draft.askAbout).toBe(true);
  });
});

describe("validatePhone and parseYear", () => {
  const phones: [string, string | undefined][] = [
    ["+49 151 23456789", "+4915123456789"],
    ["(0521) 51-2345", "+49521512345"],
    ["0049 521 512345", "+49521512345"],
    ["+963 944 123 456", "+963944123456"],
    ["0151", undefined],
    ["+49 15", undefined],
    ["12345678", undefined],
    ["+1234567890123456", undefined],
    ["0151 2345 678x", undefined],
    ["https://t.me/x", undefined],
  ];
  it.each(phones)("%s → %s", (text, phone) => {
    const v = validatePhone(text);
    expect(v.ok ? v.phone : undefined).toBe(phone);
  });
  const years: [string, number | undefined][] = [
    ["2019", 2019],
    [" ٢٠١٩ ", 2019],
    ["۱۳۹۸", undefined], // a Persian calendar year is not one we can take
    ["1949", undefined],
    ["2027", undefined],
    ["19", undefined],
  ];
  it.each(years)("year %s → %s", (text, year) => expect(parseYear(text, 2026)).toBe(year));
});
