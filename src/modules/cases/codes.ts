// The fixed code lists of the case work, in one file: life areas of the assessment, their barriers
// (Hemmnisse), goal outcomes, referral purposes and statuses. The committee report counts by these
// codes, so a code, once used, is never renamed or reused for something else: add new ones, retire old
// ones by leaving them here. Labels live in locales-staff/*/casework.json under the same codes.
//
// The life areas follow the KIM handbook's case-management fields (docs/DOMAIN.md, seed 004): residence,
// language, education and recognition, work, housing, health, family and childcare, finances and
// debts, plus social participation. They are finer than the intake's topics (which newcomers choose
// themselves); TOPIC_AREAS maps one to the other so an assessment starts from what the person said.
import type { Topic } from "../intake/answers.ts";

export const LIFE_AREAS = [
  "residence",
  "language",
  "education",
  "work",
  "housing",
  "health",
  "family",
  "finances",
  "social",
] as const;
export type LifeArea = (typeof LIFE_AREAS)[number];

/** How an area stands at the assessment: no need for support, a need, an urgent need. */
export const AREA_STATUSES = ["no_need", "need", "urgent"] as const;
export type AreaStatus = (typeof AREA_STATUSES)[number];

/** Barriers per life area. Codes are unique across areas, so a barrier code alone names its area. */
export const BARRIERS = {
  residence: [
    "residence_unclear",
    "asylum_pending",
    "permit_expiring",
    "toleration_only",
    "identity_documents_missing",
    "family_reunification_pending",
  ],
  language: ["no_german", "course_waiting", "course_not_suitable", "literacy_needed", "course_interrupted"],
  education: [
    "qualifications_unrecognised",
    "certificates_missing",
    "no_school_place",
    "no_daycare_place",
    "no_training_place",
  ],
  work: ["no_work_permit", "unemployed", "underemployed", "no_experience_germany", "precarious_work"],
  housing: ["shared_accommodation", "eviction_threat", "overcrowded", "homeless", "housing_search"],
  health: ["no_insurance", "chronic_illness", "mental_health", "disability", "no_doctor"],
  family: ["childcare_missing", "school_problems", "family_separated", "care_duties", "family_conflict"],
  finances: ["debts", "benefits_missing", "benefits_delayed", "no_bank_account", "no_income"],
  social: ["isolation", "discrimination", "mobility", "digital_access"],
} as const satisfies Record<LifeArea, readonly string[]>;
export type Barrier = (typeof BARRIERS)[LifeArea][number];

export const ALL_BARRIERS: readonly Barrier[] = LIFE_AREAS.flatMap((a) => BARRIERS[a]);
const BARRIER_AREA = new Map<string, LifeArea>(
  LIFE_AREAS.flatMap((a) => BARRIERS[a].map((b): [string, LifeArea] => [b, a])),
);
export const areaOfBarrier = (code: string): LifeArea | undefined => BARRIER_AREA.get(code);
export const isLifeArea = (s: string): s is LifeArea => (LIFE_AREAS as readonly string[]).includes(s);
export const isAreaStatus = (s: string): s is AreaStatus => (AREA_STATUSES as readonly string[]).includes(s);
export const isBarrierOf = (area: LifeArea, code: string): boolean => BARRIER_AREA.get(code) === area;

/** The intake's topics in the assessment's life areas: where an assessment starts. */
export const TOPIC_AREAS: Readonly<Record<Topic, readonly LifeArea[]>> = {
  education_language: ["language", "education"],
  work: ["work"],
  housing: ["housing"],
  health: ["health"],
  residence: ["residence"],
  family: ["family"],
  livelihood: ["finances"],
  leisure: ["social"],
};

export const GOAL_PARTIES = ["client", "case_manager", "partner"] as const;
export type GoalPartyCode = (typeof GOAL_PARTIES)[number];

export const GOAL_OUTCOMES = ["reached", "partly", "not_reached", "dropped"] as const;
export type GoalOutcomeCode = (typeof GOAL_OUTCOMES)[number];

/** Why a goal ended as it did; required unless it was reached. */
export const GOAL_OUTCOME_REASONS = [
  "client_decision",
  "circumstances_changed",
  "partner_unavailable",
  "legal_obstacle",
  "moved_away",
  "no_contact",
  "other",
] as const;
export type GoalOutcomeReason = (typeof GOAL_OUTCOME_REASONS)[number];

/** What a referral asks the partner for: the life areas, plus a case conference request. */
export const REFERRAL_PURPOSES = [...LIFE_AREAS, "case_conference"] as const;
export type ReferralPurpose = (typeof REFERRAL_PURPOSES)[number];

export const REFERRAL_STATUSES = [
  "sent",
  "acknowledged",
  "appointment",
  "done",
  "no_answer",
  "cancelled",
] as const;
export type ReferralStatusCode = (typeof REFERRAL_STATUSES)[number];
/** Statuses in which the partner has not answered yet: past expectedBy these are "to chase". */
export const REFERRAL_AWAITING: readonly ReferralStatusCode[] = ["sent"];
/** Statuses that count as an answer of the partner (for the report's answered-in-time figure). */
export const REFERRAL_ANSWERED: readonly ReferralStatusCode[] = ["acknowledged", "appointment", "done"];

/** Why staff re-route a triage outcome (audited). */
export const TRIAGE_OVERRIDE_REASONS = [
  "existing_support_inactive",
  "more_complex_than_stated",
  "urgency_found",
  "urgency_resolved",
  "client_request",
  "other",
] as const;
export type TriageOverrideReason = (typeof TRIAGE_OVERRIDE_REASONS)[number];
