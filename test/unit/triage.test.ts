import { describe, expect, it } from "vitest";
import {
  EXISTING_SUPPORT,
  type ExistingSupport,
  type IntakeAnswers,
  intakeAnswersSchema,
  type Topic,
  URGENCY_SIGNALS,
  type UrgencySignal,
} from "../../src/modules/intake/answers.ts";
import {
  DEFAULT_TRIAGE_RULES,
  PARALLEL_SERVICES,
  priorityOf,
  SGB_CASE_MANAGEMENT,
  TRIAGE_NOTES,
  TRIAGE_REASONS,
  type TriageNote,
  type TriageReason,
  type TriageRules,
  triage,
  triageRulesSchema,
} from "../../src/modules/triage/triage.ts";

const answers = (over: Partial<IntakeAnswers> = {}): IntakeAnswers =>
  intakeAnswersSchema.parse({
    household: "family",
    adults: 2,
    children: 1,
    districtId: "heepen",
    topics: ["work", "housing"],
    urgency: [],
    languages: ["ar"],
    existingSupport: [],
    contactModes: ["in_person"],
    timesOfDay: ["morning"],
    ...over,
  });

const single = { household: "single", adults: 1, children: 0 } as const;
const rules = DEFAULT_TRIAGE_RULES;
const withParallel = (mbe: "coordinate" | "refer" | "ignore", jmd = mbe): TriageRules => ({
  ...rules,
  parallelServices: { mbe: { mode: mbe, target: "mbe-office" }, jmd: { mode: jmd, target: "jmd-office" } },
});

describe("triage routing", () => {
  // biome-ignore format: one row per case reads as a table
  it.each<[string, Partial<IntakeAnswers>, TriageRules, "case_management" | "referral", string | undefined, TriageReason]>([
    ["two topics → case management", {}, rules, "case_management", undefined, "multi_topic_case_management"],
    ["all topics → case management", { topics: ["education_language", "work", "housing", "health", "residence", "family", "livelihood", "leisure"] }, rules, "case_management", undefined, "multi_topic_case_management"],
    ["single non-simple topic → case management", { topics: ["housing"] }, rules, "case_management", undefined, "single_topic_case_management"],
    ["single simple topic → referral", { topics: ["leisure"] }, rules, "referral", "counselling", "single_topic_referral"],
    ["simple topic listed twice is still one topic", { topics: ["leisure", "leisure"] }, rules, "referral", "counselling", "single_topic_referral"],
    ["simple topic with another topic → case management", { topics: ["leisure", "work"] }, rules, "case_management", undefined, "multi_topic_case_management"],
    ["configured simple topic map is used", { topics: ["health"] }, { ...rules, simpleTopicReferral: { health: "health-office" } }, "referral", "health-office", "single_topic_referral"],
    ["empty simple map → no referral", { topics: ["leisure"] }, { ...rules, simpleTopicReferral: {} }, "case_management", undefined, "single_topic_case_management"],
    ["sgb2 → jobcenter", { existingSupport: ["sgb2"] }, rules, "referral", "jobcenter", "existing_cm_sgb2"],
    ["sgb3 → employment agency", { existingSupport: ["sgb3"] }, rules, "referral", "employment-agency", "existing_cm_sgb3"],
    ["sgb8 → youth welfare", { existingSupport: ["sgb8"] }, rules, "referral", "youth-welfare", "existing_cm_sgb8"],
    ["sgb8+sgb2 → precedence of rules order (sgb2)", { existingSupport: ["sgb8", "sgb2"] }, rules, "referral", "jobcenter", "existing_cm_sgb2"],
    ["precedence reordered → sgb8 first", { existingSupport: ["sgb2", "sgb8"] }, { ...rules, existingCmReferral: [{ support: "sgb8", target: "yw" }, { support: "sgb2", target: "jc" }] }, "referral", "yw", "existing_cm_sgb8"],
    ["sgb not configured → not referred", { existingSupport: ["sgb3"] }, { ...rules, existingCmReferral: [{ support: "sgb2", target: "jc" }] }, "case_management", undefined, "multi_topic_case_management"],
    ["sgb2 with simple topic → sgb referral wins", { existingSupport: ["sgb2"], topics: ["leisure"] }, rules, "referral", "jobcenter", "existing_cm_sgb2"],
    ["urgent sgb2 → still referral", { existingSupport: ["sgb2"], urgency: ["eviction"] }, rules, "referral", "jobcenter", "existing_cm_sgb2"],
    ["urgent single simple topic → case management", { topics: ["leisure"], urgency: ["authority_deadline"] }, rules, "case_management", undefined, "urgent_case_management"],
    ["urgent multi topic → urgent reason", { urgency: ["benefits_loss"] }, rules, "case_management", undefined, "urgent_case_management"],
    ["mbe coordinate → case management", { existingSupport: ["mbe"] }, rules, "case_management", undefined, "multi_topic_case_management"],
    ["jmd coordinate → case management", { existingSupport: ["jmd"] }, rules, "case_management", undefined, "multi_topic_case_management"],
    ["mbe refer → referral", { existingSupport: ["mbe"] }, withParallel("refer"), "referral", "mbe-office", "existing_mbe"],
    ["jmd refer → referral", { existingSupport: ["jmd"] }, withParallel("ignore", "refer"), "referral", "jmd-office", "existing_jmd"],
    ["mbe refer but urgent → case management", { existingSupport: ["mbe"], urgency: ["eviction"] }, withParallel("refer"), "case_management", undefined, "urgent_case_management"],
    ["mbe refer beats simple-topic referral", { existingSupport: ["mbe"], topics: ["leisure"] }, withParallel("refer"), "referral", "mbe-office", "existing_mbe"],
    ["sgb beats mbe refer", { existingSupport: ["mbe", "sgb3"] }, withParallel("refer"), "referral", "employment-agency", "existing_cm_sgb3"],
    ["mbe ignore, simple topic → topic referral", { existingSupport: ["mbe"], topics: ["leisure"] }, withParallel("ignore"), "referral", "counselling", "single_topic_referral"],
  ])("%s", (_name, over, r, route, target, reason) => {
    const out = triage(answers(over), r);
    expect(out.route).toBe(route);
    expect(out.referralTarget).toBe(target);
    expect(out.reasonCode).toBe(reason);
  });
});

describe("triage notes", () => {
  // biome-ignore format: one row per case reads as a table
  it.each<[string, Partial<IntakeAnswers>, TriageRules, TriageNote[]]>([
    ["none", {}, rules, []],
    ["residence topic", { topics: ["residence", "work"] }, rules, ["immigration_office_note"]],
    ["residence only", { topics: ["residence"] }, rules, ["immigration_office_note"]],
    ["mbe coordinate", { existingSupport: ["mbe"] }, rules, ["coordinate_with_mbe"]],
    ["jmd coordinate", { existingSupport: ["jmd"] }, rules, ["coordinate_with_jmd"]],
    ["both coordinate + residence", { existingSupport: ["jmd", "mbe"], topics: ["residence", "family"] }, rules, ["immigration_office_note", "coordinate_with_mbe", "coordinate_with_jmd"]],
    ["mbe ignore → no note", { existingSupport: ["mbe"] }, withParallel("ignore"), []],
    ["mbe refer → no coordinate note", { existingSupport: ["mbe"] }, withParallel("refer"), []],
    ["urgent sgb referral is marked", { existingSupport: ["sgb2"], urgency: ["eviction"] }, rules, ["urgent_referral"]],
    ["several sgb case managers", { existingSupport: ["sgb2", "sgb8"] }, rules, ["several_existing_cm"]],
    ["urgent + several + residence", { existingSupport: ["sgb3", "sgb2"], urgency: ["benefits_loss"], topics: ["residence"] }, rules, ["immigration_office_note", "urgent_referral", "several_existing_cm"]],
    ["urgent case management has no urgent_referral", { urgency: ["eviction"] }, rules, []],
  ])("%s", (_name, over, r, notes) => {
    expect(triage(answers(over), r).notes).toEqual(notes);
  });

  it.each<[Partial<IntakeAnswers>, boolean]>([
    [{}, false],
    [{ urgency: ["eviction"] }, true],
    [{ urgency: ["eviction"], existingSupport: ["sgb2"] }, true],
    [{ topics: ["leisure"] }, false],
  ])("urgent flag %#", (over, urgent) => {
    expect(triage(answers(over), rules).urgent).toBe(urgent);
  });
});

describe("triage priority", () => {
  const p = (over: Partial<IntakeAnswers>, r: TriageRules = rules) => triage(answers(over), r);

  // biome-ignore format: one row per case reads as a table
  it.each<[string, Partial<IntakeAnswers>, { urgency: number; household: number; vulnerability: number }]>([
    ["single, no urgency", { ...single }, { urgency: 0, household: 2, vulnerability: 0 }],
    ["couple without children", { adults: 2, children: 0 }, { urgency: 0, household: 4, vulnerability: 0 }],
    ["family of 3", {}, { urgency: 0, household: 6, vulnerability: 10 }],
    ["family of 6 hits cap 12", { adults: 2, children: 4 }, { urgency: 0, household: 12, vulnerability: 10 }],
    ["family of 9 stays at cap", { adults: 2, children: 7 }, { urgency: 0, household: 12, vulnerability: 10 }],
    ["single parent", { adults: 1, children: 2 }, { urgency: 0, household: 6, vulnerability: 15 }],
    ["health topic", { ...single, topics: ["health"] }, { urgency: 0, household: 2, vulnerability: 8 }],
    ["eviction", { ...single, urgency: ["eviction"] }, { urgency: 40, household: 2, vulnerability: 0 }],
    ["health emergency", { ...single, urgency: ["health_emergency"] }, { urgency: 40, household: 2, vulnerability: 0 }],
    ["benefits loss", { ...single, urgency: ["benefits_loss"] }, { urgency: 30, household: 2, vulnerability: 0 }],
    ["authority deadline", { ...single, urgency: ["authority_deadline"] }, { urgency: 25, household: 2, vulnerability: 0 }],
    ["all signals add up", { ...single, urgency: [...URGENCY_SIGNALS] }, { urgency: 135, household: 2, vulnerability: 0 }],
    ["duplicate signal counts once", { ...single, urgency: ["eviction", "eviction"] }, { urgency: 40, household: 2, vulnerability: 0 }],
    ["everything", { adults: 1, children: 5, topics: ["health", "housing"], urgency: ["eviction", "benefits_loss"] }, { urgency: 70, household: 12, vulnerability: 23 }],
  ])("%s", (_name, over, breakdown) => {
    const out = p(over);
    expect(out.priorityBreakdown).toEqual(breakdown);
    expect(out.priority).toBe(breakdown.urgency + breakdown.household + breakdown.vulnerability);
  });

  it("uses configured weights", () => {
    const custom: TriageRules = {
      ...rules,
      urgencyWeights: { eviction: 1, health_emergency: 2, benefits_loss: 3, authority_deadline: 4 },
      householdWeightPerPerson: 0.5,
      householdWeightCap: 100,
      vulnerability: { childrenPresent: 0, singleParent: 7, healthTopic: 0 },
    };
    const out = p({ adults: 1, children: 3, urgency: ["authority_deadline", "eviction"] }, custom);
    expect(out.priorityBreakdown).toEqual({ urgency: 5, household: 2, vulnerability: 7 });
    expect(out.priority).toBe(14);
  });

  it("priority is computed for referrals too (the receiving office may want it)", () => {
    expect(p({ existingSupport: ["sgb2"], urgency: ["eviction"] }).priority).toBe(56);
  });

  it("urgent outranks any non-urgent household", () => {
    const maxNonUrgent = priorityOf({ adults: 1, children: 20, topics: ["health"], urgency: [] }, rules);
    const minUrgent = priorityOf(
      { adults: 1, children: 0, topics: ["work"], urgency: ["authority_deadline"] },
      rules,
    );
    const sum = (b: typeof minUrgent) => b.urgency + b.household + b.vulnerability;
    expect(sum(minUrgent)).toBe(27);
    expect(sum(maxNonUrgent)).toBe(35);
    // documented trade-off: a large single-parent family with health issues can outrank the
    // weakest urgency signal; eviction / health emergency outrank every non-urgent case
    const eviction = priorityOf({ adults: 1, children: 0, topics: ["work"], urgency: ["eviction"] }, rules);
    expect(sum(eviction)).toBeGreaterThan(sum(maxNonUrgent));
  });
});

describe("triage vocabulary", () => {
  it("every existing support kind is classified as SGB case management or parallel service", () => {
    expect(new Set<ExistingSupport>([...SGB_CASE_MANAGEMENT, ...PARALLEL_SERVICES])).toEqual(
      new Set(EXISTING_SUPPORT),
    );
  });

  it("reason and note codes are unique snake_case", () => {
    for (const list of [TRIAGE_REASONS, TRIAGE_NOTES]) {
      expect(new Set(list).size).toBe(list.length);
      for (const code of list) expect(code).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it("the defaults pass the rules schema and every urgency signal has a weight", () => {
    expect(triageRulesSchema.parse(DEFAULT_TRIAGE_RULES)).toEqual(DEFAULT_TRIAGE_RULES);
    for (const s of URGENCY_SIGNALS)
      expect(DEFAULT_TRIAGE_RULES.urgencyWeights[s as UrgencySignal]).toBeGreaterThan(0);
  });

  // biome-ignore format: one row per case reads as a table
  it.each([
    ["negative weight", { ...DEFAULT_TRIAGE_RULES, householdWeightPerPerson: -1 }],
    ["missing urgency weight", { ...DEFAULT_TRIAGE_RULES, urgencyWeights: { eviction: 1 } }],
    ["duplicate sgb", { ...DEFAULT_TRIAGE_RULES, existingCmReferral: [{ support: "sgb2", target: "a" }, { support: "sgb2", target: "b" }] }],
    ["unknown topic", { ...DEFAULT_TRIAGE_RULES, simpleTopicReferral: { sports: "x" } }],
    ["empty target", { ...DEFAULT_TRIAGE_RULES, simpleTopicReferral: { leisure: "" } }],
  ])("rejects rules with %s", (_name, bad) => {
    expect(triageRulesSchema.safeParse(bad).success).toBe(false);
  });

  it("every reason is reachable", () => {
    const seen = new Set<TriageReason>();
    const topicsList: Topic[][] = [["leisure"], ["housing"], ["work", "housing"]];
    const supports: ExistingSupport[][] = [[], ["sgb2"], ["sgb3"], ["sgb8"], ["mbe"], ["jmd"]];
    const urgencies: UrgencySignal[][] = [[], ["eviction"]];
    for (const topics of topicsList)
      for (const existingSupport of supports)
        for (const urgency of urgencies)
          for (const r of [rules, withParallel("refer")])
            seen.add(triage(answers({ topics, existingSupport, urgency }), r).reasonCode);
    expect([...seen].sort()).toEqual([...TRIAGE_REASONS].sort());
  });
});
