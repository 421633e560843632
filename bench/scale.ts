// scale.*: does a second and third worker process add throughput? (issue 14.4, key scale_3x_ratio)
//
// For 1 and then 3 worker processes of `src/main.ts` (real processes, one fresh Postgres database
// each round, the machine's Redis), `intakes` submitted intakes are put on the queue at once; the
// clock runs from the first enqueue until every intake is triaged and every case that triage sent to
// case management is offered to a case manager (capacity lifted so that nobody waits for room). Each
// intake is two jobs (intake.triage, matching.assign) and two transactions, the second under the row
// lock of the chosen case manager, so parallel workers meet on the team's rows. Process start-up is
// outside the clock.
import { Redis } from "ioredis";
import { JOBS } from "../src/queue/jobs.ts";
import { Producer } from "../src/queue/registry.ts";
import { type Cluster, createCluster } from "../test/support/processes.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seedIntakes(c: Cluster, n: number): Promise<string[]> {
  const rows = await c.sql.query<{ id: string }>(
    `WITH clients AS (
       INSERT INTO "Client" (id, locale, pseudonym)
       SELECT gen_random_uuid(), 'de', 'K-SC' || i FROM generate_series(1, $1) AS i
       RETURNING id, pseudonym),
     consents AS (
       INSERT INTO "Consent" (id, "clientId", purpose, version, granted)
       SELECT gen_random_uuid(), id, 'case_management', '2026-12', true FROM clients)
     INSERT INTO "Intake" (id, "clientId", "referenceCode", household, adults, children, "districtId",
       topics, urgency, languages, "existingSupport", "contactModes", "timesOfDay")
     SELECT gen_random_uuid(), id, 'SC-' || pseudonym, 'single', 1, 0, 'mitte', ARRAY['work'], ARRAY[]::text[],
       ARRAY['de'], ARRAY[]::text[], ARRAY['phone'], ARRAY['morning'] FROM clients
     RETURNING id`,
    [n],
  );
  return rows.rows.map((r) => r.id);
}

async function round(workers: number, intakes: number): Promise<{ seconds: number; perS: number }> {
  const c = await createCluster(`scale${workers}`);
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  try {
    await c.start("worker");
    await Promise.all(Array.from({ length: workers - 1 }, () => c.start("worker")));
    await c.sql.query(`UPDATE "CaseManager" SET "capacityOverride" = 100000`);
    const ids = await seedIntakes(c, intakes);
    const producer = new Producer(JOBS, redis, c.prefix);
    const t0 = performance.now();
    await Promise.all(ids.map((intakeId) => producer.enqueue("intake.triage", { intakeId })));
    const until = Date.now() + 600_000;
    for (;;) {
      const r = await c.sql.query<{ triaged: number; waiting: number }>(`
        SELECT (SELECT count(*)::int FROM "TriageOutcome") AS triaged,
               (SELECT count(*)::int FROM "Case" WHERE phase = 'waiting') AS waiting`);
      if (r.rows[0]!.triaged === intakes && r.rows[0]!.waiting === 0) break;
      if (Date.now() > until) throw new Error(`scale: not done in time\n${c.logs()}`);
      await sleep(100);
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const q of new Set(Object.values(JOBS).map((j) => j.queue))) await producer.queue(q).close();
    return { seconds, perS: intakes / seconds };
  } finally {
    await redis.quit();
    await c.close();
  }
}

export async function benchScale(opts: { intakes: number }): Promise<Record<string, number>> {
  const one = await round(1, opts.intakes);
  const three = await round(3, opts.intakes);
  return {
    "scale.intakes": opts.intakes,
    "scale.1_worker_per_s": one.perS,
    "scale.3_workers_per_s": three.perS,
    scale_3x_ratio: three.perS / one.perS,
  };
}
