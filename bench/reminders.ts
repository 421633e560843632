// Reminder delivery under load: schedules 100,000 reminders (--quick: 10,000) as delayed jobs of the
// real job definition ("appointment.reminder": its queue, payload schema and deterministic id),
// spread over a short horizon, delivers them with a worker of the shared registry (the production
// worker code, at the reminders queue's concurrency), restarts that worker in the middle (close, start
// a new one), and measures lateness = time the handler starts − the time the reminder was due. The
// handler only records: this measures the queue (delayed-job promotion, worker fetch, restart), not the
// database read and the Telegram send job that the real handler adds per reminder.
//
// Run alone:  npx tsx bench/reminders.ts [--quick] [--concurrency 50]
// In the suite: bench/run.ts calls benchReminders({ quick }).
// Needs Redis at REDIS_URL (default redis://127.0.0.1:6379). Uses a unique queue prefix and
// obliterates its queue afterwards.
import { randomBytes, randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { Queue } from "bullmq";
import { Redis } from "ioredis";
import { silentLogger } from "../src/lib/logger.ts";
import { REMINDER_QUEUE_CONCURRENCY } from "../src/modules/appointments/config.ts";
import { JOBS, type Jobs } from "../src/queue/jobs.ts";
import { type PayloadOf, Producer, startWorker } from "../src/queue/registry.ts";

export interface ReminderBenchOptions {
  quick: boolean;
  /** worker concurrency; default REMINDER_QUEUE_CONCURRENCY (what the reminders queue should run with) */
  concurrency?: number;
  log?: (line: string) => void;
}

const OFFSET_S = 7_200; // a "2 h before" reminder; only the due time matters here

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round = (n: number) => Math.round(n * 10) / 10;

export async function benchReminders(opts: ReminderBenchOptions): Promise<Record<string, number>> {
  const log = opts.log ?? (() => {});
  const n = opts.quick ? 10_000 : 100_000;
  const concurrency = opts.concurrency ?? REMINDER_QUEUE_CONCURRENCY;
  // due times spread uniformly over [from, to) seconds after the start of scheduling
  const [fromS, toS] = opts.quick ? [10, 30] : [20, 60];
  const restartAtS = (fromS + toS) / 2;
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench-rem-${process.pid}-${randomBytes(3).toString("hex")}`;
  const def = JOBS["appointment.reminder"];
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  const producer = new Producer(JOBS, connect(), prefix);
  const queue = producer.queue(def.queue);

  const late = new Float64Array(n);
  const seen = new Uint8Array(n);
  const index = new Map<string, number>();
  let delivered = 0;
  let duplicates = 0;
  let lastDelivery = 0;
  const handler = async (p: PayloadOf<Jobs, "appointment.reminder">) => {
    const at = Date.now();
    const i = index.get(p.appointmentId);
    if (i === undefined) return;
    if (seen[i]) {
      duplicates++;
      return;
    }
    seen[i] = 1;
    late[i] = at - (p.startsAt - OFFSET_S * 1000);
    delivered++;
    lastDelivery = at;
  };
  const newWorker = () =>
    startWorker({
      registry: JOBS,
      queue: def.queue,
      handlers: { "appointment.reminder": handler },
      connection: connect(),
      prefix,
      log: silentLogger,
      options: { concurrency },
    });

  let worker = newWorker();
  await worker.waitUntilReady();
  const t0 = Date.now();
  log(`reminders: scheduling ${n} reminders due ${fromS}–${toS} s from now (prefix ${prefix})`);

  // schedule in bulks, a few in flight at once; each job's delay is computed when its bulk is built,
  // against its fixed due time (so slow scheduling shows up as lateness, not as a shifted schedule)
  const BULK = 1000;
  const IN_FLIGHT = 4;
  const buildBulk = (start: number): Parameters<Queue["addBulk"]>[0] => {
    const jobs: Parameters<Queue["addBulk"]>[0] = [];
    const addedAt = Date.now();
    for (let i = start; i < Math.min(n, start + BULK); i++) {
      const appointmentId = randomUUID();
      index.set(appointmentId, i);
      const due = Math.round(t0 + (fromS + Math.random() * (toS - fromS)) * 1000);
      const payload = { appointmentId, offsetS: OFFSET_S, startsAt: due + OFFSET_S * 1000 };
      // the payload schema is checked on the first job of each bulk (and by the worker on every job)
      if (i === start) def.schema.parse(payload);
      jobs.push({
        name: "appointment.reminder",
        data: payload,
        opts: {
          jobId: producer.jobIdOf("appointment.reminder", payload),
          delay: Math.max(0, due - addedAt),
          attempts: 5,
          backoff: { type: "exponential", delay: 1000 },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 14 * 24 * 3600 },
        },
      });
    }
    return jobs;
  };
  const starts = Array.from({ length: Math.ceil(n / BULK) }, (_, k) => k * BULK);
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async (_, lane) => {
      for (let k = lane; k < starts.length; k += IN_FLIGHT) await queue.addBulk(buildBulk(starts[k]!));
    }),
  );
  const scheduleMs = Date.now() - t0;
  log(`reminders: scheduled in ${scheduleMs} ms (${Math.round(n / (scheduleMs / 1000))}/s)`);

  // restart the worker in the middle of the delivery window
  await new Promise((r) => setTimeout(r, Math.max(0, t0 + restartAtS * 1000 - Date.now())));
  const deliveredBeforeRestart = delivered;
  const closeStart = Date.now();
  await worker.close();
  worker = newWorker();
  await worker.waitUntilReady();
  const restartGapMs = Date.now() - closeStart;
  log(
    `reminders: worker restarted at ${restartAtS} s after ${deliveredBeforeRestart} deliveries (gap ${restartGapMs} ms)`,
  );

  // wait for the rest, with a grace period after the last due time
  const deadline = t0 + (toS + 30) * 1000;
  while (delivered < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 500)); // catch late duplicates
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "failed", "completed");

  await worker.close();
  await queue.obliterate({ force: true });
  await producer.close();
  await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));

  const got = late.filter((_, i) => seen[i] === 1).sort();
  const results: Record<string, number> = {
    "reminders.scheduled": n,
    "reminders.delivered": delivered,
    "reminders.lost": n - delivered,
    "reminders.duplicates": duplicates,
    "reminders.failed": counts.failed ?? 0,
    "reminders.p50_late_ms": round(percentile(got, 0.5)),
    "reminders.p90_late_ms": round(percentile(got, 0.9)),
    "reminders.p99_late_ms": round(percentile(got, 0.99)),
    "reminders.max_late_ms": round(got.length ? got[got.length - 1]! : Number.NaN),
    "reminders.early": got.filter((v) => v < 0).length,
    "reminders.schedule_ms": scheduleMs,
    "reminders.schedule_per_s": Math.round(n / (scheduleMs / 1000)),
    "reminders.restart_gap_ms": restartGapMs,
    "reminders.concurrency": concurrency,
    "reminders.window_s": toS - fromS,
    "reminders.drain_after_last_due_ms": Math.max(0, lastDelivery - (t0 + toS * 1000)),
  };
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const c = args.indexOf("--concurrency");
  const concurrency = c >= 0 ? Number(args[c + 1]) : undefined;
  benchReminders({
    quick: args.includes("--quick"),
    ...(concurrency ? { concurrency } : {}),
    log: (l) => console.error(l),
  })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      const ok = r["reminders.lost"] === 0 && r["reminders.p99_late_ms"]! <= 1000;
      console.error(ok ? "reminders: target met (p99 ≤ 1 s late, none lost)" : "reminders: TARGET MISSED");
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
