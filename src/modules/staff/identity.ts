// Who a member of staff is and what they may do. Pure: the Slack layer loads a StaffMember from the
// database (CaseManager rows, synced from the organisation file, matched by Slack user id) and asks
// these functions before every action. Decisions:
//
// - Roles are not exclusive: every registered member of staff is a case manager; `teamLead` adds
//   supervision (Fachaufsicht), `coordinator` adds the cross-agency view of the weekly meeting.
// - A team lead at a *municipal* agency supervises the case managers of all agencies, because the
//   municipality keeps professional supervision over the welfare agencies' positions (KIM NRW).
//   A team lead at a welfare agency (DRK, AWO …) supervises their own agency only.
// - A coordinator sees loads, the wait list and rebalance proposals of all agencies and may ask for a
//   new proposal, but changes nothing: reassigning, capacities, other people's absences and
//   approving a rebalance are supervision, i.e. team-lead work.
// - Inactive case managers (removed from the organisation file) are treated like unknown users.

export type StaffRole = "case_manager" | "team_lead" | "coordinator";
export type AgencyKind = "municipal" | "welfare";

export interface StaffMember {
  readonly id: string;
  readonly name: string;
  readonly slackUserId: string;
  readonly agencyId: string;
  readonly agencyKind: AgencyKind;
  readonly teamLead: boolean;
  readonly coordinator: boolean;
  readonly active: boolean;
}

/** "all" or the agency ids someone may look at / act on. */
export type AgencyScope = "all" | readonly string[];

export function rolesOf(m: StaffMember): StaffRole[] {
  if (!m.active) return [];
  const roles: StaffRole[] = ["case_manager"];
  if (m.teamLead) roles.push("team_lead");
  if (m.coordinator) roles.push("coordinator");
  return roles;
}

export const isLead = (m: StaffMember): boolean => m.active && m.teamLead;

/** Agencies whose case managers this person supervises (may change capacity, absences, assignments). */
export function supervisionScope(m: StaffMember): AgencyScope {
  if (!isLead(m)) return [];
  return m.agencyKind === "municipal" ? "all" : [m.agencyId];
}

/** Agencies whose loads this person may see on the team overview: supervision, or all for a coordinator. */
export function overviewScope(m: StaffMember): AgencyScope {
  if (!m.active) return [];
  if (m.coordinator) return "all";
  return supervisionScope(m);
}

export const inScope = (scope: AgencyScope, agencyId: string): boolean =>
  scope === "all" || scope.includes(agencyId);

export const hasOverview = (m: StaffMember): boolean => {
  const s = overviewScope(m);
  return s === "all" || s.length > 0;
};

/** May `actor` change capacity, absences or assignments of `target`? */
export function canSupervise(actor: StaffMember, target: { agencyId: string }): boolean {
  return inScope(supervisionScope(actor), target.agencyId);
}

/** May `actor` add or remove an absence of `target`? Everyone their own; leads their team. */
export function canEditAbsence(actor: StaffMember, target: { id: string; agencyId: string }): boolean {
  if (!actor.active) return false;
  return actor.id === target.id || canSupervise(actor, target);
}

/** May `actor` ask for a fresh rebalance proposal? Leads and coordinators. */
export const canProposeRebalance = (m: StaffMember): boolean => m.active && (m.teamLead || m.coordinator);

/**
 * May `actor` approve or dismiss a proposal whose moves touch these agencies? Only a team lead whose
 * supervision covers every agency involved (in practice: the municipal lead, or a welfare lead for
 * moves inside their own agency).
 */
export function canDecideRebalance(actor: StaffMember, agencyIds: readonly string[]): boolean {
  if (!isLead(actor)) return false;
  const scope = supervisionScope(actor);
  return agencyIds.every((a) => inScope(scope, a));
}

/** Slack locale ("de-DE", "en-GB") → staff language; German unless Slack says English. */
export function staffLanguageOf(slackLocale: string | undefined | null): "de" | "en" {
  const base = (slackLocale ?? "").toLowerCase().split(/[-_]/)[0];
  return base === "en" ? "en" : "de";
}
