// Slot computation as tables: weekly hours, exceptions, absences, bookings with buffers, lead time,
// horizon, modes, and the DST weekends of 2026 and 2027 in Europe/Berlin. Expected instants are
// written out in UTC, independent of the code under test.
import { describe, expect, it } from "vitest";
import {
  collidingBookings,
  computeSlots,
  findSlot,
  type SlotPolicy,
  type SlotQuery,
  spreadOffer,
  type WeeklyRule,
} from "../../src/modules/appointments/slots.ts";

const TZ = "Europe/Berlin";
const policy = (p: Partial<SlotPolicy> = {}): SlotPolicy => ({
  slotMinutes: 45,
  bufferMinutes: 15,
  leadTimeMs: 0,
  horizonDays: 14,
  timeZone: TZ,
  ...p,
});
const rule = (
  weekday: number,
  from: string,
  to: string,
  mode: WeeklyRule["mode"] = "in_person",
): WeeklyRule => {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return {
    weekday,
    fromMin: m(from),
    toMin: m(to),
    mode,
    officeId: mode === "in_person" ? "office-a" : null,
  };
};
const iso = (q: SlotQuery) => computeSlots(q).map((s) => s.startsAt.toISOString());
const at = (s: string) => new Date(s);
const MON = 1;
const TUE = 2;
const THU = 4;
const SUN = 7;

describe("weekly hours", () => {
  // Monday 7 December 2026, winter time (UTC+1)
  const now = at("2026-12-06T12:00:00Z");
  const horizon = policy({ horizonDays: 1 });

  it.each([
    ["09:00-12:00: 45 min + 15 min buffer", "09:00", "12:00", ["08:00", "09:00", "10:00"]],
    ["09:00-11:30: the last slot must end in time", "09:00", "11:30", ["08:00", "09:00"]],
    ["09:00-09:45: exactly one slot", "09:00", "09:45", ["08:00"]],
    ["09:00-09:44: too short for a slot", "09:00", "09:44", []],
    ["13:15-15:00: the grid starts at the rule's start", "13:15", "15:00", ["12:15", "13:15"]],
  ])("%s", (_label, from, to, utcTimes) => {
    const got = iso({ rules: [rule(MON, from, to)], policy: horizon, now });
    expect(got).toEqual(utcTimes.map((t) => `2026-12-07T${t}:00.000Z`));
  });

  it("carries mode and office of the rule and ends slotMinutes after the start", () => {
    const [s] = computeSlots({ rules: [rule(MON, "09:00", "10:00", "video")], policy: horizon, now });
    expect(s).toEqual({
      startsAt: at("2026-12-07T08:00:00Z"),
      endsAt: at("2026-12-07T08:45:00Z"),
      mode: "video",
      officeId: null,
    });
  });

  it("uses the weekly rules of every day in the horizon, earliest first", () => {
    const got = iso({
      rules: [rule(THU, "14:00", "15:00", "phone"), rule(MON, "09:00", "10:00"), rule(TUE, "09:00", "10:00")],
      policy: policy({ horizonDays: 8 }),
      now,
    });
    expect(got).toEqual([
      "2026-12-07T08:00:00.000Z", // Mon
      "2026-12-08T08:00:00.000Z", // Tue
      "2026-12-10T13:00:00.000Z", // Thu 14:00
      "2026-12-14T08:00:00.000Z", // next Mon (day 8 of the horizon)
    ]);
  });

  it("other slot lengths and buffers", () => {
    expect(
      iso({
        rules: [rule(MON, "09:00", "10:00")],
        policy: policy({ slotMinutes: 30, bufferMinutes: 0, horizonDays: 1 }),
        now,
      }),
    ).toEqual(["2026-12-07T08:00:00.000Z", "2026-12-07T08:30:00.000Z"]);
  });

  it("de-duplicates overlapping rules of one day (first rule wins) and honours the limit", () => {
    const q: SlotQuery = {
      rules: [rule(MON, "09:00", "12:00"), rule(MON, "09:00", "10:00", "phone")],
      policy: horizon,
      now,
    };
    const slots = computeSlots(q);
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      "2026-12-07T08:00:00.000Z",
      "2026-12-07T09:00:00.000Z",
      "2026-12-07T10:00:00.000Z",
    ]);
    expect(computeSlots({ ...q, limit: 2 })).toHaveLength(2);
  });

  it("filters by mode", () => {
    const rules = [rule(MON, "09:00", "10:00"), rule(TUE, "09:00", "10:00", "phone")];
    expect(iso({ rules, policy: policy({ horizonDays: 3 }), now, modes: ["phone"] })).toEqual([
      "2026-12-08T08:00:00.000Z",
    ]);
    expect(iso({ rules, policy: policy({ horizonDays: 3 }), now, modes: [] })).toHaveLength(2);
  });

  it("ignores broken rules (end before start)", () => {
    expect(iso({ rules: [rule(MON, "12:00", "09:00")], policy: horizon, now })).toEqual([]);
  });
});

describe("lead time, horizon and paging", () => {
  const rules = [rule(MON, "09:00", "12:00"), rule(TUE, "09:00", "10:00")];
  it.each([
    ["no lead time, now before the hours", "2026-12-07T07:00:00Z", 0, "2026-12-07T08:00:00.000Z"],
    ["no lead time, a slot that started is gone", "2026-12-07T08:00:01Z", 0, "2026-12-07T09:00:00.000Z"],
    ["24 h lead time skips to the next day", "2026-12-07T07:00:00Z", 24, "2026-12-08T08:00:00.000Z"],
    [
      "24 h lead time ending exactly at a start keeps it",
      "2026-12-06T08:00:00Z",
      24,
      "2026-12-07T08:00:00.000Z",
    ],
    ["48 h lead time over a weekend", "2026-12-05T08:00:00Z", 48, "2026-12-07T08:00:00.000Z"],
  ])("%s", (_label, now, hours, first) => {
    expect(iso({ rules, policy: policy({ leadTimeMs: hours * 3_600_000 }), now: at(now) })[0]).toBe(first);
  });

  it("offers nothing beyond the horizon", () => {
    const got = iso({
      rules: [rule(MON, "09:00", "10:00")],
      policy: policy({ horizonDays: 13 }),
      now: at("2026-12-07T12:00:00Z"),
    });
    expect(got).toEqual(["2026-12-14T08:00:00.000Z"]);
  });

  it("pages with `from`", () => {
    const now = at("2026-12-06T12:00:00Z");
    expect(iso({ rules, policy: policy({ horizonDays: 2 }), now, from: at("2026-12-07T09:00:00Z") })).toEqual(
      ["2026-12-07T09:00:00.000Z", "2026-12-07T10:00:00.000Z", "2026-12-08T08:00:00.000Z"],
    );
  });
});

describe("exceptions and absences", () => {
  const now = at("2026-12-06T12:00:00Z");
  const rules = [rule(MON, "09:00", "12:00"), rule(TUE, "09:00", "12:00")];
  const base = { rules, policy: policy({ horizonDays: 2 }), now };
  const monday = ["2026-12-07T08:00:00.000Z", "2026-12-07T09:00:00.000Z", "2026-12-07T10:00:00.000Z"];
  const tuesday = ["2026-12-08T08:00:00.000Z", "2026-12-08T09:00:00.000Z", "2026-12-08T10:00:00.000Z"];

  it.each([
    [
      "a public holiday (whole local day)",
      [{ from: "2026-12-06T23:00:00Z", to: "2026-12-07T23:00:00Z" }],
      [],
      tuesday,
    ],
    [
      "a closure of one hour blocks only the slot it touches",
      [{ from: "2026-12-07T09:00:00Z", to: "2026-12-07T10:00:00Z" }],
      [],
      [monday[0], monday[2], ...tuesday],
    ],
    [
      "an exception ending exactly at a slot start does not block it",
      [{ from: "2026-12-07T07:00:00Z", to: "2026-12-07T08:00:00Z" }],
      [],
      [...monday, ...tuesday],
    ],
    ["an absence over both days", [], [{ from: "2026-12-07T00:00:00Z", to: "2026-12-09T00:00:00Z" }], []],
    [
      "an absence from Monday noon",
      [],
      [{ from: "2026-12-07T11:00:00Z", to: "2026-12-08T09:30:00Z" }],
      [...monday, tuesday[2]],
    ],
  ])("%s", (_label, exceptions, absences, want) => {
    const toI = (l: { from: string; to: string }[]) => l.map((i) => ({ from: at(i.from), to: at(i.to) }));
    expect(iso({ ...base, exceptions: toI(exceptions), absences: toI(absences) })).toEqual(want);
  });
});

describe("existing bookings and buffers", () => {
  const now = at("2026-12-06T12:00:00Z");
  const rules = [rule(MON, "09:00", "12:00")];
  const booking = (from: string, to: string) => ({
    startsAt: at(`2026-12-07T${from}:00Z`),
    endsAt: at(`2026-12-07T${to}:00Z`),
  });
  it.each([
    [
      "a booked grid slot is gone, its neighbours stay (the grid already holds the buffer)",
      [booking("09:00", "09:45")],
      15,
      ["08:00", "10:00"],
    ],
    [
      "an off-grid booking blocks both slots it touches with the buffer",
      [booking("08:30", "09:15")],
      15,
      ["10:00"],
    ],
    [
      "a booking ending 15 min before a slot leaves it free",
      [booking("07:00", "07:45")],
      15,
      ["08:00", "09:00", "10:00"],
    ],
    [
      "with a 30 min buffer (grid 75 min) the same booking blocks the first slot",
      [booking("07:00", "07:45")],
      30,
      ["09:15"],
    ],
    ["cancelled bookings are simply not passed in", [], 15, ["08:00", "09:00", "10:00"]],
  ])("%s", (_label, bookings, bufferMinutes, utc) => {
    const got = iso({ rules, bookings, policy: policy({ horizonDays: 1, bufferMinutes }), now });
    expect(got).toEqual(utc.map((t) => `2026-12-07T${t}:00.000Z`));
  });

  it("the buffer-0 case: a slot may start right where a booking ends", () => {
    const got = iso({
      rules,
      bookings: [booking("08:15", "09:00")],
      policy: policy({ horizonDays: 1, bufferMinutes: 0, slotMinutes: 60 }),
      now,
    });
    expect(got).toEqual(["2026-12-07T09:00:00.000Z", "2026-12-07T10:00:00.000Z"]);
  });

  it("findSlot answers for exactly one start", () => {
    const q = { rules, bookings: [booking("09:00", "09:45")], policy: policy({ horizonDays: 1 }), now };
    expect(findSlot(q, at("2026-12-07T10:00:00Z"))?.endsAt.toISOString()).toBe("2026-12-07T10:45:00.000Z");
    expect(findSlot(q, at("2026-12-07T09:00:00Z"))).toBeUndefined();
    expect(findSlot(q, at("2026-12-07T09:30:00Z"))).toBeUndefined();
  });

  it("collidingBookings applies the buffer on both sides", () => {
    const b = [booking("09:00", "09:45")];
    expect(collidingBookings(b, at("2026-12-07T09:55:00Z"), at("2026-12-07T10:40:00Z"), 15)).toHaveLength(1);
    expect(collidingBookings(b, at("2026-12-07T10:00:00Z"), at("2026-12-07T10:45:00Z"), 15)).toHaveLength(0);
    expect(collidingBookings(b, at("2026-12-07T08:00:00Z"), at("2026-12-07T08:45:00Z"), 15)).toHaveLength(0);
    expect(collidingBookings(b, at("2026-12-07T08:10:00Z"), at("2026-12-07T08:55:00Z"), 15)).toHaveLength(1);
  });
});

describe("daylight saving time in Europe/Berlin", () => {
  // a Monday 09:00 rule before and after each change: the wall clock stays at 09:00, UTC moves
  it.each([
    ["2026 spring: Monday before", "2026-03-20T12:00:00Z", "2026-03-23T08:00:00.000Z"],
    ["2026 spring: Monday after (29 March)", "2026-03-27T12:00:00Z", "2026-03-30T07:00:00.000Z"],
    ["2026 autumn: Monday before", "2026-10-16T12:00:00Z", "2026-10-19T07:00:00.000Z"],
    ["2026 autumn: Monday after (25 October)", "2026-10-23T12:00:00Z", "2026-10-26T08:00:00.000Z"],
    ["2027 spring: Monday before", "2027-03-19T12:00:00Z", "2027-03-22T08:00:00.000Z"],
    ["2027 spring: Monday after (28 March)", "2027-03-26T12:00:00Z", "2027-03-29T07:00:00.000Z"],
    ["2027 autumn: Monday before", "2027-10-22T12:00:00Z", "2027-10-25T07:00:00.000Z"],
    ["2027 autumn: Monday after (31 October)", "2027-10-29T12:00:00Z", "2027-11-01T08:00:00.000Z"],
  ])("%s: 09:00 local", (_label, now, want) => {
    expect(
      iso({ rules: [rule(MON, "09:00", "09:45")], policy: policy({ horizonDays: 6 }), now: at(now) }),
    ).toEqual([want]);
  });

  it("a 24 h lead time across the spring change is 24 real hours, not a wall-clock day", () => {
    // Saturday 28 March 2026 09:30 CET = 08:30Z; +24 h = Sunday 08:30Z = 10:30 CEST
    const got = iso({
      rules: [rule(SUN, "09:00", "12:00")],
      policy: policy({ leadTimeMs: 24 * 3_600_000, horizonDays: 3 }),
      now: at("2026-03-28T08:30:00Z"),
    });
    expect(got).toEqual(["2026-03-29T09:00:00.000Z"]); // 11:00 CEST; 10:00 CEST (08:00Z) is too early
  });

  const night = [rule(SUN, "01:00", "04:00")];
  it.each([
    // spring forward: 02:00–02:59 does not exist
    [
      "29 March 2026, grid 01:00/02:00/03:00",
      "2026-03-28T12:00:00Z",
      45,
      15,
      ["2026-03-29T00:00:00.000Z", "2026-03-29T01:00:00.000Z"],
    ],
    // 01:45 CET would end at 03:30 CEST (45 real minutes, but 1:45 on the wall clock): skipped
    [
      "29 March 2026, grid of 45 min",
      "2026-03-28T12:00:00Z",
      45,
      0,
      ["2026-03-29T00:00:00.000Z", "2026-03-29T01:15:00.000Z"],
    ],
    [
      "28 March 2027, grid 01:00/02:00/03:00",
      "2027-03-27T12:00:00Z",
      45,
      15,
      ["2027-03-28T00:00:00.000Z", "2027-03-28T01:00:00.000Z"],
    ],
    // fall back: 02:00–02:59 happens twice; the first (summer time) is offered, never both
    [
      "25 October 2026, grid 01:00/02:00/03:00",
      "2026-10-24T12:00:00Z",
      45,
      15,
      ["2026-10-24T23:00:00.000Z", "2026-10-25T00:00:00.000Z", "2026-10-25T02:00:00.000Z"],
    ],
    // 02:30 CEST (00:30Z) would end after the change (01:15Z, wall 02:15 CET): skipped
    [
      "25 October 2026, grid of 45 min",
      "2026-10-24T12:00:00Z",
      45,
      0,
      ["2026-10-24T23:00:00.000Z", "2026-10-24T23:45:00.000Z", "2026-10-25T02:15:00.000Z"],
    ],
    [
      "31 October 2027, grid 01:00/02:00/03:00",
      "2027-10-30T12:00:00Z",
      45,
      15,
      ["2027-10-30T23:00:00.000Z", "2027-10-31T00:00:00.000Z", "2027-10-31T02:00:00.000Z"],
    ],
  ])("night hours on %s", (_label, now, slot, buffer, want) => {
    expect(
      iso({
        rules: night,
        policy: policy({ slotMinutes: slot, bufferMinutes: buffer, horizonDays: 1 }),
        now: at(now),
      }),
    ).toEqual(want);
  });

  it("every offered slot lasts exactly slotMinutes, on both change weekends", () => {
    for (const now of [
      "2026-03-27T00:00:00Z",
      "2026-10-23T00:00:00Z",
      "2027-03-26T00:00:00Z",
      "2027-10-29T00:00:00Z",
    ]) {
      const slots = computeSlots({
        rules: [1, 2, 3, 4, 5, 6, 7].map((d) => rule(d, "00:00", "24:00")),
        policy: policy({ slotMinutes: 45, bufferMinutes: 0, horizonDays: 4 }),
        now: at(now),
      });
      expect(slots.length).toBeGreaterThan(100);
      for (const s of slots) expect(s.endsAt.getTime() - s.startsAt.getTime()).toBe(45 * 60_000);
      const starts = slots.map((s) => s.startsAt.getTime());
      expect(new Set(starts).size).toBe(starts.length);
    }
  });
});

describe("spreadOffer", () => {
  const now = at("2026-12-06T12:00:00Z");
  const slots = computeSlots({
    rules: [rule(MON, "09:00", "12:00"), rule(TUE, "09:00", "12:00"), rule(THU, "09:00", "10:00")],
    policy: policy({ horizonDays: 7 }),
    now,
  });
  it("takes at most perDay from a day, earliest first, sorted", () => {
    expect(spreadOffer(slots, 5, 2, TZ).map((s) => s.startsAt.toISOString())).toEqual([
      "2026-12-07T08:00:00.000Z",
      "2026-12-07T09:00:00.000Z",
      "2026-12-08T08:00:00.000Z",
      "2026-12-08T09:00:00.000Z",
      "2026-12-10T08:00:00.000Z",
    ]);
  });
  it("fills up from the rest when days run out", () => {
    expect(spreadOffer(slots.slice(0, 4), 4, 1, TZ)).toHaveLength(4);
    expect(spreadOffer([], 5, 2, TZ)).toEqual([]);
  });
});
