// The small pure parts of appointments: configuration, zoned time, client-facing date formats,
// compact callback ids, the consultation-hours form and the report figures.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseOrganisation } from "../../src/config/org.load.ts";
import { formatHoursLines, parseHoursLines } from "../../src/modules/appointments/availability-form.ts";
import {
  appointmentsConfigOf,
  appointmentsConfigSchema,
  DEFAULT_APPOINTMENTS_CONFIG,
} from "../../src/modules/appointments/config.ts";
import { formatSlotShort, formatWhen, intlLocale } from "../../src/modules/appointments/format.ts";
import { easterSunday, holidayIntervals, nrwHolidays } from "../../src/modules/appointments/holidays.ts";
import {
  countStatuses,
  intakeToFirstAppointment,
  noShowRate,
  quantile,
} from "../../src/modules/appointments/metrics.ts";
import { localDateOf, localToInstants, offsetMinutes } from "../../src/modules/appointments/zoned.ts";
import { packTime, packUuid, unpackTime, unpackUuid } from "../../src/telegram/appointments-messages.ts";

const TZ = "Europe/Berlin";

describe("configuration", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_APPOINTMENTS_CONFIG).toEqual({
      slotMinutes: 45,
      bufferMinutes: 15,
      leadTime: 24 * 3_600_000,
      horizonDays: 28,
      offerCount: 5,
      offerPerDay: 2,
      reminders: [24 * 3_600_000, 2 * 3_600_000],
      maxReschedules: 3,
      noShowCheckIn: 2,
      publicHolidays: "nrw",
    });
  });

  it.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1.5h", 5_400_000],
    [120, 7_200_000],
    [0, 0],
  ])("duration %j", (input, ms) => {
    expect(appointmentsConfigSchema.parse({ leadTime: input }).leadTime).toBe(ms);
  });

  it("refuses nonsense with a readable message", () => {
    const r = appointmentsConfigSchema.safeParse({
      leadTime: "soon",
      reminders: ["0s"],
      slotMinutes: 5,
      extra: 1,
    });
    expect(r.success).toBe(false);
    const msgs = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n");
    expect(msgs).toMatch(/leadTime/);
    expect(msgs).toMatch(/reminders\.0: must be more than 0/);
    expect(msgs).toMatch(/slotMinutes/);
    expect(msgs).toMatch(/extra/);
  });

  it("is an optional section of the organisation file", () => {
    const yaml = readFileSync("orgs/bielefeld.yaml", "utf8");
    expect(appointmentsConfigOf(parseOrganisation(yaml, "bielefeld.yaml"))).toEqual(
      DEFAULT_APPOINTMENTS_CONFIG,
    );
    const org = parseOrganisation(
      `${yaml}\nappointments:\n  reminders: [1d, 90m]\n  maxReschedules: 1\n`,
      "x.yaml",
    );
    expect(appointmentsConfigOf(org)).toMatchObject({
      reminders: [86_400_000, 5_400_000],
      maxReschedules: 1,
      slotMinutes: 45,
    });
    expect(() => parseOrganisation(`${yaml}\nappointments:\n  reminder: [1d]\n`, "bad.yaml")).toThrow(
      /appointments\.reminder/,
    );
  });
});

describe("zoned time", () => {
  it.each([
    ["2026-03-29T00:59:59Z", 60],
    ["2026-03-29T01:00:00Z", 120],
    ["2026-10-25T00:59:59Z", 120],
    ["2026-10-25T01:00:00Z", 60],
  ])("offset at %s is %i min", (iso, want) => expect(offsetMinutes(Date.parse(iso), TZ)).toBe(want));

  it.each([
    ["gap", { year: 2026, month: 3, day: 29 }, 150, []],
    [
      "fold",
      { year: 2026, month: 10, day: 25 },
      150,
      ["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"],
    ],
    ["ordinary", { year: 2026, month: 7, day: 1 }, 540, ["2026-07-01T07:00:00.000Z"]],
  ])("%s", (_l, date, minute, want) => {
    expect(localToInstants(date, minute, TZ).map((i) => new Date(i).toISOString())).toEqual(want);
  });

  it("local date of an instant near midnight", () => {
    expect(localDateOf(new Date("2026-12-31T23:30:00Z"), TZ)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(localDateOf(new Date("2026-12-31T23:30:00Z"), "America/New_York")).toEqual({
      year: 2026,
      month: 12,
      day: 31,
    });
  });
});

describe("client-facing dates", () => {
  const spring = new Date("2026-03-30T07:00:00Z"); // Monday 09:00 CEST
  const winter = new Date("2026-03-23T08:00:00Z"); // Monday 09:00 CET
  it.each([
    ["de", "Montag, 30. März 2026 um 09:00"],
    ["de-simple", "Montag, 30. März 2026 um 09:00"],
    ["en", "Monday, March 30, 2026 at 9:00 AM"],
    ["tr", "30 Mart 2026 Pazartesi 09:00"],
    ["uk", "понеділок, 30 березня 2026 р. о 09:00"],
  ])("%s: %s", (lng, want) => {
    expect(formatWhen(spring, lng, TZ).replace(/\u202f/g, " ")).toBe(want);
  });

  it("the wall-clock time stays 09:00 on both sides of the change", () => {
    expect(formatSlotShort(spring, "de", TZ)).toMatch(/09:00$/);
    expect(formatSlotShort(winter, "de", TZ)).toMatch(/09:00$/);
  });

  it("Persian and Arabic get the Gregorian calendar in Latin digits", () => {
    expect(intlLocale("fa")).toBe("fa-u-ca-gregory-nu-latn");
    const fa = formatWhen(spring, "fa", TZ);
    expect(fa).toContain("2026");
    expect(fa).not.toContain("1405");
    expect(formatWhen(spring, "ar", TZ)).toContain("2026");
  });
});

describe("compact callback ids", () => {
  it("round-trips uuids and minutes within Telegram's budget", () => {
    const id = "0193b3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d";
    expect(packUuid(id)).toHaveLength(22);
    expect(unpackUuid(packUuid(id))).toBe(id);
    const d = new Date("2027-10-31T02:00:00Z");
    expect(unpackTime(packTime(d))).toEqual(d);
    expect(`ap:m:${packUuid(id)}:${packTime(d)}`.length).toBeLessThanOrEqual(53);
  });
  it.each([undefined, "", "short", "!!!!!!!!!!!!!!!!!!!!!!"])("rejects %j", (s) =>
    expect(unpackUuid(s)).toBeNull(),
  );
  it.each([undefined, "", "-1", "ZZ"])("rejects time %j", (s) => expect(unpackTime(s)).toBeNull());
});

describe("consultation hours form", () => {
  const opts = {
    defaultOfficeId: "fachstelle-mitte",
    officeIds: new Set(["fachstelle-mitte", "fachstelle-heepen"]),
  };
  it("parses lines with modes and offices", () => {
    const r = parseHoursLines(
      1,
      "09:00-12:00 in_person\n 14:00 – 16:00 Telefon \n\n13:00-13:45 video\n8:00-8:45 in_person fachstelle-heepen",
      opts,
    );
    expect(r.problems).toEqual([]);
    expect(r.rules).toEqual([
      { weekday: 1, fromMin: 480, toMin: 525, mode: "in_person", officeId: "fachstelle-heepen" },
      { weekday: 1, fromMin: 540, toMin: 720, mode: "in_person", officeId: "fachstelle-mitte" },
      { weekday: 1, fromMin: 780, toMin: 825, mode: "video", officeId: null },
      { weekday: 1, fromMin: 840, toMin: 960, mode: "phone", officeId: null },
    ]);
  });
  it.each([
    ["9-12", "format"],
    ["25:00-26:00", "time"],
    ["12:00-09:00", "order"],
    ["09:00-10:00 carrier-pigeon", "mode"],
    ["09:00-10:00 in_person nowhere", "office"],
    ["09:00-10:00 phone fachstelle-mitte", "format"],
    ["09:00-11:00\n10:00-12:00 phone", "overlap"],
  ])("%j → %s", (text, code) => {
    expect(parseHoursLines(2, text, opts).problems.map((p) => p.code)).toContain(code);
  });
  it("prints what it parses", () => {
    const text = "08:00-08:45 in_person fachstelle-heepen\n09:00-12:00 in_person\n14:00-16:00 phone";
    const { rules } = parseHoursLines(3, text, opts);
    expect(formatHoursLines(rules, 3, "fachstelle-mitte")).toBe(text);
    expect(formatHoursLines(rules, 4, "fachstelle-mitte")).toBe("");
  });
});

describe("report figures", () => {
  it("counts statuses and the no-show rate over marked appointments only", () => {
    const c = countStatuses([
      { status: "attended" },
      { status: "attended" },
      { status: "attended" },
      { status: "no_show" },
      { status: "cancelled" },
      { status: "booked" },
    ]);
    expect(c).toEqual({ booked: 1, cancelled: 1, attended: 3, noShow: 1 });
    expect(noShowRate(c)).toBe(0.25);
    expect(noShowRate({ attended: 0, noShow: 0 })).toBeNull();
  });

  it("quantiles interpolate", () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });

  it("days from intake to the first appointment that lies in the period", () => {
    const d = (s: string) => new Date(s);
    const rows = [
      {
        caseId: "a",
        intakeSubmittedAt: d("2026-01-01T10:00:00Z"),
        starts: [d("2026-01-11T10:00:00Z"), d("2026-01-20T10:00:00Z")],
      },
      { caseId: "b", intakeSubmittedAt: d("2026-01-05T10:00:00Z"), starts: [d("2026-01-09T10:00:00Z")] },
      // first appointment before the period: not a first appointment of this period
      {
        caseId: "c",
        intakeSubmittedAt: d("2025-12-01T10:00:00Z"),
        starts: [d("2025-12-20T10:00:00Z"), d("2026-01-15T10:00:00Z")],
      },
      { caseId: "d", intakeSubmittedAt: d("2026-01-02T10:00:00Z"), starts: [] },
    ];
    expect(intakeToFirstAppointment(rows, d("2026-01-01T00:00:00Z"), d("2026-02-01T00:00:00Z"))).toEqual({
      cases: 2,
      medianDays: 7,
      p90Days: 9.4,
      meanDays: 7,
    });
  });
});

describe("NRW public holidays", () => {
  it.each([
    [2024, "2024-03-31"],
    [2025, "2025-04-20"],
    [2026, "2026-04-05"],
    [2027, "2027-03-28"],
    [2038, "2038-04-25"],
  ])("Easter %i is %s", (year, iso) => {
    const e = easterSunday(year);
    expect(`${e.year}-${String(e.month).padStart(2, "0")}-${String(e.day).padStart(2, "0")}`).toBe(iso);
  });

  it("lists the eleven statutory days of 2026 and 2027", () => {
    const fmt = (y: number) =>
      nrwHolidays(y).map(
        (h) => `${String(h.date.month).padStart(2, "0")}-${String(h.date.day).padStart(2, "0")}`,
      );
    expect(fmt(2026)).toEqual([
      "01-01",
      "04-03",
      "04-06",
      "05-01",
      "05-14",
      "05-25",
      "06-04",
      "10-03",
      "11-01",
      "12-25",
      "12-26",
    ]);
    expect(fmt(2027)).toEqual([
      "01-01",
      "03-26",
      "03-29",
      "05-01",
      "05-06",
      "05-17",
      "05-27",
      "10-03",
      "11-01",
      "12-25",
      "12-26",
    ]);
  });

  it("as whole local days (Easter Monday 2027 is the day after the spring change)", () => {
    const got = holidayIntervals(
      "nrw",
      new Date("2027-03-26T12:00:00Z"),
      new Date("2027-03-31T00:00:00Z"),
      TZ,
    );
    expect(got.map((i) => [i.from.toISOString(), i.to.toISOString()])).toEqual([
      ["2027-03-25T23:00:00.000Z", "2027-03-26T23:00:00.000Z"], // Karfreitag, overlapping the window start
      ["2027-03-28T22:00:00.000Z", "2027-03-29T22:00:00.000Z"], // Ostermontag, summer time
    ]);
    expect(
      holidayIntervals("none", new Date("2027-03-27T00:00:00Z"), new Date("2027-03-31T00:00:00Z"), TZ),
    ).toEqual([]);
  });
});
