import { describe, expect, it } from "vitest";
import {
  isPinned,
  proposeRebalance,
  type RebalanceCase,
  type RebalanceCm,
  type RebalancePolicy,
  type RebalanceResult,
} from "../../src/modules/matching/rebalance.ts";

const NOW = new Date("2025-09-15T08:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const ahead = (ms: number) => new Date(NOW.getTime() + ms);

interface CmSpec {
  id: string;
  load: number;
  fte?: number;
  capacity?: number;
  active?: boolean;
  absent?: boolean;
  regionIds?: string[];
  /** how many of its cases are pinned by a recent contact */
  pinned?: number;
  caseRegion?: string;
}

function scenario(specs: CmSpec[]): { cms: RebalanceCm[]; cases: RebalanceCase[] } {
  const cms = specs.map((s) => ({
    id: s.id,
    fte: s.fte ?? 1,
    capacity: s.capacity ?? Math.round((s.fte ?? 1) * 26),
    active: s.active ?? true,
    absent: s.absent ?? false,
    regionIds: s.regionIds,
  }));
  const cases = specs.flatMap((s) =>
    Array.from({ length: s.load }, (_, k) => ({
      id: `${s.id}-${String(k).padStart(3, "0")}`,
      cmId: s.id,
      persons: 1 + (k % 4),
      regionId: s.caseRegion ?? s.regionIds?.[0],
      lastContactAt: k < (s.pinned ?? 0) ? ago(DAY) : ago((30 + k) * DAY),
    })),
  );
  return { cms, cases };
}

const loads = (r: RebalanceResult) => Object.fromEntries(r.after.map((row) => [row.cmId, row.cases]));

/** Invariants every proposal must satisfy. */
function checkInvariants(
  input: { cms: RebalanceCm[]; cases: RebalanceCase[] },
  r: RebalanceResult,
  tol: number,
) {
  const caseById = new Map(input.cases.map((c) => [c.id, c]));
  const cmById = new Map(input.cms.map((c) => [c.id, c]));
  const moved = new Set<string>();
  for (const m of r.moves) {
    expect(moved.has(m.caseId)).toBe(false); // each case at most once
    moved.add(m.caseId);
    const c = caseById.get(m.caseId)!;
    expect(c.cmId).toBe(m.fromCmId);
    expect(isPinned(c, NOW)).toBe(false);
    const to = cmById.get(m.toCmId)!;
    const from = cmById.get(m.fromCmId)!;
    for (const cm of [to, from]) expect(cm.active && !cm.absent).toBe(true);
  }
  for (const row of r.after) {
    expect(row.cases).toBeLessThanOrEqual(
      Math.max(cmById.get(row.cmId)!.capacity, r.before.find((b) => b.cmId === row.cmId)!.cases),
    );
    if (row.deviation !== null && !r.unresolved.includes(row.cmId)) {
      expect(Math.abs(row.deviation)).toBeLessThanOrEqual(tol + 1e-9);
    }
  }
  expect(r.after.reduce((n, row) => n + row.cases, 0)).toBe(input.cases.length);
  expect(r.after.reduce((n, row) => n + row.persons, 0)).toBe(input.cases.reduce((n, c) => n + c.persons, 0));
}

describe("proposeRebalance", () => {
  // biome-ignore format: one row per case reads as a table
  it.each<[string, CmSpec[], Partial<RebalancePolicy>, number, Record<string, number>, string[], boolean]>([
    // name, cms, policy, moves, loads after, unresolved, moves == lower bound
    ["empty team", [], {}, 0, {}, [], true],
    ["single case manager", [{ id: "a", load: 20 }], {}, 0, { a: 20 }, [], true],
    ["balanced", [{ id: "a", load: 10 }, { id: "b", load: 10 }, { id: "c", load: 10 }], {}, 0, { a: 10, b: 10, c: 10 }, [], true],
    ["within ±1", [{ id: "a", load: 11 }, { id: "b", load: 10 }, { id: "c", load: 9 }], {}, 0, { a: 11, b: 10, c: 9 }, [], true],
    ["one move", [{ id: "a", load: 12 }, { id: "b", load: 10 }, { id: "c", load: 8 }], {}, 1, { a: 11, b: 10, c: 9 }, [], true],
    ["all to one new colleague", [{ id: "a", load: 20 }, { id: "b", load: 20 }, { id: "new", load: 0 }], {}, 13, { a: 13, b: 14, new: 13 }, [], true],
    ["over dominates (5 > 4)", [{ id: "a", load: 16 }, { id: "b", load: 7 }, { id: "c", load: 7 }], {}, 5, { a: 11, b: 10, c: 9 }, [], true],
    ["under dominates (5 > 4)", [{ id: "a", load: 13 }, { id: "b", load: 13 }, { id: "c", load: 4 }], {}, 5, { a: 10, b: 11, c: 9 }, [], true],
    ["FTE-weighted", [{ id: "full", load: 10 }, { id: "half", fte: 0.5, load: 10 }], {}, 3, { full: 13, half: 7 }, [], true],
    ["FTE-weighted, three sizes", [{ id: "a", load: 0 }, { id: "b", fte: 0.5, load: 20 }, { id: "c", fte: 0.75, load: 7 }], {}, 13, { a: 12, b: 7, c: 8 }, [], true],
    ["tolerance 0", [{ id: "a", load: 11 }, { id: "b", load: 9 }], { fairShareTolerance: 0 }, 1, { a: 10, b: 10 }, [], true],
    ["tolerance 2", [{ id: "a", load: 12 }, { id: "b", load: 8 }], { fairShareTolerance: 2 }, 0, { a: 12, b: 8 }, [], true],
    ["tolerance 0.5 with fractional fair shares is unreachable", [{ id: "a", load: 4 }, { id: "b", load: 3 }, { id: "c", load: 3 }], { fairShareTolerance: 0.5 }, 0, { a: 4, b: 3, c: 3 }, ["a"], false],
    ["absent keeps their cases and gets none", [{ id: "abs", load: 25, absent: true }, { id: "a", load: 10 }, { id: "b", load: 10 }], {}, 0, { abs: 25, a: 10, b: 10 }, [], true],
    ["absent with zero load receives nothing", [{ id: "abs", load: 0, absent: true }, { id: "a", load: 20 }, { id: "b", load: 0 }], {}, 9, { abs: 0, a: 11, b: 9 }, [], true],
    ["inactive is outside the pool", [{ id: "gone", load: 0, active: false }, { id: "a", load: 12 }, { id: "b", load: 12 }], {}, 0, { gone: 0, a: 12, b: 12 }, [], true],
    ["receiver capacity limits", [{ id: "a", load: 30, capacity: 40 }, { id: "b", load: 0, capacity: 12 }], {}, 12, { a: 18, b: 12 }, ["a", "b"], false],
    ["all cases pinned", [{ id: "a", load: 14, pinned: 14 }, { id: "b", load: 6 }], {}, 0, { a: 14, b: 6 }, ["a", "b"], false],
    ["partly pinned", [{ id: "a", load: 14, pinned: 12 }, { id: "b", load: 6 }], {}, 2, { a: 12, b: 8 }, ["a", "b"], false],
    ["pinned over-loaded colleague: the other gives down to tolerance", [{ id: "a", load: 15, pinned: 15 }, { id: "b", load: 15 }, { id: "c", load: 0 }], {}, 6, { a: 15, b: 9, c: 6 }, ["a", "c"], false],
    ["region-bound, no overlap", [{ id: "a", load: 14, regionIds: ["ahlen"] }, { id: "b", load: 6, regionIds: ["beckum"] }], { regionBound: true }, 0, { a: 14, b: 6 }, ["a", "b"], false],
    ["region ignored when not bound", [{ id: "a", load: 14, regionIds: ["ahlen"] }, { id: "b", load: 6, regionIds: ["beckum"] }], { regionBound: false }, 3, { a: 11, b: 9 }, [], true],
    ["region-bound via a two-region colleague", [{ id: "a", load: 14, regionIds: ["ahlen"] }, { id: "b", load: 6, regionIds: ["beckum", "ahlen"] }], { regionBound: true }, 3, { a: 11, b: 9 }, [], true],
    ["region-bound: only the matching receiver", [{ id: "a", load: 18, regionIds: ["north"] }, { id: "s", load: 6, regionIds: ["south"] }, { id: "n", load: 6, regionIds: ["north"] }], { regionBound: true }, 5, { a: 13, s: 6, n: 11 }, ["a", "s"], false],
    ["region-bound, same region", [{ id: "a", load: 14, regionIds: ["r"] }, { id: "b", load: 6, regionIds: ["r"] }], { regionBound: true }, 3, { a: 11, b: 9 }, [], true],
  ])("%s", (_n, specs, policy, moveCount, after, unresolved, atLowerBound) => {
    const input = scenario(specs);
    const r = proposeRebalance({ ...input, policy, now: NOW });
    expect(r.moves).toHaveLength(moveCount);
    expect(loads(r)).toEqual(after);
    expect(r.unresolved).toEqual(unresolved);
    // with pins, regions, capacity limits or tolerance < 1 the bound may be out of reach
    if (atLowerBound) expect(r.moves.length).toBe(r.lowerBound);
    checkInvariants(input, r, policy.fairShareTolerance ?? 1);
  });

  it("case without region stays put when regions bind", () => {
    const input = scenario([
      { id: "a", load: 14, regionIds: ["r"] },
      { id: "b", load: 6, regionIds: ["r"] },
    ]);
    const cases = input.cases.map((c) => ({ ...c, regionId: undefined }));
    const r = proposeRebalance({ cms: input.cms, cases, policy: { regionBound: true }, now: NOW });
    expect(r.moves).toEqual([]);
    expect(r.unresolved).toEqual(["a", "b"]);
  });

  it("reports before and after with fair shares; outside the pool fair share is null", () => {
    const input = scenario([
      { id: "a", load: 12 },
      { id: "b", load: 8 },
      { id: "abs", load: 3, absent: true },
    ]);
    const r = proposeRebalance({ ...input, now: NOW });
    expect(r.before.map((row) => [row.cmId, row.cases, row.fairShare, row.deviation])).toEqual([
      ["a", 12, 10, 2],
      ["b", 8, 10, -2],
      ["abs", 3, null, null],
    ]);
    expect(r.after.map((row) => [row.cmId, row.cases, row.deviation])).toEqual([
      ["a", 11, 1],
      ["b", 9, -1],
      ["abs", 3, null],
    ]);
    expect(r.moves).toEqual([
      { caseId: expect.any(String), fromCmId: "a", toCmId: "b", reason: "over_to_under" },
    ]);
  });

  it("labels the three kinds of move", () => {
    const over = proposeRebalance({
      ...scenario([
        { id: "a", load: 16 },
        { id: "b", load: 7 },
        { id: "c", load: 7 },
      ]),
      now: NOW,
    });
    expect(over.moves.map((m) => m.reason)).toEqual([
      "over_to_under",
      "over_to_under",
      "over_to_under",
      "over_to_under",
      "relieve_over",
    ]);
    const under = proposeRebalance({
      ...scenario([
        { id: "a", load: 13 },
        { id: "b", load: 13 },
        { id: "c", load: 4 },
      ]),
      now: NOW,
    });
    expect(under.moves.map((m) => m.reason)).toEqual([
      "over_to_under",
      "over_to_under",
      "over_to_under",
      "over_to_under",
      "fill_under",
    ]);
  });

  it("moves the least disruptive cases: never contacted, then longest without contact", () => {
    const cms = scenario([
      { id: "a", load: 0 },
      { id: "b", load: 0 },
    ]).cms;
    const mk = (id: string, lastContactAt?: Date, nextAppointmentAt?: Date): RebalanceCase => ({
      id,
      cmId: "a",
      persons: 2,
      lastContactAt,
      nextAppointmentAt,
    });
    const cases = [
      mk("recent", ago(2 * DAY)),
      mk("month", ago(30 * DAY)),
      mk("fresh"),
      mk("appointment-tomorrow", ago(60 * DAY), ahead(DAY)),
      mk("year", ago(365 * DAY)),
      mk("week", ago(8 * DAY)),
    ];
    const r = proposeRebalance({ cms, cases, now: NOW });
    expect(r.moves.map((m) => m.caseId)).toEqual(["fresh", "year"]);
    expect(r.pinnedCaseIds).toEqual(["recent", "appointment-tomorrow"]);
  });

  it("reaches the lower bound on random unpinned teams (seeded)", () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(rnd() * 12);
      const specs: CmSpec[] = Array.from({ length: n }, (_, i) => ({
        id: `cm${i}`,
        fte: [1, 1, 0.5, 0.75][Math.floor(rnd() * 4)]!,
        load: Math.floor(rnd() * 27),
        capacity: 1000,
        absent: rnd() < 0.1,
      }));
      const tol = [1, 1.5, 2, 3][trial % 4]!;
      const input = scenario(specs);
      const r = proposeRebalance({ ...input, policy: { fairShareTolerance: tol }, now: NOW });
      expect(r.unresolved).toEqual([]);
      expect(r.moves.length).toBe(r.lowerBound);
      checkInvariants(input, r, tol);
    }
  });
});

describe("isPinned", () => {
  it.each<[string, Date | undefined, Date | undefined, boolean]>([
    ["nothing known", undefined, undefined, false],
    ["appointment in 1 h", ahead(HOUR), undefined, true],
    ["appointment in 47 h", ahead(47 * HOUR), undefined, true],
    ["appointment in exactly 48 h", ahead(48 * HOUR), undefined, true],
    ["appointment in 49 h", ahead(49 * HOUR), undefined, false],
    ["appointment right now", NOW, undefined, true],
    ["appointment in the past (stale)", ago(HOUR), undefined, false],
    ["contact 1 day ago", undefined, ago(DAY), true],
    ["contact exactly 7 days ago", undefined, ago(7 * DAY), true],
    ["contact 7 days and 1 h ago", undefined, ago(7 * DAY + HOUR), false],
    ["contact 30 days ago", undefined, ago(30 * DAY), false],
    ["contact date in the future (data error) pins", undefined, ahead(DAY), true],
    ["old contact but appointment soon", ahead(DAY), ago(30 * DAY), true],
  ])("%s", (_n, nextAppointmentAt, lastContactAt, expected) => {
    expect(isPinned({ nextAppointmentAt, lastContactAt }, NOW)).toBe(expected);
  });
});
