// The clients' own voice on real Postgres: a closure enqueues the survey job after its commit (not for
// a withdrawal), the job stores one invitation per case and kind with the invited tally and sends it
// once, the daily run finds open cases six months old, a finished survey is stored without the
// case, erasure removes the invitation but keeps the response, and the report counts them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { CaseworkRepository } from "../../src/modules/cases/casework.repository.ts";
import { CaseworkService } from "../../src/modules/cases/casework.service.ts";
import { actorForSlackUser, CaseLifecycleService } from "../../src/modules/cases/lifecycle.service.ts";
import type { Actor } from "../../src/modules/cases/phases.ts";
import { recordingJobs } from "../../src/modules/matching/deps.ts";
import { RecordingClientNotifier } from "../../src/modules/notify/recording-notifier.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { ErasureService } from "../../src/modules/privacy/erase.ts";
import { stopCaseManagement } from "../../src/modules/privacy/withdrawal.ts";
import { buildReport } from "../../src/modules/reports/report.repository.ts";
import { SurveyRepository } from "../../src/modules/survey/survey.repository.ts";
import { SurveyService, surveyTemplate } from "../../src/modules/survey/survey.service.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createRichClient } from "../support/privacy-fixtures.ts";

let db: TestDb;
let org: Organisation;
const cipher = createCipher(generateKeySpec("test"));
let now = new Date("2026-12-07T09:00:00Z");
const jobs = recordingJobs();
const clients = new RecordingClientNotifier();
let lifecycle: CaseLifecycleService;
let casework: CaseworkService;
let survey: SurveyService;
let cm: { id: string; other: string };
let anna: Actor;

const rich = (over: { phase?: "service_steering" | "waiting"; now?: Date } = {}) =>
  createRichClient(db.prisma, cipher, { cmId: cm.id, otherCmId: cm.other, ...over });
/** closes through the case work (goal outcome included), as the Slack closure modal does */
const close = (c: { caseId: string; goalId: string }, reason: string) =>
  casework.close(c.caseId, anna, {
    reason,
    outcomes: [{ goalId: c.goalId, outcome: "reached", reason: "" }],
  });
const surveyJobs = () => jobs.calls.filter((c) => c.name === "survey.invite").map((c) => c.payload);

beforeAll(async () => {
  db = await createTestDb("survey");
  org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const [a, b] = org.caseManagers.filter((c) => !c.teamLead);
  cm = { id: a!.id, other: b!.id };
  anna = (await actorForSlackUser(db.prisma, a!.slackUserId, now))!;
  lifecycle = new CaseLifecycleService({ db: db.prisma, jobs, cipher, log: silentLogger, now: () => now });
  casework = new CaseworkService({
    repo: new CaseworkRepository(db.prisma),
    cipher,
    lifecycle,
    clients,
    partners: new Set(org.referralTargets.map((p) => p.id)),
    now: () => now,
  });
  survey = new SurveyService({
    repo: new SurveyRepository(db.prisma),
    clients,
    jobs,
    log: silentLogger,
    now: () => now,
  });
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe("closure → invitation", () => {
  it("a closure enqueues the survey after the goodbye; a withdrawal does not", async () => {
    const c = await rich();
    jobs.calls.length = 0;
    const r = await close(c, "goals_reached");
    expect(r).toMatchObject({ ok: true });
    expect(surveyJobs()).toEqual([{ caseId: c.caseId, kind: "closure" }]);
    expect(clients.sent.at(-1)?.key).toBe(`case.goodbye.${c.caseId}`);

    const w = await rich();
    jobs.calls.length = 0;
    await stopCaseManagement({ db: db.prisma, lifecycle, jobs }, w.clientId);
    expect(surveyJobs()).toEqual([]);
  });

  it("the job stores one invitation with the tally and sends it once, under one key", async () => {
    const c = await rich();
    await close(c, "moved_away");
    const first = await survey.invite(c.caseId, "closure");
    expect(first).toMatchObject({ sent: expect.any(String) });
    const id = (first as { sent: string }).sent;
    // a retried job finds the invitation and sends under the same key (telegram.send sends it once)
    expect(await survey.invite(c.caseId, "closure")).toEqual({ sent: id });
    const rows = await db.prisma.surveyInvitation.findMany({ where: { caseId: c.caseId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "closure", answered: false });
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.sentAt.getTime()).toBe(14 * 86_400_000);
    const sent = clients.sent.filter((s) => s.key === `survey.invite.${id}`);
    expect(sent).toEqual([
      {
        clientId: c.clientId,
        template: surveyTemplate("closure"),
        params: { invitationId: id },
        key: `survey.invite.${id}`,
        asStatus: false,
      },
    ]);
    const agencyId = org.caseManagers.find((x) => x.id === cm.id)!.agency;
    const tally = await db.prisma.surveyInvitedTally.findUnique({
      where: {
        month_kind_regionId_agencyId: { month: "2026-12", kind: "closure", regionId: "bielefeld", agencyId },
      },
    });
    expect(tally?.count).toBeGreaterThanOrEqual(1);
  });

  it("refuses what the rules refuse: an open case, no consent, no chat", async () => {
    const open = await rich();
    expect(await survey.invite(open.caseId, "closure")).toEqual({ skipped: "phase" });
    const noConsent = await rich();
    await close(noConsent, "referred");
    await db.prisma.consent.updateMany({
      where: { clientId: noConsent.clientId, purpose: "case_management" },
      data: { withdrawnAt: now },
    });
    expect(await survey.invite(noConsent.caseId, "closure")).toEqual({ skipped: "no_consent" });
    await db.prisma.client.update({ where: { id: noConsent.clientId }, data: { telegramChatId: null } });
    expect(await survey.invite(noConsent.caseId, "closure")).toEqual({ skipped: "unreachable" });
    expect(await db.prisma.surveyInvitation.count({ where: { caseId: noConsent.caseId } })).toBe(0);
  });
});

describe("six months", () => {
  it("the daily run enqueues open cases opened six months ago, once they are invited no more", async () => {
    const old = await rich({ now: new Date("2026-07-20T09:00:00Z") }); // opened 50 days before: 2026-05-31
    const young = await rich();
    const waiting = await rich({ phase: "waiting", now: new Date("2026-07-20T09:00:00Z") });
    const noChat = await rich({ now: new Date("2026-07-20T09:00:00Z") });
    await db.prisma.client.update({ where: { id: noChat.clientId }, data: { telegramChatId: null } });
    jobs.calls.length = 0;
    await survey.sweep();
    const due = surveyJobs() as { caseId: string; kind: string }[];
    expect(due).toContainEqual({ caseId: old.caseId, kind: "six_months" });
    expect(due.map((d) => d.caseId)).not.toContain(young.caseId);
    expect(due.map((d) => d.caseId)).not.toContain(waiting.caseId);
    expect(due.map((d) => d.caseId)).not.toContain(noChat.caseId);
    expect(await survey.invite(old.caseId, "six_months")).toMatchObject({ sent: expect.any(String) });
    jobs.calls.length = 0;
    await survey.sweep();
    expect((surveyJobs() as { caseId: string }[]).map((d) => d.caseId)).not.toContain(old.caseId);
  });
});

describe("answers", () => {
  it("are stored without the case, once; erasure keeps them and removes the invitation", async () => {
    const c = await rich();
    await close(c, "goals_reached");
    const { sent: id } = (await survey.invite(c.caseId, "closure")) as { sent: string };
    const before = await db.prisma.surveyResponse.count();
    expect(await survey.tap(id, c.clientId, ["yes"])).toMatchObject({ kind: "next", question: "understood" });
    expect(await survey.tap(id, "00000000-0000-4000-8000-000000000000", ["yes"])).toEqual({
      kind: "not_yours",
    });
    expect(await db.prisma.surveyResponse.count()).toBe(before);
    expect(await survey.tap(id, c.clientId, ["yes", "skipped", "partly"])).toMatchObject({ kind: "finish" });
    expect(await survey.tap(id, c.clientId, ["no", "no", "no"])).toEqual({ kind: "answered" });
    expect(await db.prisma.surveyResponse.count()).toBe(before + 1);
    const inv = await db.prisma.surveyInvitation.findUniqueOrThrow({ where: { id } });
    expect(inv.answered).toBe(true);
    const stored = await db.prisma.surveyResponse.findMany({
      where: { useful: "yes", understood: "skipped", recommend: "partly" },
    });
    expect(stored).toHaveLength(1);
    // nothing in the row points back: no case, client, time of day
    expect(Object.keys(stored[0]!).sort()).toEqual(
      ["agencyId", "id", "kind", "month", "recommend", "regionId", "understood", "useful"].sort(),
    );
    expect(stored[0]!.month).toBe("2026-12");

    const erasure = new ErasureService({
      db: db.prisma,
      cipher,
      producer: { enqueue: jobs.enqueue, removeJobsMentioning: async () => 0 },
      scrubRedis: async () => 0,
      log: silentLogger,
      now: () => now,
    });
    expect(await erasure.erase(c.clientId)).toMatchObject({ status: "erased" });
    expect(await db.prisma.surveyInvitation.count({ where: { caseId: c.caseId } })).toBe(0);
    expect(await db.prisma.surveyResponse.count()).toBe(before + 1);
  });

  it("expire after 14 days", async () => {
    const c = await rich();
    await close(c, "no_contact");
    const { sent: id } = (await survey.invite(c.caseId, "closure")) as { sent: string };
    const saved = now;
    now = new Date(now.getTime() + 15 * 86_400_000);
    try {
      expect(await survey.tap(id, c.clientId, ["yes", "yes", "yes"])).toEqual({ kind: "expired" });
    } finally {
      now = saved;
    }
  });
});

describe("report", () => {
  it("counts the invitations and responses of the month", async () => {
    const invited = await db.prisma.surveyInvitedTally.aggregate({
      where: { month: "2026-12" },
      _sum: { count: true },
    });
    const answered = await db.prisma.surveyResponse.count({ where: { month: "2026-12" } });
    const r = await buildReport(db.prisma, org, {
      from: new Date("2026-12-01T00:00:00Z"),
      to: new Date("2027-01-01T00:00:00Z"),
      now,
      variant: "internal",
    });
    const t = r.indicators.find((m) => m.id === "voice_response")!;
    expect(t.rows.map((x) => x.key)).toEqual(["2026-12"]);
    expect(t.rows[0]!.values.slice(0, 2)).toEqual([invited._sum.count, answered]);
    expect(answered).toBeGreaterThan(0);
    const a = r.indicators.find((m) => m.id === "voice_answers")!;
    expect(a.total!.values[0]).toBe(answered);
  });
});
