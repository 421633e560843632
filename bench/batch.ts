// Batched assignment (issue 14.1) against per-case assignment, same run, same data: 1,000 case
// managers in 20 agencies and 10,000 waiting (--quick: 300 and 3,000) in a throwaway schema.
//   before:   AssignmentService.assign, one transaction per case, sequential, the first cases in
//             wait-list order
//   batch:    AssignmentService.assignBatch in a loop (what pull and the sweep do), sequential
//   parallel: 4 batch runners, each with its own connection pool, until nothing is left waiting
// Latency of an assignment = wall time of the call that committed it (for a batch: the whole batch,
// every case in it waits for the one commit), so p99 is over assignments, not over calls. The
// amortised figure (batch time / its offers) is printed too. Afterwards SQL checks: nobody over
// capacity, no case with two open offers, every offer with its decision record.
import { type DbHandle, openDb } from "../src/db/client.ts";
import { DEFAULT_BATCH_SIZE } from "../src/modules/matching/batch-assign.service.ts";
import { waitingInOrder } from "../src/modules/waitlist/waitlist.repository.ts";
import { createTestDb } from "../test/support/db.ts";
import { benchOrg, dbUrl, evenAgencies, quantile, seed, serviceOn, synthTeam } from "./fixtures.ts";

export interface BatchBenchOptions {
  quick: boolean;
  seed: number;
  batchSize?: number;
  put: (key: string, value: number) => void;
}

export async function benchBatch(o: BatchBenchOptions): Promise<string[]> {
  const sizes = o.quick
    ? { cms: 300, agencies: 20, waiting: 3000, before: 200, batchCases: 1200, workers: 4 }
    : { cms: 1000, agencies: 20, waiting: 10_000, before: 1000, batchCases: 5000, workers: 4 };
  const size = o.batchSize ?? DEFAULT_BATCH_SIZE;
  const { put } = o;
  const db = await createTestDb("bench_batch");
  const extra: DbHandle[] = [];
  try {
    const team = synthTeam(sizes.cms, o.seed + 5, evenAgencies(sizes.agencies));
    const org = benchOrg(team);
    const t0 = performance.now();
    await seed(db, org, team, sizes.waiting, o.seed + 6);
    put("assign_batch.seed_s", (performance.now() - t0) / 1000);
    put("assign_batch.case_managers", team.length);
    put("assign_batch.agencies", sizes.agencies);
    put("assign_batch.waiting", sizes.waiting);
    put("assign_batch.batch_size", size);
    const now = new Date("2026-03-02T09:00:00Z");
    const svc = serviceOn(db, org, now);

    // before: per-case, in wait-list order (20 warm-up cases first: connections, plans, JIT)
    const ordered = (await waitingInOrder(db.prisma, org, now)).map((w) => w.caseId);
    for (const id of ordered.slice(0, 20)) await svc.assign(id, "sweep");
    const before: number[] = [];
    let beforeOk = 0;
    const b0 = performance.now();
    for (const id of ordered.slice(20, 20 + sizes.before)) {
      const s = performance.now();
      const r = await svc.assign(id, "sweep", { recordNoCandidate: false });
      before.push(performance.now() - s);
      if (r.ok) beforeOk++;
    }
    const beforeMs = performance.now() - b0;
    before.sort((a, b) => a - b);
    put("assign_batch.before_n", before.length);
    put("assign_batch.before_assigned", beforeOk);
    put("assign_p99_ms_before", quantile(before, 0.99));
    put("assign_per_s_before", (beforeOk / beforeMs) * 1000);

    // batch, sequential: one runner until batchCases offers
    const perAssignment: number[] = [];
    const amortised: number[] = [];
    const batchMs: number[] = [];
    let offers = 0;
    const c0 = process.cpuUsage();
    const s0 = performance.now();
    while (offers < sizes.batchCases) {
      const s = performance.now();
      const r = await svc.assignBatch(size, "sweep");
      const ms = performance.now() - s;
      if (r.offers.length === 0) break;
      offers += r.offers.length;
      batchMs.push(ms);
      amortised.push(ms / r.offers.length);
      for (let k = 0; k < r.offers.length; k++) perAssignment.push(ms);
    }
    const seqMs = performance.now() - s0;
    const cpu = process.cpuUsage(c0);
    perAssignment.sort((a, b) => a - b);
    amortised.sort((a, b) => a - b);
    batchMs.sort((a, b) => a - b);
    put("assign_batch.assigned", offers);
    put("assign_batch.batches", batchMs.length);
    put("assign_batch.node_cpu_ms_per", (cpu.user + cpu.system) / 1000 / Math.max(1, offers));
    put("assign_p99_ms", quantile(perAssignment, 0.99));
    put("assign_p50_ms", quantile(perAssignment, 0.5));
    put("assign_amortised_p99_ms", quantile(amortised, 0.99));
    put("assign_batch.max_ms", batchMs[batchMs.length - 1] ?? Number.NaN);
    put("assign_per_s", (offers / seqMs) * 1000);
    // per batch: where the time goes (commit = total minus the steps, incl. BEGIN/COMMIT round trips)
    const tm = svc.batchTimings;
    const nb = Math.max(1, batchMs.length);
    for (const k of ["claim", "lock", "state", "plan", "write"] as const)
      put(`assign_batch.ms_${k}`, tm[k] / nb);
    put("assign_batch.ms_tx_total", tm.total / nb);
    put("assign_batch.ms_call", seqMs / nb);

    // parallel batch runners over everything still waiting
    for (let w = 0; w < sizes.workers; w++)
      extra.push(await openDb({ kind: "postgres", url: dbUrl(), schema: db.schema }));
    const p0 = performance.now();
    const parTimes: number[] = [];
    const counts = await Promise.all(
      extra.map(async (h) => {
        const s = serviceOn(h, org, now);
        let n = 0;
        for (;;) {
          const t = performance.now();
          const r = await s.assignBatch(size, "sweep");
          const ms = performance.now() - t;
          for (let k = 0; k < r.offers.length; k++) parTimes.push(ms);
          n += r.offers.length;
          if (r.claimed === 0 || r.freeSlotsAfter <= 0) return n;
        }
      }),
    );
    const parMs = performance.now() - p0;
    const parTotal = counts.reduce((a, b) => a + b, 0);
    parTimes.sort((a, b) => a - b);
    put("assign_batch.parallel_workers", sizes.workers);
    put("assign_batch.parallel_assigned", parTotal);
    put("assign_parallel_per_s", (parTotal / parMs) * 1000);
    put("assign_parallel_p99_ms", quantile(parTimes, 0.99));

    const one = async (q: string) => ((await db.sql.query(q)).rows[0] as { n: number }).n;
    put(
      "assign_batch.over_capacity",
      await one(`
        SELECT count(*)::int AS n FROM (
          SELECT c."cmId" FROM "Case" c WHERE c.phase NOT IN ('waiting','closed') GROUP BY c."cmId"
          HAVING count(*) > (SELECT GREATEST(1, floor(cm.fte * 26 + 0.5)) FROM "CaseManager" cm WHERE cm.id = c."cmId")) x`),
    );
    put(
      "assign_batch.double_assigned",
      await one(`
        SELECT count(*)::int AS n FROM (
          SELECT "caseId" FROM "Assignment" WHERE status IN ('pending','accepted') GROUP BY "caseId" HAVING count(*) > 1) x`),
    );
    put(
      "assign_batch.without_decision",
      await one(`
        SELECT count(*)::int AS n FROM "Assignment" a
        LEFT JOIN "AssignmentDecision" d ON d.id = a."decisionId" AND d."chosenCmId" = a."cmId" AND d."caseId" = a."caseId"
        WHERE d.id IS NULL`),
    );
    put(
      "assign_batch.absent_assigned",
      await one(`
        SELECT count(*)::int AS n FROM "Assignment" a JOIN "Absence" b ON b."cmId" = a."cmId"
        WHERE b."from" <= '2026-03-02T09:00:00Z' AND b."to" > '2026-03-02T09:00:00Z'`),
    );
    put(
      "assign_batch.left_waiting",
      await one(`SELECT count(*)::int AS n FROM "Case" WHERE phase = 'waiting'`),
    );
  } finally {
    await Promise.all(extra.map((h) => h.close()));
    await db.drop();
  }
  return [];
}
