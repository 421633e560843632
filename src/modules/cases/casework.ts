// The checks of the case work after acceptance, as pure functions of the input, the organisation's
// partner offices and `now`: an assessment area, a goal of the goal agreement, a referral to a
// partner office, the goal outcomes asked for at closure, and which referrals are "to chase". Each
// returns field-level error codes, so a Slack modal can put the message next to the field the case
// manager has to fix (and a tampered payload gets the same clear refusal as a typo).
import {
  AREA_STATUSES,
  type AreaStatus,
  GOAL_OUTCOME_REASONS,
  GOAL_OUTCOMES,
  GOAL_PARTIES,
  type GoalOutcomeCode,
  type GoalOutcomeReason,
  type GoalPartyCode,
  isAreaStatus,
  isBarrierOf,
  isLifeArea,
  type LifeArea,
  REFERRAL_AWAITING,
  REFERRAL_PURPOSES,
  REFERRAL_STATUSES,
  type ReferralPurpose,
  type ReferralStatusCode,
} from "./codes.ts";

export const NOTES_MAX = 1000;
export const GOAL_TEXT_MAX = 500;
export const STEPS_MAX = 1000;
/** A referral's answer is expected within this many days unless the case manager says otherwise. */
export const DEFAULT_ANSWER_DAYS = 14;
/** Dates further out than this are typing errors (a goal or an answer two years away is not a plan). */
export const MAX_DAYS_AHEAD = 730;

const DAY = 86_400_000;
const includes = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

export type FieldErrors<F extends string> = Partial<Record<F, string>>;
/** What a case-work use case answers: done, refused, or field errors for the modal. */
export type Refusal = "not_found" | "not_responsible" | "wrong_phase" | "stale";
export type Outcome<F extends string = string> =
  | { ok: true; id?: string; duplicate?: boolean; phase?: string }
  | { ok: false; code: Refusal }
  | { ok: false; code: "invalid"; errors: FieldErrors<F> | Record<string, string> };
export type Checked<T, F extends string> = { ok: true; value: T } | { ok: false; errors: FieldErrors<F> };

export const result = <T, F extends string>(value: T, errors: FieldErrors<F>): Checked<T, F> =>
  Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };

/** The calendar day of `d` in UTC as a number, to compare dates picked in Slack (YYYY-MM-DD) with now. */
export const dayNumber = (d: Date): number => Math.floor(d.getTime() / DAY);

/** Parses Slack's datepicker value; anything else (a tampered payload) is no date. */
export function parseDay(raw: string | null | undefined): Date | null {
  if (!raw || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return null;
  const d = new Date(`${raw}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw ? null : d;
}

// ───────────────────────────── assessment ─────────────────────────────

export interface AreaInput {
  area: string;
  /** empty: the area was not looked at (allowed while the assessment is in progress) */
  status: string;
  barriers: readonly string[];
  notes: string;
}
export interface AreaValue {
  area: LifeArea;
  status: AreaStatus;
  barriers: string[];
  notes: string | null;
}
export type AreaField = "status" | "barriers" | "notes";

export function checkArea(input: AreaInput): Checked<AreaValue | null, AreaField> {
  const errors: FieldErrors<AreaField> = {};
  if (!isLifeArea(input.area)) return { ok: false, errors: { status: "unknown_area" } };
  const notes = input.notes.trim();
  const barriers = [...new Set(input.barriers)];
  if (!input.status) {
    // nothing recorded for this area yet; barriers or notes without a status are a half-filled row
    if (barriers.length || notes) return { ok: false, errors: { status: "status_required" } };
    return { ok: true, value: null };
  }
  if (!isAreaStatus(input.status)) errors.status = "unknown_status";
  if (barriers.some((b) => !isBarrierOf(input.area as LifeArea, b))) errors.barriers = "unknown_barrier";
  else if (input.status === "no_need" && barriers.length) errors.barriers = "barriers_without_need";
  if (notes.length > NOTES_MAX) errors.notes = "too_long";
  return result(
    { area: input.area, status: input.status as AreaStatus, barriers, notes: notes || null },
    errors,
  );
}

/** An assessment is complete when every life area has a status; a need shows at least one barrier. */
export function assessmentGaps(
  areas: readonly { area: string; status: string; barriers: readonly string[] }[],
  all: readonly LifeArea[],
): { missing: LifeArea[]; needWithoutBarrier: LifeArea[] } {
  const by = new Map(areas.map((a) => [a.area, a]));
  return {
    missing: all.filter((a) => !by.get(a)?.status),
    needWithoutBarrier: all.filter((a) => {
      const r = by.get(a);
      return !!r && r.status !== "no_need" && r.status !== "" && r.barriers.length === 0;
    }),
  };
}

// ───────────────────────────── goals ─────────────────────────────

export interface GoalInput {
  text: string;
  area: string;
  steps: string;
  responsible: string;
  partnerId: string;
  dueDate: Date | null;
}
export interface GoalValue {
  text: string;
  area: LifeArea;
  steps: string | null;
  responsible: GoalPartyCode;
  partnerId: string | null;
  dueDate: Date | null;
}
export type GoalField = "text" | "area" | "steps" | "responsible" | "partner" | "due";

export function checkGoal(
  input: GoalInput,
  now: Date,
  partners: ReadonlySet<string>,
): Checked<GoalValue, GoalField> {
  const errors: FieldErrors<GoalField> = {};
  const text = input.text.trim();
  const steps = input.steps.trim();
  if (!text) errors.text = "required";
  else if (text.length > GOAL_TEXT_MAX) errors.text = "too_long";
  if (!isLifeArea(input.area)) errors.area = input.area ? "unknown_area" : "required";
  if (steps.length > STEPS_MAX) errors.steps = "too_long";
  const responsible = input.responsible || "client";
  if (!includes(GOAL_PARTIES, responsible)) errors.responsible = "unknown_party";
  const partnerId = input.partnerId || null;
  if (responsible === "partner" && !partnerId) errors.partner = "partner_required";
  else if (partnerId && !partners.has(partnerId)) errors.partner = "unknown_partner";
  else if (partnerId && responsible !== "partner") errors.partner = "partner_only_when_responsible";
  if (input.dueDate) {
    const days = dayNumber(input.dueDate) - dayNumber(now);
    if (days < 0) errors.due = "in_past";
    else if (days > MAX_DAYS_AHEAD) errors.due = "too_far";
  }
  return result(
    {
      text,
      area: input.area as LifeArea,
      steps: steps || null,
      responsible: responsible as GoalPartyCode,
      partnerId,
      dueDate: input.dueDate,
    },
    errors,
  );
}

// ───────────────────────────── referrals (service steering) ─────────────────────────────

export interface ReferralInput {
  partnerId: string;
  purpose: string;
  note: string;
  /** null: DEFAULT_ANSWER_DAYS from now */
  expectedBy: Date | null;
  goalId: string;
}
export interface ReferralValue {
  partnerId: string;
  purpose: ReferralPurpose;
  note: string | null;
  expectedBy: Date;
  goalId: string | null;
}
export type ReferralField = "partner" | "purpose" | "note" | "expected" | "goal";

/**
 * `covered` says whether the client released confidentiality towards that office (per-office
 * consent): without it there is no referral, and the modal says so next to the partner field.
 */
export function checkReferral(
  input: ReferralInput,
  now: Date,
  partners: ReadonlySet<string>,
  covered: (partnerId: string) => boolean,
  goals: ReadonlySet<string>,
): Checked<ReferralValue, ReferralField> {
  const errors: FieldErrors<ReferralField> = {};
  if (!input.partnerId) errors.partner = "required";
  else if (!partners.has(input.partnerId)) errors.partner = "unknown_partner";
  else if (!covered(input.partnerId)) errors.partner = "no_consent";
  if (!includes(REFERRAL_PURPOSES, input.purpose)) errors.purpose = input.purpose ? "unknown" : "required";
  const note = input.note.trim();
  if (note.length > NOTES_MAX) errors.note = "too_long";
  const expectedBy = input.expectedBy ?? new Date(now.getTime() + DEFAULT_ANSWER_DAYS * DAY);
  const days = dayNumber(expectedBy) - dayNumber(now);
  if (days < 1) errors.expected = "not_after_today";
  else if (days > MAX_DAYS_AHEAD) errors.expected = "too_far";
  const goalId = input.goalId || null;
  if (goalId && !goals.has(goalId)) errors.goal = "unknown_goal";
  return result(
    {
      partnerId: input.partnerId,
      purpose: input.purpose as ReferralPurpose,
      note: note || null,
      expectedBy,
      goalId,
    },
    errors,
  );
}

/** Status moves of a referral: forward from sent; "no answer" can still turn into an answer. */
const REFERRAL_NEXT: Readonly<Record<ReferralStatusCode, readonly ReferralStatusCode[]>> = {
  sent: ["acknowledged", "appointment", "done", "no_answer", "cancelled"],
  acknowledged: ["appointment", "done", "cancelled"],
  appointment: ["done", "cancelled"],
  no_answer: ["acknowledged", "appointment", "done", "cancelled"],
  done: [],
  cancelled: [],
};
export const nextReferralStatuses = (s: ReferralStatusCode): readonly ReferralStatusCode[] =>
  REFERRAL_NEXT[s];
export const isReferralStatus = (s: string): s is ReferralStatusCode => includes(REFERRAL_STATUSES, s);

export interface ReferralLike {
  id: string;
  status: ReferralStatusCode;
  expectedBy: Date;
  chasedAt: Date | null;
}
/** Waiting for the partner past the expected date; once chased, again a week after the chase. */
export function toChase<R extends ReferralLike>(referrals: readonly R[], now: Date): R[] {
  const t = now.getTime();
  return referrals
    .filter(
      (r) =>
        includes(REFERRAL_AWAITING, r.status) &&
        r.expectedBy.getTime() < t &&
        (!r.chasedAt || r.chasedAt.getTime() + 7 * DAY <= t),
    )
    .sort((a, b) => a.expectedBy.getTime() - b.expectedBy.getTime());
}

// ───────────────────────────── closure ─────────────────────────────

export interface OutcomeInput {
  goalId: string;
  outcome: string;
  reason: string;
}
export interface OutcomeValue {
  goalId: string;
  outcome: GoalOutcomeCode;
  reason: GoalOutcomeReason | null;
}

/**
 * Every goal still open gets an outcome at closure (the committee counts goals reached by area);
 * anything but "reached" names why. Errors are keyed by goal id.
 */
export function checkOutcomes(
  openGoalIds: readonly string[],
  inputs: readonly OutcomeInput[],
): { ok: true; value: OutcomeValue[] } | { ok: false; errors: Record<string, string> } {
  const by = new Map(inputs.map((i) => [i.goalId, i]));
  const errors: Record<string, string> = {};
  const value: OutcomeValue[] = [];
  for (const id of openGoalIds) {
    const i = by.get(id);
    if (!i?.outcome) errors[id] = "outcome_required";
    else if (!includes(GOAL_OUTCOMES, i.outcome)) errors[id] = "unknown_outcome";
    else if (i.outcome !== "reached" && !i.reason) errors[id] = "reason_required";
    else if (i.reason && !includes(GOAL_OUTCOME_REASONS, i.reason)) errors[id] = "unknown_reason";
    else
      value.push({
        goalId: id,
        outcome: i.outcome,
        reason: i.outcome === "reached" ? null : (i.reason as GoalOutcomeReason),
      });
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value };
}

/** The outcome a goal ended with during the work, for the closure's defaults. */
export const outcomeOfStatus = (status: "open" | "achieved" | "dropped"): GoalOutcomeCode | null =>
  status === "achieved" ? "reached" : status === "dropped" ? "dropped" : null;

export { AREA_STATUSES };
