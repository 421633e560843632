// The case-management process as data (docs/DOMAIN.md): first consultation → assessment → goal agreement →
// service steering and monitoring → re-assessment (and back to steering) → closure with a reason.
// Pure rules: which phase may follow which, and who may make the move. The matching module owns the
// way in (waiting → pending_acceptance → first_consultation); this module owns the work phases and
// the way out.
import type { CasePhase, ClosureReason } from "../kernel/enums.ts";
import { authorize, type CaseAction, type CaseScope, type StaffActor } from "../staff/authorize.ts";

export type { CasePhase, ClosureReason };

/** Phases a case manager works in, in process order. */
export const WORK_PHASES = [
  "first_consultation",
  "assessment",
  "goal_agreement",
  "service_steering",
  "reassessment",
] as const satisfies readonly CasePhase[];
export type WorkPhase = (typeof WORK_PHASES)[number];

/** Closure reasons staff choose from; `erased` is set only by the erasure of a client's data. */
export const STAFF_CLOSURE_REASONS = [
  "goals_reached",
  "moved_away",
  "referred",
  "no_contact",
  "withdrawn",
] as const satisfies readonly ClosureReason[];
export type StaffClosureReason = (typeof STAFF_CLOSURE_REASONS)[number];

/**
 * Moves between work phases. Going back is allowed where the process loops: a goal agreement that
 * shows the assessment was incomplete, and the regular re-assessment, which leads to new goals or
 * back to steering. Closing is possible from every open phase (see `checkTransition`).
 */
export const WORK_TRANSITIONS: Readonly<Record<WorkPhase, readonly WorkPhase[]>> = {
  first_consultation: ["assessment"],
  assessment: ["goal_agreement", "first_consultation"],
  goal_agreement: ["service_steering", "assessment"],
  service_steering: ["reassessment"],
  reassessment: ["service_steering", "goal_agreement", "assessment"],
};

export const isWorkPhase = (p: string): p is WorkPhase => (WORK_PHASES as readonly string[]).includes(p);
export const isStaffClosureReason = (r: string): r is StaffClosureReason =>
  (STAFF_CLOSURE_REASONS as readonly string[]).includes(r);

/** Who asks for a move. Staff come with what the authorization rule needs (staff/authorize.ts). */
export type Actor =
  | { kind: "cm"; staff: StaffActor }
  | { kind: "system" }
  | { kind: "client"; clientId: string };

export const staffActor = (staff: StaffActor): Actor => ({ kind: "cm", staff });

export const actorString = (a: Actor): string =>
  a.kind === "cm" ? `cm:${a.staff.id}` : a.kind === "client" ? `client:${a.clientId}` : "system";

export interface TransitionRequest {
  from: CasePhase;
  to: CasePhase;
  /** required when `to` is closed, forbidden otherwise */
  reason?: ClosureReason;
  actor: Actor;
  /** the case's responsible case manager, their agency and consent state (staff/authorize.ts) */
  kase: CaseScope;
}

export type TransitionRefusal =
  | "same_phase"
  | "not_allowed"
  | "not_responsible"
  | "reason_required"
  | "reason_not_allowed"
  | "already_closed"
  | "reopen_team_lead_only"
  | "consent_withdrawn";

export type TransitionCheck = { ok: true } | { ok: false; code: TransitionRefusal };

/** Staff ask the one rule (staff/authorize.ts); the system may; a client acts on a case only by withdrawing. */
export function mayOnCase(actor: Actor, action: CaseAction, kase: CaseScope): boolean {
  if (actor.kind === "system") return true;
  if (actor.kind === "client") return false;
  return authorize(actor.staff, action, kase).ok;
}

const supervisesCase = (actor: Actor, kase: CaseScope): boolean =>
  actor.kind === "cm" && authorize(actor.staff, "case.reassign", kase).ok;

export function checkTransition(req: TransitionRequest): TransitionCheck {
  const { from, to, reason, actor } = req;
  if (from === to) return { ok: false, code: "same_phase" };

  if (to === "closed") {
    if (!reason) return { ok: false, code: "reason_required" };
    if (reason === "erased") {
      // only the erasure of the client's data closes a case as erased
      if (actor.kind === "cm") return { ok: false, code: "reason_not_allowed" };
      return { ok: true };
    }
    if (actor.kind === "client")
      return reason === "withdrawn" ? { ok: true } : { ok: false, code: "not_allowed" };
    if (!mayOnCase(actor, "case.close", req.kase)) return { ok: false, code: "not_responsible" };
    // a case still waiting or offered has no responsible case manager yet: only a supervising team
    // lead or the system may end it (e.g. the person withdrew, or moved away before a slot was free)
    if (
      (from === "waiting" || from === "pending_acceptance") &&
      actor.kind === "cm" &&
      !supervisesCase(actor, req.kase)
    )
      return { ok: false, code: "not_responsible" };
    return { ok: true };
  }
  if (reason) return { ok: false, code: "reason_not_allowed" };

  if (from === "closed") {
    // reopening: a supervising team lead's decision, back to the first consultation; never for a client
    // who withdrew consent (they come back with a new intake)
    if (to !== "first_consultation") return { ok: false, code: "already_closed" };
    if (req.kase.consentWithdrawn) return { ok: false, code: "consent_withdrawn" };
    if (actor.kind === "system" || mayOnCase(actor, "case.reopen", req.kase)) return { ok: true };
    return { ok: false, code: "reopen_team_lead_only" };
  }
  if (!isWorkPhase(from) || !isWorkPhase(to)) return { ok: false, code: "not_allowed" };
  if (!WORK_TRANSITIONS[from].includes(to)) return { ok: false, code: "not_allowed" };
  if (!mayOnCase(actor, "case.work", req.kase)) return { ok: false, code: "not_responsible" };
  return { ok: true };
}

/** The phases a given actor can move a case to from `from` (buttons to show). */
export function nextPhases(from: CasePhase, actor: Actor, kase: CaseScope): WorkPhase[] {
  const candidates: WorkPhase[] =
    from === "closed" ? ["first_consultation"] : isWorkPhase(from) ? [...WORK_TRANSITIONS[from]] : [];
  return candidates.filter((to) => checkTransition({ from, to, actor, kase }).ok);
}

/** Whether the actor may close a case in phase `from` (with a staff reason). */
export function mayClose(from: CasePhase, actor: Actor, kase: CaseScope): boolean {
  if (from === "closed") return false;
  return checkTransition({ from, to: "closed", reason: "goals_reached", actor, kase }).ok;
}

/** Development-plan goals are agreed and kept up to date from the assessment on. */
export const GOAL_PHASES = [
  "assessment",
  "goal_agreement",
  "service_steering",
  "reassessment",
] as const satisfies readonly CasePhase[];
export const goalsEditableIn = (phase: CasePhase): boolean =>
  (GOAL_PHASES as readonly string[]).includes(phase);

/** Phases in which a case holds a slot of its case manager (equal to matching's OPEN_PHASES). */
export const holdsCapacity = (phase: CasePhase): boolean => phase !== "waiting" && phase !== "closed";
