// Who receives the staff notices meant for a case manager at `now` (issue 11.8): appointment DMs,
// privacy notices, the copy of a client message, the items of the daily digest. One pure rule, so
// every sender routes alike and an absence's end returns everything at once. Decisions:
//
// - Present (no absence covering `now`; one that ended or starts later does not count): the case
//   manager themself ("own").
// - Absent with a named deputy who is active and not absent too: the deputy ("deputy").
// - Absent without a deputy: nobody stands in, so nothing is redirected; the notice is "held" with the
//   absent case manager (a one-off DM waits in their Slack until they are back, the daily digest skips
//   them as before). A lead who wants someone to see it names a deputy on the absence.
// - Absent, and the named deputy is inactive or absent too (or the case manager left the organisation):
//   a team lead who supervises the case manager's agency, is active and present ("lead"): a lead of
//   that agency first, else one with the municipality-wide scope, lowest id to be deterministic. We do
//   not follow the deputy's own deputy: chains can loop and nobody agreed to them. Without such a
//   lead: "held" as above.
// - Of overlapping absences, the latest started one naming a deputy counts.
// Whoever this names may act on the case under the one authorization rule (authorize.ts): the deputy
// through the absence, the lead through supervision.
import { type AgencyScope, inScope } from "./identity.ts";

export interface RoutingStaff {
  id: string;
  agencyId: string;
  active: boolean;
  /** agencies this person supervises (identity.ts supervisionScope); [] for a case manager */
  supervises: AgencyScope;
}

export interface RoutingAbsence {
  cmId: string;
  deputyId: string | null;
  from: Date;
  to: Date;
}

export type NoticeRoute =
  | { via: "own"; to: string }
  | { via: "deputy" | "lead"; to: string; forCmId: string }
  | { via: "held"; to: string; forCmId: string };

const covers = (a: RoutingAbsence, t: number): boolean => a.from.getTime() <= t && t < a.to.getTime();

export const isAbsentAt = (cmId: string, absences: readonly RoutingAbsence[], now: Date): boolean =>
  absences.some((a) => a.cmId === cmId && covers(a, now.getTime()));

const supervisesAny = (s: RoutingStaff): boolean => s.supervises === "all" || s.supervises.length > 0;

export function noticeRecipient(
  cmId: string,
  staff: readonly RoutingStaff[],
  absences: readonly RoutingAbsence[],
  now: Date,
): NoticeRoute {
  const t = now.getTime();
  const byId = new Map(staff.map((s) => [s.id, s]));
  const cm = byId.get(cmId);
  const present = (id: string) => byId.get(id)?.active === true && !isAbsentAt(id, absences, now);
  const mine = absences.filter((a) => a.cmId === cmId && covers(a, t));
  if (mine.length === 0 && cm?.active !== false) return { via: "own", to: cmId };
  const named = mine
    .filter((a) => a.deputyId !== null && a.deputyId !== cmId)
    .sort((a, b) => b.from.getTime() - a.from.getTime())[0]?.deputyId;
  if (named && present(named)) return { via: "deputy", to: named, forCmId: cmId };
  const noDeputyAsked = cm?.active !== false && !named;
  if (noDeputyAsked || !cm) return { via: "held", to: cmId, forCmId: cmId };
  const leads = staff
    .filter((s) => s.id !== cmId && supervisesAny(s) && inScope(s.supervises, cm.agencyId) && present(s.id))
    .sort(
      (a, b) => Number(b.agencyId === cm.agencyId) - Number(a.agencyId === cm.agencyId) || cmp(a.id, b.id),
    );
  const lead = leads[0];
  return lead ? { via: "lead", to: lead.id, forCmId: cmId } : { via: "held", to: cmId, forCmId: cmId };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
