// Over 400 lines: one pure pass over the case facts feeds every indicator table and its breakdowns;
// split, each part would walk the cases again.
// Outcome indicators and breakdowns of the committee report (issue 12.2–12.5), pure: case facts with
// their case work + two date ranges in, typed tables out. aggregate.ts calls `buildIndicators` for the
// period and the previous period of the same length; tables.ts turns each table into a section of
// every format (Markdown, CSV, HTML, xlsx).
//
// Definitions (half-open ranges, from ≤ t < to; "first contact" = the intake was submitted):
// - barriers: codes recorded in assessments started in the period, by life area; cases = cases with at
//   least one barrier in the area (a case can count in several areas, so that column is not additive)
// - goals: set = created in the period; ended = an outcome recorded in the period; reached % = reached
//   of ended
// - referrals: sent in the period, by partner; answered = an answer recorded; in time = answered no
//   later than the expected date; in-time % = in time of sent
// - timings: first contact → first appointment (first appointments in the period), first contact →
//   goal agreement (entering service steering in the period), case duration = acceptance → closure
//   (closures in the period); median and p90 in days
// - re-contacts: cases closed in the period whose client came back afterwards (a new intake or the
//   case reopened) by the end of the period, by closure reason
// - breakdowns: cases under case management in the period and open at the end by region, agency and
//   district, with the previous period's cases and the change; per FTE = open at the end ÷ the FTE of
//   the agency's active case managers (the organisation file)
// Erased clients keep no case work (ErasedFacts v1), so they count in the breakdowns only.
//
// Suppression for the public variant: `suppressMetricTable` (see there).
//
// Over 400 lines on purpose: the definitions, the tables and the suppression that must know their
// shape (which columns add up, what is derived from what) read best side by side.
import { isSmall, median, percentile, SUPPRESSION_THRESHOLD } from "./stats.ts";

const DAY = 86_400_000;

export interface CaseWorkFacts {
  /** barrier codes of assessments, with the assessment's start */
  barriers: { area: string; code: string; at: Date }[];
  goals: { area: string | null; createdAt: Date; outcome: string | null; outcomeAt: Date | null }[];
  referrals: { partnerId: string; sentAt: Date; expectedBy: Date; answeredAt: Date | null }[];
  /** the case entered service steering: goals agreed */
  goalAgreementAt: Date | null;
  /** the client came back after the closure: a new intake, or the case reopened */
  recontactAt: Date | null;
}

/** What the indicators need of a case (a subset of CaseFacts). */
export interface IndicatorCase {
  persons: number;
  districtId: string;
  agencyId: string | null;
  acceptedAt: Date | null;
  closedAt: Date | null;
  closureReason: string | null;
  intakeSubmittedAt: Date;
  firstAppointmentAt: Date | null;
  work?: CaseWorkFacts;
}

export interface IndicatorInput {
  cases: readonly IndicatorCase[];
  staff: readonly { agencyId: string; fte: number; active: boolean }[];
  intakes: readonly { submittedAt: Date }[];
  range: { from: Date; to: Date };
  now: Date;
  labels: {
    districts: Record<string, string>;
    agencies: Record<string, string>;
    referralTargets: Record<string, string>;
    regions?: Record<string, string>;
    districtRegion?: Record<string, string>;
  };
  order: { lifeAreas: readonly string[]; closureReasons: readonly string[] };
}

export type MetricKind = "count" | "percent" | "days" | "ratio" | "fte" | "change";

export interface MetricColumn {
  /** label key: cases:report.col.<key>; also the CSV's metric */
  key: string;
  kind: MetricKind;
  /** the cells of this column add up to the total row's cell */
  additive?: boolean;
  /** the count columns this one is computed from: it is hidden wherever one of them is */
  from?: number[];
  /** a statistic over the people counted in column from[0]: hidden when they are fewer than the threshold */
  stat?: boolean;
}

/** a number; null = suppressed; undefined = nothing to show (a median over nobody) */
export type MetricValue = number | null | undefined;

export interface MetricRow {
  key: string;
  label: string;
  values: MetricValue[];
}

/** "month": "YYYY-MM" rows; "answer": the survey's answer codes (voice.ts) */
export type RowKind = "life_area" | "closure" | "plain" | "indicator" | "month" | "answer";

export interface MetricTable {
  /** section id; title key cases:report.<id> */
  id: string;
  rowKind: RowKind;
  columns: MetricColumn[];
  rows: MetricRow[];
  total: MetricRow | null;
}

// ───────────────────────────── helpers ─────────────────────────────

const round1 = (x: number) => Math.round(x * 10) / 10;
/** part of whole in percent, one decimal; undefined when there is no whole */
export const pct = (part: number, whole: number): MetricValue =>
  whole > 0 ? round1((part / whole) * 100) : undefined;
const days = (a: Date, b: Date) => (b.getTime() - a.getTime()) / DAY;

function stats(values: number[]): [number, MetricValue, MetricValue] {
  const s = [...values].sort((a, b) => a - b);
  const m = median(s);
  const p = percentile(s, 90);
  return [s.length, m === null ? undefined : round1(m), p === null ? undefined : round1(p)];
}

/** rows from a key → counts map: the given order first (when known), then the rest by the first count */
function rowsOf(
  acc: Map<string, number[]>,
  label: (k: string) => string,
  order: readonly string[] = [],
  keepZero = false,
): MetricRow[] {
  const keys = [...acc.keys()].filter((k) => keepZero || acc.get(k)!.some((v) => v > 0));
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return keys
    .sort((a, b) => rank(a) - rank(b) || acc.get(b)![0]! - acc.get(a)![0]! || a.localeCompare(b))
    .map((k) => ({ key: k, label: label(k), values: [...acc.get(k)!] }));
}

function bump(acc: Map<string, number[]>, key: string, width: number, col: number, by = 1) {
  const a = acc.get(key) ?? Array<number>(width).fill(0);
  a[col]! += by;
  acc.set(key, a);
}

const sumCols = (rows: MetricRow[], width: number): number[] =>
  Array.from({ length: width }, (_, i) => rows.reduce((s, r) => s + ((r.values[i] as number) ?? 0), 0));

// ───────────────────────────── outcome indicators ─────────────────────────────

interface Period {
  from: Date;
  to: Date;
  asOf: Date;
}

const within = (p: Period) => (d: Date | null | undefined) => !!d && d >= p.from && d < p.to;
const managedIn = (p: Period) => (c: IndicatorCase) =>
  !!c.acceptedAt && c.acceptedAt < p.to && (!c.closedAt || c.closedAt >= p.from);
const openAt = (asOf: Date) => (c: IndicatorCase) =>
  !!c.acceptedAt && c.acceptedAt <= asOf && (!c.closedAt || c.closedAt > asOf);

function barriersTable(cases: readonly IndicatorCase[], p: Period, input: IndicatorInput): MetricTable {
  const inP = within(p);
  const acc = new Map<string, number[]>();
  for (const a of input.order.lifeAreas) acc.set(a, [0, 0]);
  let anyCases = 0;
  for (const c of cases) {
    const found = (c.work?.barriers ?? []).filter((b) => inP(b.at));
    if (found.length) anyCases++;
    for (const area of new Set(found.map((b) => b.area))) bump(acc, area, 2, 0);
    for (const b of found) bump(acc, b.area, 2, 1);
  }
  const rows = rowsOf(acc, (k) => k, input.order.lifeAreas, true);
  return {
    id: "barriers",
    rowKind: "life_area",
    columns: [
      { key: "cases_with_barrier", kind: "count" },
      { key: "barriers", kind: "count", additive: true, from: [0] },
    ],
    rows,
    total: { key: "total", label: "total", values: [anyCases, sumCols(rows, 2)[1]] },
  };
}

function goalsTable(cases: readonly IndicatorCase[], p: Period, input: IndicatorInput): MetricTable {
  const inP = within(p);
  const acc = new Map<string, number[]>();
  for (const a of input.order.lifeAreas) acc.set(a, [0, 0, 0]);
  for (const c of cases)
    for (const g of c.work?.goals ?? []) {
      const area = g.area ?? "unknown";
      if (inP(g.createdAt)) bump(acc, area, 3, 0);
      if (g.outcome && inP(g.outcomeAt)) {
        bump(acc, area, 3, 1);
        if (g.outcome === "reached") bump(acc, area, 3, 2);
      }
    }
  const withShare = (k: string, v: number[]): MetricRow => ({
    key: k,
    label: k,
    values: [v[0], v[1], v[2], pct(v[2]!, v[1]!)],
  });
  const rows = rowsOf(acc, (k) => k, input.order.lifeAreas, true).map((r) =>
    withShare(r.key, r.values as number[]),
  );
  const t = sumCols(rows, 3);
  return {
    id: "goals",
    rowKind: "life_area",
    columns: [
      { key: "goals_set", kind: "count", additive: true },
      { key: "goals_ended", kind: "count", additive: true },
      { key: "goals_reached", kind: "count", additive: true },
      { key: "reached_share", kind: "percent", from: [1, 2] },
    ],
    rows,
    total: { ...withShare("total", t), label: "total" },
  };
}

function partnersTable(cases: readonly IndicatorCase[], p: Period, input: IndicatorInput): MetricTable {
  const inP = within(p);
  const acc = new Map<string, number[]>();
  for (const c of cases)
    for (const r of c.work?.referrals ?? []) {
      if (!inP(r.sentAt)) continue;
      const answered = r.answeredAt && r.answeredAt <= p.asOf;
      bump(acc, r.partnerId, 3, 0);
      if (answered) bump(acc, r.partnerId, 3, 1);
      if (answered && r.answeredAt! <= r.expectedBy) bump(acc, r.partnerId, 3, 2);
    }
  const row = (k: string, v: number[], label: string): MetricRow => ({
    key: k,
    label,
    values: [v[0], v[1], v[2], pct(v[2]!, v[0]!)],
  });
  const rows = rowsOf(acc, (k) => input.labels.referralTargets[k] ?? k).map((r) =>
    row(r.key, r.values as number[], r.label),
  );
  return {
    id: "referral_partners",
    rowKind: "plain",
    columns: [
      { key: "referrals_sent", kind: "count", additive: true },
      { key: "referrals_answered", kind: "count", additive: true },
      { key: "referrals_in_time", kind: "count", additive: true },
      { key: "in_time_share", kind: "percent", from: [0, 2] },
    ],
    rows,
    total: rows.length ? row("total", sumCols(rows, 3), "total") : null,
  };
}

function timingsTable(cases: readonly IndicatorCase[], p: Period): MetricTable {
  const inP = within(p);
  const first = cases.filter((c) => inP(c.firstAppointmentAt));
  const agreed = cases.filter((c) => inP(c.work?.goalAgreementAt));
  const closed = cases.filter((c) => c.acceptedAt && inP(c.closedAt));
  const row = (key: string, xs: number[]): MetricRow => ({ key, label: key, values: stats(xs) });
  return {
    id: "timings",
    rowKind: "indicator",
    columns: [
      { key: "n", kind: "count" },
      { key: "median_days", kind: "days", from: [0], stat: true },
      { key: "p90_days", kind: "days", from: [0], stat: true },
    ],
    rows: [
      row(
        "contact_to_first_appointment",
        first.map((c) => days(c.intakeSubmittedAt, c.firstAppointmentAt!)),
      ),
      row(
        "contact_to_goal_agreement",
        agreed.map((c) => days(c.intakeSubmittedAt, c.work!.goalAgreementAt!)),
      ),
      row(
        "case_duration",
        closed.map((c) => days(c.acceptedAt!, c.closedAt!)),
      ),
    ],
    total: null,
  };
}

function recontactsTable(cases: readonly IndicatorCase[], p: Period, input: IndicatorInput): MetricTable {
  const inP = within(p);
  const acc = new Map<string, number[]>();
  for (const c of cases) {
    if (!c.acceptedAt || !inP(c.closedAt)) continue;
    const reason = c.closureReason ?? "unknown";
    bump(acc, reason, 2, 0);
    const back = c.work?.recontactAt;
    if (back && back > c.closedAt! && back <= p.asOf) bump(acc, reason, 2, 1);
  }
  const row = (k: string, v: number[]): MetricRow => ({
    key: k,
    label: k,
    values: [v[0], v[1], pct(v[1]!, v[0]!)],
  });
  const rows = rowsOf(acc, (k) => k, input.order.closureReasons).map((r) => row(r.key, r.values as number[]));
  return {
    id: "recontacts",
    rowKind: "closure",
    columns: [
      { key: "closed", kind: "count", additive: true },
      { key: "recontacted", kind: "count", additive: true },
      { key: "recontact_share", kind: "percent", from: [0, 1] },
    ],
    rows,
    total: rows.length ? row("total", sumCols(rows, 2)) : null,
  };
}

// ───────────────────────────── breakdowns ─────────────────────────────

function breakdown(
  id: "by_region" | "by_district" | "by_agency",
  cur: { cases: readonly IndicatorCase[]; p: Period },
  prev: { cases: readonly IndicatorCase[]; p: Period },
  keyOf: (c: IndicatorCase) => string,
  label: (k: string) => string,
  fte: Map<string, number> | null,
  known: readonly string[],
): MetricTable {
  const acc = new Map<string, number[]>();
  for (const k of known) acc.set(k, [0, 0, 0, 0, 0]);
  for (const c of cur.cases.filter(managedIn(cur.p))) {
    bump(acc, keyOf(c), 5, 0);
    bump(acc, keyOf(c), 5, 1, c.persons);
  }
  for (const c of cur.cases.filter(openAt(cur.p.asOf))) {
    bump(acc, keyOf(c), 5, 2);
    bump(acc, keyOf(c), 5, 3, c.persons);
  }
  for (const c of prev.cases.filter(managedIn(prev.p))) bump(acc, keyOf(c), 5, 4);
  const perFte = (n: number, f: number | undefined): MetricValue => (f && f > 0 ? round1(n / f) : undefined);
  const rowOf = (key: string, v: number[], lbl: string): MetricRow => {
    const f = fte
      ? key === "total"
        ? [...fte.values()].reduce((s, x) => s + x, 0)
        : fte.get(key)
      : undefined;
    const base = [v[0], v[1], v[2], v[3]];
    const tail = [v[4], v[0]! - v[4]!];
    return {
      key,
      label: lbl,
      values: fte
        ? [
            ...base,
            f === undefined ? undefined : round1(f * 100) / 100,
            perFte(v[2]!, f),
            perFte(v[3]!, f),
            ...tail,
          ]
        : [...base, ...tail],
    };
  };
  const rows = rowsOf(acc, label).map((r) => rowOf(r.key, r.values as number[], r.label));
  const t = sumCols(
    rowsOf(acc, label).map((r) => r),
    5,
  );
  const counts: MetricColumn[] = [
    { key: "cases", kind: "count", additive: true },
    { key: "persons", kind: "count", additive: true, from: [0] },
    { key: "open_cases", kind: "count", additive: true },
    { key: "open_persons", kind: "count", additive: true, from: [2] },
  ];
  const fteCols: MetricColumn[] = fte
    ? [
        { key: "fte", kind: "fte" },
        { key: "open_cases_per_fte", kind: "ratio", from: [2] },
        { key: "open_persons_per_fte", kind: "ratio", from: [2, 3] },
      ]
    : [];
  const p = counts.length + fteCols.length;
  return {
    id,
    rowKind: "plain",
    columns: [
      ...counts,
      ...fteCols,
      { key: "cases_previous", kind: "count", additive: true },
      { key: "change", kind: "change", from: [0, p] },
    ],
    rows,
    total: rows.length ? rowOf("total", t, "total") : null,
  };
}

/** The headline figures against the previous period. */
function comparisonTable(cur: PeriodFigures, prev: PeriodFigures): MetricTable {
  const keys = Object.keys(cur) as (keyof PeriodFigures)[];
  return {
    id: "comparison",
    rowKind: "indicator",
    columns: [
      { key: "this_period", kind: "count" },
      { key: "previous_period", kind: "count" },
      { key: "change", kind: "change", from: [0, 1] },
    ],
    rows: keys.map((k) => ({ key: k, label: k, values: [cur[k], prev[k], cur[k] - prev[k]] })),
    total: null,
  };
}

interface PeriodFigures {
  managed_cases: number;
  open_cases: number;
  intakes: number;
  closed: number;
  goals_set: number;
  goals_reached: number;
  referrals_sent: number;
  referrals_in_time: number;
  recontacted: number;
}

function periodFigures(input: IndicatorInput, p: Period, t: Record<string, MetricTable>): PeriodFigures {
  const inP = within(p);
  const col = (id: string, i: number) => (t[id]?.total?.values[i] as number | undefined) ?? 0;
  return {
    managed_cases: input.cases.filter(managedIn(p)).length,
    open_cases: input.cases.filter(openAt(p.asOf)).length,
    intakes: input.intakes.filter((i) => inP(i.submittedAt)).length,
    closed: col("recontacts", 0),
    goals_set: col("goals", 0),
    goals_reached: col("goals", 2),
    referrals_sent: col("referral_partners", 0),
    referrals_in_time: col("referral_partners", 2),
    recontacted: col("recontacts", 1),
  };
}

function outcomeTables(input: IndicatorInput, p: Period): Record<string, MetricTable> {
  const managed = input.cases.filter(managedIn(p));
  const tables = [
    barriersTable(managed, p, input),
    goalsTable(managed, p, input),
    partnersTable(managed, p, input),
    timingsTable(input.cases, p),
    recontactsTable(managed, p, input),
  ];
  return Object.fromEntries(tables.map((x) => [x.id, x]));
}

/** All new tables of the report, in the order they are printed. */
export function buildIndicators(input: IndicatorInput): MetricTable[] {
  const { from, to } = input.range;
  const len = to.getTime() - from.getTime();
  const asOf = (t: Date) => new Date(Math.min(t.getTime(), input.now.getTime()));
  const cur: Period = { from, to, asOf: asOf(to) };
  const prev: Period = { from: new Date(from.getTime() - len), to: from, asOf: asOf(from) };
  const now = outcomeTables(input, cur);
  const before = outcomeTables(input, prev);
  const L = input.labels;
  const regionOf = (c: IndicatorCase) => L.districtRegion?.[c.districtId] ?? "unknown";
  const fte = new Map<string, number>();
  for (const s of input.staff) if (s.active) fte.set(s.agencyId, (fte.get(s.agencyId) ?? 0) + s.fte);
  const both = { cur: { cases: input.cases, p: cur }, prev: { cases: input.cases, p: prev } };
  return [
    now.barriers!,
    now.goals!,
    now.referral_partners!,
    now.timings!,
    now.recontacts!,
    breakdown(
      "by_region",
      both.cur,
      both.prev,
      regionOf,
      (k) => L.regions?.[k] ?? k,
      null,
      Object.keys(L.regions ?? {}),
    ),
    breakdown(
      "by_agency",
      both.cur,
      both.prev,
      (c) => c.agencyId ?? "unknown",
      (k) => L.agencies[k] ?? k,
      fte,
      [...fte.keys()],
    ),
    breakdown(
      "by_district",
      both.cur,
      both.prev,
      (c) => c.districtId,
      (k) => L.districts[k] ?? k,
      null,
      [],
    ),
    comparisonTable(periodFigures(input, cur, now), periodFigures(input, prev, before)),
  ];
}

// ───────────────────────────── suppression ─────────────────────────────

/** comparison row → the table and column whose total it repeats */
const COMPARISON_SOURCE: Record<string, [string, number]> = {
  closed: ["recontacts", 0],
  goals_set: ["goals", 0],
  goals_reached: ["goals", 2],
  referrals_sent: ["referral_partners", 0],
  referrals_in_time: ["referral_partners", 2],
  recontacted: ["recontacts", 1],
};

/**
 * Suppresses every table (suppressMetricTable), then hides a comparison figure whose total is hidden
 * in its own table, so the comparison cannot hand back what secondary suppression took away.
 * `hiddenTotals` names totals hidden elsewhere in the report (the overview's managed and open cases).
 */
export function suppressIndicators(
  tables: MetricTable[],
  hiddenTotals: { managed_cases: boolean; open_cases: boolean; intakes: boolean },
  threshold = SUPPRESSION_THRESHOLD,
  /** district id → region id (ReportLabels.districtRegion) */
  districtRegion: Record<string, string> = {},
): number {
  const groupOf = (district: string) => districtRegion[district] ?? "unknown";
  let n = 0;
  // districts before regions: a region that cannot protect its districts loses its own cell
  const regionCells = new Set<string>();
  const districts = tables.find((t) => t.id === "by_district");
  if (districts) n += suppressMetricTable(districts, { threshold, groupOf, outerHidden: regionCells });
  for (const t of tables) {
    if (t === districts) continue;
    n += suppressMetricTable(t, t.id === "by_region" ? { threshold, preHidden: regionCells } : threshold);
  }
  const cmp = tables.find((t) => t.id === "comparison");
  for (const row of cmp?.rows ?? []) {
    const src = COMPARISON_SOURCE[row.key];
    const gone = src
      ? tables.find((t) => t.id === src[0])?.total?.values[src[1]] === null
      : hiddenTotals[row.key as keyof typeof hiddenTotals] === true;
    if (gone && row.values[0] !== null) {
      row.values[0] = null;
      row.values[2] = null;
      n++;
    }
  }
  return n;
}

/**
 * The public variant of one table, in place; returns how many cells it hid.
 * 1. primary: a count of 1 to threshold-1 is hidden (0 stays: it names nobody), and so is a statistic
 *    over fewer than threshold people
 * 2. derived: a cell computed from a hidden count (persons, a share, a per-FTE figure, a change) is hidden
 * 3. secondary, per additive column with a total: while one cell alone is hidden, or the hidden cells
 *    add up to less than the threshold, the smallest visible non-zero cell of that column is hidden
 *    too; with nothing left to hide the total cell is hidden. A change column is derived from both
 *    periods, so it cannot give a hidden one away.
 * Steps 2 and 3 repeat until nothing changes (a cell hidden in step 3 hides what is derived from it).
 * With `groupOf` (districts in regions, suppressIndicators) step 3 also runs within each group against
 * the outer row; a group with nothing left to hide hides the outer cell (the region), which the outer
 * table's own step 3 then protects in turn.
 */
export interface SuppressOptions {
  threshold?: number;
  /** cells hidden beforehand ("<row key>\u0000<column>"): a region cell a district table gave away */
  preHidden?: ReadonlySet<string>;
  /**
   * rows nested in the rows of another table (districts in regions): each group's cells add up to that
   * row's cell too, so step 3 runs per group as well; a group that cannot be protected hands its cell
   * to `outerHidden` (the caller hides it in the outer table)
   */
  groupOf?: (rowKey: string) => string;
  outerHidden?: Set<string>;
}

export function suppressMetricTable(table: MetricTable, opts: number | SuppressOptions = {}): number {
  const o: SuppressOptions = typeof opts === "number" ? { threshold: opts } : opts;
  const threshold = o.threshold ?? SUPPRESSION_THRESHOLD;
  const all = [...table.rows, ...(table.total ? [table.total] : [])];
  const hidden = new Set<string>(o.preHidden ?? []);
  const id = (r: MetricRow, c: number) => `${r.key}\u0000${c}`;
  const hide = (r: MetricRow, c: number) => {
    if (hidden.has(id(r, c))) return false;
    hidden.add(id(r, c));
    return true;
  };
  const value = (r: MetricRow, c: number) => r.values[c];
  table.columns.forEach((col, c) => {
    if (col.kind !== "count") return;
    for (const r of all) {
      const v = value(r, c);
      if (typeof v === "number" && isSmall(v, threshold)) hide(r, c);
    }
  });
  let changed = true;
  const derive = () => {
    table.columns.forEach((col, c) => {
      if (!col.from) return;
      for (const r of all) {
        const n = value(r, col.from[0]!);
        const tooFew = col.stat && typeof n === "number" && n > 0 && n < threshold;
        if (col.from.some((b) => hidden.has(id(r, b))) || tooFew) changed = hide(r, c) || changed;
      }
    });
  };
  while (changed) {
    changed = false;
    derive();
    const total = table.total;
    if (!total) break;
    // per group first (districts within their region), then the whole column against its total
    if (o.groupOf)
      table.columns.forEach((col, c) => {
        if (!col.additive) return;
        const groups = new Map<string, MetricRow[]>();
        for (const r of table.rows)
          groups.set(o.groupOf!(r.key), [...(groups.get(o.groupOf!(r.key)) ?? []), r]);
        for (const [g, members] of groups) {
          const outer = `${g}\u0000${c}`;
          if (o.outerHidden?.has(outer)) continue;
          const inGroup = () => members.filter((r) => hidden.has(id(r, c)));
          const sum = () => inGroup().reduce((s, r) => s + ((value(r, c) as number) ?? 0), 0);
          while (inGroup().length > 0 && (inGroup().length === 1 || sum() < threshold)) {
            const next = members
              .filter((r) => !hidden.has(id(r, c)) && ((value(r, c) as number) ?? 0) > 0)
              .sort(
                (a, b) => (value(a, c) as number) - (value(b, c) as number) || a.key.localeCompare(b.key),
              )[0];
            if (!next) {
              o.outerHidden?.add(outer);
              break;
            }
            changed = hide(next, c) || changed;
            derive();
          }
        }
      });
    table.columns.forEach((col, c) => {
      if (!col.additive || hidden.has(id(total, c))) return;
      const inCol = () => table.rows.filter((r) => hidden.has(id(r, c)));
      const hiddenSum = () => inCol().reduce((s, r) => s + ((value(r, c) as number) ?? 0), 0);
      while (inCol().length > 0 && (inCol().length === 1 || hiddenSum() < threshold)) {
        const next = table.rows
          .filter((r) => !hidden.has(id(r, c)) && ((value(r, c) as number) ?? 0) > 0)
          .sort((a, b) => (value(a, c) as number) - (value(b, c) as number) || a.key.localeCompare(b.key))[0];
        if (!next) {
          changed = hide(total, c) || changed;
          break;
        }
        changed = hide(next, c) || changed;
      }
      // what is derived from this column follows before the next column is looked at
      derive();
    });
  }
  for (const r of all) r.values = r.values.map((v, c) => (hidden.has(id(r, c)) ? null : v));
  return hidden.size;
}
