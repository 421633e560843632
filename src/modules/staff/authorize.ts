// The one authorization rule for staff and cases: may this member of staff do this to this case?
// Every Slack action and view, and every service that changes or reads a case (phases, goals,
// assessment, referrals, conferences, appointments, the relay thread), asks `authorize` — so a new
// listener cannot forget the check, and there is one place to read the rule:
//
// - Unknown Slack users and case managers removed from the organisation file (inactive) may do nothing.
// - The responsible case manager may read and work on their case.
// - The case manager a case is offered to may read the offer's details (what a card withholds) so
//   they can decide; nothing else until they accept (not the case file, not the thread).
// - A deputy named on an absence of the responsible case manager may do the same while it lasts.
// - A team lead may do it for the cases of the agencies they supervise (identity.ts: a municipal lead
//   supervises every agency, a welfare agency's lead their own agency only). A case nobody holds yet
//   (waiting, or offered) belongs to no agency: only a lead with the municipality-wide scope reaches it.
// - Reassigning, re-routing a triage outcome of another's case and reopening are supervision.
//   Reopening a case whose client withdrew consent to case management is refused to everyone: only
//   the client can come back (with a new intake).
// - Coordinators see loads and figures (identity.ts overviewScope), never a case's personal data. The
//   one thing they change is the triage of an intake nobody holds yet (waiting, or referred elsewhere)
//   in a region they are responsible for: the weekly meeting re-routes and re-ranks the wait list.
import { inScope, type StaffMember, supervisionScope } from "./identity.ts";

export const CASE_ACTIONS = [
  /** open the case view with personal data (audited) */
  "case.read",
  /** the Details of an assignment card: what the card withholds (audited) */
  "offer.read",
  /** phases, goals, assessment, referrals, conferences, monitoring dates, quick replies */
  "case.work",
  "case.close",
  "case.reopen",
  "case.reassign",
  /** change the triage route or urgency */
  "case.triage",
  /** book, move, cancel, mark attendance */
  "appointment.change",
  /** write into and read the relay thread */
  "thread.use",
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** A member of staff with what the moment adds: the colleagues they stand in for right now. */
export interface StaffActor extends StaffMember {
  /** ids of case managers whose absence names this actor as deputy, at the time of the request */
  readonly deputyFor: readonly string[];
  /** the regions the actor is responsible for (org file); only the coordinator's triage rule reads it */
  readonly regionIds?: readonly string[];
}

/** What the rule needs to know about a case. */
export interface CaseScope {
  /** the responsible case manager; null while waiting or offered */
  cmId: string | null;
  /** the agency of the responsible case manager (or of the pending offer's); null if none */
  agencyId: string | null;
  /** the client withdrew consent to case management */
  consentWithdrawn?: boolean;
  /**
   * the case manager of the pending offer, if there is one. (The assignment service also writes them
   * into the case's cmId while the offer is pending; offer.read does not rely on that.)
   */
  offeredTo?: string | null;
  /** the region of the case (or of an intake without a case, by its district) */
  regionId?: string | null;
}

export type AuthVia = "own" | "deputy" | "offered" | "supervision" | "coordination";
export type AuthRefusal = "unknown_staff" | "not_responsible" | "consent_withdrawn";
export type AuthDecision = { ok: true; via: AuthVia } | { ok: false; code: AuthRefusal };

const SUPERVISION_ONLY: ReadonlySet<CaseAction> = new Set(["case.reassign", "case.reopen"]);

function supervises(actor: StaffMember, kase: CaseScope): boolean {
  const scope = supervisionScope(actor);
  if (kase.agencyId === null) return scope === "all";
  return inScope(scope, kase.agencyId);
}

/** A coordinator on an intake nobody holds or is offered, in one of their regions. */
function coordinates(actor: StaffActor, kase: CaseScope): boolean {
  if (!actor.coordinator || kase.cmId !== null || kase.agencyId !== null || kase.offeredTo) return false;
  return !!kase.regionId && (actor.regionIds ?? []).includes(kase.regionId);
}

export function authorize(actor: StaffActor | null, action: CaseAction, kase: CaseScope): AuthDecision {
  if (!actor?.active) return { ok: false, code: "unknown_staff" };
  if (action === "case.reopen" && kase.consentWithdrawn) return { ok: false, code: "consent_withdrawn" };
  if (action === "offer.read" && kase.offeredTo && kase.offeredTo === actor.id)
    return { ok: true, via: "offered" };
  if (!SUPERVISION_ONLY.has(action) && kase.cmId !== null) {
    if (kase.cmId === actor.id) return { ok: true, via: "own" };
    if (actor.deputyFor.includes(kase.cmId)) return { ok: true, via: "deputy" };
  }
  if (supervises(actor, kase)) return { ok: true, via: "supervision" };
  if (action === "case.triage" && coordinates(actor, kase)) return { ok: true, via: "coordination" };
  return { ok: false, code: "not_responsible" };
}

export const may = (actor: StaffActor | null, action: CaseAction, kase: CaseScope): boolean =>
  authorize(actor, action, kase).ok;

/** Deputies in force at `now`, from absences: pure, so the loader and the tests share it. */
export function deputyForAt(
  absences: readonly { cmId: string; deputyId: string | null; from: Date; to: Date }[],
  actorId: string,
  now: Date,
): string[] {
  const t = now.getTime();
  return [
    ...new Set(
      absences
        .filter((a) => a.deputyId === actorId && a.from.getTime() <= t && t < a.to.getTime())
        .map((a) => a.cmId),
    ),
  ];
}
