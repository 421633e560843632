import { describe, expect, it } from "vitest";
import {
  DEFAULT_WAITLIST_POLICY,
  effectivePriority,
  laneOf,
  orderWaitlist,
  type WaitlistEntry,
} from "../../src/modules/waitlist/priority.ts";

const DAY = 86_400_000;
const T0 = new Date("2025-03-01T08:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const entry = (id: string, basePriority: number, enqueuedDay: number): WaitlistEntry => ({
  id,
  basePriority,
  enqueuedAt: at(enqueuedDay),
});

describe("effectivePriority", () => {
  it.each<[string, number, number, number, number, number]>([
    // name, base, enqueued day, now day, rate, expected
    ["fresh entry = base", 40, 0, 0, 1, 40],
    ["one day", 0, 0, 1, 1, 1],
    ["forty days", 0, 0, 40, 1, 40],
    ["half a day", 10, 0, 0.5, 1, 10.5],
    ["rate 0.5", 10, 0, 30, 0.5, 25],
    ["rate 0 = no ageing", 10, 0, 300, 0, 10],
    ["rate 2", 0, 5, 15, 2, 20],
    ["from the future does not age negatively", 10, 3, 1, 1, 10],
    ["one year", 0, 0, 365, 1, 365],
    ["fractional base", 2.5, 0, 1, 1, 3.5],
    ["tiny rate rounds cleanly", 0, 0, 3, 0.1, 0.3],
  ])("%s", (_n, base, enq, now, rate, expected) => {
    expect(effectivePriority({ basePriority: base, enqueuedAt: at(enq) }, at(now), rate)).toBe(expected);
  });
});

describe("orderWaitlist", () => {
  const ids = (xs: readonly WaitlistEntry[]) => xs.map((e) => e.id);

  // biome-ignore format: one row per case reads as a table
  it.each<[string, WaitlistEntry[], number, number, string[]]>([
    ["empty", [], 0, 1, []],
    ["by base priority at the same time", [entry("a", 10, 0), entry("b", 40, 0), entry("c", 25, 0)], 0, 1, ["b", "c", "a"]],
    ["equal priority → earlier first", [entry("late", 10, 2), entry("early", 12, 0)], 2, 1, ["early", "late"]],
    ["equal priority and time → id", [entry("b", 5, 0), entry("a", 5, 0), entry("c", 5, 0)], 9, 1, ["a", "b", "c"]],
    ["id order is code-unit, not locale", [entry("b", 5, 0), entry("B", 5, 0), entry("a", 5, 0)], 0, 1, ["B", "a", "b"]],
    ["base-0 waited 39 days: still behind base-40", [entry("old", 0, 0), entry("urgent", 40, 39)], 39, 1, ["urgent", "old"]],
    ["base-0 waited 40 days: tie, the older one wins", [entry("old", 0, 0), entry("urgent", 40, 40)], 40, 1, ["old", "urgent"]],
    ["base-0 waited 41 days: overtakes", [entry("old", 0, 0), entry("urgent", 40, 41)], 60, 1, ["old", "urgent"]],
    ["no ageing: strict base order", [entry("old", 0, 0), entry("urgent", 40, 41)], 60, 0, ["urgent", "old"]],
    ["rate 0.5: needs 80 days", [entry("old", 0, 0), entry("urgent", 40, 79)], 100, 0.5, ["urgent", "old"]],
    ["rate 0.5: 81 days overtakes", [entry("old", 0, 0), entry("urgent", 40, 81)], 100, 0.5, ["old", "urgent"]],
    [
      "mixed",
      [entry("a", 0, 0), entry("b", 30, 20), entry("c", 50, 28), entry("d", 10, 25), entry("e", 50, 28)],
      30,
      1,
      ["c", "e", "b", "a", "d"],
    ],
  ])("%s", (_n, entries, nowDay, rate, expected) => {
    expect(ids(orderWaitlist(entries, at(nowDay), { agingPointsPerDay: rate }))).toEqual(expected);
  });

  it("does not mutate the input and keeps extra fields", () => {
    const input = [
      { ...entry("a", 1, 0), note: "x" },
      { ...entry("b", 2, 0), note: "y" },
    ];
    const copy = [...input];
    const out = orderWaitlist(input, at(1));
    expect(input).toEqual(copy);
    expect(out[0]?.note).toBe("y");
  });

  it("relative order of waiting entries does not change as time passes", () => {
    const entries = Array.from({ length: 50 }, (_, i) => entry(`e${i}`, (i * 37) % 60, (i * 13) % 30));
    const first = ids(orderWaitlist(entries, at(30), DEFAULT_WAITLIST_POLICY));
    for (const day of [31, 45, 100, 1000]) {
      expect(ids(orderWaitlist(entries, at(day), DEFAULT_WAITLIST_POLICY))).toEqual(first);
    }
  });

  it("is independent of input order (a total order)", () => {
    const entries = Array.from({ length: 40 }, (_, i) => entry(`e${i % 7}-${i}`, i % 5, i % 3));
    const forward = ids(orderWaitlist(entries, at(10)));
    const backward = ids(orderWaitlist([...entries].reverse(), at(10)));
    expect(backward).toEqual(forward);
  });

  it("starvation bound: a base-0 entry is served before any newcomer arriving 40+ days later", () => {
    const old = entry("old", 0, 0);
    const newcomers = Array.from({ length: 20 }, (_, i) => entry(`n${i}`, 40, 40 + i));
    expect(orderWaitlist([...newcomers, old], at(80))[0]?.id).toBe("old");
  });
});

describe("lanes: urgent first, with a starvation guard", () => {
  const ids = (xs: readonly WaitlistEntry[]) => xs.map((e) => e.id);
  const urgent = (id: string, base: number, day: number): WaitlistEntry => ({
    ...entry(id, base, day),
    urgent: true,
  });
  const guard = { agingPointsPerDay: 1, starvationGuardDays: 120 };

  it.each<[string, WaitlistEntry[], number, string[]]>([
    // name, entries, now day, expected order
    ["an urgent newcomer overtakes a long wait", [entry("old", 0, 0), urgent("u", 40, 60)], 60, ["u", "old"]],
    [
      "urgent among themselves: priority and ageing",
      [urgent("u1", 40, 0), urgent("u2", 80, 30)],
      30,
      ["u2", "u1"],
    ],
    ["urgent tie: earlier first", [urgent("u2", 40, 5), urgent("u1", 40, 1)], 5, ["u1", "u2"]],
    ["past the guard joins the fast lane", [urgent("u", 40, 200), entry("old", 0, 0)], 200, ["old", "u"]],
    ["just before the guard does not", [urgent("u", 40, 119), entry("old", 0, 0)], 119.9, ["u", "old"]],
    ["non-urgent keep their ageing order", [entry("a", 10, 0), entry("b", 30, 10)], 20, ["b", "a"]],
  ])("%s", (_n, entries, nowDay, expected) => {
    expect(ids(orderWaitlist(entries, at(nowDay), guard))).toEqual(expected);
  });

  it("without a guard there are no lanes (ageing only)", () => {
    expect(
      ids(orderWaitlist([entry("old", 0, 0), urgent("u", 40, 60)], at(60), { agingPointsPerDay: 1 })),
    ).toEqual(["old", "u"]);
  });

  it("laneOf", () => {
    expect(laneOf(urgent("u", 0, 0), at(0), guard)).toBe(1);
    expect(laneOf(entry("n", 0, 0), at(119), guard)).toBe(0);
    expect(laneOf(entry("n", 0, 0), at(120), guard)).toBe(1);
    expect(laneOf(urgent("u", 0, 0), at(0), { agingPointsPerDay: 1 })).toBe(0);
  });
});
