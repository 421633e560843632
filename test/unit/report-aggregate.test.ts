import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import {
  aggregate,
  type CaseFacts,
  erasedFactsJson,
  median,
  parseErasedFacts,
  percentile,
  type ReportParams,
  type ReportRows,
  suppressTable,
  type Table,
} from "../../src/modules/reports/aggregate.ts";
import { renderChartSvg } from "../../src/modules/reports/chart.ts";
import { renderCsv, renderMarkdown } from "../../src/modules/reports/render.ts";
import { parseReportRange, previousMonth } from "../../src/modules/reports/report.service.ts";

const d = (s: string) => new Date(`${s}T12:00:00Z`);
const FROM = new Date("2026-01-01T00:00:00Z");
const TO = new Date("2027-01-01T00:00:00Z");
const NOW = d("2026-11-21");

const params = (variant: "internal" | "public" = "internal"): ReportParams => ({
  from: FROM,
  to: TO,
  now: NOW,
  variant,
  policy: { casesPerFte: 26, personsPerFte: 80 },
  labels: {
    municipality: "Teststadt",
    districts: { mitte: "Mitte", heepen: "Heepen", senne: "Senne" },
    agencies: { city: "Sozialamt", drk: "DRK" },
    referralTargets: { jobcenter: "Jobcenter", mbe: "MBE" },
  },
});

const kase = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  household: "family",
  persons: 4,
  districtId: "mitte",
  topics: ["work"],
  originCountry: "SY",
  agencyId: "city",
  openedAt: d("2025-12-01"),
  acceptedAt: d("2026-01-10"),
  closedAt: null,
  closureReason: null,
  intakeSubmittedAt: d("2025-12-01"),
  firstAppointmentAt: null,
  ...over,
});

const rows = (cases: CaseFacts[], extra: Partial<ReportRows> = {}): ReportRows => ({
  cases,
  intakes: [],
  waits: [],
  staff: [
    { id: "a", agencyId: "city", fte: 1, active: true },
    { id: "b", agencyId: "drk", fte: 0.5, active: true },
    { id: "c", agencyId: "city", fte: 1, active: false },
  ],
  erased: [],
  ...extra,
});

const table = (cells: [string, number][], additive = true): Table => ({
  additive,
  rows: cells.map(([key, cases]) => ({ key, label: key, cases, persons: cases * 3 })),
  total: { cases: cells.reduce((s, [, n]) => s + n, 0), persons: cells.reduce((s, [, n]) => s + n * 3, 0) },
});

describe("statistics", () => {
  it.each([
    [[], null, null],
    [[5], 5, 5],
    [[1, 2, 3, 4], 2.5, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5.5, 9],
  ])("median and p90 (nearest rank) of %j", (xs, m, p) => {
    expect(median(xs)).toBe(m);
    expect(percentile(xs, 90)).toBe(p);
  });
});

describe("report aggregation", () => {
  it("counts cases under case management in the period, not waiting or earlier closed ones", () => {
    const r = aggregate(
      rows([
        kase(),
        kase({ household: "single", persons: 1 }),
        kase({ acceptedAt: null }), // still waiting
        kase({ closedAt: d("2025-12-20"), acceptedAt: d("2025-06-01") }), // closed before the period
        kase({ closedAt: d("2026-05-01"), closureReason: "goals_reached" }), // closed within
        kase({ acceptedAt: d("2027-02-01") }), // after
      ]),
      params(),
    );
    expect(r.managed).toEqual({ cases: 3, persons: 9 });
    expect(r.openAtEnd).toEqual({ cases: 2, persons: 5 });
    expect(r.fte).toBe(1.5);
    expect(r.perFte).toEqual({ cases: 1.3, persons: 3.3, targetCases: 26, targetPersons: 80 });
    expect(r.household.singleShare).toBe(33.3);
    expect(r.household.familyShare).toBe(66.7);
    expect(r.closures.rows.find((x) => x.key === "goals_reached")?.cases).toBe(1);
    expect(r.closures.total.cases).toBe(1);
  });

  it("tables: topics are not additive, districts and origins are; unknown country has its own row", () => {
    const r = aggregate(
      rows([
        kase({ topics: ["work", "housing"], districtId: "mitte" }),
        kase({ topics: ["work"], districtId: "heepen", originCountry: null }),
      ]),
      params(),
      { topicOrder: ["education_language", "work", "housing"] },
    );
    expect(r.topics.additive).toBe(false);
    expect(r.topics.rows.map((x) => [x.key, x.cases])).toEqual([
      ["work", 2],
      ["housing", 1],
      ["education_language", 0],
    ]);
    expect(r.districts.rows.map((x) => [x.label, x.cases, x.persons])).toEqual([
      ["Heepen", 1, 4],
      ["Mitte", 1, 4],
    ]);
    expect(r.origins.rows.map((x) => x.key).sort()).toEqual(["SY", "unknown"]);
  });

  it("wait list: length at the end, median and p90 of those placed in the period", () => {
    const waits = [
      ...[10, 20, 30, 40, 50].map((days) => ({
        enqueuedAt: new Date(d("2026-06-01").getTime() - days * 86_400_000),
        leftAt: d("2026-06-01"),
        status: "assigned" as const,
      })),
      { enqueuedAt: d("2026-10-01"), leftAt: null, status: "waiting" as const },
      { enqueuedAt: d("2026-10-01"), leftAt: d("2026-10-05"), status: "withdrawn" as const },
      { enqueuedAt: d("2026-12-01"), leftAt: null, status: "waiting" as const }, // after asOf
    ];
    const r = aggregate(rows([], { waits }), params());
    expect(r.waitlist).toEqual({ atEnd: 1, added: 8, placed: 5, waitDays: { n: 5, median: 30, p90: 50 } });
  });

  it("time from intake to first appointment, for first appointments in the period", () => {
    const r = aggregate(
      rows([
        kase({ intakeSubmittedAt: d("2026-02-01"), firstAppointmentAt: d("2026-02-11") }),
        kase({ intakeSubmittedAt: d("2026-03-01"), firstAppointmentAt: d("2026-03-21") }),
        kase({ intakeSubmittedAt: d("2025-11-01"), firstAppointmentAt: d("2025-12-01") }), // before
      ]),
      params(),
    );
    expect(r.firstAppointment).toEqual({ n: 2, median: 15, p90: 20 });
  });

  it("referrals by target and intake routing", () => {
    const intakes = [
      { submittedAt: d("2026-03-01"), route: "referral" as const, referralTarget: "jobcenter" },
      { submittedAt: d("2026-03-02"), route: "referral" as const, referralTarget: "jobcenter" },
      { submittedAt: d("2026-03-03"), route: "case_management" as const, referralTarget: null },
      { submittedAt: d("2025-03-03"), route: "referral" as const, referralTarget: "mbe" },
    ];
    const r = aggregate(rows([], { intakes }), params());
    expect(r.intakes).toEqual({ submitted: 3, toCaseManagement: 1, referred: 2 });
    expect(r.referrals.rows.map((x) => [x.label, x.cases])).toEqual([["Jobcenter", 2]]);
  });

  it("erased clients still count, from their tallies, with the same facts", () => {
    const live = aggregate(
      rows([kase(), kase({ household: "single", persons: 1, districtId: "heepen" })]),
      params(),
    );
    const tally = parseErasedFacts(
      JSON.parse(
        JSON.stringify(
          erasedFactsJson({
            intake: { submittedAt: d("2025-12-01"), route: "case_management", referralTarget: null },
            case: {
              ...kase({ household: "single", persons: 1, districtId: "heepen" }),
              closedAt: d("2026-11-01"),
              closureReason: "erased",
            },
            wait: { enqueuedAt: d("2025-12-01"), leftAt: d("2026-01-09"), status: "assigned" },
          }),
        ),
      ),
    );
    expect(tally).not.toBeNull();
    const after = aggregate(rows([kase()], { erased: [tally!] }), params());
    expect(after.managed).toEqual(live.managed);
    expect(after.districts.rows).toEqual(live.districts.rows);
    expect(after.closures.rows.find((x) => x.key === "erased")?.cases).toBe(1);
    expect(after.erasedCounted).toBe(1);
    expect(parseErasedFacts({ v: 2 })).toBeNull();
  });
});

describe("suppression (public variant)", () => {
  it("primary: cells of 1–4 are suppressed, 0 and 5+ stay", () => {
    const t = table(
      [
        ["a", 0],
        ["b", 3],
        ["c", 4],
        ["d", 5],
        ["e", 20],
      ],
      false,
    );
    suppressTable(t);
    expect(t.rows.map((r) => r.cases)).toEqual([0, null, null, 5, 20]);
    expect(t.rows.map((r) => r.persons)).toEqual([0, null, null, 15, 60]);
  });

  it("secondary: a single suppressed cell in an additive table takes the smallest other cell with it", () => {
    const t = table([
      ["a", 30],
      ["b", 2],
      ["c", 7],
      ["d", 9],
    ]);
    suppressTable(t);
    expect(t.rows.map((r) => r.cases)).toEqual([30, null, null, 9]);
    expect(t.total.cases).toBe(48);
    // the suppressed cells cannot be recovered: total − visible = 9, split unknown between b and c
  });

  it("secondary: suppressed cells that add up to less than 5 are widened", () => {
    const t = table([
      ["a", 30],
      ["b", 1],
      ["c", 2],
      ["d", 6],
      ["e", 8],
    ]);
    suppressTable(t);
    expect(t.rows.map((r) => r.cases)).toEqual([30, null, null, null, 8]);
  });

  it("secondary: with nothing left to hide behind, the total goes too", () => {
    const t = table([
      ["a", 3],
      ["b", 0],
    ]);
    suppressTable(t);
    expect(t.rows.map((r) => r.cases)).toEqual([null, 0]);
    expect(t.total).toEqual({ cases: null, persons: null });
  });

  it("no suppression needed: nothing changes", () => {
    const t = table([
      ["a", 5],
      ["b", 0],
      ["c", 12],
    ]);
    expect(suppressTable(t)).toBe(0);
    expect(t.rows.map((r) => r.cases)).toEqual([5, 0, 12]);
  });

  it("property: in every suppressed additive table no hidden cell equals total minus visible cells", () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 300; n++) {
      const cells: [string, number][] = Array.from({ length: 2 + Math.floor(rnd() * 6) }, (_, i) => [
        `k${i}`,
        Math.floor(rnd() * 12),
      ]);
      const t = table(cells);
      suppressTable(t);
      const hidden = t.rows.filter((r) => r.cases === null);
      if (hidden.length === 0 || t.total.cases === null) continue;
      expect(hidden.length).toBeGreaterThanOrEqual(2);
      const visible = t.rows.reduce((s, r) => s + (r.cases ?? 0), 0);
      expect(t.total.cases - visible).toBeGreaterThanOrEqual(5);
      for (const r of t.rows)
        if (r.cases !== null) expect(r.cases === 0 || r.cases >= 5 || hidden.length >= 2).toBe(true);
    }
  });

  it("the public report suppresses small cells, their shares and statistics over few people", () => {
    const cases = [
      ...Array.from({ length: 12 }, () => kase()),
      ...Array.from({ length: 3 }, () =>
        kase({ household: "single", persons: 1, districtId: "senne", originCountry: "ER" }),
      ),
      kase({ firstAppointmentAt: d("2026-03-01"), intakeSubmittedAt: d("2026-02-01") }),
    ];
    const waits = [{ enqueuedAt: d("2026-01-01"), leftAt: d("2026-01-10"), status: "assigned" as const }];
    const pub = aggregate(rows(cases, { waits }), params("public"));
    const internal = aggregate(rows(cases, { waits }), params("internal"));
    expect(internal.household.rows.find((x) => x.key === "single")?.cases).toBe(3);
    expect(pub.household.rows.map((x) => x.cases)).toEqual([null, null]);
    expect(pub.household.singleShare).toBeNull();
    expect(pub.districts.rows.find((x) => x.key === "senne")?.cases).toBeNull();
    expect(pub.origins.rows.find((x) => x.key === "ER")?.cases).toBeNull();
    expect(pub.waitlist.waitDays).toEqual({ n: null, median: null, p90: null });
    expect(pub.firstAppointment).toEqual({ n: null, median: null, p90: null });
    expect(pub.managed).toEqual(internal.managed);
    expect(pub.suppressedCells).toBeGreaterThan(0);
    expect(internal.suppressedCells).toBe(0);
  });
});

describe("report rendering", () => {
  const cases = [
    ...Array.from({ length: 20 }, (_, i) =>
      kase({
        topics: i % 2 ? ["work"] : ["education_language", "housing"],
        districtId: i < 10 ? "mitte" : "heepen",
      }),
    ),
    ...Array.from({ length: 2 }, () => kase({ districtId: "senne", household: "single", persons: 1 })),
  ];

  it("Markdown in English and German, with the suppression mark and notes", async () => {
    const i18n = await createI18n();
    const r = aggregate(rows(cases), params("public"));
    const en = renderMarkdown(r, { t: i18n.getFixedT("en", "cases"), lng: "en" });
    expect(en).toMatch(/^# Case management report: Teststadt/);
    expect(en).toContain("Period 2026-01-01 – 2026-12-31 · as of 2026-11-21");
    expect(en).toMatch(/\| Senne \| x \| x \|/);
    expect(en).toContain("| Education and language | 10 |");
    expect(en).toContain("Open cases per full-time case manager (target 26)");
    expect(en).toContain("x = suppressed");
    const de = renderMarkdown(r, { t: i18n.getFixedT("de", "cases"), lng: "de" });
    expect(de).toContain("Bildung und Sprache");
    expect(de).toContain("Syrien");
  });

  it("CSV: long format, empty value with suppressed=1", async () => {
    const i18n = await createI18n();
    const r = aggregate(rows(cases), params("public"));
    const csv = renderCsv(r, { t: i18n.getFixedT("en", "cases"), lng: "en" });
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe("section,key,label,metric,value,suppressed");
    expect(lines).toContain("districts,senne,Senne,cases,,1");
    expect(lines).toContain("topics,work,Work,cases,12,0");
    expect(lines).toContain("districts,heepen,Heepen,cases,,1"); // secondary (tie broken by key)
    expect(lines).toContain("districts,mitte,Mitte,cases,10,0");
    for (const l of lines) expect(l.split(",").length).toBeGreaterThanOrEqual(6);
  });

  it("chart: an SVG drawn by Vega-Lite without suppressed cells", async () => {
    const i18n = await createI18n();
    const r = aggregate(rows(cases), params("public"));
    const svg = await renderChartSvg(r, { t: i18n.getFixedT("en", "cases"), lng: "en" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Education and language");
    expect(svg).toContain("Mitte");
    expect(svg).not.toContain("Heepen");
    expect(svg).not.toContain("Senne");
  });
});

describe("report ranges", () => {
  it("--to is inclusive, the range half-open", () => {
    expect(parseReportRange("2026-01-01", "2026-12-31")).toEqual({ from: FROM, to: TO });
    expect(() => parseReportRange("2026-02-01", "2026-01-01")).toThrow();
    expect(() => parseReportRange("1.1.2026", "2026-01-01")).toThrow();
  });

  it("the scheduled post reports the previous calendar month", () => {
    expect(previousMonth(new Date("2026-01-01T07:00:00Z"))).toEqual({
      from: new Date("2025-12-01T00:00:00Z"),
      to: new Date("2026-01-01T00:00:00Z"),
    });
  });
});
