import { describe, expect, it } from "vitest";
import {
  agencyLoadsOf,
  DEFAULT_MATCH_POLICY,
  DEFAULT_MATCH_WEIGHTS,
  exclusionReason,
  explainRanking,
  pickFewestOpen,
  pickRoundRobin,
  rankCandidates,
} from "../../src/modules/matching/pick-assignee.ts";
import type {
  ExclusionReason,
  MatchCandidate,
  MatchClient,
  MatchPolicy,
} from "../../src/modules/matching/types.ts";

const NOW = new Date("2025-05-12T10:00:00Z");
const DAY = 86_400_000;

const cm = (id: string, over: Partial<MatchCandidate> = {}): MatchCandidate => ({
  id,
  agencyId: "city",
  active: true,
  fte: 1,
  absences: [],
  openCases: 10,
  openPersons: 30,
  languages: ["de"],
  regionIds: ["bi"],
  localDistrictIds: [],
  topics: [],
  ...over,
});

const client = (over: Partial<MatchClient> = {}): MatchClient => ({
  id: "client-1",
  districtId: "heepen",
  regionId: "bi",
  languages: ["ar"],
  topics: ["work"],
  persons: 3,
  previousCmIds: [],
  excludeCmIds: [],
  ...over,
});

const policy = (over: Partial<MatchPolicy> = {}): MatchPolicy => ({ ...DEFAULT_MATCH_POLICY, ...over });
const ids = (xs: readonly { cmId: string }[]) => xs.map((x) => x.cmId);
const away = { from: new Date(NOW.getTime() - DAY), to: new Date(NOW.getTime() + DAY) };
const past = { from: new Date(NOW.getTime() - 10 * DAY), to: new Date(NOW.getTime() - DAY) };

describe("hard filters", () => {
  // biome-ignore format: one row per case reads as a table
  it.each<[string, Partial<MatchCandidate>, Partial<MatchClient>, Partial<MatchPolicy>, ExclusionReason | null]>([
    ["eligible", {}, {}, {}, null],
    ["inactive", { active: false }, {}, {}, "inactive"],
    ["inactive wins over everything else", { active: false, absences: [away], openCases: 99 }, {}, {}, "inactive"],
    ["declined earlier", {}, { excludeCmIds: ["a"] }, {}, "declined_or_timed_out"],
    ["someone else declined", {}, { excludeCmIds: ["b"] }, {}, null],
    ["absent now", { absences: [away] }, {}, {}, "absent"],
    ["absence in the past", { absences: [past] }, {}, {}, null],
    ["region not responsible, region-bound", { regionIds: ["ahlen"] }, {}, { regionBound: true }, "region_not_responsible"],
    ["region not responsible, not bound", { regionIds: ["ahlen"] }, {}, { regionBound: false }, null],
    ["no regions at all, region-bound", { regionIds: [] }, {}, { regionBound: true }, "region_not_responsible"],
    ["one of several regions", { regionIds: ["ahlen", "bi"] }, {}, { regionBound: true }, null],
    ["agency does not serve region", { agencyRegionIds: ["ahlen"] }, {}, {}, "agency_not_serving_region"],
    ["agency serves region", { agencyRegionIds: ["ahlen", "bi"] }, {}, {}, null],
    ["agency restriction applies even when not region-bound", { agencyRegionIds: [] }, {}, { regionBound: false }, "agency_not_serving_region"],
    ["full by cases", { openCases: 26 }, {}, {}, "no_case_capacity"],
    ["one case slot left", { openCases: 25 }, {}, {}, null],
    ["half-time full at 13", { fte: 0.5, openCases: 13 }, {}, {}, "no_case_capacity"],
    ["override lowers capacity", { capacityOverride: { cases: 10 } }, {}, {}, "no_case_capacity"],
    ["override raises capacity", { openCases: 27, capacityOverride: { cases: 30 } }, {}, {}, null],
    ["zero fte", { fte: 0, openCases: 0 }, {}, {}, "no_case_capacity"],
    ["persons full, persons not used", { openPersons: 80 }, {}, { usePersons: false }, null],
    ["family does not fit, persons used", { openPersons: 78 }, { persons: 3 }, { usePersons: true }, "no_person_capacity"],
    ["family fits exactly, persons used", { openPersons: 77 }, { persons: 3 }, { usePersons: true }, null],
    ["persons override", { openPersons: 77, capacityOverride: { persons: 100 } }, { persons: 7 }, { usePersons: true }, null],
    ["cases checked before persons", { openCases: 26, openPersons: 80 }, {}, { usePersons: true }, "no_case_capacity"],
    ["absent checked before capacity", { openCases: 26, absences: [away] }, {}, {}, "absent"],
  ])("%s", (_n, cand, cli, pol, expected) => {
    const c = cm("a", cand);
    expect(exclusionReason(client(cli), c, NOW, policy(pol))).toBe(expected);
    const result = rankCandidates(client(cli), [c], { now: NOW, policy: policy(pol) });
    if (expected === null) {
      expect(ids(result.ranked)).toEqual(["a"]);
      expect(result.excluded).toEqual([]);
    } else {
      expect(result.chosen).toBeNull();
      expect(result.excluded).toEqual([{ cmId: "a", reason: expected }]);
    }
  });
});

describe("ranking", () => {
  // biome-ignore format: one row per case reads as a table
  it.each<[string, Partial<MatchClient>, MatchCandidate[], string[]]>([
    ["tie → id", {}, [cm("b"), cm("c"), cm("a")], ["a", "b", "c"]],
    ["shared language first", {}, [cm("a"), cm("b", { languages: ["de", "ar"] })], ["b", "a"]],
    ["language beats moderate extra load", {}, [cm("a", { openCases: 8 }), cm("b", { languages: ["ar"], openCases: 16 })], ["b", "a"]],
    ["load wins when the language CM is almost full", {}, [cm("a", { openCases: 2 }), cm("b", { languages: ["ar"], openCases: 25 })], ["a", "b"]],
    ["second client language counts", { languages: ["ku", "ar"] }, [cm("a", { languages: ["ar"] }), cm("b")], ["a", "b"]],
    ["English counts as a shared language", { languages: ["ti", "en"] }, [cm("a"), cm("b", { languages: ["en"] })], ["b", "a"]],
    ["German speaker: German CM before one without German", { languages: ["de"] }, [cm("a", { languages: ["ar"] }), cm("b", { languages: ["de"] })], ["b", "a"]],
    ["own language beats German", { languages: ["de", "ar"] }, [cm("a", { languages: ["de"] }), cm("b", { languages: ["ar"] })], ["b", "a"]],
    ["client without German: German gives nothing", { languages: ["fa"] }, [cm("b", { languages: ["de"] }), cm("a", { languages: ["ru"] })], ["a", "b"]],
    ["local contact", {}, [cm("a"), cm("b", { localDistrictIds: ["mitte", "heepen"] })], ["b", "a"]],
    ["local contact for another district gives nothing", {}, [cm("b", { localDistrictIds: ["mitte"] }), cm("a")], ["a", "b"]],
    ["language beats local contact", {}, [cm("a", { localDistrictIds: ["heepen"] }), cm("b", { languages: ["ar"] })], ["b", "a"]],
    ["topic expertise share", { topics: ["work", "housing", "health"] }, [cm("a", { topics: ["work"] }), cm("b", { topics: ["work", "health"] }), cm("c")], ["b", "a", "c"]],
    ["duplicate client topics count once", { topics: ["work", "work"] }, [cm("a"), cm("b", { topics: ["work"] })], ["b", "a"]],
    ["continuity", { previousCmIds: ["b"] }, [cm("a"), cm("b")], ["b", "a"]],
    ["continuity beats language", { previousCmIds: ["a"] }, [cm("a"), cm("b", { languages: ["ar"] })], ["a", "b"]],
    ["fewer open cases first", {}, [cm("a", { openCases: 12 }), cm("b", { openCases: 9 }), cm("c", { openCases: 10 })], ["b", "c", "a"]],
    ["FTE-weighted: half-time with 10 is more loaded than full-time with 15", {}, [cm("half", { fte: 0.5, openCases: 10 }), cm("full", { openCases: 15 })], ["full", "half"]],
    ["FTE-weighted: half-time with 6 is less loaded than full-time with 15", {}, [cm("half", { fte: 0.5, openCases: 6 }), cm("full", { openCases: 15 })], ["half", "full"]],
    ["absent colleague's load counts for fair share but they are not ranked", {}, [cm("x", { openCases: 0, absences: [away] }), cm("b", { openCases: 12 }), cm("a", { openCases: 14 })], ["b", "a"]],
  ])("%s", (_n, cli, candidates, expected) => {
    const r = rankCandidates(client(cli), candidates, { now: NOW, policy: policy() });
    expect(ids(r.ranked)).toEqual(expected);
    expect(r.chosen?.cmId).toBe(expected[0]);
  });

  it("agency shortfall separates otherwise equal case managers", () => {
    const candidates = [cm("a", { agencyId: "drk" }), cm("b", { agencyId: "city" })];
    const agencyLoads = {
      city: { fte: 6, openCases: 60 },
      drk: { fte: 1, openCases: 20 },
      awo: { fte: 1, openCases: 5 },
    };
    const r = rankCandidates(client(), candidates, { now: NOW, policy: policy(), agencyLoads });
    expect(ids(r.ranked)).toEqual(["b", "a"]);
    // fair share per FTE = 85 / 8; drk: (10.625 − 20) / 26
    expect(r.ranked[1]?.facts.agencyShortfall).toBeCloseTo((85 / 8 - 20) / 26, 12);
  });

  it("records score parts that add up to the score, and the facts behind them", () => {
    const candidates = [
      cm("a", {
        languages: ["de", "ar"],
        localDistrictIds: ["heepen"],
        topics: ["work"],
        openCases: 6,
        openPersons: 20,
      }),
      cm("b", { openCases: 14 }),
    ];
    const r = rankCandidates(client({ previousCmIds: ["a"], languages: ["ar", "de"] }), candidates, {
      now: NOW,
      policy: policy(),
      agencyLoads: agencyLoadsOf(candidates),
    });
    const a = r.chosen!;
    expect(a.cmId).toBe("a");
    const sum = Object.values(a.parts).reduce((s, x) => s + x, 0);
    expect(a.score).toBeCloseTo(sum, 9);
    expect(a.facts).toEqual({
      sharedLanguage: "ar",
      localContact: true,
      topicShare: 1,
      continuity: true,
      openCases: 6,
      fairShare: 10,
      shortfall: 4 / 26,
      agencyShortfall: 0,
      freeCases: 20,
      freePersons: 60,
    });
    expect(a.parts).toEqual({
      language: DEFAULT_MATCH_WEIGHTS.language,
      localDistrict: DEFAULT_MATCH_WEIGHTS.localDistrict,
      topics: DEFAULT_MATCH_WEIGHTS.topics,
      continuity: DEFAULT_MATCH_WEIGHTS.continuity,
      shortfall: (DEFAULT_MATCH_WEIGHTS.shortfall * 4) / 26,
      agencyShortfall: 0,
    });
  });

  it("uses custom weights", () => {
    const candidates = [
      cm("a", { languages: ["ar"], openCases: 5 }),
      cm("b", { localDistrictIds: ["heepen"], openCases: 5 }),
    ];
    const weights = { ...DEFAULT_MATCH_WEIGHTS, language: 1, localDistrict: 2 };
    expect(rankCandidates(client(), candidates, { now: NOW, policy: policy(), weights }).chosen?.cmId).toBe(
      "b",
    );
    expect(rankCandidates(client(), candidates, { now: NOW, policy: policy() }).chosen?.cmId).toBe("a");
  });

  it("is deterministic regardless of input order", () => {
    const candidates = Array.from({ length: 60 }, (_, i) =>
      cm(`cm${String(i).padStart(2, "0")}`, {
        openCases: i % 7,
        languages: i % 3 === 0 ? ["de", "ar"] : ["de"],
        localDistrictIds: i % 4 === 0 ? ["heepen"] : [],
        fte: i % 5 === 0 ? 0.5 : 1,
      }),
    );
    const a = rankCandidates(client(), candidates, { now: NOW, policy: policy() });
    const b = rankCandidates(client(), [...candidates].reverse(), { now: NOW, policy: policy() });
    expect(ids(b.ranked)).toEqual(ids(a.ranked));
    expect(b.ranked).toEqual(a.ranked);
  });

  it("lists every candidate exactly once, ranked or excluded", () => {
    const candidates = [
      cm("a"),
      cm("b", { active: false }),
      cm("c", { absences: [away] }),
      cm("d", { openCases: 30 }),
    ];
    const r = rankCandidates(client({ excludeCmIds: ["e"] }), [...candidates, cm("e")], {
      now: NOW,
      policy: policy(),
    });
    expect(ids(r.ranked)).toEqual(["a"]);
    expect(r.excluded).toEqual([
      { cmId: "b", reason: "inactive" },
      { cmId: "c", reason: "absent" },
      { cmId: "d", reason: "no_case_capacity" },
      { cmId: "e", reason: "declined_or_timed_out" },
    ]);
  });

  it("empty team → nobody", () => {
    expect(rankCandidates(client(), [], { now: NOW, policy: policy() })).toEqual({
      chosen: null,
      ranked: [],
      excluded: [],
    });
  });

  it("ranks 1,000 candidates, each once, in score order, the same every time", () => {
    const langs = [
      ["de", "ar"],
      ["de", "ku", "ar"],
      ["de", "fa"],
      ["de", "ru", "uk"],
      ["de", "tr"],
    ] as const;
    const candidates = Array.from({ length: 1000 }, (_, i) =>
      cm(`cm${i}`, {
        agencyId: ["city", "drk", "awo"][i % 3]!,
        openCases: i % 27,
        openPersons: (i * 3) % 81,
        languages: [...langs[i % langs.length]!],
        localDistrictIds: [`d${i % 10}`],
        topics: ["work", "housing"],
        absences: i % 13 === 0 ? [away] : [past],
      }),
    );
    const agencyLoads = agencyLoadsOf(candidates);
    const ctx = { now: NOW, policy: policy({ usePersons: true }), agencyLoads };
    const c = client({ districtId: "d3", topics: ["work", "health"], excludeCmIds: ["cm5"] });
    // its speed is measured by `npm run bench` (assignment.*), never asserted here; this checks that a
    // large team is ranked completely and consistently
    const r = rankCandidates(c, candidates, ctx);
    expect(r.ranked.length + r.excluded.length).toBe(candidates.length);
    expect(r.excluded.map((e) => e.cmId)).toContain("cm5");
    expect(r.ranked.some((x) => x.cmId === "cm0" || x.cmId === "cm13")).toBe(false); // away today
    for (let i = 1; i < r.ranked.length; i++)
      expect(r.ranked[i - 1]!.score).toBeGreaterThanOrEqual(r.ranked[i]!.score);
    expect(r.chosen?.cmId).toBe(r.ranked[0]?.cmId);
    expect(rankCandidates(c, candidates, ctx)).toEqual(r);
  });
});

describe("explainRanking", () => {
  it("explains the choice, the runner-up and the exclusions", () => {
    const candidates = [
      cm("cm-ar", { agencyId: "drk", languages: ["de", "ar"], localDistrictIds: ["heepen"], openCases: 12 }),
      cm("cm-de", { openCases: 8 }),
      cm("cm-x", { openCases: 9 }),
      cm("cm-away", { absences: [away] }),
      cm("cm-full", { openCases: 26 }),
      cm("cm-full2", { openCases: 27 }),
    ];
    const lines = explainRanking(rankCandidates(client(), candidates, { now: NOW, policy: policy() }));
    // fair share counts everyone's open cases, the absent and the full too: 92 / 6 = 15.33
    expect(lines[0]).toBe(
      "Assigned to cm-ar (drk), score 5.01: speaks ar with the client (+3.00); local contact for the district (+1.50); 12 open, 3.33 cases below FTE-fair share (+0.51).",
    );
    expect(lines[1]).toBe(
      "Runner-up cm-de (city), score 1.13: no shared language; 8 open, 7.33 cases below FTE-fair share (+1.13).",
    );
    expect(lines[2]).toBe("1 more eligible.");
    expect(lines[3]).toBe("Not eligible: 1 absent, 2 no free case slot.");
  });

  // biome-ignore format: one row per case reads as a table
  it.each<[string, MatchCandidate[], Partial<MatchClient>, string[]]>([
    ["nobody", [], {}, ["No eligible case manager among 0."]],
    ["all excluded", [cm("a", { active: false }), cm("b", { openCases: 26 })], {}, ["No eligible case manager among 2.", "Not eligible: 1 inactive, 1 no free case slot."]],
    ["declined", [cm("a")], { excludeCmIds: ["a"] }, ["No eligible case manager among 1.", "Not eligible: 1 declined or let the offer time out."]],
  ])("%s", (_n, candidates, cli, expected) => {
    expect(explainRanking(rankCandidates(client(cli), candidates, { now: NOW, policy: policy() }))).toEqual(expected);
  });

  it("mentions continuity, German-only, topics and agency", () => {
    const candidates = [cm("a", { agencyId: "awo", topics: ["work"] }), cm("b", { agencyId: "city" })];
    const r = rankCandidates(client({ languages: ["de"], previousCmIds: ["a"] }), candidates, {
      now: NOW,
      policy: policy(),
      agencyLoads: { awo: { fte: 1, openCases: 2 }, city: { fte: 1, openCases: 20 } },
    });
    const [first] = explainRanking(r);
    expect(first).toContain("shares German only (+1.00)");
    expect(first).toContain("accompanied this household before (+3.50)");
    expect(first).toContain("expertise in 100 % of topics (+1.00)");
    expect(first).toContain("agency below its fair share (+0.35)");
  });
});

describe("baselines", () => {
  const ctx = { client: client(), now: NOW, policy: policy() };

  // biome-ignore format: one row per case reads as a table
  it.each<[string, MatchCandidate[], [string, number][], string | null]>([
    ["nobody", [], [], null],
    ["never picked goes first, then id", [cm("b"), cm("a")], [], "a"],
    ["least recently picked", [cm("a"), cm("b"), cm("c")], [["a", 3], ["b", 1], ["c", 2]], "b"],
    ["never picked before picked", [cm("a"), cm("b")], [["a", 1]], "b"],
    ["skips full", [cm("a", { openCases: 26 }), cm("b")], [["b", 5]], "b"],
    ["skips absent and inactive", [cm("a", { absences: [away] }), cm("b", { active: false }), cm("c")], [["c", 9]], "c"],
    ["ignores language", [cm("a", { languages: ["ar"] }), cm("b")], [["a", 2], ["b", 1]], "b"],
    ["all full", [cm("a", { openCases: 26 })], [], null],
  ])("round robin: %s", (_n, candidates, picks, expected) => {
    expect(pickRoundRobin(candidates, { lastPickedAt: new Map(picks) }, ctx)?.id ?? null).toBe(expected);
  });

  it("round robin cycles through the team when the caller records picks", () => {
    const candidates = [cm("c"), cm("a"), cm("b")];
    const last = new Map<string, number>();
    const order: string[] = [];
    for (let seq = 0; seq < 7; seq++) {
      const p = pickRoundRobin(candidates, { lastPickedAt: last }, ctx)!;
      order.push(p.id);
      last.set(p.id, seq);
    }
    expect(order).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  // biome-ignore format: one row per case reads as a table
  it.each<[string, MatchCandidate[], string | null]>([
    ["nobody", [], null],
    ["fewest open", [cm("a", { openCases: 5 }), cm("b", { openCases: 3 }), cm("c", { openCases: 4 })], "b"],
    ["tie → id", [cm("b", { openCases: 3 }), cm("a", { openCases: 3 })], "a"],
    ["absolute, not per FTE", [cm("full", { openCases: 10 }), cm("half", { fte: 0.5, openCases: 9 })], "half"],
    ["skips the excluded", [cm("a", { openCases: 0, absences: [away] }), cm("b", { openCases: 20 })], "b"],
    ["ignores language", [cm("a", { openCases: 4, languages: ["ar"] }), cm("b", { openCases: 3 })], "b"],
  ])("fewest open: %s", (_n, candidates, expected) => {
    expect(pickFewestOpen(candidates, ctx)?.id ?? null).toBe(expected);
  });

  it("baselines respect region binding", () => {
    const candidates = [cm("a", { regionIds: ["ahlen"], openCases: 0 }), cm("b", { openCases: 20 })];
    const bound = { ...ctx, policy: policy({ regionBound: true }) };
    expect(pickFewestOpen(candidates, bound)?.id).toBe("b");
    expect(pickRoundRobin(candidates, { lastPickedAt: new Map() }, bound)?.id).toBe("b");
  });
});

describe("agencyLoadsOf", () => {
  it("sums active case managers per agency", () => {
    expect(
      agencyLoadsOf([
        cm("a", { agencyId: "city", openCases: 10 }),
        cm("b", { agencyId: "city", fte: 0.5, openCases: 4 }),
        cm("c", { agencyId: "drk", openCases: 20 }),
        cm("d", { agencyId: "drk", openCases: 7, active: false }),
      ]),
    ).toEqual({ city: { fte: 1.5, openCases: 14 }, drk: { fte: 1, openCases: 20 } });
  });
});
