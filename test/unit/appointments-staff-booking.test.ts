// The pure part of "Book appointment": reading the modal, a listed slot's and a home visit's verdict,
// the mode and office an appointment gets, and which input a refusal is shown under.
import { describe, expect, it } from "vitest";
import type { WeeklyRule } from "../../src/modules/appointments/slots.ts";
import {
  type BookingForm,
  type CalendarAround,
  oneLine,
  placeOf,
  readBookingForm,
  slotVerdict,
  visitVerdict,
} from "../../src/modules/appointments/staff-booking.ts";
import { readBookMeta, refusalField, shownField } from "../../src/slack/blocks/appointment-book.ts";

const TZ = "Europe/Berlin";
const NOW = new Date("2026-12-06T12:00:00Z"); // Sunday
const ctx = { timeZone: TZ, now: NOW };
const WED_0900 = Date.parse("2026-12-09T08:00:00Z");
const base = { mode: "slot", kind: "first_consultation", slot: String(WED_0900) };
const visit = { mode: "home_visit", kind: "follow_up", date: "2026-12-11", time: "10:20", address: "Weg 1" };

describe("readBookingForm", () => {
  const refused: [string, BookingForm, Record<string, string>][] = [
    ["nothing", {}, { mode: "mode_missing", kind: "kind_missing" }],
    ["no slot", { ...base, slot: null }, { slot: "slot_missing" }],
    ["crafted slot", { ...base, slot: "soon" }, { slot: "slot_invalid" }],
    ["slot in the past", { ...base, slot: String(NOW.getTime() - 1) }, { slot: "past" }],
    ["date with another mode", { ...base, date: "2026-12-11" }, { date: "visit_only" }],
    ["visit without address", { ...visit, address: "  \n " }, { address: "address_missing" }],
    ["visit address too long", { ...visit, address: "x".repeat(201) }, { address: "address_too_long" }],
    ["address without a visit", { ...base, address: "Weg 1" }, { address: "address_visit_only" }],
    ["visit without time", { ...visit, time: null }, { time: "time_missing" }],
    ["visit without date", { ...visit, date: "" }, { date: "date_missing" }],
    ["no such date", { ...visit, date: "2026-02-30" }, { date: "date_invalid" }],
    ["no such time", { ...visit, time: "24:10" }, { time: "time_invalid" }],
    ["visit in the past", { ...visit, date: "2026-12-06", time: "12:30" }, { time: "past" }],
    [
      "office with a phone call",
      { ...base, mode: "phone", office: "fachstelle-mitte" },
      { office: "office_visit" },
    ],
    ["office with a visit", { ...visit, office: "fachstelle-mitte" }, { office: "office_visit" }],
    ["unknown mode", { ...base, mode: "carrier_pigeon" }, { mode: "mode_missing" }],
  ];
  it.each(refused)("refuses %s", (_name, form, errors) => {
    expect(readBookingForm(form, ctx)).toEqual({ ok: false, errors });
  });

  it("reads a listed slot and a home visit at local time (Berlin, UTC+1 in December)", () => {
    expect(readBookingForm({ ...base, office: "fachstelle-mitte" }, ctx)).toEqual({
      ok: true,
      request: {
        mode: "slot",
        startsAt: new Date(WED_0900),
        fromList: true,
        officeId: "fachstelle-mitte",
        kind: "first_consultation",
        address: null,
      },
    });
    const r = readBookingForm({ ...visit, address: " Weg 1 \n\n 2. OG " }, ctx);
    expect(r).toMatchObject({
      ok: true,
      request: { mode: "home_visit", fromList: false, address: "Weg 1, 2. OG", officeId: null },
    });
    expect(r.ok && r.request.startsAt.toISOString()).toBe("2026-12-11T09:20:00.000Z");
    // a home visit may also take a listed slot
    expect(readBookingForm({ ...base, mode: "home_visit", address: "Weg 1" }, ctx)).toMatchObject({
      ok: true,
      request: { fromList: true, mode: "home_visit" },
    });
  });

  it("keeps an address on one line", () => {
    expect(oneLine("Musterstraße 12\r\n  2.   OG\n")).toBe("Musterstraße 12, 2. OG");
  });
});

const rules: WeeklyRule[] = [
  { weekday: 3, fromMin: 540, toMin: 720, mode: "in_person", officeId: "fachstelle-mitte" },
  { weekday: 5, fromMin: 600, toMin: 720, mode: "phone", officeId: null },
];
const cal = (over: Partial<CalendarAround> = {}): CalendarAround => ({
  rules,
  exceptions: [],
  absences: [],
  bookings: [],
  ...over,
});
const policy = { slotMinutes: 45, bufferMinutes: 15, leadTimeMs: 0, horizonDays: 28, timeZone: TZ };
const at = (iso: string) => new Date(iso);
const booking = (iso: string) => ({ startsAt: at(iso), endsAt: new Date(at(iso).getTime() + 45 * 60_000) });

describe("visitVerdict", () => {
  const table: [string, CalendarAround, string, string][] = [
    ["inside the phone hours, off the grid", cal(), "2026-12-11T09:20:00Z", "ok"],
    ["ends after the hours", cal(), "2026-12-11T10:30:00Z", "outside_hours"],
    ["on a day without hours", cal(), "2026-12-10T09:00:00Z", "outside_hours"],
    ["in the past", cal(), "2026-12-06T11:00:00Z", "past"],
    [
      "on a closure",
      cal({ exceptions: [{ from: at("2026-12-10T23:00:00Z"), to: at("2026-12-11T23:00:00Z") }] }),
      "2026-12-11T09:20:00Z",
      "absent",
    ],
    [
      "within the buffer of a booking",
      cal({ bookings: [booking("2026-12-11T10:00:00Z")] }),
      "2026-12-11T09:20:00Z",
      "slot_taken",
    ],
    [
      "clear of a booking by the buffer",
      cal({ bookings: [booking("2026-12-11T10:20:00Z")] }),
      "2026-12-11T09:20:00Z",
      "ok",
    ],
  ];
  it.each(table)("%s", (_name, c, start, expected) => {
    const v = visitVerdict(c, policy, NOW, at(start));
    expect(v.ok ? "ok" : v.reason).toBe(expected);
    if (v.ok) expect(v.slot).toMatchObject({ mode: "home_visit", officeId: null });
  });
});

describe("slotVerdict", () => {
  it("tells a slot taken meanwhile from one that never was", () => {
    expect(slotVerdict(cal(), policy, NOW, new Date(WED_0900))).toMatchObject({
      ok: true,
      slot: { mode: "in_person" },
    });
    expect(
      slotVerdict(cal({ bookings: [booking("2026-12-09T08:00:00Z")] }), policy, NOW, new Date(WED_0900)),
    ).toEqual({
      ok: false,
      reason: "slot_taken",
    });
    expect(slotVerdict(cal(), policy, NOW, at("2026-12-09T08:10:00Z"))).toEqual({
      ok: false,
      reason: "slot_unavailable",
    });
  });
});

describe("placeOf", () => {
  const inPerson = { mode: "in_person" as const, officeId: "fachstelle-mitte" };
  const phone = { mode: "phone" as const, officeId: null };
  const table: [string, Parameters<typeof placeOf>, ReturnType<typeof placeOf>][] = [
    ["as the hours say", [{ mode: "slot", officeId: null }, inPerson, "own"], inPerson],
    [
      "another office",
      [{ mode: "slot", officeId: "nord" }, inPerson, "own"],
      { mode: "in_person", officeId: "nord" },
    ],
    [
      "in person in phone hours: own office",
      [{ mode: "in_person", officeId: null }, phone, "own"],
      { mode: "in_person", officeId: "own" },
    ],
    [
      "in person without any office",
      [{ mode: "in_person", officeId: null }, phone, null],
      { error: "office_missing" },
    ],
    ["phone in in-person hours", [{ mode: "phone", officeId: null }, inPerson, "own"], phone],
    [
      "a home visit",
      [{ mode: "home_visit", officeId: null }, inPerson, "own"],
      { mode: "home_visit", officeId: null },
    ],
  ];
  it.each(table)("%s", (_name, args, expected) => expect(placeOf(...args)).toEqual(expected));
});

describe("where the modal shows a refusal", () => {
  const full = { slots: true, offices: true };
  const bare = { slots: false, offices: false };
  it.each([
    ["slot_taken", true, full, "slot"],
    ["slot_taken", false, full, "time"],
    ["slot_taken", true, bare, "mode"],
    ["outside_hours", false, full, "time"],
    ["office_missing", true, full, "office"],
    ["office_missing", true, bare, "mode"],
    ["already_booked", true, full, "mode"],
  ] as const)("%s (from list %s)", (reason, fromList, meta, field) =>
    expect(refusalField(reason, fromList, meta)).toBe(field),
  );
  it("moves form errors of missing blocks to the first input; reads only well-formed metadata", () => {
    expect(shownField("slot", bare)).toBe("mode");
    expect(shownField("address", bare)).toBe("address");
    expect(readBookMeta('{"c":"x","s":true,"o":false}')).toEqual({
      caseId: "x",
      slots: true,
      offices: false,
    });
    expect(readBookMeta("not json")).toBeNull();
    expect(readBookMeta('{"s":true}')).toBeNull();
  });
});
