// The committee report as a pure function: plain rows + a date range → Report. No database, no clock.
// The figures follow the Bielefeld report (docs/DOMAIN.md): cases and persons, load per full-time case
// manager, single persons vs families, topics, districts, countries of origin, agencies, wait list,
// plus time to the first appointment, referrals and closures.
//
// Definitions (all dates half-open: from ≤ t < to):
// - a case is *under case management in the period* when a case manager accepted it before `to` and
//   it was not closed before `from`; cases closed while still waiting never count as managed
// - *open at the end* is the caseload at `asOf` = min(to, now): accepted, not yet closed
// - per FTE = open at the end ÷ the FTE of the active case managers
// - wait figures: how long the people who left the wait list for a case manager in the period waited
// - time to first appointment: intake submitted → first not-cancelled appointment, for first
//   appointments in the period
//
// Erased clients (ErasedTally) enter as the same facts, so the figures do not change after /delete.
//
// Suppression (public variant, SUPPRESSION_THRESHOLD = 5):
// 1. primary: a count of 1–4 cases is suppressed (0 stays visible: it names nobody); so is every
//    figure derived from it (persons of that cell, a share built from it) and every statistic
//    (median, p90) over fewer than 5 people
// 2. secondary, in additive tables (cells add up to a published total: districts, origins, agencies,
//    household, referrals, closures): while exactly one cell is suppressed, or the suppressed cells
//    add up to less than 5, the smallest visible non-zero cell is suppressed too; so no suppressed
//    cell can be recovered by subtracting the visible cells from the total, nor narrowed below 5.
//    When no cell is left to add, the total itself is suppressed.
// 3. topics are not additive (a case has several topics, no total is the sum of the cells): primary
//    suppression suffices there.
// 4. the outcome indicators and breakdowns (indicators.ts) follow the same rules, column by column:
//    suppressMetricTable.
// Not protected: differencing between two reports over overlapping periods. Publish fixed periods.
import { z } from "zod";
import { buildIndicators, type CaseWorkFacts, type MetricTable, suppressIndicators } from "./indicators.ts";
import { isSmall, median, percentile, SUPPRESSION_THRESHOLD } from "./stats.ts";
import { type SurveyFacts, voiceTables } from "./voice.ts";

export { isSmall, median, percentile, SUPPRESSION_THRESHOLD };
export const REPORT_VARIANTS = ["internal", "public"] as const;
export type ReportVariant = (typeof REPORT_VARIANTS)[number];

export interface CaseFacts {
  household: "single" | "family";
  persons: number;
  districtId: string;
  topics: string[];
  originCountry: string | null;
  /** the agency of the case manager responsible (now, or at closure) */
  agencyId: string | null;
  openedAt: Date;
  /** a case manager accepted the case (first accepted assignment); null = never managed */
  acceptedAt: Date | null;
  closedAt: Date | null;
  closureReason: string | null;
  intakeSubmittedAt: Date;
  firstAppointmentAt: Date | null;
  /** assessments, goals, referrals, re-contacts (absent for erased clients: erasure keeps none) */
  work?: CaseWorkFacts;
}

export interface IntakeFacts {
  submittedAt: Date;
  route: "case_management" | "referral" | null;
  referralTarget: string | null;
}

export interface WaitFacts {
  enqueuedAt: Date;
  leftAt: Date | null;
  status: "waiting" | "assigned" | "withdrawn";
}

export interface StaffFacts {
  id: string;
  agencyId: string;
  fte: number;
  active: boolean;
}

export interface ReportRows {
  cases: CaseFacts[];
  intakes: IntakeFacts[];
  waits: WaitFacts[];
  staff: StaffFacts[];
  /** facts kept by erasure (ErasedTally.facts), parsed with `parseErasedFacts` */
  erased: ErasedFacts[];
  /** the clients' own voice (voice.ts): anonymous survey responses and the invited tally */
  survey?: SurveyFacts;
}

export interface ReportLabels {
  municipality: string;
  districts: Record<string, string>;
  agencies: Record<string, string>;
  referralTargets: Record<string, string>;
  regions?: Record<string, string>;
  /** district id → region id */
  districtRegion?: Record<string, string>;
}

export interface ReportParams {
  from: Date;
  to: Date;
  now: Date;
  variant: ReportVariant;
  policy: { casesPerFte: number; personsPerFte: number };
  labels: ReportLabels;
}

/** A count, or null when suppressed in the public variant. */
export type Count = number | null;

export interface Cell {
  key: string;
  label: string;
  cases: Count;
  persons?: Count;
}

export interface Table {
  /** cells add up to `total` */
  additive: boolean;
  rows: Cell[];
  total: { cases: Count; persons?: Count };
}

export interface Stat {
  n: Count;
  median: number | null;
  p90: number | null;
}

export interface Report {
  municipality: string;
  from: Date;
  to: Date;
  asOf: Date;
  variant: ReportVariant;
  threshold: number;
  managed: { cases: Count; persons: Count };
  openAtEnd: { cases: Count; persons: Count };
  fte: number;
  perFte: { cases: number | null; persons: number | null; targetCases: number; targetPersons: number };
  intakes: { submitted: Count; toCaseManagement: Count; referred: Count };
  household: Table & { singleShare: number | null; familyShare: number | null };
  topics: Table;
  districts: Table;
  origins: Table;
  agencies: Table;
  waitlist: { atEnd: Count; added: Count; placed: Count; waitDays: Stat };
  firstAppointment: Stat;
  referrals: Table;
  closures: Table;
  /** cases and intakes that were counted from erasure tallies */
  erasedCounted: Count;
  /** outcome indicators, breakdowns by region, agency and district, the previous period (indicators.ts) */
  indicators: MetricTable[];
  /** cells the public variant suppressed (0 for the internal one) */
  suppressedCells: number;
}

// ───────────────────────────── erased facts ─────────────────────────────

const isoDate = z.iso.datetime().transform((s) => new Date(s));
const nullableDate = isoDate.nullable();

/** What erasure keeps (ErasedTally.facts, version 1): no ids, no free text. */
export const erasedFactsSchema = z.object({
  v: z.literal(1),
  intake: z.object({
    submittedAt: isoDate,
    route: z.enum(["case_management", "referral"]).nullable(),
    referralTarget: z.string().nullable(),
  }),
  case: z
    .object({
      household: z.enum(["single", "family"]),
      persons: z.int().min(0),
      districtId: z.string(),
      topics: z.array(z.string()),
      originCountry: z.string().nullable(),
      agencyId: z.string().nullable(),
      openedAt: isoDate,
      acceptedAt: nullableDate,
      closedAt: nullableDate,
      closureReason: z.string().nullable(),
      firstAppointmentAt: nullableDate,
    })
    .nullable(),
  wait: z
    .object({
      enqueuedAt: isoDate,
      leftAt: nullableDate,
      status: z.enum(["waiting", "assigned", "withdrawn"]),
    })
    .nullable(),
});
export type ErasedFacts = z.output<typeof erasedFactsSchema>;
export type ErasedFactsJson = z.input<typeof erasedFactsSchema>;

/** Tallies written by other versions are skipped rather than miscounted. */
export function parseErasedFacts(json: unknown): ErasedFacts | null {
  const r = erasedFactsSchema.safeParse(json);
  return r.success ? r.data : null;
}

export function erasedFactsJson(f: {
  intake: IntakeFacts;
  case: Omit<CaseFacts, "intakeSubmittedAt"> | null;
  wait: WaitFacts | null;
}): ErasedFactsJson {
  const d = (x: Date | null) => (x ? x.toISOString() : null);
  return {
    v: 1,
    intake: {
      submittedAt: f.intake.submittedAt.toISOString(),
      route: f.intake.route,
      referralTarget: f.intake.referralTarget,
    },
    case: f.case
      ? {
          household: f.case.household,
          persons: f.case.persons,
          districtId: f.case.districtId,
          topics: f.case.topics,
          originCountry: f.case.originCountry,
          agencyId: f.case.agencyId,
          openedAt: f.case.openedAt.toISOString(),
          acceptedAt: d(f.case.acceptedAt),
          closedAt: d(f.case.closedAt),
          closureReason: f.case.closureReason,
          firstAppointmentAt: d(f.case.firstAppointmentAt),
        }
      : null,
    wait: f.wait
      ? { enqueuedAt: f.wait.enqueuedAt.toISOString(), leftAt: d(f.wait.leftAt), status: f.wait.status }
      : null,
  };
}

// ───────────────────────────── statistics ─────────────────────────────

const DAY = 86_400_000;

const round1 = (x: number) => Math.round(x * 10) / 10;

function stat(daysUnsorted: number[]): Stat {
  const days = [...daysUnsorted].sort((a, b) => a - b);
  const m = median(days);
  const p = percentile(days, 90);
  return { n: days.length, median: m === null ? null : round1(m), p90: p === null ? null : round1(p) };
}

// ───────────────────────────── suppression ─────────────────────────────

/**
 * Suppresses the cells of one table in place (primary + secondary) and returns how many cells it
 * suppressed. Persons follow their case cell. See the header of this file for the rules.
 */
export function suppressTable(table: Table, threshold = SUPPRESSION_THRESHOLD): number {
  const hidden = new Set<Cell>();
  for (const c of table.rows) if (c.cases !== null && isSmall(c.cases, threshold)) hidden.add(c);
  if (table.additive && hidden.size > 0) {
    const hiddenSum = () => [...hidden].reduce((s, c) => s + (c.cases ?? 0), 0);
    while (hidden.size === 1 || hiddenSum() < threshold) {
      const next = table.rows
        .filter((c) => !hidden.has(c) && (c.cases ?? 0) > 0)
        .sort((a, b) => (a.cases ?? 0) - (b.cases ?? 0) || a.key.localeCompare(b.key))[0];
      if (!next) {
        // nothing left to hide behind: the total would give it away
        table.total = { cases: null, ...("persons" in table.total ? { persons: null } : {}) };
        break;
      }
      hidden.add(next);
    }
  }
  let n = 0;
  for (const c of hidden) {
    c.cases = null;
    if ("persons" in c) c.persons = null;
    n++;
  }
  const t = table.total;
  if (t.cases !== null && isSmall(t.cases, threshold)) {
    table.total = { cases: null, ...("persons" in t ? { persons: null } : {}) };
    n++;
  }
  return n;
}

function suppressStat(s: Stat, threshold = SUPPRESSION_THRESHOLD): Stat {
  if (s.n !== null && s.n < threshold) return { n: s.n === 0 ? 0 : null, median: null, p90: null };
  return s;
}

const suppressCount = (n: Count, threshold = SUPPRESSION_THRESHOLD): Count =>
  n !== null && isSmall(n, threshold) ? null : n;

// ───────────────────────────── aggregation ─────────────────────────────

function tally<T>(
  items: readonly T[],
  keysOf: (item: T) => readonly string[],
  personsOf: ((item: T) => number) | null,
  labelOf: (key: string) => string,
  opts: { additive: boolean; order?: readonly string[] },
): Table {
  const acc = new Map<string, { cases: number; persons: number }>();
  for (const k of opts.order ?? []) acc.set(k, { cases: 0, persons: 0 });
  let totalPersons = 0;
  for (const it of items) {
    const p = personsOf ? personsOf(it) : 0;
    totalPersons += p;
    for (const k of new Set(keysOf(it))) {
      const a = acc.get(k) ?? { cases: 0, persons: 0 };
      a.cases++;
      a.persons += p;
      acc.set(k, a);
    }
  }
  const order = opts.order ?? [];
  const fixed = new Set(order);
  const rows: Cell[] = [...acc.entries()]
    .map(([key, a]) => ({
      key,
      label: labelOf(key),
      cases: a.cases,
      ...(personsOf ? { persons: a.persons } : {}),
    }))
    // topics by size; other tables: the given order first (household, closure reasons), the rest by size
    .sort((x, y) => {
      if (fixed.size && !opts.additive) return (y.cases ?? 0) - (x.cases ?? 0) || x.key.localeCompare(y.key);
      if (fixed.has(x.key) !== fixed.has(y.key)) return fixed.has(x.key) ? -1 : 1;
      if (fixed.has(x.key)) return order.indexOf(x.key) - order.indexOf(y.key);
      return (y.cases ?? 0) - (x.cases ?? 0) || x.key.localeCompare(y.key);
    });
  return {
    additive: opts.additive,
    rows,
    total: { cases: items.length, ...(personsOf ? { persons: totalPersons } : {}) },
  };
}

export const UNKNOWN = "unknown";

export interface AggregateOptions {
  /** the order of topic keys (the intake's vocabulary) */
  topicOrder?: readonly string[];
  closureOrder?: readonly string[];
  /** the assessment's life areas (src/modules/cases/codes.ts LIFE_AREAS) */
  lifeAreaOrder?: readonly string[];
}

export function aggregate(rows: ReportRows, params: ReportParams, opts: AggregateOptions = {}): Report {
  const { from, to } = params;
  const asOf = new Date(Math.min(to.getTime(), params.now.getTime()));
  const inRange = (d: Date | null) => !!d && d >= from && d < to;

  // live rows and erased facts as one population
  const cases: CaseFacts[] = [...rows.cases];
  const intakes: IntakeFacts[] = [...rows.intakes];
  const waits: WaitFacts[] = [...rows.waits];
  const managedIn = (c: Pick<CaseFacts, "acceptedAt" | "closedAt">) =>
    !!c.acceptedAt && c.acceptedAt < to && (!c.closedAt || c.closedAt >= from);
  let erasedCounted = 0;
  for (const e of rows.erased) {
    if (inRange(e.intake.submittedAt) || (e.case && managedIn(e.case))) erasedCounted++;
    intakes.push(e.intake);
    if (e.case) cases.push({ ...e.case, intakeSubmittedAt: e.intake.submittedAt });
    if (e.wait) waits.push(e.wait);
  }

  const managed = cases.filter(managedIn);
  const open = cases.filter(
    (c) => c.acceptedAt && c.acceptedAt <= asOf && (!c.closedAt || c.closedAt > asOf),
  );
  const sum = (xs: CaseFacts[]) => xs.reduce((s, c) => s + c.persons, 0);
  const fte = round1(rows.staff.filter((s) => s.active).reduce((s, m) => s + m.fte, 0) * 100) / 100;

  const lbl = (m: Record<string, string>) => (k: string) => m[k] ?? k;
  const household = tally(
    managed,
    (c) => [c.household],
    (c) => c.persons,
    (k) => k,
    {
      additive: true,
      order: ["single", "family"],
    },
  );
  const topics = tally(
    managed,
    (c) => c.topics,
    null,
    (k) => k,
    { additive: false, order: opts.topicOrder ?? [] },
  );
  const districts = tally(
    managed,
    (c) => [c.districtId],
    (c) => c.persons,
    lbl(params.labels.districts),
    { additive: true },
  );
  const origins = tally(
    managed,
    (c) => [c.originCountry ?? UNKNOWN],
    (c) => c.persons,
    (k) => k,
    { additive: true },
  );
  const agencies = tally(
    managed,
    (c) => [c.agencyId ?? UNKNOWN],
    (c) => c.persons,
    lbl(params.labels.agencies),
    {
      additive: true,
    },
  );
  const submitted = intakes.filter((i) => inRange(i.submittedAt));
  const referred = submitted.filter((i) => i.route === "referral");
  const referrals = tally(
    referred,
    (i) => [i.referralTarget ?? UNKNOWN],
    null,
    lbl(params.labels.referralTargets),
    {
      additive: true,
    },
  );
  const closed = managed.filter((c) => inRange(c.closedAt));
  const closures = tally(
    closed,
    (c) => [c.closureReason ?? UNKNOWN],
    null,
    (k) => k,
    {
      additive: true,
      order: opts.closureOrder ?? [],
    },
  );

  const placed = waits.filter((w) => w.status === "assigned" && inRange(w.leftAt));
  const waitDays = stat(placed.map((w) => (w.leftAt!.getTime() - w.enqueuedAt.getTime()) / DAY));
  const atEnd = waits.filter(
    (w) => w.enqueuedAt <= asOf && (w.leftAt ? w.leftAt > asOf : w.status === "waiting"),
  );
  const firsts = cases.filter((c) => inRange(c.firstAppointmentAt));
  const firstAppointment = stat(
    firsts.map((c) => (c.firstAppointmentAt!.getTime() - c.intakeSubmittedAt.getTime()) / DAY),
  );

  const singles = household.rows.find((r) => r.key === "single")?.cases ?? 0;
  const families = household.rows.find((r) => r.key === "family")?.cases ?? 0;
  const share = (n: number) => (managed.length ? Math.round((n / managed.length) * 1000) / 10 : null);

  const report: Report = {
    municipality: params.labels.municipality,
    from,
    to,
    asOf,
    variant: params.variant,
    threshold: SUPPRESSION_THRESHOLD,
    managed: { cases: managed.length, persons: sum(managed) },
    openAtEnd: { cases: open.length, persons: sum(open) },
    fte,
    perFte: {
      cases: fte > 0 ? round1(open.length / fte) : null,
      persons: fte > 0 ? round1(sum(open) / fte) : null,
      targetCases: params.policy.casesPerFte,
      targetPersons: params.policy.personsPerFte,
    },
    intakes: {
      submitted: submitted.length,
      toCaseManagement: submitted.filter((i) => i.route === "case_management").length,
      referred: referred.length,
    },
    household: { ...household, singleShare: share(singles), familyShare: share(families) },
    topics,
    districts,
    origins,
    agencies,
    waitlist: {
      atEnd: atEnd.length,
      added: waits.filter((w) => inRange(w.enqueuedAt)).length,
      placed: placed.length,
      waitDays,
    },
    firstAppointment,
    referrals,
    closures,
    indicators: buildIndicators({
      cases,
      staff: rows.staff,
      intakes,
      range: { from, to },
      now: params.now,
      labels: params.labels,
      order: { lifeAreas: opts.lifeAreaOrder ?? [], closureReasons: opts.closureOrder ?? [] },
    }).concat(rows.survey ? voiceTables(rows.survey, { from, to }) : []),
    erasedCounted,
    suppressedCells: 0,
  };
  return params.variant === "public" ? suppressReport(report, params.labels.districtRegion) : report;
}

/** The public variant of a report (see the rules at the top of this file). */
export function suppressReport(r: Report, districtRegion: Record<string, string> = {}): Report {
  const out: Report = structuredClone(r);
  let n = 0;
  for (const t of [
    out.household,
    out.topics,
    out.districts,
    out.origins,
    out.agencies,
    out.referrals,
    out.closures,
  ])
    n += suppressTable(t);
  const single = out.household.rows.find((x) => x.key === "single");
  const family = out.household.rows.find((x) => x.key === "family");
  if (single?.cases === null) out.household.singleShare = null;
  if (family?.cases === null) out.household.familyShare = null;
  const counts = (o: Record<string, Count>) => {
    for (const k of Object.keys(o)) {
      const before = o[k] ?? null;
      o[k] = suppressCount(before);
      if (before !== null && o[k] === null) n++;
    }
  };
  counts(out.managed as unknown as Record<string, Count>);
  if (out.managed.cases === null) out.managed.persons = null;
  counts(out.openAtEnd as unknown as Record<string, Count>);
  if (out.openAtEnd.cases === null) {
    out.openAtEnd.persons = null;
    out.perFte.cases = null;
    out.perFte.persons = null;
  }
  counts(out.intakes as unknown as Record<string, Count>);
  // submitted = to case management + referred (+ not yet triaged): one small part alone would be
  // recoverable, so hide the other part as well
  if ((out.intakes.toCaseManagement === null) !== (out.intakes.referred === null)) {
    out.intakes.toCaseManagement = null;
    out.intakes.referred = null;
    n++;
  }
  const w = out.waitlist;
  for (const k of ["atEnd", "added", "placed"] as const) {
    const before = w[k];
    w[k] = suppressCount(before);
    if (before !== null && w[k] === null) n++;
  }
  const ws = suppressStat(w.waitDays);
  if (ws !== w.waitDays) n++;
  w.waitDays = ws;
  if (w.placed === null) w.waitDays = { n: null, median: null, p90: null };
  const fa = suppressStat(out.firstAppointment);
  if (fa !== out.firstAppointment) n++;
  out.firstAppointment = fa;
  n += suppressIndicators(
    out.indicators,
    {
      managed_cases: out.managed.cases === null,
      open_cases: out.openAtEnd.cases === null,
      intakes: out.intakes.submitted === null,
    },
    SUPPRESSION_THRESHOLD,
    districtRegion,
  );
  out.erasedCounted = suppressCount(out.erasedCounted);
  out.suppressedCells = n;
  return out;
}
