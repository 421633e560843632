// The job registry on real Redis: validation at both ends, deterministic ids, permanent failures.
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { silentLogger } from "../../src/lib/logger.ts";
import { defineJobs, JobPayloadError, job, Producer, startWorker } from "../../src/queue/registry.ts";

const prefix = `t-queue-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
const connections: Redis[] = [];
const connect = () => {
  const c = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  connections.push(c);
  return c;
};

const registry = defineJobs({
  "demo.echo": job({
    queue: "q1",
    schema: z.strictObject({ caseId: z.uuid(), n: z.int() }),
    id: (p) => `echo.${p.caseId}.${p.n}`,
  }),
  "demo.unhandled": job({ queue: "q1", schema: z.strictObject({}), id: () => "unhandled" }),
});

const producer = new Producer(registry, connect(), prefix);
const seen: unknown[] = [];
const worker = startWorker({
  registry,
  queue: "q1",
  connection: connect(),
  prefix,
  log: silentLogger,
  handlers: { "demo.echo": async (p) => seen.push(p) },
});
const events = new QueueEvents("q1", { connection: connect(), prefix });

afterAll(async () => {
  await worker.close();
  await events.close();
  await producer.close();
  const q = new Queue("q1", { connection: connect(), prefix });
  await q.obliterate({ force: true });
  await q.close();
  await Promise.all(connections.map((c) => c.quit()));
});

const caseId = "0193b3c4-0000-7000-8000-000000000001";

describe("job registry", () => {
  it("runs a valid job once per deterministic id", async () => {
    await events.waitUntilReady();
    const a = await producer.enqueue("demo.echo", { caseId, n: 1 });
    const b = await producer.enqueue("demo.echo", { caseId, n: 1 });
    expect(a.id).toBe(b.id);
    await a.waitUntilFinished(events, 10_000);
    expect(seen).toEqual([{ caseId, n: 1 }]);
  });

  it("refuses an invalid payload before it reaches Redis", async () => {
    await expect(producer.enqueue("demo.echo", { caseId: "nope", n: 1.5 } as never)).rejects.toThrow(
      JobPayloadError,
    );
  });

  it("fails a broken payload permanently with the zod message, without retries", async () => {
    // a payload written by an older or foreign producer, bypassing our validation
    const raw = await producer.queue("q1").add("demo.echo", { caseId: 42 }, { attempts: 5 });
    await expect(raw.waitUntilFinished(events, 10_000)).rejects.toThrow(
      /payload of demo.echo is invalid: caseId/,
    );
    const failed = await producer.queue("q1").getJob(raw.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(worker.isRunning()).toBe(true);
  });

  it("fails unknown names and names without handler permanently", async () => {
    const unknown = await producer.queue("q1").add("demo.nope", {}, { attempts: 3 });
    await expect(unknown.waitUntilFinished(events, 10_000)).rejects.toThrow(/unknown job name/);
    const unhandled = await producer.enqueue("demo.unhandled", {});
    await expect(unhandled.waitUntilFinished(events, 10_000)).rejects.toThrow(/no handler/);
  });

  it("cancels a job by its deterministic id", async () => {
    await producer.enqueue("demo.echo", { caseId, n: 2 }, { delay: 60_000 });
    expect(await producer.cancel("demo.echo", { caseId, n: 2 })).toBe(true);
    expect(
      await producer.queue("q1").getJob(producer.jobIdOf("demo.echo", { caseId, n: 2 })),
    ).toBeUndefined();
  });
});
