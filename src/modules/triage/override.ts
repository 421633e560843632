// Staff re-route a triage outcome: referral ↔ case management, the urgent lane, the priority. Pure:
// the stored outcome, the state of the intake's case and wait-list entry and the request in, either
// the change with what it does to the case and the wait list, or a problem code per field out (the
// Slack modal shows them where they belong). Codes are closed unions because they are localized.
import { TRIAGE_OVERRIDE_REASONS, type TriageOverrideReason } from "../cases/codes.ts";
import type { TriageRoute } from "./triage.ts";

export const OVERRIDE_NOTE_MAX = 500;
/** Base priorities from triage stay well below this (urgency + household + vulnerability). */
export const OVERRIDE_PRIORITY_MAX = 999;
const ROUTES: readonly TriageRoute[] = ["case_management", "referral"];

export interface OverrideState {
  route: TriageRoute;
  referralTarget: string | null;
  urgent: boolean;
  priority: number;
  /** the intake's case, if one was opened */
  case: { phase: string; cmId: string | null; closureReason: string | null } | null;
  /** the intake's wait-list entry is waiting */
  waiting: boolean;
  /** the client holds another open case (from an earlier intake) */
  otherOpenCase: boolean;
  /** the client withdrew (or never gave) consent to case management */
  consentWithdrawn: boolean;
}

export interface OverrideRequest {
  route: string;
  referralTarget?: string | null;
  urgent: boolean;
  /** omitted or null: keep the current priority */
  priority?: number | null;
  reason: string;
  note?: string;
}

export type OverrideField = "route" | "referralTarget" | "urgent" | "priority" | "reason" | "note";
export type OverrideProblem =
  | "no_change"
  | "unknown_route"
  | "required"
  | "unknown_target"
  | "unknown_reason"
  | "invalid_priority"
  | "too_long"
  | "case_closed"
  | "case_with_cm"
  | "other_open_case"
  | "consent_withdrawn"
  | "not_waiting";

/**
 * open_case: a case and a wait-list entry are created; reopen_case: the case an earlier override closed
 * as referred waits again; withdraw: the entry leaves the wait list and the waiting case closes as
 * referred; reorder: the waiting entry changes lane or priority; record: only the outcome changes
 * (a referral to another office, or its urgency).
 */
export type OverrideEffect = "open_case" | "reopen_case" | "withdraw" | "reorder" | "record";

export interface OverrideChange {
  route: TriageRoute;
  referralTarget: string | null;
  urgent: boolean;
  priority: number;
  reason: TriageOverrideReason;
  note: string | null;
  effect: OverrideEffect;
}

export type OverrideDecision =
  | { ok: true; change: OverrideChange }
  | { ok: false; problems: Partial<Record<OverrideField, OverrideProblem>> };

const isRoute = (s: string): s is TriageRoute => (ROUTES as readonly string[]).includes(s);
const isReason = (s: string): s is TriageOverrideReason =>
  (TRIAGE_OVERRIDE_REASONS as readonly string[]).includes(s);

export function decideOverride(
  state: OverrideState,
  req: OverrideRequest,
  referralTargets: ReadonlySet<string>,
): OverrideDecision {
  const problems: Partial<Record<OverrideField, OverrideProblem>> = {};
  const note = (req.note ?? "").trim();
  if (!isReason(req.reason)) problems.reason = "unknown_reason";
  if (note.length > OVERRIDE_NOTE_MAX) problems.note = "too_long";
  // "other" says nothing by itself: the note is the reason then
  else if (req.reason === "other" && note.length === 0) problems.note = "required";
  const priority = req.priority ?? state.priority;
  if (!Number.isInteger(priority) || priority < 0 || priority > OVERRIDE_PRIORITY_MAX)
    problems.priority = "invalid_priority";

  if (!isRoute(req.route)) return { ok: false, problems: { ...problems, route: "unknown_route" } };
  const route = req.route;
  const target = route === "referral" ? (req.referralTarget ?? "").trim() : "";
  if (route === "referral" && !target) problems.referralTarget = "required";
  else if (route === "referral" && !referralTargets.has(target)) problems.referralTarget = "unknown_target";

  const effect = effectOf(state, route, req.urgent !== state.urgent || priority !== state.priority);
  if ("problem" in effect) problems[effect.field] = effect.problem;
  const unchanged =
    route === state.route &&
    (route === "case_management" || target === state.referralTarget) &&
    req.urgent === state.urgent &&
    priority === state.priority;
  if (unchanged) problems.route = "no_change";

  if (Object.keys(problems).length > 0 || "problem" in effect) return { ok: false, problems };
  return {
    ok: true,
    change: {
      route,
      referralTarget: route === "referral" ? target : null,
      urgent: req.urgent,
      priority,
      reason: req.reason as TriageOverrideReason,
      note: note || null,
      effect: effect.effect,
    },
  };
}

function effectOf(
  s: OverrideState,
  route: TriageRoute,
  reordered: boolean,
): { effect: OverrideEffect } | { field: OverrideField; problem: OverrideProblem } {
  const c = s.case;
  if (route === "case_management" && s.route === "referral") {
    if (s.consentWithdrawn) return { field: "route", problem: "consent_withdrawn" };
    if (s.otherOpenCase) return { field: "route", problem: "other_open_case" };
    if (!c) return { effect: "open_case" };
    // only the closure of an earlier override (case → referral) may be undone here
    if (c.phase === "closed" && c.closureReason === "referred") return { effect: "reopen_case" };
    return { field: "route", problem: c.phase === "closed" ? "case_closed" : "case_with_cm" };
  }
  if (route === "referral" && s.route === "case_management") {
    if (!c) return { effect: "record" };
    if (c.phase === "closed") return { field: "route", problem: "case_closed" };
    if (c.cmId !== null || !s.waiting) return { field: "route", problem: "case_with_cm" };
    return { effect: "withdraw" };
  }
  if (route === "referral") return { effect: "record" };
  // case management stays: only the wait list's order can change
  if (c?.phase === "closed") return { field: "urgent", problem: "case_closed" };
  if (reordered && !s.waiting) return { field: "urgent", problem: "not_waiting" };
  return { effect: "reorder" };
}
