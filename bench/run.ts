// npm run bench [-- --quick]
//
// 1. assignment.*     the pure decision: rankCandidates over every case manager, per waiting client
// 2. assignment_db.*  the full transactional assign (locks, re-check, decision record, audit) against
//                     real Postgres in a throwaway schema, sequential and with parallel workers
// 3. sim.*            bench/simulate.ts: ours vs round robin vs fewest open, Bielefeld size and ×10
// 4. mem.*            resident set size after each phase
//
// Prints a table and writes bench/results.json (flat: one key per figure). The full run takes a few
// minutes on 2 cores; --quick uses smaller sizes and the same keys.
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DEFAULT_POLICY, type Organisation } from "../src/config/org.schema.ts";
import { type DbHandle, openDb } from "../src/db/client.ts";
import { silentLogger } from "../src/lib/logger.ts";
import type { SpokenLanguage, Topic } from "../src/modules/intake/answers.ts";
import { AssignmentService } from "../src/modules/matching/assignment.service.ts";
import { nullJobs } from "../src/modules/matching/deps.ts";
import {
  agencyLoadsOf,
  DEFAULT_MATCH_POLICY,
  rankCandidates,
} from "../src/modules/matching/pick-assignee.ts";
import type { MatchCandidate, MatchClient } from "../src/modules/matching/types.ts";
import { LogStaffNotifier } from "../src/modules/notify/log-staff-notifier.ts";
import { RecordingClientNotifier } from "../src/modules/notify/recording-notifier.ts";
import { createTestDb, type TestDb } from "../test/support/db.ts";
import ensureTestDatabase from "../test/support/global-setup.ts";
import { benchIntake } from "./intake.ts";
import { benchPacing } from "./pacing.ts";
import { benchReminders } from "./reminders.ts";
import { compareStrategies, type SimMetrics, STRATEGIES } from "./simulate.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: "bench/results.json" },
    seed: { type: "string", default: "1" },
  },
});
const QUICK = args.quick ?? false;
const SIZES = QUICK
  ? {
      pureCms: 1000,
      pureClients: 2000,
      dbCms: 300,
      dbWaiting: 2000,
      dbSeq: 200,
      dbWorkers: 4,
      dbPerWorker: 50,
      simDays: 180,
      simWarmup: 180,
    }
  : {
      pureCms: 1000,
      pureClients: 10_000,
      dbCms: 1000,
      dbWaiting: 10_000,
      dbSeq: 1500,
      dbWorkers: 4,
      dbPerWorker: 400,
      simDays: 365,
      simWarmup: 365,
    };

const results: Record<string, number> = {};
const put = (key: string, value: number) => {
  results[key] = Math.round(value * 1000) / 1000;
};
const rssMb = () => process.memoryUsage().rss / 1_048_576;
const mem = (phase: string) => put(`mem.${phase}.rss_mb`, rssMb());

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

// ───────────────────────────── a synthetic team and wait list ─────────────────────────────

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const DISTRICTS = [
  "mitte",
  "brackwede",
  "dornberg",
  "gadderbaum",
  "heepen",
  "joellenbeck",
  "schildesche",
  "senne",
  "sennestadt",
  "stieghorst",
];
const CM_LANGS: SpokenLanguage[][] = [
  ["de", "ar", "en"],
  ["de", "ku", "ar"],
  ["de", "fa", "en"],
  ["de", "ru", "uk"],
  ["de", "tr", "ku"],
  ["de", "ar", "fr"],
  ["de", "en"],
  ["de", "pl", "ru"],
  ["de", "bg", "tr"],
  ["de", "ro", "en"],
];
const CLIENT_LANGS: SpokenLanguage[][] = [
  ["ar"],
  ["ar", "de"],
  ["ku", "ar"],
  ["fa"],
  ["uk", "ru"],
  ["tr"],
  ["ru"],
  ["bg"],
  ["ro"],
  ["pl"],
  ["ti"],
  ["de"],
];
const TOPIC_LIST: Topic[] = [
  "education_language",
  "work",
  "housing",
  "health",
  "livelihood",
  "residence",
  "family",
  "leisure",
];
const AGENCIES = ["social-office", "drk", "awo"];
const FTES = [1, 1, 1, 0.75, 0.5];

interface SynthCm {
  id: string;
  agencyId: string;
  fte: number;
  languages: SpokenLanguage[];
  districts: string[];
  topics: Topic[];
}
function synthTeam(n: number, seed: number): SynthCm[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `cm-${String(i).padStart(4, "0")}`,
    agencyId: AGENCIES[i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2]!,
    fte: pick(r, FTES),
    languages: pick(r, CM_LANGS),
    districts: r() < 0.6 ? [pick(r, DISTRICTS)] : [],
    topics: [pick(r, TOPIC_LIST), pick(r, TOPIC_LIST)].filter((t, k, a) => a.indexOf(t) === k),
  }));
}
interface SynthClient {
  districtId: string;
  languages: SpokenLanguage[];
  topics: Topic[];
  persons: number;
  urgent: boolean;
}
function synthClients(n: number, seed: number): SynthClient[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({
    districtId: pick(r, DISTRICTS),
    languages: pick(r, CLIENT_LANGS),
    topics: TOPIC_LIST.filter(() => r() < 0.3)
      .slice(0, 3)
      .concat(r() < 0.5 ? ["work"] : [])
      .filter((t, k, a) => a.indexOf(t) === k),
    persons: r() < 0.36 ? 1 : 2 + Math.floor(r() * 5),
    urgent: r() < 0.08,
  }));
}

// ───────────────────────────── 1. the pure decision ─────────────────────────────

function benchPure(): void {
  const team = synthTeam(SIZES.pureCms, Number(args.seed));
  const clients = synthClients(SIZES.pureClients, Number(args.seed) + 1);
  const cands: (MatchCandidate & { openCases: number; openPersons: number })[] = team.map((t) => ({
    id: t.id,
    agencyId: t.agencyId,
    active: true,
    fte: t.fte,
    absences: [],
    languages: t.languages,
    regionIds: ["bielefeld"],
    localDistrictIds: t.districts,
    topics: t.topics,
    openCases: 0,
    openPersons: 0,
  }));
  const now = new Date("2026-03-02T09:00:00Z");
  const times: number[] = [];
  let assigned = 0;
  // warm-up so the JIT has compiled the ranking before we time it
  for (let i = 0; i < 200; i++)
    rankCandidates(toMatchClient(clients[i]!, i), cands, { now, policy: DEFAULT_MATCH_POLICY });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < clients.length; i++) {
    const client = toMatchClient(clients[i]!, i);
    const s = performance.now();
    const r = rankCandidates(client, cands, {
      now,
      policy: DEFAULT_MATCH_POLICY,
      agencyLoads: agencyLoadsOf(cands),
    });
    times.push(performance.now() - s);
    const chosen = r.chosen ? cands.find((c) => c.id === r.chosen!.cmId) : undefined;
    if (chosen) {
      chosen.openCases++;
      chosen.openPersons += client.persons;
      assigned++;
    }
  }
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  put("assignment.cpu_ms_per", (cpu.user + cpu.system) / 1000 / clients.length);
  put("assignment.clients", clients.length);
  put("assignment.case_managers", cands.length);
  put("assignment.assigned", assigned);
  put("assignment.p50_ms", quantile(times, 0.5));
  put("assignment.p99_ms", quantile(times, 0.99));
  put("assignment.max_ms", times[times.length - 1]!);
  put("assignment.per_s", (clients.length / total) * 1000);
}

function toMatchClient(c: SynthClient, i: number): MatchClient {
  return {
    id: `client-${i}`,
    districtId: c.districtId,
    regionId: "bielefeld",
    languages: c.languages,
    topics: c.topics,
    persons: c.persons,
    previousCmIds: [],
    excludeCmIds: [],
  };
}

// ───────────────────────────── 2. the transactional assign ─────────────────────────────

function benchOrg(team: SynthCm[]): Organisation {
  // built directly (not through the schema): the bench seeds the tables itself
  return {
    municipality: { id: "bench", name: "Bench", kind: "city", timezone: "Europe/Berlin" },
    regions: [{ id: "bielefeld", name: "Bielefeld", districts: DISTRICTS.map((id) => ({ id, name: id })) }],
    agencies: AGENCIES.map((id) => ({
      id,
      name: id.toUpperCase(),
      kind: id === "social-office" ? "municipal" : "welfare",
      regions: ["bielefeld"],
    })),
    offices: [],
    caseManagers: team.map((t) => ({
      id: t.id,
      name: `Bench ${t.id}`,
      agency: t.agencyId,
      slackUserId: `U${t.id.replace(/\D/g, "").padStart(8, "0")}`,
      fte: t.fte,
      languages: t.languages,
      regions: ["bielefeld"],
      districts: t.districts,
      topics: t.topics,
      teamLead: false,
      coordinator: false,
      office: "none",
      active: true,
      availability: [],
    })),
    policy: { ...DEFAULT_POLICY, regionBound: false },
    triage: {
      referralForExistingSupport: {
        sgb2: "jobcenter",
        sgb3: "employment-agency",
        sgb8: "youth-welfare",
        mbe: "continue",
        jmd: "continue",
      },
      simpleTopicReferral: {},
      urgencyWeights: { eviction: 20, health_emergency: 20, benefits_loss: 15, authority_deadline: 10 },
      householdWeightPerPerson: 1,
      vulnerabilityPoints: 5,
    },
    referralTargets: [],
    deepLinks: [],
    relay: {},
  };
}

async function seed(db: TestDb, org: Organisation, team: SynthCm[], waiting: number): Promise<string[]> {
  const p = db.prisma;
  await p.region.create({ data: { id: "bielefeld", name: "Bielefeld" } });
  await p.district.createMany({ data: DISTRICTS.map((id) => ({ id, name: id, regionId: "bielefeld" })) });
  await p.agency.createMany({
    data: org.agencies.map((a) => ({ id: a.id, name: a.name, kind: a.kind, regionIds: a.regions })),
  });
  await p.caseManager.createMany({
    data: org.caseManagers.map((c) => ({
      id: c.id,
      name: c.name,
      agencyId: c.agency,
      slackUserId: c.slackUserId,
      fte: c.fte,
      languages: c.languages,
      regionIds: c.regions,
      localDistrictIds: c.districts,
      topics: c.topics,
    })),
  });
  // a few absences, as in real life
  await p.absence.createMany({
    data: team
      .filter((_, i) => i % 40 === 0)
      .map((t) => ({
        cmId: t.id,
        from: new Date("2026-02-20T00:00:00Z"),
        to: new Date("2026-03-10T00:00:00Z"),
      })),
  });
  const clients = synthClients(waiting, Number(args.seed) + 2);
  const base = new Date("2026-01-01T00:00:00Z").getTime();
  const ids = {
    client: [] as string[],
    intake: [] as string[],
    case: [] as string[],
  };
  const uuid = () => crypto.randomUUID();
  for (let i = 0; i < waiting; i++) {
    ids.client.push(uuid());
    ids.intake.push(uuid());
    ids.case.push(uuid());
  }
  const CHUNK = 2000;
  for (let from = 0; from < waiting; from += CHUNK) {
    const range = Array.from({ length: Math.min(CHUNK, waiting - from) }, (_, k) => from + k);
    await p.client.createMany({
      data: range.map((i) => ({ id: ids.client[i]!, locale: "de", pseudonym: `K-B${i}` })),
    });
    await p.intake.createMany({
      data: range.map((i) => {
        const c = clients[i]!;
        return {
          id: ids.intake[i]!,
          clientId: ids.client[i]!,
          referenceCode: `BE-${i}`,
          household: c.persons > 1 ? ("family" as const) : ("single" as const),
          adults: 1,
          children: c.persons - 1,
          districtId: c.districtId,
          topics: c.topics,
          urgency: c.urgent ? ["eviction"] : [],
          languages: c.languages,
          existingSupport: [],
          contactModes: ["in_person"],
          timesOfDay: ["morning"],
          submittedAt: new Date(base + i * 60_000),
        };
      }),
    });
    await p.case.createMany({
      data: range.map((i) => ({
        id: ids.case[i]!,
        clientId: ids.client[i]!,
        intakeId: ids.intake[i]!,
        referenceCode: `BE-${i}`,
        persons: clients[i]!.persons,
        districtId: clients[i]!.districtId,
        regionId: "bielefeld",
      })),
    });
    await p.waitlistEntry.createMany({
      data: range.map((i) => ({
        clientId: ids.client[i]!,
        intakeId: ids.intake[i]!,
        basePriority: clients[i]!.urgent ? 25 : 2,
        enqueuedAt: new Date(base + i * 60_000),
      })),
    });
  }
  await db.sql.query("ANALYZE");
  return ids.case;
}

function serviceOn(db: DbHandle, org: Organisation, now: Date): AssignmentService {
  return new AssignmentService({
    db: db.prisma,
    org,
    jobs: nullJobs,
    clients: new RecordingClientNotifier(),
    staff: new LogStaffNotifier(silentLogger),
    log: silentLogger,
    now: () => now,
  });
}

async function benchDb(): Promise<void> {
  await ensureTestDatabase();
  const db = await createTestDb("bench");
  const extra: DbHandle[] = [];
  try {
    const team = synthTeam(SIZES.dbCms, Number(args.seed) + 3);
    const org = benchOrg(team);
    const t0 = performance.now();
    const caseIds = await seed(db, org, team, SIZES.dbWaiting);
    put("assignment_db.seed_s", (performance.now() - t0) / 1000);
    put("assignment_db.case_managers", team.length);
    put("assignment_db.waiting", caseIds.length);
    const now = new Date("2026-03-02T09:00:00Z");
    const svc = serviceOn(db, org, now);

    // warm-up: connections, prepared plans, JIT
    for (const id of caseIds.slice(0, 20)) await svc.assign(id, "manual");
    mem("assignment_db_seeded");
    const seq = caseIds.slice(20, 20 + SIZES.dbSeq);
    const times: number[] = [];
    let ok = 0;
    const c0 = process.cpuUsage();
    const s0 = performance.now();
    for (const id of seq) {
      const s = performance.now();
      const r = await svc.assign(id, "manual");
      times.push(performance.now() - s);
      if (r.ok) ok++;
    }
    const seqMs = performance.now() - s0;
    const cpu = process.cpuUsage(c0);
    times.sort((a, b) => a - b);
    // CPU of this process only (Prisma, ranking, JSON); Postgres runs in its own processes
    put("assignment_db.node_cpu_ms_per", (cpu.user + cpu.system) / 1000 / seq.length);
    put("assignment_db.recounts", svc.recounts);
    put("assignment_db.n", seq.length);
    put("assignment_db.assigned", ok);
    put("assignment_db.p50_ms", quantile(times, 0.5));
    put("assignment_db.p99_ms", quantile(times, 0.99));
    put("assignment_db.max_ms", times[times.length - 1]!);
    put("assignment_db.per_s", (seq.length / seqMs) * 1000);
    mem("assignment_db_sequential");

    // parallel workers, each with its own connection pool (as separate processes would have)
    const start = 20 + SIZES.dbSeq;
    for (let w = 0; w < SIZES.dbWorkers; w++)
      extra.push(await openDb({ kind: "postgres", url: dbUrl(), schema: db.schema }));
    const p0 = performance.now();
    const counts = await Promise.all(
      extra.map(async (h, w) => {
        const s = serviceOn(h, org, now);
        let n = 0;
        for (let k = 0; k < SIZES.dbPerWorker; k++) {
          const id = caseIds[start + k * SIZES.dbWorkers + w];
          if (id && (await s.assign(id, "manual")).ok) n++;
        }
        return n;
      }),
    );
    const parMs = performance.now() - p0;
    const parTotal = counts.reduce((a, b) => a + b, 0);
    put("assignment_db.parallel_workers", SIZES.dbWorkers);
    put("assignment_db.parallel_per_s", (parTotal / parMs) * 1000);
    const over = await db.sql.query(`
      SELECT count(*)::int AS n FROM (
        SELECT c."cmId" FROM "Case" c WHERE c.phase NOT IN ('waiting','closed') GROUP BY c."cmId"
        HAVING count(*) > (SELECT GREATEST(1, floor(cm.fte * 26 + 0.5)) FROM "CaseManager" cm WHERE cm.id = c."cmId")) x`);
    const doubled = await db.sql.query(
      `SELECT count(*)::int AS n FROM (SELECT "caseId" FROM "Assignment" WHERE status = 'pending' GROUP BY "caseId" HAVING count(*) > 1) x`,
    );
    put("assignment_db.over_capacity_cms", over.rows[0].n);
    put("assignment_db.double_assigned_cases", doubled.rows[0].n);
    mem("assignment_db_parallel");
  } finally {
    await Promise.all(extra.map((h) => h.close()));
    await db.drop();
  }
}

const dbUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";

// ───────────────────────────── 3. the simulation ─────────────────────────────

const SIM_FIGURES: [string, (m: SimMetrics) => number][] = [
  ["wait_median_days", (m) => m.waitMedianDays],
  ["wait_p90_days", (m) => m.waitP90Days],
  ["language_match", (m) => m.languageMatchRate],
  ["own_language_match", (m) => m.ownLanguageMatchRate],
  ["district_match", (m) => m.districtMatchRate],
  ["load_max_min_ratio", (m) => m.loadMaxMinRatio],
  ["urgent_within_48h", (m) => m.urgentWithin48hRate],
  ["eta_within_range", (m) => m.etaWithinRangeRate],
  ["assigned", (m) => m.assigned],
  ["max_over_capacity", (m) => m.maxOverCapacity],
];

function benchSim(): string[] {
  const lines: string[] = [];
  for (const [scale, name] of [
    [1, "bielefeld"],
    [10, "x10"],
  ] as const) {
    const t0 = performance.now();
    const r = compareStrategies({
      scale,
      days: SIZES.simDays,
      warmupDays: SIZES.simWarmup,
      seed: Number(args.seed),
    });
    put(`sim.${name}.ms`, performance.now() - t0);
    put(`sim.${name}.case_managers`, r.ours.caseManagers);
    for (const s of STRATEGIES) for (const [k, f] of SIM_FIGURES) put(`sim.${name}.${s}.${k}`, f(r[s]));
    lines.push(
      `\nsimulation ${name}: ${r.ours.caseManagers} case managers, ${r.ours.totalFte} FTE, ${SIZES.simDays} days after ${SIZES.simWarmup} warm-up, ${r.ours.arrived} arrivals`,
      `${"metric".padEnd(22)}${STRATEGIES.map((s) => s.padStart(13)).join("")}`,
      ...SIM_FIGURES.map(
        ([k, f]) => `${k.padEnd(22)}${STRATEGIES.map((s) => String(round(f(r[s]))).padStart(13)).join("")}`,
      ),
    );
    mem(`sim_${name}`);
  }
  return lines;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const started = performance.now();
  // other processes on the machine distort every latency figure: record how busy it was
  put("bench.cores", availableParallelism());
  put("bench.loadavg_start", loadavg()[0]!);
  mem("start");
  benchPure();
  mem("assignment_pure");
  await benchDb();
  const simLines = benchSim();
  // reminders last: they need the machine quiet for their lateness figures
  for (const [k, v] of Object.entries(await benchReminders({ quick: QUICK }))) put(k, v);
  mem("reminders");
  // intake (14.2) and outbound pacing (14.3): bench/intake.ts, bench/pacing.ts
  for (const [k, v] of Object.entries(await benchIntake({ quick: QUICK }))) put(k, v);
  for (const [k, v] of Object.entries(await benchPacing({ quick: QUICK }))) put(k, v);
  mem("intake_pacing");
  put("bench.loadavg_end", loadavg()[0]!);
  put("bench.total_s", (performance.now() - started) / 1000);
  put("bench.quick", QUICK ? 1 : 0);

  const p99 = results["assignment.p99_ms"]!;
  const perS = results["assignment.per_s"]!;
  const dbP99 = results["assignment_db.p99_ms"]!;
  const dbPerS = Math.max(results["assignment_db.per_s"]!, results["assignment_db.parallel_per_s"]!);
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const lines = [
    `anlauf bench${QUICK ? " (quick)" : ""}`,
    "",
    `${"figure".padEnd(40)}${"value".padStart(12)}`,
    ...Object.entries(results)
      .filter(([k]) => !k.startsWith("sim."))
      .map(([k, v]) => `${k.padEnd(40)}${String(v).padStart(12)}`),
    "",
    `targets (p99 ≤ 20 ms, ≥ 1000 assignments/s) on ${results["bench.cores"]} cores, load average ${results["bench.loadavg_start"]} → ${results["bench.loadavg_end"]}:`,
    `  pure decision, ${results["assignment.case_managers"]} case managers × ${results["assignment.clients"]} clients: p99 ${p99} ms ${verdict(p99 <= 20)}, ${Math.round(perS)}/s ${verdict(perS >= 1000)}`,
    `  transactional assign, ${results["assignment_db.case_managers"]} case managers, ${results["assignment_db.waiting"]} waiting: p99 ${dbP99} ms ${verdict(dbP99 <= 20)}, ${Math.round(dbPerS)}/s ${verdict(dbPerS >= 1000)}`,
    `  reminders, ${results["reminders.delivered"]} delivered across a worker restart: p99 ${results["reminders.p99_late_ms"]} ms late ${verdict(results["reminders.p99_late_ms"]! <= 1000)}, lost ${results["reminders.lost"]} ${verdict(results["reminders.lost"] === 0)}`,
    `  intake, ${results.intake_chats} chats: ${Math.round(results.intake_updates_per_s!)} updates/s ${verdict(results.intake_updates_per_s! >= 500)}, p99 ${results.intake_p99_ms} ms ${verdict(results.intake_p99_ms! <= 100)}, lost ${results.intake_lost} / duplicated ${results.intake_duplicated} ${verdict(results.intake_lost === 0 && results.intake_duplicated === 0 && results.intake_out_of_order_chats === 0)}`,
    `  outbound, ${results.tg_out_n} notifications: ${results.tg_out_per_s}/s of ${results.tg_out_allowed_per_s}/s allowed (ratio ${results.tg_out_ratio}) ${verdict(results.tg_out_ratio! >= 0.9)}, ${results.tg_429_steady} × 429 in steady state ${verdict(results.tg_429_steady === 0)}`,
    ...simLines,
  ];
  console.log(lines.join("\n"));
  writeFileSync(args.out!, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\nwrote ${args.out} (${Object.keys(results).length} figures) in ${Math.round(results["bench.total_s"]!)} s`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
