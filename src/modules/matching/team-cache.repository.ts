// The team as the assigner needs it on every decision, without reading 1,000 case managers and
// aggregating every open case each time. A few sub-selects (embedded in the assigner's first
// statement, so they cost no extra round trip) tell what changed since the last decision:
//   - a fingerprint of the case-manager and agency rows (count, the set of active ones, latest
//     updatedAt): org sync, capacity overrides, deactivation. When it changes, the static part
//     (active case managers only) is read again.
//   - the active case managers whose loadVersion differs from the cached one, with their current
//     load. loadVersion is bumped in the same transaction as every change of a load, and version and
//     count come from the same statement snapshot, so a cached count always matches its version.
//   - the absences that cover `now`.
// Staleness can only make the ranking less fair, never unsafe: the chosen case manager's row is
// locked and their capacity re-counted before anything is written (see AssignmentService).

import type { Db, Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { loadTeam, OPEN_PHASES, type StaticMember, type TeamMember, teamMember } from "./load.repository.ts";
import type { Load, MatchPolicy } from "./types.ts";

type Client = Db | Tx;

/** The columns the state fragment adds to a statement. */
export interface TeamStateColumns {
  tc_n: number;
  tc_cm_at: number | null;
  tc_ag_at: number | null;
  /** [cmId, loadVersion, openCases, openPersons] of every active case manager whose version changed */
  tc_changed: [string, number, number, number][];
  /** fingerprint of the set of active case managers (count and a hash of their ids) */
  tc_active: string;
  /** [cmId, fromMs, toMs] of absences covering now */
  tc_absences: [string, number, number][];
}

export class TeamCache {
  private fingerprint = "";
  private members: StaticMember[] = [];
  private readonly loads = new Map<string, { version: number; load: Load }>();
  private readonly view = new Map<string, { key: string; static: StaticMember; member: TeamMember }>();
  /** how often each path ran (bench, tests) */
  readonly stats = { staticReloads: 0, recounted: 0, decisions: 0 };

  constructor(private readonly policy: MatchPolicy) {}

  /** Sub-selects that return {@link TeamStateColumns}; embed them in a SELECT list. */
  stateColumns(now: Date): Prisma.Sql {
    const known: Record<string, number> = {};
    for (const [id, l] of this.loads) known[id] = l.version;
    const phases = [...OPEN_PHASES];
    return Prisma.sql`
      (SELECT count(*) FROM "CaseManager")::int AS tc_n,
      (SELECT extract(epoch FROM max("updatedAt")) * 1000 FROM "CaseManager")::float8 AS tc_cm_at,
      (SELECT extract(epoch FROM max("updatedAt")) * 1000 FROM "Agency")::float8 AS tc_ag_at,
      (SELECT coalesce(json_agg(json_build_array(cm.id, cm."loadVersion", l.cases, l.persons)), '[]'::json)
         FROM "CaseManager" cm
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS cases, coalesce(sum(x.persons), 0)::int AS persons
           FROM "Case" x WHERE x."cmId" = cm.id AND x.phase::text = ANY(${phases}::text[])
         ) l
         WHERE cm.active AND cm."loadVersion" IS DISTINCT FROM (${JSON.stringify(known)}::jsonb ->> cm.id)::int
      ) AS tc_changed,
      (SELECT count(*) || ':' || coalesce(sum(hashtext(id)), 0) FROM "CaseManager" WHERE active) AS tc_active,
      (SELECT coalesce(json_agg(json_build_array("cmId", extract(epoch FROM "from") * 1000, extract(epoch FROM "to") * 1000)), '[]'::json)
         FROM "Absence" WHERE "from" <= ${now}::timestamp AND "to" > ${now}::timestamp) AS tc_absences`;
  }

  /** The team now, for callers without a statement of their own to piggyback on. */
  async team(db: Client, now: Date): Promise<TeamMember[]> {
    const [row] = await db.$queryRaw<TeamStateColumns[]>`SELECT ${this.stateColumns(now)}`;
    return row ? this.absorb(db, now, row) : [];
  }

  /** Applies the state read by {@link stateColumns} and returns the team with loads. */
  async absorb(db: Client, now: Date, s: TeamStateColumns): Promise<TeamMember[]> {
    this.stats.decisions++;
    for (const [id, version, cases, persons] of s.tc_changed) {
      this.loads.set(id, { version, load: { openCases: cases, openPersons: persons } });
      this.stats.recounted++;
    }
    const fp = `${s.tc_n}|${s.tc_active}|${s.tc_cm_at}|${s.tc_ag_at}`;
    if (fp !== this.fingerprint) {
      const full = await loadTeam(db, now, this.policy);
      this.members = full.map(
        ({ openCases: _o, openPersons: _p, absences: _a, absentNow: _n, loadVersion: _v, ...rest }) => rest,
      );
      this.fingerprint = fp;
      this.stats.staticReloads++;
      // loads of members the state did not report: take loadTeam's figures under a version that
      // cannot match, so the next decision recounts them in one consistent snapshot
      for (const m of full) if (!this.loads.has(m.id)) this.loads.set(m.id, { version: -1, load: m });
    }

    const absent = new Map<string, { from: Date; to: Date }[]>();
    for (const [cmId, from, to] of s.tc_absences) {
      let list = absent.get(cmId);
      if (!list) {
        list = [];
        absent.set(cmId, list);
      }
      list.push({ from: new Date(from), to: new Date(to) });
    }
    // reuse the member objects whose figures did not change (most of them, most of the time)
    const out: TeamMember[] = [];
    for (const m of this.members) {
      const cached = this.loads.get(m.id);
      const absences = absent.get(m.id);
      const key = `${cached?.version ?? -1}|${cached?.load.openCases}|${absences ? absences.map((a) => `${a.from.getTime()}-${a.to.getTime()}`).join(",") : ""}`;
      const prev = this.view.get(m.id);
      if (prev && prev.key === key && prev.member.agencyId === m.agencyId && prev.static === m) {
        out.push(prev.member);
        continue;
      }
      // the version the load figures belong to (-1: not counted in a consistent snapshot yet)
      const member = teamMember(
        m,
        cached?.load ?? { openCases: 0, openPersons: 0 },
        absences ?? [],
        absences !== undefined,
        cached?.version ?? -1,
      );
      this.view.set(m.id, { key, static: m, member });
      out.push(member);
    }
    return out;
  }

  /** Forget everything (tests; after bulk changes made without bumping loadVersion). */
  clear(): void {
    this.fingerprint = "";
    this.members = [];
    this.loads.clear();
    this.view.clear();
  }
}
