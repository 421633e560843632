// planBatch: the in-memory half of a batch. Same decisions as ranking one case after the other
// with each offer counted in, never above capacity, the household rules from the history.
import { describe, expect, it } from "vitest";
import { planBatch } from "../../src/modules/matching/batch-plan.ts";
import type { CaseForMatch, HouseholdOffer } from "../../src/modules/matching/decision-record.ts";
import { type TeamMember, teamMember } from "../../src/modules/matching/load.repository.ts";
import {
  agencyLoadsOf,
  DEFAULT_MATCH_POLICY,
  rankCandidates,
} from "../../src/modules/matching/pick-assignee.ts";

const NOW = new Date("2026-03-02T09:00:00Z");
const policy = { ...DEFAULT_MATCH_POLICY, casesPerFte: 4 };

const member = (
  id: string,
  over: { open?: number; cap?: number; langs?: string[]; absent?: boolean; active?: boolean } = {},
): TeamMember =>
  teamMember(
    {
      id,
      name: id,
      agencyId: id < "c" ? "a1" : "a2",
      agencyName: "A",
      active: over.active ?? true,
      fte: 1,
      capacityOverride: { cases: over.cap ?? 2 },
      languages: (over.langs ?? ["de"]) as never,
      regionIds: ["stadt"],
      localDistrictIds: [],
      topics: [],
      agencyRegionIds: undefined,
      capacity: { cases: over.cap ?? 2, persons: 80 },
      teamLead: false,
    },
    { openCases: over.open ?? 0, openPersons: 0 },
    over.absent ? [{ from: new Date(NOW.getTime() - 1), to: new Date(NOW.getTime() + 1) }] : [],
    over.absent ?? false,
    1,
  );

const kase = (i: number, langs: string[] = ["de"]): CaseForMatch => ({
  id: `case-${i}`,
  clientId: `client-${i}`,
  districtId: "mitte",
  regionId: "stadt",
  persons: 1 + (i % 3),
  languages: langs,
  topics: [],
});

const ctx = { now: NOW, policy, trigger: "sweep" };

describe("planBatch", () => {
  const cases: {
    name: string;
    team: TeamMember[];
    cases: CaseForMatch[];
    history?: Map<string, HouseholdOffer[]>;
    want: (string | null)[];
  }[] = [
    {
      name: "fills free slots in order, then nobody",
      team: [member("anna", { cap: 1 }), member("berat", { cap: 1 })],
      cases: [kase(0), kase(1), kase(2)],
      want: ["anna", "berat", null],
    },
    {
      name: "absent and inactive people get nothing",
      team: [
        member("anna", { absent: true }),
        member("berat", { active: false }),
        member("carla", { cap: 1 }),
      ],
      cases: [kase(0), kase(1)],
      want: ["carla", null],
    },
    {
      name: "a decline of this case excludes; an accepted earlier case of the household attracts",
      team: [member("anna", { cap: 3 }), member("berat", { cap: 3 })],
      cases: [kase(0), kase(1)],
      history: new Map([
        ["client-0", [{ caseId: "case-0", cmId: "anna", status: "declined" }]],
        ["client-1", [{ caseId: "old", cmId: "berat", status: "accepted" }]],
      ]),
      want: ["berat", "berat"],
    },
    {
      name: "someone already full stays full",
      team: [member("anna", { open: 2, cap: 2 }), member("berat", { open: 0, cap: 1 })],
      cases: [kase(0), kase(1)],
      want: ["berat", null],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const plan = planBatch(c.cases, c.team, c.history ?? new Map(), ctx);
      const got = c.cases.map((k) => plan.offers.find((o) => o.caseId === k.id)?.cmId ?? null);
      expect(got).toEqual(c.want);
      expect(plan.offers.every((o) => o.record.chosenCmId === o.cmId && o.record.caseId === o.caseId)).toBe(
        true,
      );
    });

  it("equals ranking case by case with each offer counted in, and never exceeds capacity", () => {
    const team = Array.from({ length: 12 }, (_, i) =>
      member(`cm${String(i).padStart(2, "0")}`, {
        open: i % 3,
        cap: 2 + (i % 4),
        langs: i % 2 ? ["de", "ar"] : ["de"],
      }),
    );
    const batch = Array.from({ length: 40 }, (_, i) => kase(i, i % 3 ? ["de"] : ["ar"]));
    const plan = planBatch(batch, team, new Map(), ctx);

    let work = [...team];
    const expected: (string | null)[] = [];
    for (const k of batch) {
      const r = rankCandidates(
        {
          id: k.id,
          districtId: k.districtId,
          regionId: k.regionId,
          languages: k.languages as never,
          topics: [],
          persons: k.persons,
          previousCmIds: [],
          excludeCmIds: [],
        },
        work,
        { now: NOW, policy, agencyLoads: agencyLoadsOf(work) },
      );
      expected.push(r.chosen?.cmId ?? null);
      if (r.chosen)
        work = work.map((m) =>
          m.id === r.chosen!.cmId
            ? teamMember(
                m,
                { openCases: m.openCases + 1, openPersons: m.openPersons + k.persons },
                [],
                false,
                1,
              )
            : m,
        );
    }
    expect(batch.map((k) => plan.offers.find((o) => o.caseId === k.id)?.cmId ?? null)).toEqual(expected);
    const free = team.reduce((n, m) => n + m.capacity.cases - m.openCases, 0);
    expect(plan.freeSlotsBefore).toBe(free);
    expect(plan.offers).toHaveLength(free);
    expect(plan.freeSlotsAfter).toBe(0);
    for (const m of team)
      expect(m.openCases + plan.offers.filter((o) => o.cmId === m.id).length).toBeLessThanOrEqual(
        m.capacity.cases,
      );
    // the team handed in (the cache's objects) is not changed
    expect(team.map((m) => m.openCases)).toEqual(team.map((_, i) => i % 3));
  });
});
