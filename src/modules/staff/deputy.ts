// Naming the deputy of an absence (issue 11.8): the absent case manager names one when entering the
// absence, or a team lead who supervises them picks one later. Pure; deputy.service.ts stores it.
// Decisions: the deputy is an active colleague of the same agency (a welfare agency's clients are not
// opened to another agency's staff by an absence); nobody deputises for themself; an absence that is
// over cannot get a deputy any more (nothing would reach them).
import { canEditAbsence, type StaffMember } from "./identity.ts";

export type DeputyProblem =
  | "not_allowed"
  | "not_found"
  | "deputy_inactive"
  | "deputy_self"
  | "deputy_other_agency"
  | "absence_over";

interface Person {
  id: string;
  agencyId: string;
  active: boolean;
}

/**
 * Why `actor` may not make `deputy` the deputy of `absent`'s absence; null when they may. `deputy` is
 * "none" to take the deputy off, null for an unknown person.
 */
export function deputyProblem(
  actor: StaffMember,
  absent: Person,
  deputy: Person | "none" | null,
  absence?: { to: Date },
  now?: Date,
): DeputyProblem | null {
  if (!canEditAbsence(actor, absent)) return "not_allowed";
  if (absence && now && absence.to.getTime() <= now.getTime()) return "absence_over";
  if (deputy === "none") return null;
  if (!deputy) return "not_found";
  if (deputy.id === absent.id) return "deputy_self";
  if (!deputy.active) return "deputy_inactive";
  if (deputy.agencyId !== absent.agencyId) return "deputy_other_agency";
  return null;
}
