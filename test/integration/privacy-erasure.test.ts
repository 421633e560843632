// Client rights on real Postgres and Redis: the export holds everything, erasure leaves nothing personal
// anywhere (every text column of every table, every key and value under the queue prefix), keeps the
// report's counts, cancels open offers and appointments and tells the case manager; retention and the
// consent guard.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { CaseLifecycleService } from "../../src/modules/cases/lifecycle.service.ts";
import { ConsentGuard, hasConsent } from "../../src/modules/privacy/consent-guard.repository.ts";
import type { ErasureService } from "../../src/modules/privacy/erase.ts";
import { exportClientData, exportMessages } from "../../src/modules/privacy/export.ts";
import { parseNoticeRef } from "../../src/modules/privacy/notices.ts";
import { findRetentionCandidates, runRetention } from "../../src/modules/privacy/retention.ts";
import { stopCaseManagement } from "../../src/modules/privacy/withdrawal.ts";
import { buildReport } from "../../src/modules/reports/report.repository.ts";
import { createCipher, ENCRYPTED_FIELDS, generateKeySpec } from "../../src/privacy/crypto.ts";
import { type JOBS, QUEUES } from "../../src/queue/jobs.ts";
import type { Producer } from "../../src/queue/registry.ts";
import type { TestDb } from "../support/db.ts";
import {
  createRichClient,
  findInPostgres,
  findInRedis,
  personalValues,
  privacyWorld,
  type RichClient,
  testErasure,
} from "../support/privacy-fixtures.ts";

const NOW = new Date("2026-11-21T10:00:00Z");
const DAY = 86_400_000;
let db: TestDb;
let org: Organisation;
let redis: Redis;
let producer: Producer<typeof JOBS>;
const prefix = `t-privacy-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
const cipher = createCipher(generateKeySpec("test"));
let erasure: ErasureService;
let cmA: string;
let cmB: string;

beforeAll(async () => {
  ({ db, org, cmA, cmB, redis, producer } = await privacyWorld("privacy", prefix));
  erasure = testErasure(db.prisma, cipher, producer, redis, prefix, NOW);
});

afterAll(async () => {
  for (const q of Object.values(QUEUES)) await producer.queue(q).obliterate({ force: true });
  await producer.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db.drop();
});

const jobsReferencing = async (id: string) => {
  let n = 0;
  for (const q of Object.values(QUEUES)) {
    const jobs = await producer
      .queue(q)
      .getJobs(["wait", "delayed", "prioritized", "completed", "failed"], 0, -1);
    n += jobs.filter((j) => JSON.stringify(j.data).includes(id)).length;
  }
  return n;
};

describe("/mydata export", () => {
  it("holds every personal value, decrypted, and the consents, request, case, goals, messages and appointments", async () => {
    const c = await createRichClient(db.prisma, cipher, { cmId: cmA, otherCmId: cmB, now: NOW });
    const doc = await exportClientData(db.prisma, cipher, c.clientId);
    expect(doc).not.toBeNull();
    const json = JSON.stringify(doc);
    for (const v of [
      c.personal.name,
      c.personal.phone,
      c.personal.body,
      c.personal.goal,
      c.personal.childName,
      c.personal.draftName,
      String(c.telegramUserId),
    ])
      expect(json).toContain(v);
    expect(doc!.consents).toHaveLength(3);
    expect(doc!.requests[0]!.case!.appointments).toHaveLength(1);
    expect(doc!.requests[0]!.case!.caseManager?.firstName).toBeTruthy();
    expect(doc!.accessLog.map((a) => a.by)).toContain("staff");
    // nothing leaves encrypted (the decline reason is exported decrypted, under recipients)
    expect(json).not.toContain("v1.");

    const i18n = await createI18n();
    for (const lng of ["en", "de", "de-simple"]) {
      const msgs = exportMessages(doc!, (k, p) => i18n.t(k, { lng, ...p }) as string);
      const all = msgs.join("\n");
      for (const v of [
        c.personal.name,
        c.personal.phone,
        c.personal.body,
        c.personal.goal,
        c.personal.childName,
      ])
        expect(all).toContain(v);
      expect(all).not.toMatch(/privacy:export|export\.field\./);
      for (const m of msgs) expect(m.length).toBeLessThanOrEqual(4096);
    }
  });

  it("a long history is split into messages Telegram accepts", async () => {
    const c = await createRichClient(db.prisma, cipher, { cmId: cmA, otherCmId: cmB, now: NOW });
    await db.prisma.relayedMessage.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        caseId: c.caseId,
        direction: "client_to_staff" as const,
        body: cipher.encrypt(`${"lange Nachricht ".repeat(12)}${i}`),
        author: "client",
      })),
    });
    const doc = await exportClientData(db.prisma, cipher, c.clientId);
    const msgs = exportMessages(doc!, (k) => k);
    expect(msgs.length).toBeGreaterThan(3);
    for (const m of msgs) expect(m.length).toBeLessThanOrEqual(3800);
    expect(msgs.join("\n")).toContain("lange Nachricht lange Nachricht");
  });
});

describe("/delete erasure", () => {
  let c: RichClient;
  let other: RichClient;
  let reportBefore: Awaited<ReturnType<typeof buildReport>>;

  beforeAll(async () => {
    c = await createRichClient(db.prisma, cipher, {
      cmId: cmA,
      otherCmId: cmB,
      now: NOW,
      tag: "erase1",
      overrideNote: true,
    });
    other = await createRichClient(db.prisma, cipher, { cmId: cmB, otherCmId: cmA, now: NOW, tag: "keep1" });
    // the case work's free texts, each naming the person: goal steps, assessment notes, a referral
    // note, a conference's decisions, a home-visit address
    const name = c.personal.name;
    await db.prisma.goal.updateMany({
      where: { caseId: c.caseId },
      data: { steps: cipher.encrypt(`${name} meldet sich an`) },
    });
    const a = await db.prisma.assessment.create({
      data: { caseId: c.caseId, kind: "initial", startedAt: NOW, createdBy: `cm:${cmA}` },
    });
    await db.prisma.assessmentArea.create({
      data: {
        assessmentId: a.id,
        area: "housing",
        status: "need",
        barriers: [],
        notes: cipher.encrypt(`${name} wohnt beengt`),
      },
    });
    await db.prisma.referral.create({
      data: {
        caseId: c.caseId,
        partnerId: "jobcenter",
        purpose: "work",
        note: cipher.encrypt(`für ${name}`),
        sentAt: NOW,
        expectedBy: NOW,
        createdBy: `cm:${cmA}`,
      },
    });
    await db.prisma.caseConference.create({
      data: {
        caseId: c.caseId,
        heldAt: NOW,
        participants: [],
        topics: ["work"],
        decisions: cipher.encrypt(`${name}: Kurs`),
        createdBy: `cm:${cmA}`,
      },
    });
    await db.prisma.appointment.updateMany({
      where: { caseId: c.caseId },
      data: { address: cipher.encrypt(`bei ${name}, Hauptstr. 1`) },
    });
    // Redis: a delayed client message, an expiry of its offer, a visitor cache holding the name,
    // and a job of another client that must stay
    await producer.enqueue(
      "telegram.send",
      {
        clientId: c.clientId,
        template: "appointments.reminder",
        params: {},
        asStatus: false,
        key: `rem.${c.clientId}`,
      },
      { delay: 3_600_000 },
    );
    await producer.enqueue("matching.expire", { assignmentId: c.assignmentId }, { delay: 3_600_000 });
    await redis.set(
      `${prefix}:tg:visitor:${c.telegramUserId}`,
      JSON.stringify({ locale: "de", name: c.personal.name }),
    );
    await producer.enqueue(
      "telegram.send",
      {
        clientId: other.clientId,
        template: "appointments.reminder",
        params: {},
        asStatus: false,
        key: `rem.${other.clientId}`,
      },
      { delay: 3_600_000 },
    );
    reportBefore = await buildReport(db.prisma, org, {
      from: new Date("2026-01-01"),
      to: new Date("2027-01-01"),
      now: NOW,
      variant: "internal",
    });
  });

  it("erases, and afterwards no personal value is left in Postgres or Redis", async () => {
    expect(await findInPostgres(db.sql, db.schema, [c.personal.name])).toEqual([]); // encrypted at rest
    // the scanners do find what is there (controls)
    expect(await findInPostgres(db.sql, db.schema, [String(c.telegramUserId)])).toEqual(
      expect.arrayContaining([`Client.telegramUserId contains ${c.telegramUserId}`]),
    );
    expect((await findInRedis(redis, prefix, [c.personal.name])).length).toBe(1);
    const encBefore = await db.sql.query(
      `SELECT count(*)::int AS n FROM "CaseEvent" WHERE "caseId" = $1 AND data ? 'reasonEnc'`,
      [c.caseId],
    );
    expect(encBefore.rows[0].n).toBe(1);
    // control: the fixture holds ciphertext in every registered encrypted column, so the check after
    // the erasure covers each one (a newly registered field without fixture data fails here)
    // (staff's own notes on absences and exceptions belong to no client and are not erased per client)
    const STAFF_TABLES = new Set(["Absence", "AvailabilityException"]);
    for (const [table, cols] of Object.entries(ENCRYPTED_FIELDS))
      for (const col of STAFF_TABLES.has(table) ? [] : cols) {
        const n = await db.sql.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${col}" LIKE 'v1.%'`);
        expect(n.rows[0].n, `${table}.${col} has fixture data`).toBeGreaterThan(0);
      }
    const r = await erasure.erase(c.clientId, { mode: "request" });
    expect(r.status).toBe("erased");
    expect(r.casesClosed).toBe(1);
    expect(r.tallies).toBe(1);
    expect(r.jobsRemoved).toBeGreaterThanOrEqual(2);
    expect(r.redisKeysDeleted).toBe(1);

    expect(await findInPostgres(db.sql, db.schema, [String(c.telegramUserId)])).toEqual([]);
    // the encrypted columns: decrypt whatever is left and look inside
    for (const [table, cols] of Object.entries(ENCRYPTED_FIELDS))
      for (const col of cols) {
        const rows = await db.sql.query(`SELECT "${col}" AS v FROM "${table}" WHERE "${col}" LIKE 'v1.%'`);
        const clear = rows.rows.map((x) => cipher.decrypt(String(x.v))).join("\n");
        for (const v of personalValues(c)) expect(clear, `${table}.${col}`).not.toContain(v);
      }
    expect(await findInPostgres(db.sql, db.schema, personalValues(c))).toEqual([]);
    // ciphertext inside JSON (case events' data.reasonEnc) is gone too, not only unreadable
    const enc = await db.sql.query(
      `SELECT count(*)::int AS n FROM "CaseEvent" WHERE "caseId" = $1 AND data ? 'reasonEnc'`,
      [c.caseId],
    );
    expect(enc.rows[0].n).toBe(0);
    const decisions = await db.sql.query(
      `SELECT candidates::text AS c FROM "AssignmentDecision" WHERE "caseId" = $1`,
      [c.caseId],
    );
    for (const d of decisions.rows) expect(d.c).toBe("[]");
    expect(await findInRedis(redis, prefix, personalValues(c))).toEqual([]);
    expect(await jobsReferencing(c.clientId)).toBe(0);
    expect(await jobsReferencing(c.assignmentId)).toBe(0);
    // the other client is untouched
    expect(await jobsReferencing(other.clientId)).toBe(1);
    expect(await exportClientData(db.prisma, cipher, other.clientId)).not.toBeNull();
  });

  it("keeps a tombstone and the case, closed as erased, with the appointment cancelled", async () => {
    const client = await db.prisma.client.findUniqueOrThrow({ where: { id: c.clientId } });
    expect(client).toMatchObject({
      telegramUserId: null,
      displayName: null,
      phone: null,
      originCountry: null,
      districtId: null,
    });
    expect(client.erasedAt).toEqual(NOW);
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect(kase).toMatchObject({ phase: "closed", closureReason: "erased" });
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: c.appointmentId } })).status).toBe(
      "cancelled",
    );
    expect(await db.prisma.conversation.count({ where: { clientId: c.clientId } })).toBe(0);
    expect(await db.prisma.consent.count({ where: { clientId: c.clientId } })).toBe(0);
    expect(await db.prisma.householdMember.count({ where: { clientId: c.clientId } })).toBe(0);
    expect(await exportClientData(db.prisma, cipher, c.clientId)).toBeNull();
    const audit = await db.prisma.auditLog.findMany({
      where: { clientId: c.clientId },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["case.closed", "client.erased"]));
  });

  it("frees the slot and tells the case manager (slack.deliver notice), all by ids", async () => {
    const work = await producer.queue(QUEUES.work).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    expect(
      work.some((j) => j.name === "matching.pull" && j.data.cmId === cmA && j.data.reason === "case_closed"),
    ).toBe(true);
    const slack = await producer.queue(QUEUES.slack).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    expect(slack.map((j) => j.data)).toContainEqual({
      kind: "notice",
      refId: `erased:${c.caseId}`,
      key: `erased.${c.caseId}`,
    });
  });

  it("the report counts the erased client exactly as before", async () => {
    const after = await buildReport(db.prisma, org, {
      from: new Date("2026-01-01"),
      to: new Date("2027-01-01"),
      now: NOW,
      variant: "internal",
    });
    expect(after.managed).toEqual(reportBefore.managed);
    expect(after.districts.rows).toEqual(reportBefore.districts.rows);
    expect(after.origins.rows).toEqual(reportBefore.origins.rows);
    expect(after.topics.rows).toEqual(reportBefore.topics.rows);
    expect(after.household).toEqual(reportBefore.household);
    expect(after.erasedCounted).toBe(1);
    expect(after.closures.rows.find((r) => r.key === "erased")?.cases).toBe(1);
    expect(await db.prisma.erasedTally.count()).toBe(1);
    const tally = await db.sql.query(`SELECT facts::text AS f FROM "ErasedTally"`);
    expect(String(tally.rows[0]?.f)).not.toContain(c.clientId);
    expect(String(tally.rows[0]?.f)).not.toContain(c.caseId);
  });

  it("a second /delete is harmless", async () => {
    const r = await erasure.erase(c.clientId, { mode: "request" });
    expect(r.status).toBe("already_erased");
    expect(await db.prisma.erasedTally.count()).toBe(1);
  });

  it("an open offer is revoked and the case manager's card is updated", async () => {
    const p = await createRichClient(db.prisma, cipher, {
      cmId: cmA,
      otherCmId: cmB,
      now: NOW,
      phase: "pending_acceptance",
      tag: "pend1",
    });
    const r = await erasure.erase(p.clientId, { mode: "request" });
    expect(r.status).toBe("erased");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: p.assignmentId } })).status).toBe(
      "revoked",
    );
    const slack = await producer.queue(QUEUES.slack).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    expect(slack.map((j) => j.data)).toContainEqual({
      kind: "assignment_update",
      refId: p.assignmentId,
      key: `erased.${p.assignmentId}`,
    });
    expect(await findInPostgres(db.sql, db.schema, personalValues(p))).toEqual([]);
  });
});

describe("consent guard", () => {
  it("answers from the latest decision, stops at a withdrawal and for erased clients", async () => {
    const c = await createRichClient(db.prisma, cipher, {
      cmId: cmA,
      otherCmId: cmB,
      now: NOW,
      tag: "cons1",
    });
    const guard = new ConsentGuard(db.prisma);
    expect(await hasConsent(db.prisma, c.clientId, "slack_relay")).toBe(true);
    await db.prisma.consent.updateMany({
      where: { clientId: c.clientId, purpose: "slack_relay" },
      data: { withdrawnAt: NOW },
    });
    expect(await guard.has(c.clientId, "slack_relay")).toBe(false);
    await expect(guard.require(c.clientId, "slack_relay")).rejects.toThrow(/no slack_relay consent/);
    expect(await guard.hasForCase(c.caseId, "partner_sharing")).toBe(true);
    await db.prisma.consent.create({
      data: {
        clientId: c.clientId,
        purpose: "slack_relay",
        version: "2026-11",
        granted: true,
        decidedAt: new Date(NOW.getTime() + 1000),
      },
    });
    expect(await guard.has(c.clientId, "slack_relay")).toBe(true);
    await erasure.erase(c.clientId);
    expect(await guard.has(c.clientId, "case_management")).toBe(false);
  });
});

describe("withdrawal of consent to case management", () => {
  it("closes the open case as withdrawn at once, frees the slot and tells the case manager", async () => {
    const c = await createRichClient(db.prisma, cipher, { cmId: cmA, otherCmId: cmB, now: NOW, tag: "wdr1" });
    const lifecycle = new CaseLifecycleService({
      db: db.prisma,
      jobs: producer,
      cipher,
      log: silentLogger,
      now: () => NOW,
    });
    await db.prisma.consent.updateMany({ where: { clientId: c.clientId }, data: { withdrawnAt: NOW } });
    const r = await stopCaseManagement({ db: db.prisma, lifecycle, jobs: producer }, c.clientId);
    expect(r.closed).toEqual([c.caseId]);
    expect(await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } })).toMatchObject({
      phase: "closed",
      closureReason: "withdrawn",
    });
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: c.appointmentId } })).status).toBe(
      "cancelled",
    );
    const slack = await producer.queue(QUEUES.slack).getJobs(["wait", "delayed", "prioritized"], 0, -1);
    expect(slack.map((j) => j.data.refId)).toContain(`withdrawn:${c.caseId}`);
    expect(parseNoticeRef(`withdrawn:${c.caseId}`)).toEqual({ kind: "withdrawn", caseId: c.caseId });
    expect(parseNoticeRef(`erased:${c.caseId}`)).toEqual({ kind: "erased", caseId: c.caseId });
    expect(parseNoticeRef("report:2026-10-01:2026-10-31:public")).toMatchObject({
      kind: "report",
      variant: "public",
    });
    expect(parseNoticeRef("report:x")).toBeNull();
    expect(
      (await stopCaseManagement({ db: db.prisma, lifecycle, jobs: producer }, c.clientId)).closed,
    ).toEqual([]);
  });
});

describe("retention", () => {
  it("finds finished clients after the closure period and abandoned intakes after the silence period", async () => {
    const old = await createRichClient(db.prisma, cipher, {
      cmId: cmA,
      otherCmId: cmB,
      now: NOW,
      tag: "ret-old",
    });
    const recent = await createRichClient(db.prisma, cipher, {
      cmId: cmA,
      otherCmId: cmB,
      now: NOW,
      tag: "ret-new",
    });
    await db.prisma.case.update({
      where: { id: old.caseId },
      data: {
        phase: "closed",
        closedAt: new Date(NOW.getTime() - 100 * DAY),
        closureReason: "goals_reached",
      },
    });
    await db.prisma.case.update({
      where: { id: recent.caseId },
      data: { phase: "closed", closedAt: new Date(NOW.getTime() - 10 * DAY), closureReason: "moved_away" },
    });
    for (const x of [old, recent]) {
      await db.prisma.client.update({
        where: { id: x.clientId },
        data: { lastSeenAt: new Date(NOW.getTime() - 100 * DAY) },
      });
      await db.prisma.conversation.deleteMany({ where: { clientId: x.clientId } });
    }
    const abandoned = await db.prisma.client.create({
      data: {
        locale: "en",
        pseudonym: "K-ABANDON",
        telegramUserId: 7_654_321_012n,
        lastSeenAt: new Date(NOW.getTime() - 40 * DAY),
        conversation: { create: { step: "intake:district", draft: { displayName: "Verlassen" } } },
      },
    });
    await db.sql.query(`UPDATE "Conversation" SET "updatedAt" = $1 WHERE "clientId" = $2`, [
      new Date(NOW.getTime() - 40 * DAY),
      abandoned.id,
    ]);
    const fresh = await db.prisma.client.create({
      data: {
        locale: "en",
        pseudonym: "K-FRESH",
        lastSeenAt: NOW,
        conversation: { create: { step: "intake:district" } },
      },
    });

    const policy = { afterClosureDays: 90, abandonedIntakeDays: 30 };
    const list = await findRetentionCandidates(db.prisma, NOW, policy);
    const ids = list.map((x) => x.clientId);
    expect(ids).toContain(old.clientId);
    expect(ids).toContain(abandoned.id);
    expect(ids).not.toContain(recent.clientId);
    expect(ids).not.toContain(fresh.id);
    expect(JSON.stringify(list)).not.toContain(old.personal.name);

    const dry = await runRetention({ db: db.prisma, erasure, now: () => NOW }, policy, { dryRun: true });
    expect(dry.erased).toBe(0);
    expect((await db.prisma.client.findUniqueOrThrow({ where: { id: old.clientId } })).erasedAt).toBeNull();

    const run = await runRetention({ db: db.prisma, erasure, now: () => NOW }, policy);
    expect(run.erased).toBe(run.candidates.length);
    const erasedOld = await db.prisma.client.findUniqueOrThrow({ where: { id: old.clientId } });
    expect(erasedOld.erasedAt).not.toBeNull();
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id: old.caseId } })).closureReason).toBe(
      "goals_reached",
    );
    expect(await db.prisma.client.findUnique({ where: { id: abandoned.id } })).toBeNull();
    expect(
      (await db.prisma.client.findUniqueOrThrow({ where: { id: recent.clientId } })).erasedAt,
    ).toBeNull();
    expect(
      await findInPostgres(db.sql, db.schema, [...personalValues(old), "Verlassen", "7654321012"]),
    ).toEqual([]);
    expect(await findRetentionCandidates(db.prisma, NOW, policy)).toEqual([]);
  });
});
