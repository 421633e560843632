// Triage: does a newcomer need KIM case management, or is a referral (Verweisberatung) the
// right answer? And how urgent is the case on the wait list? Pure: answers + rules in,
// outcome out. Reason and note codes are closed unions because they are localized.
import { z } from "zod";
import {
  type ExistingSupport,
  type IntakeAnswers,
  personsIn,
  TOPICS,
  URGENCY_SIGNALS,
  type UrgencySignal,
} from "../intake/answers.ts";

export const TRIAGE_REASONS = [
  "existing_cm_sgb2",
  "existing_cm_sgb3",
  "existing_cm_sgb8",
  "existing_mbe",
  "existing_jmd",
  "single_topic_referral",
  "urgent_case_management",
  "multi_topic_case_management",
  "single_topic_case_management",
] as const;
export type TriageReason = (typeof TRIAGE_REASONS)[number];

export const TRIAGE_NOTES = [
  /** Residence questions: involve the KIM position at the immigration office. */
  "immigration_office_note",
  "coordinate_with_mbe",
  "coordinate_with_jmd",
  /** Referred although urgent: the receiving case manager must be told it is urgent. */
  "urgent_referral",
  /** More than one SGB case manager exists; referred to the first by precedence. */
  "several_existing_cm",
] as const;
export type TriageNote = (typeof TRIAGE_NOTES)[number];

export type TriageRoute = "case_management" | "referral";

/** Legal domains with their own case management: KIM refers instead of opening a second case. */
export const SGB_CASE_MANAGEMENT = ["sgb2", "sgb3", "sgb8"] as const satisfies readonly ExistingSupport[];
export type SgbCaseManagement = (typeof SGB_CASE_MANAGEMENT)[number];

/** Federal migration counselling (MBE adults, JMD youth): parallel offers, not case management. */
export const PARALLEL_SERVICES = ["mbe", "jmd"] as const satisfies readonly ExistingSupport[];
export type ParallelService = (typeof PARALLEL_SERVICES)[number];

/** coordinate: stay in KIM case management with a note; refer: send back; ignore: no effect. */
export const PARALLEL_SERVICE_MODES = ["coordinate", "refer", "ignore"] as const;
export type ParallelServiceMode = (typeof PARALLEL_SERVICE_MODES)[number];

const weight = z.number().finite().min(0);
const target = z.string().min(1).max(64);

export const triageRulesSchema = z.object({
  urgencyWeights: z.record(z.enum(URGENCY_SIGNALS), weight),
  householdWeightPerPerson: weight,
  householdWeightCap: weight,
  vulnerability: z.object({ childrenPresent: weight, singleParent: weight, healthTopic: weight }),
  /** Where to refer when an SGB case manager exists; the order of the array is the precedence. */
  existingCmReferral: z
    .array(z.object({ support: z.enum(SGB_CASE_MANAGEMENT), target }))
    .refine((a) => new Set(a.map((r) => r.support)).size === a.length, "each support at most once"),
  parallelServices: z.record(
    z.enum(PARALLEL_SERVICES),
    z.object({ mode: z.enum(PARALLEL_SERVICE_MODES), target }),
  ),
  /** Topics that, alone and without urgency, are better served by a specialised service. */
  simpleTopicReferral: z.partialRecord(z.enum(TOPICS), target),
});
export type TriageRules = z.infer<typeof triageRulesSchema>;

export const DEFAULT_TRIAGE_RULES: TriageRules = {
  urgencyWeights: { eviction: 40, health_emergency: 40, benefits_loss: 30, authority_deadline: 25 },
  householdWeightPerPerson: 2,
  householdWeightCap: 12,
  vulnerability: { childrenPresent: 10, singleParent: 5, healthTopic: 8 },
  existingCmReferral: [
    { support: "sgb2", target: "jobcenter" },
    { support: "sgb3", target: "employment-agency" },
    { support: "sgb8", target: "youth-welfare" },
  ],
  parallelServices: {
    mbe: { mode: "coordinate", target: "mbe" },
    jmd: { mode: "coordinate", target: "jmd" },
  },
  simpleTopicReferral: { leisure: "counselling" },
};

export interface PriorityBreakdown {
  readonly urgency: number;
  readonly household: number;
  readonly vulnerability: number;
}

export interface TriageOutcome {
  readonly route: TriageRoute;
  readonly referralTarget?: string;
  readonly reasonCode: TriageReason;
  /** At least one urgency signal; also true for an urgent referral. */
  readonly urgent: boolean;
  readonly notes: readonly TriageNote[];
  /** Base priority on the wait list = urgency + household + vulnerability. */
  readonly priority: number;
  readonly priorityBreakdown: PriorityBreakdown;
}

const REASON_FOR_SGB: Record<SgbCaseManagement, TriageReason> = {
  sgb2: "existing_cm_sgb2",
  sgb3: "existing_cm_sgb3",
  sgb8: "existing_cm_sgb8",
};
const REASON_FOR_PARALLEL: Record<ParallelService, TriageReason> = {
  mbe: "existing_mbe",
  jmd: "existing_jmd",
};
const NOTE_FOR_PARALLEL: Record<ParallelService, TriageNote> = {
  mbe: "coordinate_with_mbe",
  jmd: "coordinate_with_jmd",
};

type Answers = Pick<IntakeAnswers, "adults" | "children" | "topics" | "urgency" | "existingSupport">;

/**
 * Decision order (first match wins):
 * 1. an SGB II/III/VIII case manager exists → referral to it (urgent referrals get a note);
 * 2. any urgency signal → case management, whatever the topics;
 * 3. MBE/JMD configured as `refer` → referral to it;
 * 4. one topic with a configured specialised service → referral;
 * 5. otherwise case management (multi- or single-topic).
 * `now` is accepted for rules that will depend on dates (deadlines); none does yet.
 */
export function triage(
  answers: Answers,
  rules: TriageRules = DEFAULT_TRIAGE_RULES,
  _now?: Date,
): TriageOutcome {
  const urgent = answers.urgency.length > 0;
  const breakdown = priorityOf(answers, rules);
  const priority = breakdown.urgency + breakdown.household + breakdown.vulnerability;
  const notes = baseNotes(answers, rules);
  const base = { urgent, priority, priorityBreakdown: breakdown };

  const sgb = existingSgbReferrals(answers.existingSupport, rules);
  const firstSgb = sgb[0];
  if (firstSgb) {
    if (urgent) notes.push("urgent_referral");
    if (sgb.length > 1) notes.push("several_existing_cm");
    return {
      ...base,
      route: "referral",
      referralTarget: firstSgb.target,
      reasonCode: REASON_FOR_SGB[firstSgb.support],
      notes,
    };
  }
  if (urgent) return { ...base, route: "case_management", reasonCode: "urgent_case_management", notes };

  const parallel = parallelReferral(answers.existingSupport, rules);
  if (parallel) {
    return {
      ...base,
      route: "referral",
      referralTarget: parallel.target,
      reasonCode: parallel.reason,
      notes,
    };
  }

  const topics = distinct(answers.topics);
  const onlyTopic = topics.length === 1 ? topics[0] : undefined;
  const simpleTarget = onlyTopic === undefined ? undefined : rules.simpleTopicReferral[onlyTopic];
  if (simpleTarget !== undefined) {
    return {
      ...base,
      route: "referral",
      referralTarget: simpleTarget,
      reasonCode: "single_topic_referral",
      notes,
    };
  }
  const reasonCode: TriageReason =
    topics.length > 1 ? "multi_topic_case_management" : "single_topic_case_management";
  return { ...base, route: "case_management", reasonCode, notes };
}

/** Priority parts; a signal given twice counts once, so repeated taps cannot inflate it. */
export function priorityOf(
  answers: Pick<IntakeAnswers, "adults" | "children" | "topics" | "urgency">,
  rules: TriageRules,
): PriorityBreakdown {
  let urgency = 0;
  for (const signal of distinct<UrgencySignal>(answers.urgency)) urgency += rules.urgencyWeights[signal];
  const household = Math.min(rules.householdWeightCap, rules.householdWeightPerPerson * personsIn(answers));
  const v = rules.vulnerability;
  let vulnerability = 0;
  if (answers.children > 0) vulnerability += v.childrenPresent;
  if (answers.children > 0 && answers.adults === 1) vulnerability += v.singleParent;
  if (answers.topics.includes("health")) vulnerability += v.healthTopic;
  return { urgency, household, vulnerability };
}

function baseNotes(answers: Answers, rules: TriageRules): TriageNote[] {
  const notes: TriageNote[] = [];
  if (answers.topics.includes("residence")) notes.push("immigration_office_note");
  for (const service of PARALLEL_SERVICES) {
    if (answers.existingSupport.includes(service) && rules.parallelServices[service].mode === "coordinate") {
      notes.push(NOTE_FOR_PARALLEL[service]);
    }
  }
  return notes;
}

function existingSgbReferrals(
  support: readonly ExistingSupport[],
  rules: TriageRules,
): TriageRules["existingCmReferral"] {
  return rules.existingCmReferral.filter((r) => support.includes(r.support));
}

function parallelReferral(
  support: readonly ExistingSupport[],
  rules: TriageRules,
): { target: string; reason: TriageReason } | undefined {
  for (const service of PARALLEL_SERVICES) {
    const rule = rules.parallelServices[service];
    if (rule.mode === "refer" && support.includes(service)) {
      return { target: rule.target, reason: REASON_FOR_PARALLEL[service] };
    }
  }
  return undefined;
}

function distinct<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
