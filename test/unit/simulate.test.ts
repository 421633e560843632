import { describe, expect, it } from "vitest";
import {
  compareStrategies,
  mulberry32,
  type SimMetrics,
  STRATEGIES,
  simulate,
} from "../../bench/simulate.ts";

const small = { scale: 1, days: 90, warmupDays: 60, seed: 7 } as const;

function checkShape(m: SimMetrics): void {
  for (const k of ["waitMedianDays", "waitP90Days", "loadMaxMinRatio", "assigned", "arrived"] as const) {
    expect(Number.isFinite(m[k])).toBe(true);
    expect(m[k]).toBeGreaterThanOrEqual(0);
  }
  for (const k of [
    "languageMatchRate",
    "ownLanguageMatchRate",
    "districtMatchRate",
    "urgentWithin48hRate",
    "etaWithinRangeRate",
  ] as const) {
    expect(m[k]).toBeGreaterThanOrEqual(0);
    expect(m[k]).toBeLessThanOrEqual(1);
  }
  expect(m.ownLanguageMatchRate).toBeLessThanOrEqual(m.languageMatchRate);
  expect(m.waitP90Days).toBeGreaterThanOrEqual(m.waitMedianDays);
  expect(m.loadMaxMinRatio).toBeGreaterThanOrEqual(1);
  expect(m.assigned).toBeGreaterThan(0);
  expect(m.assigned + m.referred + m.reneged).toBeLessThanOrEqual(m.arrived);
  expect(m.maxOverCapacity).toBe(0);
}

describe("simulate", () => {
  it("mulberry32 is deterministic and in [0, 1)", () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it.each(STRATEGIES)("%s: output shape, and nobody ever over capacity", (strategy) => {
    const m = simulate({ ...small, strategy });
    expect(m.strategy).toBe(strategy);
    expect(m.caseManagers).toBe(8);
    expect(m.totalFte).toBe(8);
    checkShape(m);
  });

  it("is deterministic for a seed, and the strategies share one world", () => {
    const a = compareStrategies(small);
    const b = compareStrategies(small);
    expect(b).toEqual(a);
    expect(simulate({ ...small, strategy: "ours" })).toEqual(a.ours);
    expect(a.round_robin.arrived).toBe(a.ours.arrived);
    expect(a.fewest_open.referred).toBe(a.ours.referred);
    const other = simulate({ ...small, seed: 8, strategy: "ours" });
    expect(other).not.toEqual(a.ours);
  });

  it("persons as a hard limit are never exceeded either", () => {
    for (const m of Object.values(compareStrategies({ ...small, usePersons: true }))) checkShape(m);
  });

  it("×10 has 80 case managers and stays within capacity", () => {
    const r = compareStrategies({ scale: 10, days: 30, warmupDays: 30, seed: 3 });
    for (const m of Object.values(r)) {
      expect(m.caseManagers).toBe(80);
      checkShape(m);
    }
  });

  it("our ranking matches languages at least as well as the baselines", () => {
    const r = compareStrategies({ scale: 10, days: 120, warmupDays: 120, seed: 1 });
    expect(r.ours.languageMatchRate).toBeGreaterThan(r.round_robin.languageMatchRate);
    expect(r.ours.languageMatchRate).toBeGreaterThan(r.fewest_open.languageMatchRate);
    expect(r.ours.districtMatchRate).toBeGreaterThan(r.round_robin.districtMatchRate);
  });
});
