// Outcome indicators, breakdowns and their suppression (src/modules/reports/indicators.ts): pure, so
// table-driven on hand-made facts.
import { describe, expect, it } from "vitest";
import {
  buildIndicators,
  type CaseWorkFacts,
  type IndicatorCase,
  type IndicatorInput,
  type MetricTable,
  suppressIndicators,
  suppressMetricTable,
} from "../../src/modules/reports/indicators.ts";

const d = (s: string) => new Date(`${s}T10:00:00Z`);
const FROM = new Date("2026-01-01T00:00:00Z");
const TO = new Date("2027-01-01T00:00:00Z");

const work = (w: Partial<CaseWorkFacts> = {}): CaseWorkFacts => ({
  barriers: [],
  goals: [],
  referrals: [],
  goalAgreementAt: null,
  recontactAt: null,
  ...w,
});
const kase = (c: Partial<IndicatorCase> = {}): IndicatorCase => ({
  persons: 1,
  districtId: "mitte",
  agencyId: "city",
  acceptedAt: d("2025-11-01"),
  closedAt: null,
  closureReason: null,
  intakeSubmittedAt: d("2025-10-01"),
  firstAppointmentAt: null,
  work: work(),
  ...c,
});
const input = (cases: IndicatorCase[], extra: Partial<IndicatorInput> = {}): IndicatorInput => ({
  cases,
  staff: [
    { agencyId: "city", fte: 2, active: true },
    { agencyId: "city", fte: 0.5, active: true },
    { agencyId: "drk", fte: 1, active: true },
    { agencyId: "drk", fte: 1, active: false },
  ],
  intakes: [],
  range: { from: FROM, to: TO },
  now: new Date("2027-06-01T00:00:00Z"),
  labels: {
    districts: { mitte: "Mitte", heepen: "Heepen" },
    agencies: { city: "City", drk: "DRK" },
    referralTargets: { jc: "Jobcenter", mbe: "MBE" },
    regions: { north: "North", south: "South" },
    districtRegion: { mitte: "south", heepen: "north" },
  },
  order: { lifeAreas: ["residence", "language", "work"], closureReasons: ["goals_reached", "moved_away"] },
  ...extra,
});
const table = (tables: MetricTable[], id: string) => tables.find((t) => t.id === id)!;
const row = (t: MetricTable, key: string) =>
  (key === "total" ? t.total! : t.rows.find((r) => r.key === key)!).values;

describe("outcome indicators", () => {
  it("barriers by life area: cases with one, and how many, from assessments started in the period", () => {
    const b = (area: string, code: string, at = "2026-03-01") => ({ area, code, at: d(at) });
    const t = table(
      buildIndicators(
        input([
          kase({
            work: work({
              barriers: [
                b("language", "no_german"),
                b("language", "course_waiting"),
                b("work", "unemployed"),
              ],
            }),
          }),
          kase({ work: work({ barriers: [b("work", "no_work_permit")] }) }),
          kase({ work: work({ barriers: [b("residence", "asylum_pending", "2025-12-31")] }) }),
          kase({ work: undefined }),
        ]),
      ),
      "barriers",
    );
    expect(t.rows.map((r) => [r.key, ...r.values])).toEqual([
      ["residence", 0, 0],
      ["language", 1, 2],
      ["work", 2, 2],
    ]);
    expect(t.total!.values).toEqual([2, 4]);
  });

  it.each([
    // [goals, set, ended, reached, share]
    [[{ area: "work", createdAt: d("2026-02-01"), outcome: null, outcomeAt: null }], 1, 0, 0, undefined],
    [
      [{ area: "work", createdAt: d("2025-02-01"), outcome: "reached", outcomeAt: d("2026-05-01") }],
      0,
      1,
      1,
      100,
    ],
    [
      [
        { area: "work", createdAt: d("2026-02-01"), outcome: "partly", outcomeAt: d("2026-05-01") },
        { area: "work", createdAt: d("2026-02-01"), outcome: "reached", outcomeAt: d("2026-06-01") },
        { area: "work", createdAt: d("2026-02-01"), outcome: "reached", outcomeAt: d("2027-02-01") },
      ],
      3,
      2,
      1,
      50,
    ],
  ])("goals by area %#", (goals, set, ended, reached, share) => {
    const t = table(buildIndicators(input([kase({ work: work({ goals }) })])), "goals");
    expect(row(t, "work")).toEqual([set, ended, reached, share]);
    expect(row(t, "total")).toEqual([set, ended, reached, share]);
  });

  it("referrals by partner: sent in the period, answered, answered by the expected date", () => {
    const ref = (partnerId: string, sent: string, answered: string | null) => ({
      partnerId,
      sentAt: d(sent),
      expectedBy: new Date(d(sent).getTime() + 14 * 86_400_000),
      answeredAt: answered ? d(answered) : null,
    });
    const t = table(
      buildIndicators(
        input([
          kase({
            work: work({
              referrals: [
                ref("jc", "2026-03-01", "2026-03-10"), // in time
                ref("jc", "2026-03-01", "2026-04-10"), // late
                ref("jc", "2026-03-01", null), // no answer
                ref("mbe", "2026-03-01", "2026-03-15"), // on the day expected: in time
                ref("mbe", "2025-12-01", "2026-01-02"), // sent before the period
              ],
            }),
          }),
        ]),
      ),
      "referral_partners",
    );
    expect(t.rows.map((r) => [r.key, r.label, ...r.values])).toEqual([
      ["jc", "Jobcenter", 3, 2, 1, 33.3],
      ["mbe", "MBE", 1, 1, 1, 100],
    ]);
    expect(t.total!.values).toEqual([4, 3, 2, 50]);
  });

  it("first contact to first appointment and goal agreement, case duration: n, median, p90 in days", () => {
    const day = 86_400_000;
    const cases = [1, 2, 3, 4, 10].map((n) =>
      kase({
        intakeSubmittedAt: d("2026-02-01"),
        firstAppointmentAt: new Date(d("2026-02-01").getTime() + n * day),
        acceptedAt: d("2026-02-01"),
        closedAt: new Date(d("2026-02-01").getTime() + n * 10 * day),
        closureReason: "goals_reached",
        work: work({
          goalAgreementAt: n === 10 ? d("2027-03-01") : new Date(d("2026-02-01").getTime() + n * 2 * day),
        }),
      }),
    );
    const t = table(buildIndicators(input(cases)), "timings");
    expect(t.rows.map((r) => [r.key, ...r.values])).toEqual([
      ["contact_to_first_appointment", 5, 3, 10],
      ["contact_to_goal_agreement", 4, 5, 8],
      ["case_duration", 5, 30, 100],
    ]);
  });

  it("re-contacts: closed in the period by reason, and who came back by the end of it", () => {
    const closed = (reason: string, back: string | null) =>
      kase({
        closedAt: d("2026-05-01"),
        closureReason: reason,
        work: work({ recontactAt: back ? d(back) : null }),
      });
    const t = table(
      buildIndicators(
        input(
          [
            closed("goals_reached", "2026-07-01"),
            closed("goals_reached", null),
            closed("moved_away", "2027-05-01"), // after as-of: not yet
            closed("no_contact", "2026-04-01"), // before the closure: not a re-contact
          ],
          { now: new Date("2027-01-15T00:00:00Z") },
        ),
      ),
      "recontacts",
    );
    expect(t.rows.map((r) => [r.key, ...r.values])).toEqual([
      ["goals_reached", 2, 1, 50],
      ["moved_away", 1, 0, 0],
      ["no_contact", 1, 0, 0],
    ]);
    expect(t.total!.values).toEqual([4, 1, 25]);
  });
});

describe("breakdowns against the previous period", () => {
  const cases = [
    ...Array.from({ length: 5 }, () => kase({ persons: 3 })), // city, mitte, open
    kase({ agencyId: "drk", districtId: "heepen", persons: 2 }),
    kase({ agencyId: "drk", districtId: "heepen", closedAt: d("2026-06-01"), closureReason: "moved_away" }),
    // previous period only (closed before the period)
    kase({ acceptedAt: d("2025-03-01"), closedAt: d("2025-10-01"), closureReason: "goals_reached" }),
  ];
  const all = buildIndicators(input(cases));

  it("by agency with the FTE of its active case managers and open cases per FTE", () => {
    const t = table(all, "by_agency");
    expect(t.columns.map((c) => c.key)).toEqual([
      "cases",
      "persons",
      "open_cases",
      "open_persons",
      "fte",
      "open_cases_per_fte",
      "open_persons_per_fte",
      "cases_previous",
      "change",
    ]);
    expect(row(t, "city")).toEqual([5, 15, 5, 15, 2.5, 2, 6, 6, -1]);
    expect(row(t, "drk")).toEqual([2, 3, 1, 2, 1, 1, 2, 2, 0]);
    expect(row(t, "total")).toEqual([7, 18, 6, 17, 3.5, 1.7, 4.9, 8, -1]);
  });

  it("by region (through the districts) and by district", () => {
    expect(row(table(all, "by_region"), "south")).toEqual([5, 15, 5, 15, 6, -1]);
    expect(row(table(all, "by_region"), "north")).toEqual([2, 3, 1, 2, 2, 0]);
    expect(table(all, "by_district").rows.map((r) => [r.key, r.label])).toEqual([
      ["mitte", "Mitte"],
      ["heepen", "Heepen"],
    ]);
  });

  it("the headline figures with the previous period and the change", () => {
    const t = table(all, "comparison");
    expect(row(t, "managed_cases")).toEqual([7, 8, -1]);
    expect(row(t, "closed")).toEqual([1, 1, 0]);
  });
});

const mt = (
  rows: [string, ...(number | undefined)[]][],
  columns: MetricTable["columns"],
  total = true,
): MetricTable => {
  const width = columns.length;
  const values = rows.map(([key, ...v]) => ({ key, label: key, values: v }));
  return {
    id: "t",
    rowKind: "plain",
    columns,
    rows: values,
    total: total
      ? {
          key: "total",
          label: "total",
          values: Array.from({ length: width }, (_, i) =>
            columns[i]!.additive ? values.reduce((s, r) => s + ((r.values[i] as number) ?? 0), 0) : undefined,
          ),
        }
      : null,
  };
};
const COUNT: MetricTable["columns"] = [{ key: "cases", kind: "count", additive: true }];

describe("suppression of the new tables (public variant)", () => {
  it.each([
    // [cells, expected after suppression, total after]
    [
      "nothing small",
      [
        ["a", 10],
        ["b", 7],
        ["c", 0],
      ],
      [10, 7, 0],
      17,
    ],
    [
      "one small cell: the smallest other non-zero cell goes too",
      [
        ["a", 10],
        ["b", 7],
        ["c", 2],
      ],
      [10, null, null],
      19,
    ],
    [
      "two small cells under 5: a third goes",
      [
        ["a", 10],
        ["b", 6],
        ["c", 2],
        ["d", 1],
      ],
      [10, null, null, null],
      19,
    ],
    [
      "two small cells of 5 or more together: enough",
      [
        ["a", 10],
        ["b", 3],
        ["c", 4],
      ],
      [10, null, null],
      17,
    ],
    [
      "zeros cannot hide anything",
      [
        ["a", 3],
        ["b", 0],
      ],
      [null, 0],
      null,
    ],
    [
      "nothing to hide behind: the total goes",
      [
        ["a", 2],
        ["b", 0],
        ["c", 0],
      ],
      [null, 0, 0],
      null,
    ],
  ] as const)("%s", (_, cells, after, total) => {
    const t = mt(cells.map((c) => [...c]) as [string, number][], COUNT);
    suppressMetricTable(t);
    expect(t.rows.map((r) => r.values[0])).toEqual(after);
    expect(t.total!.values[0]).toBe(total);
  });

  it("derived cells follow their count: persons, shares, per FTE, change; statistics over fewer than 5", () => {
    const t = mt(
      [
        ["a", 10, 30, 2.5, 4, 12],
        ["b", 3, 9, 1, 2, 5],
        ["c", 8, 20, 2, 8, 0],
      ],
      [
        { key: "cases", kind: "count", additive: true },
        { key: "persons", kind: "count", additive: true, from: [0] },
        { key: "fte", kind: "fte" },
        { key: "per_fte", kind: "ratio", from: [0] },
        { key: "previous", kind: "count", additive: true },
      ],
    );
    t.columns.push({ key: "change", kind: "change", from: [0, 4] });
    for (const r of [...t.rows, t.total!]) r.values.push((r.values[0] as number) - (r.values[4] as number));
    suppressMetricTable(t);
    // b is small, c is the smallest other cell of the cases column: their persons, per FTE and change
    // go with them; the FTE (staff, not clients) and the previous period's 5 and 0 stay
    expect(row(t, "b")).toEqual([null, null, 1, null, 5, null]);
    expect(row(t, "c")).toEqual([null, null, 2, null, 0, null]);
    expect(row(t, "a")).toEqual([10, 30, 2.5, 4, 12, -2]);
    expect(row(t, "total")).toEqual([21, 59, undefined, undefined, 17, 4]);
  });

  it("statistics over fewer than 5 people are hidden, over nobody they stay empty", () => {
    const t = mt(
      [
        ["few", 3, 10, 20],
        ["none", 0, undefined, undefined],
        ["enough", 5, 4, 9],
      ],
      [
        { key: "n", kind: "count" },
        { key: "median", kind: "days", from: [0], stat: true },
        { key: "p90", kind: "days", from: [0], stat: true },
      ],
      false,
    );
    suppressMetricTable(t);
    expect(t.rows.map((r) => r.values)).toEqual([
      [null, null, null],
      [0, undefined, undefined],
      [5, 4, 9],
    ]);
  });

  it("no hidden cell can be worked out from the total, on 300 random tables", () => {
    let seed = 7;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let k = 0; k < 300; k++) {
      const n = 1 + Math.floor(r() * 7);
      const cells = Array.from({ length: n }, (_, i): [string, number, number] => {
        const c = r() < 0.3 ? 0 : Math.floor(r() * (r() < 0.5 ? 5 : 30));
        return [`k${i}`, c, c * (1 + Math.floor(r() * 4))];
      });
      const t = mt(cells, [
        { key: "cases", kind: "count", additive: true },
        { key: "persons", kind: "count", additive: true, from: [0] },
      ]);
      const before = t.rows.map((x) => [...x.values]);
      suppressMetricTable(t);
      for (const c of [0, 1]) {
        const hidden = t.rows.map((x, i) => (x.values[c] === null ? (before[i]![c] as number) : null));
        const shown = t.rows.map((x) => x.values[c]).filter((v) => v !== null);
        expect(shown.every((v) => v === 0 || (v as number) >= 5 || c === 1)).toBe(true);
        const hiddenCells = hidden.filter((v) => v !== null) as number[];
        if (hiddenCells.length > 0 && t.total!.values[c] !== null) {
          expect(hiddenCells.length).toBeGreaterThanOrEqual(2);
          expect(hiddenCells.reduce((s, v) => s + v, 0)).toBeGreaterThanOrEqual(5);
        }
        if (t.total!.values[c] !== null && c === 0)
          expect(t.total!.values[c]).not.toSatisfy((v: number) => v > 0 && v < 5);
      }
    }
  });

  it("a comparison figure goes when its table's total went", () => {
    const tables = buildIndicators(
      input([kase({ closedAt: d("2026-05-01"), closureReason: "goals_reached" }), kase()]),
    );
    suppressIndicators(tables, { managed_cases: true, open_cases: false, intakes: false });
    const cmp = table(tables, "comparison");
    expect(table(tables, "recontacts").total!.values[0]).toBeNull();
    expect(row(cmp, "closed")).toEqual([null, 0, null]);
    expect(row(cmp, "managed_cases")).toEqual([null, null, null]);
  });

  it("districts within regions: a region cell cannot give a suppressed district away", () => {
    const many = (n: number, districtId: string) => Array.from({ length: n }, () => kase({ districtId }));
    const base = input([...many(10, "heepen"), ...many(2, "altstadt"), ...many(3, "mitte")]);
    const tables = buildIndicators({
      ...base,
      labels: { ...base.labels, districtRegion: { heepen: "north", altstadt: "north", mitte: "south" } },
    });
    suppressIndicators(tables, { managed_cases: false, open_cases: false, intakes: false }, 5, {
      heepen: "north",
      altstadt: "north",
      mitte: "south",
    });
    const cases = (id: string) =>
      Object.fromEntries(
        [...table(tables, id).rows, table(tables, id).total!].map((r) => [r.key, r.values[0]]),
      );
    // north = heepen + altstadt: altstadt alone in its region would be north − heepen, so heepen goes;
    // mitte is alone in the south, so the south's cell goes, and with it the north's (one hidden region)
    expect(cases("by_district")).toEqual({ heepen: null, altstadt: null, mitte: null, total: 15 });
    expect(cases("by_region")).toEqual({ north: null, south: null, total: 15 });
  });
});
