// When reminders fire and whether a firing reminder may still go out (pure).
import { describe, expect, it } from "vitest";
import { planReminders, reminderVerdict, timeLeft } from "../../src/modules/appointments/reminders.ts";

const H = 3_600_000;
const start = new Date("2026-12-07T08:00:00Z");

describe("planReminders", () => {
  it.each([
    [
      "both ahead",
      "2026-12-05T12:00:00Z",
      [24 * H, 2 * H],
      ["2026-12-06T08:00:00.000Z", "2026-12-07T06:00:00.000Z"],
    ],
    [
      "24 h already past: only the 2 h one",
      "2026-12-06T12:00:00Z",
      [24 * H, 2 * H],
      ["2026-12-07T06:00:00.000Z"],
    ],
    ["both past", "2026-12-07T07:00:00Z", [24 * H, 2 * H], []],
    ["appointment itself in the past", "2026-12-07T09:00:00Z", [24 * H], []],
    ["a reminder due exactly now is not planned (it would be late)", "2026-12-07T06:00:00Z", [2 * H], []],
    [
      "duplicates and order of offsets do not matter",
      "2026-12-01T00:00:00Z",
      [2 * H, 24 * H, 2 * H],
      ["2026-12-06T08:00:00.000Z", "2026-12-07T06:00:00.000Z"],
    ],
    ["seconds offsets (tests)", "2026-12-07T07:59:00Z", [20_000], ["2026-12-07T07:59:40.000Z"]],
  ])("%s", (_l, now, offsets, want) => {
    expect(planReminders(start, offsets, new Date(now)).map((r) => r.at.toISOString())).toEqual(want);
  });

  it("carries the offset in seconds for ids and payloads", () => {
    expect(planReminders(start, [24 * H], new Date("2026-12-01T00:00:00Z"))).toEqual([
      { offsetMs: 24 * H, offsetS: 86_400, at: new Date("2026-12-06T08:00:00Z") },
    ]);
  });
});

describe("reminderVerdict", () => {
  const now = new Date("2026-12-07T06:00:00Z");
  const planned = start.getTime();
  it.each([
    ["booked, same start, ahead", { status: "booked", startsAt: start }, "send"],
    ["deleted (case erased)", null, "gone"],
    ["cancelled", { status: "cancelled", startsAt: start }, "cancelled"],
    ["moved since it was planned", { status: "booked", startsAt: new Date(planned + H) }, "moved"],
    ["already attended", { status: "attended", startsAt: start }, "done"],
    ["booked at some other time", { status: "booked", startsAt: new Date(now.getTime() - 1) }, "moved"],
  ] as const)("%s → %s", (_l, appt, want) => {
    expect(reminderVerdict(appt, planned, now)).toBe(want);
  });
  it("a reminder for the right start that fires after the start is 'past'", () => {
    expect(reminderVerdict({ status: "booked", startsAt: start }, planned, new Date(planned + 1))).toBe(
      "past",
    );
  });
});

describe("timeLeft", () => {
  it.each([
    [24 * H, { unit: "hours", count: 24 }],
    [2 * H, { unit: "hours", count: 2 }],
    [89 * 60_000, { unit: "minutes", count: 89 }],
    [-5, { unit: "minutes", count: 0 }],
  ])("%i ms", (ms, want) => {
    expect(timeLeft(new Date(start.getTime() + ms), start)).toEqual(want);
  });
});
