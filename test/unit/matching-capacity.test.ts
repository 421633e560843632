import { describe, expect, it } from "vitest";
import {
  capacityOf,
  DEFAULT_CAPACITY_POLICY,
  freeCapacity,
  isAbsent,
} from "../../src/modules/matching/capacity.ts";
import type { Absence, CapacityOverride } from "../../src/modules/matching/types.ts";

const policy = DEFAULT_CAPACITY_POLICY;

describe("capacityOf", () => {
  it.each<[number, CapacityOverride | undefined, number, number]>([
    // fte, override, cases, persons
    [1, undefined, 26, 80],
    [0.5, undefined, 13, 40],
    [0.75, undefined, 20, 60], // 19.5 rounds half up
    [0.25, undefined, 7, 20], // 6.5 → 7
    [0.3, undefined, 8, 24], // 7.8 → 8
    [0.1, undefined, 3, 8], // 2.6 → 3
    [0.01, undefined, 1, 1], // 0.26 → min 1 for a positive fte
    [2.5, undefined, 65, 200], // a region's pooled positions (Kreis Warendorf)
    [0, undefined, 0, 0],
    [-1, undefined, 0, 0],
    [Number.NaN, undefined, 0, 0],
    [1, { cases: 10 }, 10, 80],
    [1, { persons: 50 }, 26, 50],
    [0.5, { cases: 30, persons: 100 }, 30, 100],
    [0, { cases: 2 }, 2, 0],
    [1, { cases: 0 }, 0, 80],
  ])("fte %s override %j → %s cases / %s persons", (fte, capacityOverride, cases, persons) => {
    expect(capacityOf({ fte, capacityOverride }, policy)).toEqual({ cases, persons });
  });

  it("rounds half up despite binary floating point", () => {
    // 0.15 × 30 = 4.499999999999999 in IEEE 754
    expect(capacityOf({ fte: 0.15 }, { casesPerFte: 30, personsPerFte: 30 })).toEqual({
      cases: 5,
      persons: 5,
    });
  });

  it("part-time positions keep their FTE sum (2.5 FTE as five halves = 65 cases)", () => {
    const halves = Array.from({ length: 5 }, () => capacityOf({ fte: 0.5 }, policy).cases);
    expect(halves.reduce((a, b) => a + b, 0)).toBe(65);
  });
});

describe("isAbsent", () => {
  const d = (s: string) => new Date(`2025-07-${s}Z`);
  const vacation: Absence = { from: d("01T00:00:00"), to: d("15T00:00:00") };
  const sick: Absence = { from: d("20T00:00:00"), to: d("22T00:00:00") };

  // biome-ignore format: one row per case reads as a table
  it.each<[string, Absence[], string, boolean]>([
    ["no absences", [], "2025-07-10T12:00:00", false],
    ["inside", [vacation], "2025-07-10T12:00:00", true],
    ["at start (inclusive)", [vacation], "2025-07-01T00:00:00", true],
    ["just before start", [vacation], "2025-06-30T23:59:59", false],
    ["at end (exclusive)", [vacation], "2025-07-15T00:00:00", false],
    ["just before end", [vacation], "2025-07-14T23:59:59", true],
    ["between two absences", [vacation, sick], "2025-07-17T00:00:00", false],
    ["in the second absence", [vacation, sick], "2025-07-21T08:00:00", true],
    ["order does not matter", [sick, vacation], "2025-07-02T08:00:00", true],
    ["empty range never matches", [{ from: d("10T00:00:00"), to: d("10T00:00:00") }], "2025-07-10T00:00:00", false],
    ["inverted range never matches", [{ from: d("12T00:00:00"), to: d("10T00:00:00") }], "2025-07-11T00:00:00", false],
  ])("%s", (_n, absences, now, expected) => {
    expect(isAbsent(absences, new Date(`${now}Z`))).toBe(expected);
  });
});

describe("freeCapacity", () => {
  // biome-ignore format: one row per case reads as a table
  it.each<[string, number, number, number, boolean, number, { cases: number; persons: number; hasRoom: boolean }]>([
    // name, fte, openCases, openPersons, usePersons, forPersons, expected
    ["empty", 1, 0, 0, false, 1, { cases: 26, persons: 80, hasRoom: true }],
    ["one case left", 1, 25, 70, false, 1, { cases: 1, persons: 10, hasRoom: true }],
    ["full by cases", 1, 26, 70, false, 1, { cases: 0, persons: 10, hasRoom: false }],
    ["over by cases", 1, 28, 70, false, 1, { cases: -2, persons: 10, hasRoom: false }],
    ["persons full but not used", 1, 20, 80, false, 5, { cases: 6, persons: 0, hasRoom: true }],
    ["persons full and used", 1, 20, 80, true, 1, { cases: 6, persons: 0, hasRoom: false }],
    ["family fits exactly", 1, 20, 75, true, 5, { cases: 6, persons: 5, hasRoom: true }],
    ["family does not fit", 1, 20, 76, true, 5, { cases: 6, persons: 4, hasRoom: false }],
    ["single fits", 1, 20, 79, true, 1, { cases: 6, persons: 1, hasRoom: true }],
    ["half position", 0.5, 12, 30, true, 3, { cases: 1, persons: 10, hasRoom: true }],
    ["zero fte", 0, 0, 0, false, 1, { cases: 0, persons: 0, hasRoom: false }],
  ])("%s", (_n, fte, openCases, openPersons, usePersons, forPersons, expected) => {
    expect(freeCapacity({ fte }, { openCases, openPersons }, policy, usePersons, forPersons)).toEqual(expected);
  });

  it("defaults to room for one person", () => {
    expect(freeCapacity({ fte: 1 }, { openCases: 0, openPersons: 79 }, policy, true).hasRoom).toBe(true);
  });
});
