// Erasure's Slack clean-up on real Postgres and Redis, through a BullMQ worker against the local Slack
// Web API peer: /delete captures the case's Slack references in its transaction and enqueues one
// "slack.erase" job (ids only); the worker deletes the relayed messages and the deputy copy and
// neutralises every card, retries a failing call and counts message_not_found as done; one audit row
// per case. Afterwards nothing more of the case is relayed in either direction.
import { webApi } from "@slack/bolt";
import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Organisation } from "../../src/config/org.schema.ts";
import { type SlackCall, type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { ErasureService } from "../../src/modules/privacy/erase.ts";
import { SlackErasureRepository } from "../../src/modules/privacy/slack-erasure.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { JOBS, QUEUES } from "../../src/queue/jobs.ts";
import { type Producer, startWorker } from "../../src/queue/registry.ts";
import { staffDirectory } from "../../src/slack/adapters.ts";
import { type Kv, SlackDeliverer, type SlackWeb } from "../../src/slack/deliver.ts";
import { SlackEraser, type SlackEraseWeb, sweepSlackErasures } from "../../src/slack/erase.ts";
import { PrismaCaseQueries } from "../../src/slack/queries.ts";
import { PrismaThreadActions } from "../../src/slack/relay.ts";
import type { TestDb } from "../support/db.ts";
import {
  createRichClient,
  findInPostgres,
  personalValues,
  privacyWorld,
  type RichClient,
  testErasure,
} from "../support/privacy-fixtures.ts";

const NOW = new Date("2026-12-07T10:00:00Z");
const cipher = createCipher(generateKeySpec("slack-erase"));
const prefix = `t-slack-erase-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
let db: TestDb;
let org: Organisation;
let redis: Redis;
let producer: Producer<typeof JOBS>;
let peer: SlackPeer;
let web: InstanceType<typeof webApi.WebClient>;
let erasure: ErasureService;
let cmA: string;
let cmB: string;
let worker: Worker | null = null;
/** the peer's answer to the 2nd chat.delete (set by the test before the worker runs) */
let secondDeleteAnswer: string | null = null;

/** Slack timestamps of the n-th client (the fixture's first message always has the same one) */
const tsOf = (n: number) => ({
  card: `176510000${n}.000001`,
  declinedCard: `176500000${n}.000009`,
  message: "1700000000.000100",
  message2: `176510000${n}.000002`,
  deputy: `176510000${n}.000003`,
});
const TS = tsOf(1);

beforeAll(async () => {
  ({ db, org, cmA, cmB, redis, producer } = await privacyWorld("slack_erasure", prefix));
  let deletes = 0;
  peer = await startSlackPeer(0, (c: SlackCall) => {
    if (c.method === "chat.delete" && ++deletes === 2 && secondDeleteAnswer)
      peer.failNext("chat.delete", secondDeleteAnswer);
  });
  // like the worker's client in src/slack/feature.ts: no hidden retries, 429 as an error
  web = new webApi.WebClient("xoxb-test", {
    slackApiUrl: peer.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  erasure = testErasure(db.prisma, cipher, producer, redis, prefix, NOW);
});

afterAll(async () => {
  await worker?.close();
  for (const q of Object.values(QUEUES)) await producer.queue(q).obliterate({ force: true });
  await producer.close();
  await redis.quit();
  await peer.close();
  await db.drop();
});

const slackUserOf = async (cmId: string) =>
  (await db.prisma.caseManager.findUniqueOrThrow({ where: { id: cmId } })).slackUserId;

/** A client whose case reached Slack: both cards posted, two relayed messages, a deputy copy. */
async function clientInSlack(tag: string, n: number): Promise<RichClient & { dm: string }> {
  const TS = tsOf(n);
  const c = await createRichClient(db.prisma, cipher, { cmId: cmA, otherCmId: cmB, now: NOW, tag });
  const dm = `D${await slackUserOf(cmA)}`;
  await db.prisma.assignment.update({
    where: { id: c.assignmentId },
    data: { slackChannel: dm, slackTs: TS.card },
  });
  await db.prisma.assignment.update({
    where: { id: c.declinedAssignmentId },
    data: { slackChannel: `D${await slackUserOf(cmB)}`, slackTs: TS.declinedCard },
  });
  await db.prisma.case.update({ where: { id: c.caseId }, data: { threadChannel: dm, threadTs: TS.card } });
  // the fixture's message predates RelayedMessage.slackChannel; this one was posted since
  const m2 = await db.prisma.relayedMessage.create({
    data: {
      caseId: c.caseId,
      direction: "client_to_staff",
      body: cipher.encrypt(`${c.personal.body} (2)`),
      author: "client",
      slackTs: TS.message2,
      slackChannel: dm,
    },
  });
  await db.prisma.idempotencyKey.create({
    data: {
      key: `slack.deputy_copy.${m2.id}`,
      scope: "slack.deputy_copy",
      result: { channel: "DUDEPUTY", ts: TS.deputy },
    },
  });
  return { ...c, dm };
}

const eraser = () =>
  new SlackEraser({
    repo: new SlackErasureRepository(db.prisma),
    i18n: i18nRef!,
    web: web as unknown as SlackEraseWeb,
    log: silentLogger,
    now: () => NOW,
  });
let i18nRef: Awaited<ReturnType<typeof createI18n>> | null = null;

describe("erasure → slack.erase", () => {
  let c: RichClient & { dm: string };

  it("/delete captures the Slack references and enqueues one job with ids only", async () => {
    i18nRef = await createI18n();
    c = await clientInSlack("slk1", 1);
    const r = await erasure.erase(c.clientId, { mode: "request" });
    expect(r.status).toBe("erased");
    const rows = await db.prisma.slackErasure.findMany({
      where: { caseId: c.caseId },
      select: { action: true, source: true, channel: true, ts: true, doneAt: true },
    });
    const declinedDm = `D${await slackUserOf(cmB)}`;
    expect(rows).toEqual(
      expect.arrayContaining([
        // the message without a recorded channel is looked for in both DMs the case had
        { action: "delete", source: "relayed", channel: c.dm, ts: TS.message, doneAt: null },
        { action: "delete", source: "relayed", channel: declinedDm, ts: TS.message, doneAt: null },
        { action: "delete", source: "relayed", channel: c.dm, ts: TS.message2, doneAt: null },
        { action: "delete", source: "deputy_copy", channel: "DUDEPUTY", ts: TS.deputy, doneAt: null },
        { action: "update", source: "card", channel: c.dm, ts: TS.card, doneAt: null },
        { action: "update", source: "card", channel: declinedDm, ts: TS.declinedCard, doneAt: null },
      ]),
    );
    expect(rows).toHaveLength(6);
    const jobs = await producer.queue(QUEUES.slack).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    const erase = jobs.filter((j) => j.name === "slack.erase");
    expect(erase.map((j) => j.data)).toEqual([{ caseId: c.caseId, key: c.caseId }]);
    const json = JSON.stringify(erase[0]!.data);
    for (const v of personalValues(c)) expect(json).not.toContain(v);
    expect(json).not.toContain(c.clientId);
  });

  it("the worker deletes each message and updates each card; a failed call is retried, message_not_found is done", async () => {
    peer.failNext("chat.delete", "internal_error");
    secondDeleteAnswer = "message_not_found";
    const done = new Promise<{ attempts: number }>((resolve, reject) => {
      worker = startWorker({
        registry: JOBS,
        queue: QUEUES.slack,
        handlers: { "slack.erase": (p, job) => eraser().run(p.caseId, job) },
        connection: redis,
        prefix,
        log: silentLogger,
      });
      worker.on("completed", (job) => resolve({ attempts: job.attemptsMade }));
      worker.on("failed", (job, err) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) reject(err);
      });
    });
    expect((await done).attempts).toBeGreaterThanOrEqual(2);
    await worker!.close();
    worker = null;

    const deletes = peer.calls.filter((x) => x.method === "chat.delete").map((x) => x.args);
    // the first call failed (internal_error) and was made again, and then answered message_not_found
    expect(deletes[0]).toEqual(deletes[1]);
    const declinedDm = `D${await slackUserOf(cmB)}`;
    for (const want of [
      { channel: c.dm, ts: TS.message },
      { channel: declinedDm, ts: TS.message },
      { channel: c.dm, ts: TS.message2 },
      { channel: "DUDEPUTY", ts: TS.deputy },
    ])
      expect(deletes).toContainEqual(expect.objectContaining(want));
    const updates = peer.calls.filter((x) => x.method === "chat.update").map((x) => x.args);
    expect(updates).toContainEqual(expect.objectContaining({ channel: c.dm, ts: TS.card }));
    expect(updates).toContainEqual(expect.objectContaining({ channel: declinedDm, ts: TS.declinedCard }));
    for (const u of updates) {
      expect(String(u.text)).toContain(c.referenceCode);
      expect(String(u.text)).toMatch(/gelöscht auf Wunsch der Person/);
      expect(u.blocks).toEqual([]);
    }
    // nothing of the client's in what Slack was sent, nor anywhere in Postgres
    const sent = JSON.stringify(peer.calls);
    for (const v of personalValues(c)) expect(sent).not.toContain(v);
    expect(await findInPostgres(db.sql, db.schema, personalValues(c))).toEqual([]);

    const left = await db.prisma.slackErasure.count({ where: { caseId: c.caseId, doneAt: null } });
    expect(left).toBe(0);
    const audit = await db.prisma.auditLog.findMany({ where: { caseId: c.caseId, action: "slack.erased" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toEqual({ messages: 6, deleted: 3, updated: 2, notFound: 1, refused: 0 });
  });

  it("a second run and the start-up sweep find nothing left and audit nothing twice", async () => {
    const before = peer.calls.length;
    expect(await eraser().run(c.caseId, { moveToDelayed: async () => {} })).toEqual({});
    expect(await sweepSlackErasures(new SlackErasureRepository(db.prisma), producer, NOW)).toBe(0);
    expect(peer.calls.length).toBe(before);
    expect(await db.prisma.auditLog.count({ where: { caseId: c.caseId, action: "slack.erased" } })).toBe(1);
  });

  it("Slack answering 429 postpones the job by Retry-After; the sweep re-enqueues unfinished cases", async () => {
    const d = await clientInSlack("slk2", 2);
    await erasure.erase(d.clientId, { mode: "request" });
    peer.rateLimitNext("chat.delete", 1, 3);
    const delayedTo: number[] = [];
    const job = { token: "t", moveToDelayed: async (ts: number) => void delayedTo.push(ts) };
    await expect(eraser().run(d.caseId, job)).rejects.toThrow();
    expect(delayedTo).toHaveLength(1);
    expect(await db.prisma.slackErasure.count({ where: { caseId: d.caseId, doneAt: null } })).toBe(6);
    // as if the job had been lost: the sweep finds the case and enqueues a job of the day
    expect(await sweepSlackErasures(new SlackErasureRepository(db.prisma), producer, NOW)).toBe(1);
    const jobs = await producer.queue(QUEUES.slack).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    expect(jobs.map((j) => j.data)).toContainEqual({ caseId: d.caseId, key: `${d.caseId}.2026-12-07` });
  });
});

describe("retention", () => {
  it("erasing a closed case at retention expiry cleans Slack up the same way", async () => {
    const f = await clientInSlack("slk4", 4);
    await db.prisma.case.update({
      where: { id: f.caseId },
      data: { phase: "closed", closedAt: NOW, closureReason: "goals_reached" },
    });
    const r = await erasure.erase(f.clientId, { mode: "retention_closed", actor: "system" });
    expect(r.status).toBe("erased");
    expect(await db.prisma.slackErasure.count({ where: { caseId: f.caseId } })).toBe(6);
    const jobs = await producer.queue(QUEUES.slack).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    expect(jobs.map((j) => j.data)).toContainEqual({ caseId: f.caseId, key: f.caseId });
  });
});

describe("an erased case relays nothing more", () => {
  it("a staff reply in its thread is refused with outcome erased; a message stored late is not posted", async () => {
    const e = await clientInSlack("slk3", 3);
    const TS = tsOf(3);
    await erasure.erase(e.clientId, { mode: "request" });
    const queries = new PrismaCaseQueries(db.prisma, org, cipher);
    const notified: string[] = [];
    const threads = new PrismaThreadActions({
      db: db.prisma,
      cipher,
      queries,
      clients: { notify: async (clientId: string) => void notified.push(clientId) } as never,
      log: silentLogger,
      now: () => NOW,
    });
    const directory = staffDirectory(db.prisma, async () => "de");
    const by = await directory.bySlackUser(await slackUserOf(cmA));
    expect(by).not.toBeNull();
    const r = await threads.staffReply({
      channel: e.dm,
      threadTs: TS.card,
      ts: "1765100000.000777",
      text: "Hallo",
      by: by!,
    });
    expect(r.outcome).toBe("erased");
    expect(notified).toEqual([]);

    // a client message stored while /delete ran (the relay had read the case before the commit)
    await db.prisma.relayedMessage.create({
      data: {
        caseId: e.caseId,
        direction: "client_to_staff",
        body: cipher.encrypt("late"),
        author: "client",
      },
    });
    const deliverer = new SlackDeliverer({
      db: db.prisma,
      org,
      cipher,
      i18n: i18nRef!,
      ports: {
        queries,
        directory,
        outbox: { refreshHome: async () => {} },
        rebalance: {} as never,
      },
      web: web as unknown as SlackWeb,
      kv: redis as unknown as Kv,
      prefix,
      log: silentLogger,
      now: () => NOW,
    });
    const job = { moveToDelayed: async () => {} };
    const posts = () => peer.calls.filter((x) => x.method === "chat.postMessage").length;
    const before = posts();
    expect(await deliverer.deliverHeld(e.caseId, job)).toBe("erased");
    // a card update that comes after the clean-up keeps the card neutral
    expect(await deliverer.syncCard(e.assignmentId, job)).toBe("erased");
    expect(posts()).toBe(before);
    const last = peer.calls.filter((x) => x.method === "chat.update").at(-1)!;
    expect(last.args).toMatchObject({ channel: e.dm, ts: TS.card, blocks: [] });
    expect(String(last.args.text)).toContain(e.referenceCode);
  });
});
