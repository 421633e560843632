// npm run bench [-- --quick]
//
// 1. assignment.*     the pure decision: rankCandidates over every case manager, per waiting client
// 2. assignment_db.*  the full transactional assign (locks, re-check, decision record, audit) against
//                     real Postgres in a throwaway schema, sequential and with parallel workers
// 3. sim.*            bench/simulate.ts: ours vs round robin vs fewest open, Bielefeld size and ×10
// 4. mem.*            resident set size after each phase
// 5. report.*         bench/report.ts: the committee report over a synthetic year of 10,000 cases
//                     (aggregate internal and public, Markdown, CSV, HTML, xlsx), pure
//
// Prints a table and writes bench/results.json (flat: one key per figure). The full run takes a few
// minutes on 2 cores; --quick uses smaller sizes and the same keys.
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { type DbHandle, openDb } from "../src/db/client.ts";
import {
  agencyLoadsOf,
  DEFAULT_MATCH_POLICY,
  rankCandidates,
} from "../src/modules/matching/pick-assignee.ts";
import type { MatchCandidate, MatchClient } from "../src/modules/matching/types.ts";
import { createTestDb } from "../test/support/db.ts";
import ensureTestDatabase from "../test/support/global-setup.ts";
import { benchBatch } from "./batch.ts";
import {
  benchOrg,
  dbUrl,
  quantile,
  type SynthClient,
  seed,
  serviceOn,
  synthClients,
  synthTeam,
} from "./fixtures.ts";
import { benchIntake } from "./intake.ts";
import { benchPacing } from "./pacing.ts";
import { benchReminders } from "./reminders.ts";
import { benchReport } from "./report.ts";
import { benchScale } from "./scale.ts";
import { compareStrategies, type SimMetrics, STRATEGIES } from "./simulate.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: "bench/results.json" },
    seed: { type: "string", default: "1" },
    /** comma list of sections to run: pure,db,batch,sim,report,reminders,intake,pacing,scale (default all) */
    only: { type: "string", default: "" },
    "batch-size": { type: "string" },
  },
});
const ONLY = new Set((args.only ?? "").split(",").filter(Boolean));
const runs = (section: string) => ONLY.size === 0 || ONLY.has(section);
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

async function benchDb(): Promise<void> {
  await ensureTestDatabase();
  const db = await createTestDb("bench");
  const extra: DbHandle[] = [];
  try {
    const team = synthTeam(SIZES.dbCms, Number(args.seed) + 3);
    const org = benchOrg(team);
    const t0 = performance.now();
    const caseIds = await seed(db, org, team, SIZES.dbWaiting, Number(args.seed) + 2);
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
  put("bench.memory_gb", totalmem() / 1024 ** 3);
  put("bench.loadavg_start", loadavg()[0]!);
  mem("start");
  if (runs("pure")) benchPure();
  mem("assignment_pure");
  if (runs("db") || runs("batch")) await ensureTestDatabase();
  if (runs("db")) await benchDb();
  if (runs("batch")) {
    put("bench.loadavg_batch_start", loadavg()[0]!);
    await benchBatch({
      quick: QUICK,
      seed: Number(args.seed),
      ...(args["batch-size"] ? { batchSize: Number(args["batch-size"]) } : {}),
      put,
    });
    put("bench.loadavg_batch_end", loadavg()[0]!);
    mem("assign_batch");
  }
  const simLines = runs("sim") ? benchSim() : [];
  // the committee report (its own section, bench/report.ts)
  if (runs("report")) {
    for (const [k, v] of Object.entries(await benchReport({ quick: QUICK }))) put(k, v);
    mem("report");
  }
  // reminders last: they need the machine quiet for their lateness figures
  if (runs("reminders"))
    for (const [k, v] of Object.entries(await benchReminders({ quick: QUICK }))) put(k, v);
  mem("reminders");
  // intake (14.2) and outbound pacing (14.3): bench/intake.ts, bench/pacing.ts
  if (runs("intake")) for (const [k, v] of Object.entries(await benchIntake({ quick: QUICK }))) put(k, v);
  if (runs("pacing")) for (const [k, v] of Object.entries(await benchPacing({ quick: QUICK }))) put(k, v);
  mem("intake_pacing");
  // worker processes, 1 vs 3 (14.4): bench/scale.ts; separate processes, so last
  if (runs("scale"))
    for (const [k, v] of Object.entries(await benchScale({ intakes: QUICK ? 100 : 400 }))) put(k, v);
  put("bench.loadavg_end", loadavg()[0]!);
  put("bench.total_s", (performance.now() - started) / 1000);
  put("bench.quick", QUICK ? 1 : 0);

  const p99 = results["assignment.p99_ms"] ?? Number.NaN;
  const perS = results["assignment.per_s"] ?? Number.NaN;
  const dbP99 = results["assignment_db.p99_ms"] ?? Number.NaN;
  const dbPerS = Math.max(
    results["assignment_db.per_s"] ?? Number.NaN,
    results["assignment_db.parallel_per_s"] ?? Number.NaN,
  );
  const bP99 = results.assign_p99_ms ?? Number.NaN;
  const bPerS = results.assign_per_s ?? Number.NaN;
  if (bP99 > 0 && results.assign_p99_ms_before !== undefined) {
    put("assign_p99_ratio", bP99 / results.assign_p99_ms_before);
    put("assign_per_s_ratio", bPerS / (results.assign_per_s_before ?? Number.NaN));
  }
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? "n/a" : `${round(a / b)}×`;
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
    ...(results["assignment.p99_ms"] !== undefined
      ? [
          `  pure decision, ${results["assignment.case_managers"]} case managers × ${results["assignment.clients"]} clients: p99 ${p99} ms ${verdict(p99 <= 20)}, ${Math.round(perS)}/s ${verdict(perS >= 1000)}`,
        ]
      : []),
    ...(results["assignment_db.p99_ms"] !== undefined
      ? [
          `  transactional assign, ${results["assignment_db.case_managers"]} case managers, ${results["assignment_db.waiting"]} waiting: p99 ${dbP99} ms ${verdict(dbP99 <= 20)}, ${Math.round(dbPerS)}/s ${verdict(dbPerS >= 1000)}`,
        ]
      : []),
    ...(results.assign_p99_ms !== undefined
      ? [
          `  batched assign (issue 14.1), ${results["assign_batch.case_managers"]} case managers in ${results["assign_batch.agencies"]} agencies, ${results["assign_batch.waiting"]} waiting, batches of ${results["assign_batch.batch_size"]}: p99 ${bP99} ms per assignment (its batch's wall time) ${verdict(bP99 <= 20)}, amortised p99 ${results.assign_amortised_p99_ms} ms ${verdict((results.assign_amortised_p99_ms ?? Number.NaN) <= 20)}; ${Math.round(bPerS)}/s ${verdict(bPerS >= 1000)}`,
        ]
      : []),
    ...(results.assign_p99_ms !== undefined
      ? [
          `    vs per-case before (same run, same data): p99 ${results.assign_p99_ms_before} ms, ${Math.round(results.assign_per_s_before ?? Number.NaN)}/s; ratios batch/before: p99 ${ratio(bP99, results.assign_p99_ms_before)}, amortised p99 ${ratio(results.assign_amortised_p99_ms, results.assign_p99_ms_before)}, per second ${ratio(bPerS, results.assign_per_s_before)}`,
        ]
      : []),
    ...(results.assign_p99_ms !== undefined
      ? [
          `    ${results["assign_batch.parallel_workers"]} parallel batch runners: ${Math.round(results.assign_parallel_per_s ?? Number.NaN)}/s; checks: over capacity ${results["assign_batch.over_capacity"]}, double assigned ${results["assign_batch.double_assigned"]}, without decision record ${results["assign_batch.without_decision"]}, offered to someone absent ${results["assign_batch.absent_assigned"]}`,
        ]
      : []),
    ...(results["reminders.delivered"] !== undefined
      ? [
          `  reminders, ${results["reminders.delivered"]} delivered across a worker restart: p99 ${results["reminders.p99_late_ms"]} ms late ${verdict(results["reminders.p99_late_ms"]! <= 1000)}, lost ${results["reminders.lost"]} ${verdict(results["reminders.lost"] === 0)}`,
        ]
      : []),
    ...(results.intake_updates_per_s !== undefined
      ? [
          `  intake, ${results.intake_chats} chats: ${Math.round(results.intake_updates_per_s!)} updates/s ${verdict(results.intake_updates_per_s! >= 500)}, p99 ${results.intake_p99_ms} ms ${verdict(results.intake_p99_ms! <= 100)}, lost ${results.intake_lost} / duplicated ${results.intake_duplicated} ${verdict(results.intake_lost === 0 && results.intake_duplicated === 0 && results.intake_out_of_order_chats === 0)}`,
        ]
      : []),
    ...(results.tg_out_n !== undefined
      ? [
          `  outbound, ${results.tg_out_n} notifications: ${results.tg_out_per_s}/s of ${results.tg_out_allowed_per_s}/s allowed (ratio ${results.tg_out_ratio}) ${verdict(results.tg_out_ratio! >= 0.9)}, ${results.tg_429_steady} × 429 in steady state ${verdict(results.tg_429_steady === 0)}`,
        ]
      : []),
    ...(results.scale_3x_ratio !== undefined
      ? [
          `  worker processes, ${results["scale.intakes"]} intakes (triage + assignment): 1 worker ${round(results["scale.1_worker_per_s"]!)}/s, 3 workers ${round(results["scale.3_workers_per_s"]!)}/s, ratio ${round(results.scale_3x_ratio)}× ${verdict(results.scale_3x_ratio >= 1.8)} (on ${results["bench.cores"]} cores, Postgres and Redis on the same cores)`,
        ]
      : []),
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
