// Discrete-event simulation (one step per day) of the dispatcher, to compare assignment
// strategies on the same synthetic world: our ranking, round robin, fewest open cases.
//
// Deterministic: one seeded PRNG builds the world (case managers, absences, initial caseload,
// every arrival with all its random attributes, its case duration and its patience) before the
// first day. The strategies then run on the identical world, so differences come from the
// strategy alone (common random numbers).
//
// Run: npx tsx bench/simulate.ts [--days 365] [--warmup 365] [--seed 1] [--demand 1.1]
//      [--aging 1] [--persons] [--out f.json]
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { mulberry32 } from "../src/lib/random.ts";
import type { IntakeAnswers, SpokenLanguage, Topic, UrgencySignal } from "../src/modules/intake/answers.ts";
import { capacityFromFte } from "../src/modules/matching/capacity.ts";
import {
  agencyLoadsOf,
  DEFAULT_MATCH_POLICY,
  pickFewestOpen,
  pickRoundRobin,
  rankCandidates,
} from "../src/modules/matching/pick-assignee.ts";
import type { Absence, MatchCandidate, MatchClient, MatchPolicy } from "../src/modules/matching/types.ts";
import { DEFAULT_TRIAGE_RULES, triage } from "../src/modules/triage/triage.ts";
import { estimateWait, measureThroughput } from "../src/modules/waitlist/eta.ts";
import { orderWaitlist } from "../src/modules/waitlist/priority.ts";

const DAY_MS = 86_400_000;
const START = Date.UTC(2025, 0, 6); // a Monday
const REGION = "bielefeld";

export const STRATEGIES = ["ours", "round_robin", "fewest_open"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface SimOptions {
  /** 1 = Bielefeld 2022 (8 positions), 10 = ten times that (80 case managers). */
  readonly scale: 1 | 10;
  readonly days: number;
  readonly seed: number;
  readonly strategy: Strategy;
  /** Persons as a hard limit too (default false: 26 cases, "about" 80 persons). */
  readonly usePersons?: boolean;
  /** Wait-list ageing (default 1 point/day). */
  readonly agingPointsPerDay?: number;
  /** urgent lane guard (ours only); see src/modules/waitlist/priority.ts */
  readonly starvationGuardDays?: number;
  /** Arrivals of case-management clients relative to capacity turnover (default 1.1). */
  readonly demandFactor?: number;
  /**
   * Days simulated before `days` are measured (default 365), so the wait list has built up
   * and the initial caseload has turned over; metrics count clients arriving after it.
   */
  readonly warmupDays?: number;
}

export interface SimMetrics {
  readonly strategy: Strategy;
  readonly scale: 1 | 10;
  readonly days: number;
  readonly caseManagers: number;
  readonly totalFte: number;
  /** arrived, referred, assigned, reneged and all rates: clients arriving after the warm-up. */
  readonly arrived: number;
  readonly referred: number;
  readonly assigned: number;
  readonly reneged: number;
  /** Everyone still on the list on the last day, warm-up arrivals included. */
  readonly waitingAtEnd: number;
  /** Over assigned clients (those still waiting at the end are not in it: censored). */
  readonly waitMedianDays: number;
  readonly waitP90Days: number;
  /** Client and case manager share a language (German counts when the client speaks it). */
  readonly languageMatchRate: number;
  /** They share a language other than German. */
  readonly ownLanguageMatchRate: number;
  /** The case manager is the local contact for the client's district. */
  readonly districtMatchRate: number;
  /** Daily max/min of open cases per FTE over active case managers (min floored at 1), averaged. */
  readonly loadMaxMinRatio: number;
  /** Urgent clients assigned within 2 days, of those who arrived ≥ 2 days before the end. */
  readonly urgentWithin48hRate: number;
  /** Assigned clients whose actual wait fell inside the range shown at arrival (known ETAs only). */
  readonly etaWithinRangeRate: number;
  /** Largest excess over capacity seen on any day for any case manager: must be 0. */
  readonly maxOverCapacity: number;
}

// ---------------------------------------------------------------------------------------
// Randomness

export { mulberry32 };

type Rng = () => number;

function pickWeighted<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let x = rng() * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[table.length - 1]![0];
}

function poisson(rng: Rng, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

// ---------------------------------------------------------------------------------------
// The world: Bielefeld figures from DOMAIN.md

const DISTRICT_MIX = [
  ["heepen", 18],
  ["mitte", 17],
  ["schildesche", 14],
  ["sennestadt", 13],
  ["stieghorst", 13],
  ["joellenbeck", 12],
  ["brackwede", 5],
  ["dornberg", 3],
  ["senne", 3],
  ["gadderbaum", 2],
] as const;

/** First language of clients; Iraq and Syria are the main origins (Arabic, Kurmanji). */
const PRIMARY_LANGUAGE_MIX: readonly (readonly [SpokenLanguage, number])[] = [
  ["ar", 32],
  ["ku", 14],
  ["fa", 10],
  ["uk", 10],
  ["tr", 6],
  ["ru", 5],
  ["bg", 4],
  ["ro", 4],
  ["pl", 3],
  ["ti", 3],
  ["so", 2],
  ["ps", 2],
  ["fr", 2],
  ["de", 2],
  ["el", 1],
];

/** Likely additional languages by first language. */
const SECOND_LANGUAGES: Partial<Record<SpokenLanguage, readonly (readonly [SpokenLanguage, number])[]>> = {
  ku: [
    ["ar", 0.6],
    ["tr", 0.15],
  ],
  uk: [["ru", 0.7]],
  ps: [["fa", 0.5]],
  bg: [["tr", 0.3]],
  so: [["ar", 0.3]],
  ti: [["ar", 0.2]],
};

/** Share of cases with each topic (Bielefeld: education/language 103 of 188, work 91, housing 74). */
const TOPIC_RATES: readonly (readonly [Topic, number])[] = [
  ["education_language", 0.55],
  ["work", 0.48],
  ["housing", 0.39],
  ["health", 0.2],
  ["livelihood", 0.2],
  ["residence", 0.15],
  ["family", 0.15],
  ["leisure", 0.06],
];

const FAMILY_SIZE_MIX = [
  [2, 20],
  [3, 22],
  [4, 22],
  [5, 17],
  [6, 12],
  [7, 7],
] as const;

const URGENCY_MIX: readonly (readonly [UrgencySignal, number])[] = [
  ["eviction", 3],
  ["benefits_loss", 3],
  ["authority_deadline", 3],
  ["health_emergency", 1],
];

interface CmProfile {
  readonly agencyId: string;
  readonly languages: readonly SpokenLanguage[];
  readonly districts: readonly string[];
  readonly topics: readonly Topic[];
}

/** Bielefeld early 2022: 6 positions at the city's refugee unit, 1 DRK, 1 AWO. */
const BIELEFELD_PROFILES: readonly CmProfile[] = [
  {
    agencyId: "city",
    languages: ["de", "ar", "en"],
    districts: ["heepen"],
    topics: ["work", "education_language", "livelihood"],
  },
  {
    agencyId: "city",
    languages: ["de", "ku", "ar", "tr"],
    districts: ["mitte"],
    topics: ["housing", "residence", "family"],
  },
  {
    agencyId: "city",
    languages: ["de", "fa", "en"],
    districts: ["schildesche"],
    topics: ["education_language", "health", "family"],
  },
  {
    agencyId: "city",
    languages: ["de", "ru", "uk"],
    districts: ["joellenbeck"],
    topics: ["work", "housing", "livelihood"],
  },
  {
    agencyId: "city",
    languages: ["de", "tr", "ku"],
    districts: ["sennestadt", "senne"],
    topics: ["housing", "work", "residence"],
  },
  {
    agencyId: "city",
    languages: ["de", "ar", "fr"],
    districts: ["stieghorst"],
    topics: ["health", "family", "education_language"],
  },
  {
    agencyId: "drk",
    languages: ["de", "ar", "en"],
    districts: ["brackwede", "gadderbaum"],
    topics: ["health", "housing", "livelihood"],
  },
  {
    agencyId: "awo",
    languages: ["de", "pl", "ru", "en"],
    districts: ["dornberg", "mitte"],
    topics: ["work", "education_language", "leisure"],
  },
];

/** Language sets of further hires at ×10, roughly following demand. */
const HIRE_LANGUAGES: readonly (readonly [readonly SpokenLanguage[], number])[] = [
  [["de", "ar", "en"], 3],
  [["de", "ku", "ar"], 2],
  [["de", "fa", "en"], 1.5],
  [["de", "ru", "uk"], 1.5],
  [["de", "tr", "ku"], 1],
  [["de", "ar", "fr"], 1],
  [["de", "en"], 1],
  [["de", "pl", "ru", "en"], 0.5],
  [["de", "bg", "tr"], 0.5],
  [["de", "ro", "en"], 0.5],
  [["de", "ps", "fa"], 0.5],
  [["de", "ti", "en"], 0.3],
  [["de", "so", "ar"], 0.2],
  [["de", "el", "en"], 0.2],
];
const HIRE_FTE = [1, 1, 0.5, 1, 0.75] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
interface SimCm extends Mutable<MatchCandidate> {
  readonly capCases: number;
  readonly capPersons: number;
  /** Absences as day numbers [from, to) for the fast daily check. */
  readonly absentDays: readonly (readonly [number, number])[];
}

interface Arrival {
  readonly day: number;
  readonly client: MatchClient;
  readonly answers: Pick<IntakeAnswers, "adults" | "children" | "topics" | "urgency" | "existingSupport">;
  readonly durationDays: number;
  readonly patienceDays: number;
}

interface InitialCase {
  readonly cmIndex: number;
  readonly persons: number;
  readonly endDay: number;
}

interface World {
  readonly scale: 1 | 10;
  /** Measured days; the run covers warmupDays + days. */
  readonly days: number;
  readonly warmupDays: number;
  readonly cms: readonly SimCm[];
  readonly initialCases: readonly InitialCase[];
  readonly arrivals: readonly Arrival[];
}

const MEDIAN_DURATION_DAYS = 270; // about nine months
const DURATION_SIGMA = 0.45;
const MEAN_PATIENCE_DAYS = 240;

function caseDuration(rng: Rng, lengthBiased = false): number {
  // a case running on day 0 is more likely a long one: length-biased lognormal = μ + σ²
  const median = lengthBiased ? MEDIAN_DURATION_DAYS * Math.exp(DURATION_SIGMA ** 2) : MEDIAN_DURATION_DAYS;
  const d = Math.round(median * Math.exp(DURATION_SIGMA * normal(rng)));
  return Math.min(900, Math.max(30, d));
}

function generateCms(rng: Rng, scale: 1 | 10, totalDays: number, policy: MatchPolicy): SimCm[] {
  const cms: SimCm[] = [];
  for (let copy = 0; copy < scale; copy++) {
    BIELEFELD_PROFILES.forEach((p, j) => {
      const fte = copy === 0 ? 1 : HIRE_FTE[(j + copy) % HIRE_FTE.length]!;
      const languages = copy === 0 ? p.languages : pickWeighted(rng, HIRE_LANGUAGES);
      const absentDays = generateAbsences(rng, totalDays);
      cms.push({
        id: `${p.agencyId}-${String(copy * BIELEFELD_PROFILES.length + j + 1).padStart(2, "0")}`,
        agencyId: p.agencyId,
        active: true,
        fte,
        absences: absentDays.map(
          ([from, to]) => ({ from: dayDate(from, 0), to: dayDate(to, 0) }) satisfies Absence,
        ),
        absentDays,
        openCases: 0,
        openPersons: 0,
        languages,
        regionIds: [REGION],
        localDistrictIds: p.districts,
        topics: p.topics,
        capCases: capacityFromFte(fte, policy.casesPerFte),
        capPersons: capacityFromFte(fte, policy.personsPerFte),
      });
    });
  }
  return cms;
}

/** About six weeks of leave a year in three blocks, plus a few short sick leaves. */
function generateAbsences(rng: Rng, days: number): [number, number][] {
  const out: [number, number][] = [];
  const years = Math.max(1, Math.ceil(days / 365));
  for (let y = 0; y < years; y++) {
    for (const len of [14, 14, 10]) {
      const from = y * 365 + Math.floor(rng() * (365 - len));
      out.push([from, from + len]);
    }
    const sick = poisson(rng, 3);
    for (let k = 0; k < sick; k++) {
      const from = y * 365 + Math.floor(rng() * 360);
      out.push([from, from + 1 + Math.floor(rng() * 5)]);
    }
  }
  return out;
}

function generateClient(rng: Rng, id: string): Omit<Arrival, "day" | "durationDays" | "patienceDays"> {
  const family = rng() >= 0.36;
  const persons = family ? pickWeighted(rng, FAMILY_SIZE_MIX) : 1;
  const adults = !family ? 1 : persons === 2 && rng() < 0.5 ? 1 : Math.min(2, persons - 1);
  const primary = pickWeighted(rng, PRIMARY_LANGUAGE_MIX);
  const languages: SpokenLanguage[] = [primary];
  for (const [l, p] of SECOND_LANGUAGES[primary] ?? []) if (rng() < p) languages.push(l);
  const longResident = primary === "tr" || primary === "pl" || primary === "ru" || primary === "el";
  if (primary !== "de" && rng() < (longResident ? 0.5 : 0.25)) languages.push("de");
  if (!languages.includes("en") && rng() < 0.15) languages.push("en");
  const topics = TOPIC_RATES.filter(([, r]) => rng() < r).map(([t]) => t);
  if (topics.length === 0) topics.push("education_language");
  const urgency: UrgencySignal[] = rng() < 0.1 ? [pickWeighted(rng, URGENCY_MIX)] : [];
  const existingSupport: IntakeAnswers["existingSupport"] = [];
  if (rng() < 0.06) existingSupport.push("sgb2");
  if (family && rng() < 0.03) existingSupport.push("sgb8");
  if (rng() < 0.08) existingSupport.push("mbe");
  const districtId = pickWeighted(rng, DISTRICT_MIX);
  return {
    client: {
      id,
      districtId,
      regionId: REGION,
      languages,
      topics,
      persons,
      previousCmIds: [],
      excludeCmIds: [],
    },
    answers: { adults, children: persons - adults, topics, urgency, existingSupport },
  };
}

/** Arrivals per day so that case-management demand exceeds turnover by `demandFactor`. */
function generateWorld(opts: Omit<SimOptions, "strategy">, policy: MatchPolicy): World {
  const { scale, days, seed } = opts;
  const warmupDays = opts.warmupDays ?? 365;
  const demandFactor = opts.demandFactor ?? 1.1;
  const totalDays = warmupDays + days;
  const rng = mulberry32(seed);
  const cms = generateCms(rng, scale, totalDays, policy);

  // Start with everybody (nearly) full, as in Bielefeld's reports; the remaining duration of
  // a running case is a uniform share of a length-biased duration (its residual life).
  const initialCases: InitialCase[] = [];
  cms.forEach((cm, cmIndex) => {
    const target = cm.capCases - Math.floor(rng() * 3);
    let persons = 0;
    for (let k = 0; k < target; k++) {
      const p = rng() < 0.36 ? 1 : pickWeighted(rng, FAMILY_SIZE_MIX);
      const endDay = Math.floor(rng() * caseDuration(rng, true));
      // draw before deciding, so the persons option does not shift the random stream
      if (policy.usePersons && persons + p > cm.capPersons) continue;
      persons += p;
      initialCases.push({ cmIndex, persons: p, endDay });
    }
  });

  const capacity = cms.reduce((n, c) => n + c.capCases, 0);
  const meanDuration = MEDIAN_DURATION_DAYS * Math.exp((DURATION_SIGMA * DURATION_SIGMA) / 2);
  const referralShare = 0.12; // measured from the mix above (SGB II/VIII, single leisure topic)
  const lambda = (demandFactor * capacity) / meanDuration / (1 - referralShare);
  const arrivals: Arrival[] = [];
  for (let day = 0; day < totalDays; day++) {
    const n = poisson(rng, lambda);
    for (let k = 0; k < n; k++) {
      const base = generateClient(rng, `c${day}-${k}`);
      const durationDays = caseDuration(rng);
      const patienceDays = Math.ceil(-Math.log(1 - rng()) * MEAN_PATIENCE_DAYS);
      arrivals.push({ ...base, day, durationDays, patienceDays });
    }
  }
  return { scale, days, warmupDays, cms, initialCases, arrivals };
}

function dayDate(day: number, hours: number): Date {
  return new Date(START + day * DAY_MS + hours * 3_600_000);
}

// ---------------------------------------------------------------------------------------
// The run

interface Waiting {
  readonly id: string;
  readonly basePriority: number;
  readonly urgent: boolean;
  readonly enqueuedAt: Date;
  readonly arrival: Arrival;
  readonly countsForUrgent: boolean;
  eta: { low: number; high: number } | null | undefined;
}

interface Stats {
  arrived: number;
  referred: number;
  reneged: number;
  waits: number[];
  languageMatch: number;
  ownLanguageMatch: number;
  districtMatch: number;
  /** Urgent arrivals with at least two days left in the run (the denominator). */
  urgentArrived: number;
  /** Of those, assigned within two days (an urgent client arriving later cannot count). */
  urgentFast: number;
  etaKnown: number;
  etaHit: number;
  ratioSum: number;
  maxOver: number;
}

interface OpenCase {
  readonly cm: SimCm;
  readonly persons: number;
}

function freshCms(world: World): SimCm[] {
  return world.cms.map((c) => ({ ...c, openCases: 0, openPersons: 0 }));
}

function runWorld(world: World, opts: SimOptions): SimMetrics {
  const policy: MatchPolicy = { ...DEFAULT_MATCH_POLICY, usePersons: opts.usePersons ?? false };
  // ours: urgent lane + ageing (the production order); the baselines serve in arrival order, like
  // the tools they stand for (Chatwoot, Rocket.Chat queues)
  const policy_ = {
    agingPointsPerDay: opts.agingPointsPerDay ?? 1,
    starvationGuardDays: opts.starvationGuardDays ?? 120,
  };
  const order = (list: Waiting[], now: Date): Waiting[] =>
    opts.strategy === "ours"
      ? orderWaitlist(list, now, policy_)
      : [...list].sort((a, b) => a.enqueuedAt.getTime() - b.enqueuedAt.getTime() || (a.id < b.id ? -1 : 1));
  const cms = freshCms(world);
  const totalDays = world.warmupDays + world.days;
  const measured = (a: Arrival) => a.day >= world.warmupDays;
  const closing: OpenCase[][] = Array.from({ length: totalDays + 1 }, () => []);
  const open = (cm: SimCm, persons: number, endDay: number) => {
    cm.openCases++;
    cm.openPersons += persons;
    if (endDay <= totalDays) closing[Math.max(0, endDay)]!.push({ cm, persons });
  };
  for (const c of world.initialCases) open(cms[c.cmIndex]!, c.persons, c.endDay);

  const arrivalsByDay: Arrival[][] = Array.from({ length: totalDays }, () => []);
  for (const a of world.arrivals) arrivalsByDay[a.day]!.push(a);

  const byId = new Map(cms.map((c) => [c.id, c]));
  let waiting: Waiting[] = [];
  const lastPickedAt = new Map<string, number>();
  let pickSeq = 0;
  const recentAssignments: Date[] = [];
  const stats: Stats = {
    arrived: 0,
    referred: 0,
    reneged: 0,
    waits: [],
    languageMatch: 0,
    ownLanguageMatch: 0,
    districtMatch: 0,
    urgentArrived: 0,
    urgentFast: 0,
    etaKnown: 0,
    etaHit: 0,
    ratioSum: 0,
    maxOver: 0,
  };

  for (let day = 0; day < totalDays; day++) {
    const now = dayDate(day, 12);
    for (const c of closing[day]!) {
      c.cm.openCases--;
      c.cm.openPersons -= c.persons;
    }
    const available = (cm: SimCm) => !isAbsentOn(cm, day);

    // arrivals: triage, referrals leave the simulation
    const arrivals = arrivalsByDay[day]!;
    arrivals.forEach((a, k) => {
      const outcome = triage(a.answers as IntakeAnswers, DEFAULT_TRIAGE_RULES, now);
      if (measured(a)) stats.arrived++;
      if (outcome.route === "referral") {
        if (measured(a)) stats.referred++;
        return;
      }
      // an urgent client needs two days left in the run to be counted either way
      const countsForUrgent = outcome.urgent && measured(a) && day <= totalDays - 3;
      if (countsForUrgent) stats.urgentArrived++;
      waiting.push({
        id: a.client.id,
        basePriority: outcome.priority,
        urgent: outcome.urgent,
        enqueuedAt: dayDate(day, 8 + k / 60),
        arrival: a,
        countsForUrgent,
        eta: undefined,
      });
    });
    // clients who found help elsewhere, moved away or gave up
    waiting = waiting.filter((w) => {
      if (w.arrival.day + w.arrival.patienceDays > day) return true;
      if (measured(w.arrival)) stats.reneged++;
      return false;
    });

    const ordered = order(waiting, now);
    issueEtas(ordered, cms, available, recentAssignments, now);

    // assignment, best priority first; a client nobody can take stays and the next one is tried
    const assigned = new Set<string>();
    let freeSomewhere = cms.some((cm) => available(cm) && cm.openCases < cm.capCases);
    for (const w of ordered) {
      if (!freeSomewhere) break;
      const cm = choose(opts.strategy, w.arrival.client, cms, byId, now, policy, lastPickedAt);
      if (!cm) continue;
      open(cm, w.arrival.client.persons, day + w.arrival.durationDays);
      lastPickedAt.set(cm.id, pickSeq++);
      assigned.add(w.id);
      recentAssignments.push(now);
      if (measured(w.arrival)) recordAssignment(stats, w, cm, day);
      freeSomewhere = cms.some((c) => available(c) && c.openCases < c.capCases);
    }
    if (assigned.size > 0) waiting = waiting.filter((w) => !assigned.has(w.id));
    while (recentAssignments.length > 0 && recentAssignments[0]!.getTime() <= now.getTime() - 28 * DAY_MS) {
      recentAssignments.shift();
    }

    if (day >= world.warmupDays) stats.ratioSum += loadRatio(cms);
    for (const cm of cms) {
      stats.maxOver = Math.max(stats.maxOver, cm.openCases - cm.capCases);
      if (policy.usePersons) stats.maxOver = Math.max(stats.maxOver, cm.openPersons - cm.capPersons);
    }
  }

  const sortedWaits = [...stats.waits].sort((a, b) => a - b);
  const assignedCount = stats.waits.length;
  const rate = (n: number, d: number) => (d === 0 ? 0 : round(n / d, 3));
  return {
    strategy: opts.strategy,
    scale: world.scale,
    days: world.days,
    caseManagers: cms.length,
    totalFte: cms.reduce((n, c) => n + c.fte, 0),
    arrived: stats.arrived,
    referred: stats.referred,
    assigned: assignedCount,
    reneged: stats.reneged,
    waitingAtEnd: waiting.length,
    waitMedianDays: quantile(sortedWaits, 0.5),
    waitP90Days: quantile(sortedWaits, 0.9),
    languageMatchRate: rate(stats.languageMatch, assignedCount),
    ownLanguageMatchRate: rate(stats.ownLanguageMatch, assignedCount),
    districtMatchRate: rate(stats.districtMatch, assignedCount),
    loadMaxMinRatio: round(stats.ratioSum / Math.max(1, world.days), 3),
    urgentWithin48hRate: rate(stats.urgentFast, stats.urgentArrived),
    etaWithinRangeRate: rate(stats.etaHit, stats.etaKnown),
    maxOverCapacity: Math.max(0, stats.maxOver),
  };
}

function choose(
  strategy: Strategy,
  client: MatchClient,
  cms: SimCm[],
  byId: ReadonlyMap<string, SimCm>,
  now: Date,
  policy: MatchPolicy,
  lastPickedAt: ReadonlyMap<string, number>,
): SimCm | null {
  const ctx = { client, now, policy };
  switch (strategy) {
    case "ours": {
      const r = rankCandidates(client, cms, { now, policy, agencyLoads: agencyLoadsOf(cms) });
      return r.chosen === null ? null : (byId.get(r.chosen.cmId) ?? null);
    }
    case "round_robin":
      return pickRoundRobin(cms, { lastPickedAt }, ctx) as SimCm | null;
    case "fewest_open":
      return pickFewestOpen(cms, ctx) as SimCm | null;
  }
}

/** The ETA a client would be shown on the day they joined the list. */
function issueEtas(
  ordered: Waiting[],
  cms: SimCm[],
  available: (cm: SimCm) => boolean,
  recentAssignments: Date[],
  now: Date,
): void {
  if (!ordered.some((w) => w.eta === undefined)) return;
  let freeSlots = 0;
  for (const cm of cms) if (available(cm)) freeSlots += Math.max(0, cm.capCases - cm.openCases);
  const throughput = measureThroughput(recentAssignments, now, 28, new Date(START));
  ordered.forEach((w, i) => {
    if (w.eta !== undefined) return;
    w.eta = estimateWait({
      position: i + 1,
      throughputPerDay: throughput,
      freeSlotsNow: freeSlots,
      now,
    }).etaDays;
  });
}

function recordAssignment(stats: Stats, w: Waiting, cm: SimCm, day: number): void {
  const wait = day - w.arrival.day;
  stats.waits.push(wait);
  const langs = w.arrival.client.languages;
  const own = langs.some((l) => l !== "de" && cm.languages.includes(l));
  if (own) stats.ownLanguageMatch++;
  if (own || (langs.includes("de") && cm.languages.includes("de"))) stats.languageMatch++;
  if (cm.localDistrictIds.includes(w.arrival.client.districtId)) stats.districtMatch++;
  if (w.countsForUrgent && wait <= 2) stats.urgentFast++;
  if (w.eta) {
    stats.etaKnown++;
    if (wait >= w.eta.low && wait <= w.eta.high) stats.etaHit++;
  }
}

function isAbsentOn(cm: SimCm, day: number): boolean {
  for (const [from, to] of cm.absentDays) if (from <= day && day < to) return true;
  return false;
}

function loadRatio(cms: readonly SimCm[]): number {
  let max = 0;
  let min = Number.POSITIVE_INFINITY;
  for (const cm of cms) {
    const perFte = cm.openCases / cm.fte;
    if (perFte > max) max = perFte;
    if (perFte < min) min = perFte;
  }
  return max / Math.max(1, min);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------------------------------
// Public entry points

export function simulate(opts: SimOptions): SimMetrics {
  const policy: MatchPolicy = { ...DEFAULT_MATCH_POLICY, usePersons: opts.usePersons ?? false };
  return runWorld(generateWorld(opts, policy), opts);
}

/** The three strategies on the identical world. */
export function compareStrategies(opts: Omit<SimOptions, "strategy">): Record<Strategy, SimMetrics> {
  const policy: MatchPolicy = { ...DEFAULT_MATCH_POLICY, usePersons: opts.usePersons ?? false };
  const world = generateWorld(opts, policy);
  return {
    ours: runWorld(world, { ...opts, strategy: "ours" }),
    round_robin: runWorld(world, { ...opts, strategy: "round_robin" }),
    fewest_open: runWorld(world, { ...opts, strategy: "fewest_open" }),
  };
}

// ---------------------------------------------------------------------------------------
// CLI

function formatTable(results: Record<Strategy, SimMetrics>): string {
  const keys = [
    "assigned",
    "waitingAtEnd",
    "reneged",
    "waitMedianDays",
    "waitP90Days",
    "languageMatchRate",
    "ownLanguageMatchRate",
    "districtMatchRate",
    "loadMaxMinRatio",
    "urgentWithin48hRate",
    "etaWithinRangeRate",
    "maxOverCapacity",
  ] as const satisfies readonly (keyof SimMetrics)[];
  const head = ["metric".padEnd(22), ...STRATEGIES.map((s) => s.padStart(12))].join("");
  const rows = keys.map((k) =>
    [k.padEnd(22), ...STRATEGIES.map((s) => String(results[s][k]).padStart(12))].join(""),
  );
  return [head, ...rows].join("\n");
}

function main(argv: readonly string[]): void {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const days = Number(arg("--days") ?? 365);
  const seed = Number(arg("--seed") ?? 1);
  const usePersons = argv.includes("--persons");
  const warmupDays = Number(arg("--warmup") ?? 365);
  const demandFactor = Number(arg("--demand") ?? 1.1);
  const agingPointsPerDay = Number(arg("--aging") ?? 1);
  const out: Record<string, Record<Strategy, SimMetrics>> = {};
  for (const scale of [1, 10] as const) {
    const t0 = performance.now();
    const r = compareStrategies({
      scale,
      days,
      seed,
      usePersons,
      warmupDays,
      demandFactor,
      agingPointsPerDay,
    });
    const ms = Math.round(performance.now() - t0);
    const { caseManagers, totalFte, arrived, referred } = r.ours;
    console.log(
      `\nscale ×${scale}: ${caseManagers} case managers, ${totalFte} FTE, ${days} days after ${warmupDays} warm-up, ` +
        `seed ${seed}, demand ×${demandFactor}, ageing ${agingPointsPerDay}/day, ${arrived} arrivals (${referred} referred)` +
        `${usePersons ? ", persons binding" : ""} — ${ms} ms`,
    );
    console.log(formatTable(r));
    out[`x${scale}`] = r;
  }
  const file = arg("--out");
  if (file) writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
