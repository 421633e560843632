import { describe, expect, it } from "vitest";
import {
  bucketOf,
  type EtaBucket,
  type EtaRange,
  estimateWait,
  isMeaningfulChange,
  measureThroughput,
  rangeAround,
  type WaitEstimate,
} from "../../src/modules/waitlist/eta.ts";

const DAY = 86_400_000;
const NOW = new Date("2025-06-02T09:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);

describe("estimateWait", () => {
  it.each<[string, number, number | null, number, EtaRange | null, string]>([
    // name, position, throughput/day, free slots, expected range, basis
    ["first with a free slot", 1, 0.5, 1, { low: 0, high: 2 }, "free_capacity"],
    ["last of the free slots", 3, 0.5, 3, { low: 0, high: 2 }, "free_capacity"],
    ["free slots need no history", 2, null, 5, { low: 0, high: 2 }, "free_capacity"],
    ["one behind the free slots", 4, 1, 3, { low: 0, high: 2 }, "throughput"],
    ["no history", 4, null, 0, null, "unknown"],
    ["zero throughput", 4, 0, 0, null, "unknown"],
    ["negative throughput", 4, -1, 0, null, "unknown"],
    ["NaN throughput", 4, Number.NaN, 0, null, "unknown"],
    ["infinite throughput", 4, Number.POSITIVE_INFINITY, 0, null, "unknown"],
    ["10 ahead at 1/day", 10, 1, 0, { low: 7, high: 13 }, "throughput"],
    ["3 ahead at 1/day (no float spill)", 3, 1, 0, { low: 2, high: 4 }, "throughput"],
    ["5 at 1/day", 5, 1, 0, { low: 3, high: 7 }, "throughput"],
    ["1 at 4/day", 1, 4, 0, { low: 0, high: 1 }, "throughput"],
    ["20 at 1/day → weeks", 20, 1, 0, { low: 14, high: 28 }, "throughput"],
    ["30 at 1/day", 30, 1, 0, { low: 21, high: 42 }, "throughput"],
    ["Bielefeld: 25 at 0.7/day", 25, 0.7, 0, { low: 21, high: 49 }, "throughput"],
    ["free slots shorten the queue", 25, 0.7, 5, { low: 14, high: 42 }, "throughput"],
    ["negative free slots count as 0", 10, 1, -3, { low: 7, high: 13 }, "throughput"],
    ["fractional free slots round down", 2, 1, 1.9, { low: 0, high: 2 }, "throughput"],
    ["long list", 200, 0.7, 0, { low: 196, high: 378 }, "throughput"],
  ])("%s", (_n, position, throughputPerDay, freeSlotsNow, etaDays, basis) => {
    const out = estimateWait({ position, throughputPerDay, freeSlotsNow, now: NOW });
    expect(out.position).toBe(position);
    expect(out.etaDays).toEqual(etaDays);
    expect(out.basis).toBe(basis);
    expect(out.bucket).toBe(bucketOf(etaDays));
    if (etaDays) {
      expect(out.dates?.earliest.getTime()).toBe(NOW.getTime() + etaDays.low * DAY);
      expect(out.dates?.latest.getTime()).toBe(NOW.getTime() + etaDays.high * DAY);
    } else {
      expect(out.dates).toBeNull();
    }
  });

  // biome-ignore format: one row per case reads as a table
  it.each([0, -1, 1.5, Number.NaN])("rejects position %s", (position) => {
    expect(() => estimateWait({ position, throughputPerDay: 1, freeSlotsNow: 0, now: NOW })).toThrow(RangeError);
  });

  it("the range always contains the point estimate and widens with position", () => {
    let prevHigh = 0;
    for (let position = 1; position <= 300; position++) {
      const eta = estimateWait({ position, throughputPerDay: 0.8, freeSlotsNow: 0, now: NOW }).etaDays!;
      const mid = position / 0.8;
      expect(eta.low).toBeLessThanOrEqual(mid);
      expect(eta.high).toBeGreaterThanOrEqual(mid);
      expect(eta.high).toBeGreaterThanOrEqual(prevHigh);
      if (eta.high > 14) expect(eta.high % 7).toBe(0);
      if (eta.low > 14) expect(eta.low % 7).toBe(0);
      prevHigh = eta.high;
    }
  });
});

describe("rangeAround", () => {
  it.each<[number, EtaRange]>([
    [0, { low: 0, high: 1 }],
    [1, { low: 0, high: 2 }],
    [10, { low: 7, high: 13 }],
    [11, { low: 7, high: 21 }],
    [14, { low: 9, high: 21 }],
    [21, { low: 14, high: 28 }],
    [22, { low: 14, high: 35 }],
    [40, { low: 28, high: 56 }],
    [100, { low: 70, high: 133 }],
  ])("mid %s days", (mid, range) => {
    expect(rangeAround(mid)).toEqual(range);
  });
});

describe("bucketOf", () => {
  it.each<[EtaRange | null, EtaBucket]>([
    [null, "unknown"],
    [{ low: 0, high: 2 }, "soon"],
    [{ low: 0, high: 3 }, "up_to_1_week"],
    [{ low: 2, high: 7 }, "up_to_1_week"],
    [{ low: 5, high: 8 }, "up_to_2_weeks"],
    [{ low: 7, high: 14 }, "up_to_2_weeks"],
    [{ low: 14, high: 21 }, "up_to_4_weeks"],
    [{ low: 14, high: 28 }, "up_to_4_weeks"],
    [{ low: 21, high: 35 }, "up_to_8_weeks"],
    [{ low: 35, high: 56 }, "up_to_8_weeks"],
    [{ low: 49, high: 84 }, "up_to_12_weeks"],
    [{ low: 63, high: 91 }, "over_12_weeks"],
  ])("%j → %s", (range, bucket) => {
    expect(bucketOf(range)).toBe(bucket);
  });
});

describe("isMeaningfulChange", () => {
  const est = (position: number, etaDays: EtaRange | null): WaitEstimate => ({
    position,
    etaDays,
    basis: etaDays ? "throughput" : "unknown",
    bucket: bucketOf(etaDays),
    dates: null,
  });
  const w = (low: number, high: number): EtaRange => ({ low, high });

  it.each<[string, WaitEstimate | null, WaitEstimate, boolean]>([
    ["first message", null, est(5, w(3, 7)), true],
    ["nothing changed", est(5, w(3, 7)), est(5, w(3, 7)), false],
    ["position 5 → 4 (≥ 1)", est(5, w(3, 7)), est(4, w(2, 6)), true],
    ["position 2 → 3 (worse also counts)", est(2, w(0, 3)), est(3, w(0, 4)), true],
    ["position 50 → 46 (< 10 %), same bucket", est(50, w(49, 84)), est(46, w(42, 84)), false],
    ["position 50 → 45 (= 10 %)", est(50, w(49, 84)), est(45, w(42, 84)), true],
    ["position 100 → 91, same bucket", est(100, w(98, 189)), est(91, w(91, 168)), false],
    ["position 100 → 90", est(100, w(98, 189)), est(90, w(84, 168)), true],
    ["bucket changes with a small move", est(40, w(35, 56)), est(39, w(28, 56)), false],
    ["bucket changes 8 weeks → 4 weeks", est(40, w(35, 56)), est(38, w(21, 28)), true],
    ["range wobble within the bucket", est(30, w(21, 42)), est(29, w(21, 49)), false],
    ["unknown → known", est(30, null), est(29, w(21, 42)), true],
    ["known → unknown", est(30, w(21, 42)), est(30, null), true],
    ["unknown stays unknown", est(30, null), est(28, null), false],
    ["free slot appeared", est(3, w(2, 4)), est(3, w(0, 2)), true],
  ])("%s", (_n, prev, next, expected) => {
    expect(isMeaningfulChange(prev, next)).toBe(expected);
  });
});

describe("measureThroughput", () => {
  const many = (n: number, everyDays: number) =>
    Array.from({ length: n }, (_, i) => daysAgo(i * everyDays + 0.5));

  it.each<[string, Date[], number, Date | undefined, number | null]>([
    ["no history", [], 28, undefined, null],
    ["only old assignments", [daysAgo(40), daysAgo(30)], 28, undefined, null],
    ["28 in 28 days", many(28, 1), 28, undefined, 1],
    ["14 in 28 days", many(14, 2), 28, undefined, 0.5],
    ["window edge: exactly 28 days ago is outside", [daysAgo(28)], 28, undefined, null],
    ["assignment right now counts", [NOW], 28, undefined, 1 / 28],
    ["future assignments ignored", [new Date(NOW.getTime() + DAY)], 28, undefined, null],
    ["7-day window", many(28, 1), 7, undefined, 1],
    ["young service divides by its age", many(7, 1), 28, daysAgo(7), 1],
    ["service younger than a day divides by one day", [daysAgo(0.1)], 28, daysAgo(0.2), 1],
    ["history start before window is ignored", many(14, 2), 28, daysAgo(100), 0.5],
  ])("%s", (_n, dates, window, start, expected) => {
    const t = measureThroughput(dates, NOW, window, start);
    if (expected === null) expect(t).toBeNull();
    else expect(t).toBeCloseTo(expected, 9);
  });
});
