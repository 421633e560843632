// Reads the team as the pure matching code sees it: every case manager with their current load.
// Load = cases with this case manager that are neither waiting nor closed, i.e. pending offers count
// too (a pending offer reserves the slot until it is accepted, declined or expired).
import type { Db, Tx } from "../../db/client.ts";
import type { CasePhase } from "../../generated/prisma/client.ts";
import type { SpokenLanguage, Topic } from "../intake/answers.ts";
import { capacityOf, isAbsent } from "./capacity.ts";
import type { Capacity, Load, MatchCandidate, MatchPolicy } from "./types.ts";

/** Phases in which a case occupies a slot of its case manager. */
export const OPEN_PHASES = [
  "pending_acceptance",
  "first_consultation",
  "assessment",
  "goal_agreement",
  "service_steering",
  "reassessment",
] as const satisfies readonly CasePhase[];

/** Phases of a case that a case manager has accepted and works on. */
export const ACTIVE_PHASES = OPEN_PHASES.filter((p) => p !== "pending_acceptance");

export interface TeamMember extends MatchCandidate {
  readonly name: string;
  readonly agencyName: string;
  readonly loadVersion: number;
  readonly capacity: Capacity;
  readonly absentNow: boolean;
  readonly teamLead: boolean;
}

type Client = Db | Tx;

export async function openLoads(db: Client): Promise<Map<string, Load>> {
  const rows = await db.case.groupBy({
    by: ["cmId"],
    where: { cmId: { not: null }, phase: { in: [...OPEN_PHASES] } },
    _count: { _all: true },
    _sum: { persons: true },
  });
  const out = new Map<string, Load>();
  for (const r of rows)
    if (r.cmId) out.set(r.cmId, { openCases: r._count._all, openPersons: r._sum.persons ?? 0 });
  return out;
}

export async function openLoadOf(db: Client, cmId: string): Promise<Load> {
  const r = await db.case.aggregate({
    where: { cmId, phase: { in: [...OPEN_PHASES] } },
    _count: { _all: true },
    _sum: { persons: true },
  });
  return { openCases: r._count._all, openPersons: r._sum.persons ?? 0 };
}

/**
 * The team with loads. Absences are those overlapping `now` (enough for the filters, which only ask
 * "absent now?"). Inactive case managers only with `includeInactive` (reports, rebalancing).
 */
export async function loadTeam(
  db: Client,
  now: Date,
  policy: MatchPolicy,
  opts: { includeInactive?: boolean } = {},
): Promise<TeamMember[]> {
  const [cms, loads] = await Promise.all([
    db.caseManager.findMany({
      where: opts.includeInactive ? {} : { active: true },
      orderBy: { id: "asc" },
      select: {
        id: true,
        name: true,
        agencyId: true,
        active: true,
        fte: true,
        capacityOverride: true,
        languages: true,
        regionIds: true,
        localDistrictIds: true,
        topics: true,
        loadVersion: true,
        teamLead: true,
        agency: { select: { name: true, regionIds: true } },
        absences: { where: { from: { lte: now }, to: { gt: now } }, select: { from: true, to: true } },
      },
    }),
    openLoads(db),
  ]);
  return cms.map((cm) => {
    const load = loads.get(cm.id) ?? { openCases: 0, openPersons: 0 };
    const capacityOverride = cm.capacityOverride === null ? undefined : { cases: cm.capacityOverride };
    return teamMember(
      {
        id: cm.id,
        name: cm.name,
        agencyId: cm.agencyId,
        agencyName: cm.agency.name,
        active: cm.active,
        fte: cm.fte,
        capacityOverride,
        languages: cm.languages as SpokenLanguage[],
        regionIds: cm.regionIds,
        localDistrictIds: cm.localDistrictIds,
        topics: cm.topics as Topic[],
        agencyRegionIds: cm.agency.regionIds,
        capacity: capacityOf({ fte: cm.fte, ...(capacityOverride ? { capacityOverride } : {}) }, policy),
        teamLead: cm.teamLead,
      },
      load,
      cm.absences,
      isAbsent(cm.absences, now),
      cm.loadVersion,
    );
  });
}

/** The part of a team member that does not change with assignments. */
export type StaticMember = Omit<
  TeamMember,
  "openCases" | "openPersons" | "absences" | "absentNow" | "loadVersion"
>;

/**
 * Builds a member as one object literal with every property in a fixed order, so all members share
 * one hidden class: the ranking loop reads them a thousand times per decision, and objects built by
 * spreading are slower to read.
 */
export function teamMember(
  m: StaticMember,
  load: Load,
  absences: readonly { from: Date; to: Date }[],
  absentNow: boolean,
  loadVersion: number,
): TeamMember {
  return {
    id: m.id,
    name: m.name,
    agencyId: m.agencyId,
    agencyName: m.agencyName,
    active: m.active,
    fte: m.fte,
    capacityOverride: m.capacityOverride,
    absences,
    languages: m.languages,
    regionIds: m.regionIds,
    localDistrictIds: m.localDistrictIds,
    topics: m.topics,
    agencyRegionIds: m.agencyRegionIds,
    openCases: load.openCases,
    openPersons: load.openPersons,
    loadVersion,
    capacity: m.capacity,
    absentNow,
    teamLead: m.teamLead,
  };
}

/** Free case slots of the team right now: active, present, capacity above load. */
export function freeSlotsOf(team: readonly TeamMember[]): number {
  let n = 0;
  for (const m of team) if (m.active && !m.absentNow) n += Math.max(0, m.capacity.cases - m.openCases);
  return n;
}
