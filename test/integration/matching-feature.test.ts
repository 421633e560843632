// The matching feature on real Redis and Postgres: a submitted intake travels through the job chain
// (intake.triage → matching.assign → delayed matching.expire), the notifiers enqueue their jobs,
// and start() registers exactly one sweep scheduler.
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/feature.ts";
import { matchingFeature, SWEEP_SCHEDULER_ID } from "../../src/app/features/matching.ts";
import { matchingServices } from "../../src/app/runtime/matching.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { JOBS, QUEUES } from "../../src/queue/jobs.ts";
import { Producer, startWorker } from "../../src/queue/registry.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createIntake, makeOrg, syncOrg } from "../support/matching.ts";

const prefix = `t-matching-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
const connections: Redis[] = [];
const connect = () => {
  const c = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  connections.push(c);
  return c;
};
const org = makeOrg([{ id: "anna", languages: ["de", "ar"] }, { id: "berat" }]);
let db: TestDb;
let ctx: AppContext;
let producer: Producer<typeof JOBS>;
let worker: ReturnType<typeof startWorker>;
let events: QueueEvents;

beforeAll(async () => {
  db = await createTestDb("mfeature");
  await syncOrg(db.prisma, org);
  producer = new Producer(JOBS, connect(), prefix);
  const client = connect();
  ctx = {
    env: { ANLAUF_QUEUE_PREFIX: prefix } as AppContext["env"],
    org,
    db: db.prisma,
    redis: { url: "", client, connect, close: async () => {} },
    producer,
    log: silentLogger,
    i18n: {} as AppContext["i18n"],
    cipher: createCipher(generateKeySpec("t")),
    now: () => new Date(),
  };
  const feature = matchingFeature();
  worker = startWorker({
    registry: JOBS,
    queue: QUEUES.work,
    handlers: feature.jobs!(ctx),
    connection: connect(),
    prefix,
    log: silentLogger,
  });
  events = new QueueEvents(QUEUES.work, { connection: connect(), prefix });
  await events.waitUntilReady();
  await feature.start!(ctx);
});

afterAll(async () => {
  await worker?.close();
  await events?.close();
  for (const q of Object.values(QUEUES)) {
    const queue = new Queue(q, { connection: connect(), prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await producer?.close();
  await Promise.all(connections.map((c) => c.quit()));
  await db?.drop();
});

async function until<T>(fn: () => Promise<T | null | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("matching feature", () => {
  it("registers one sweep scheduler, however often start() runs", async () => {
    await matchingFeature().start!(ctx);
    const schedulers = await producer.queue(QUEUES.work).getJobSchedulers();
    expect(
      schedulers.filter((s) => s.key === SWEEP_SCHEDULER_ID || s.id === SWEEP_SCHEDULER_ID),
    ).toHaveLength(1);
  });

  it("intake.triage → case on the wait list → offered to a case manager, with messages and an expiry job", async () => {
    const i = await createIntake(db.prisma, { languages: ["ar"] });
    const job = await producer.enqueue("intake.triage", { intakeId: i.intakeId });
    await job.waitUntilFinished(events, 15_000);
    const kase = await until(() =>
      db.prisma.case.findFirst({
        where: { intakeId: i.intakeId, phase: "pending_acceptance" },
        select: { id: true, cmId: true },
      }),
    );
    expect(kase.cmId).toBe("anna");
    const asg = await db.prisma.assignment.findFirstOrThrow({ where: { caseId: kase.id } });

    // the client was told (telegram.send via the Telegram feature's notifier)
    const tg = await producer.queue(QUEUES.telegram).getJobs(["waiting", "delayed"]);
    expect(tg.map((j) => j.data.template)).toContain("triage.waitlisted");
    // the case manager gets a card (slack.deliver via the Slack feature's notifier)
    const slack = await producer.queue(QUEUES.slack).getJobs(["waiting", "delayed"]);
    expect(slack.map((j) => j.data)).toContainEqual(
      expect.objectContaining({ kind: "assignment_card", refId: asg.id }),
    );
    // the expiry waits for the deadline
    const expire = await producer
      .queue(QUEUES.work)
      .getJob(producer.jobIdOf("matching.expire", { assignmentId: asg.id }));
    expect(expire?.opts.delay).toBeGreaterThan(47 * 3_600_000);

    // the Slack side accepts through the same services; the expiry job is removed
    const services = matchingServices(ctx);
    expect(await services.assignment.accept(asg.id, "anna")).toMatchObject({ ok: true });
    expect(
      await producer.queue(QUEUES.work).getJob(producer.jobIdOf("matching.expire", { assignmentId: asg.id })),
    ).toBeUndefined();
    const offer = await producer.queue(QUEUES.telegram).getJob(
      producer.jobIdOf("appointment.offer", {
        caseId: kase.id,
        reason: "assigned",
        starts: [],
        key: `assigned.${asg.id}`,
      }),
    );
    expect(offer?.data).toMatchObject({ caseId: kase.id, reason: "assigned" });
  });

  it("decline → matching.assign (attempt 1) re-offers to someone else", async () => {
    const i = await createIntake(db.prisma, { languages: ["ar"] });
    await (await producer.enqueue("intake.triage", { intakeId: i.intakeId })).waitUntilFinished(
      events,
      15_000,
    );
    const first = await until(() =>
      db.prisma.assignment.findFirst({
        where: { case: { intakeId: i.intakeId }, status: "pending" },
        select: { id: true, cmId: true, caseId: true },
      }),
    );
    expect(await matchingServices(ctx).assignment.decline(first.id, first.cmId, "holiday")).toMatchObject({
      ok: true,
      attempt: 1,
    });
    const second = await until(() =>
      db.prisma.assignment.findFirst({
        where: { caseId: first.caseId, status: "pending" },
        select: { cmId: true },
      }),
    );
    expect(second.cmId).not.toBe(first.cmId);
  });

  it("matching.sweep runs as a job", async () => {
    const r = await (await producer.enqueue("matching.sweep", {})).waitUntilFinished(events, 15_000);
    expect(r).toMatchObject({ expired: 0, triaged: 0 });
  });
});
