// CaseLifecycleService on real Postgres: moves with CaseEvent + AuditLog in one transaction, refusals,
// closure freeing the slot (matching.pull), goals encrypted at rest, audited reads, the Slack listeners.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { AuditRepository } from "../../src/modules/audit/audit.repository.ts";
import { actorForSlackUser, CaseLifecycleService } from "../../src/modules/cases/lifecycle.service.ts";
import type { Actor } from "../../src/modules/cases/phases.ts";
import { recordingJobs } from "../../src/modules/matching/deps.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import {
  CASE_ACTIONS,
  caseCardBlocks,
  onCaseClose,
  onCaseMove,
  onGoalSubmitted,
} from "../../src/slack/listeners/cases.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createRichClient } from "../support/privacy-fixtures.ts";

let db: TestDb;
let org: Organisation;
const cipher = createCipher(generateKeySpec("test"));
const jobs = recordingJobs();
let svc: CaseLifecycleService;
let now = new Date("2026-11-21T10:00:00Z");
let anna: Actor;
let ben: Actor;
let lead: Actor;
let annaSlack: string;
let annaId: string;
let benId: string;
let benSlack: string;

beforeAll(async () => {
  db = await createTestDb("cases");
  org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const cms = org.caseManagers.filter((c) => !c.teamLead);
  const tl = org.caseManagers.find((c) => c.teamLead)!;
  anna = (await actorForSlackUser(db.prisma, cms[0]!.slackUserId, now))!;
  ben = (await actorForSlackUser(db.prisma, cms[1]!.slackUserId, now))!;
  lead = (await actorForSlackUser(db.prisma, tl.slackUserId, now))!;
  annaId = cms[0]!.id;
  benId = cms[1]!.id;
  annaSlack = cms[0]!.slackUserId;
  benSlack = cms[1]!.slackUserId;
  svc = new CaseLifecycleService({ db: db.prisma, jobs, cipher, log: silentLogger, now: () => now });
});
afterAll(async () => db.drop());

const tick = () => {
  now = new Date(now.getTime() + 60_000);
};

describe("case lifecycle", () => {
  it("moves through the phases with a CaseEvent and an AuditLog entry per move", async () => {
    const c = await createRichClient(db.prisma, cipher, {
      cmId: annaId,
      otherCmId: benId,
      now,
      tag: "life1",
    });
    await db.prisma.case.update({ where: { id: c.caseId }, data: { phase: "first_consultation" } });
    for (const to of [
      "assessment",
      "goal_agreement",
      "service_steering",
      "reassessment",
      "service_steering",
    ] as const) {
      tick();
      expect(await svc.move(c.caseId, to, anna)).toMatchObject({ ok: true, to });
    }
    const events = await db.prisma.caseEvent.findMany({
      where: { caseId: c.caseId },
      orderBy: { at: "asc" },
    });
    expect(events.map((e) => [e.fromPhase, e.toPhase, e.actor])).toEqual([
      ["first_consultation", "assessment", `cm:${annaId}`],
      ["assessment", "goal_agreement", expect.any(String)],
      ["goal_agreement", "service_steering", expect.any(String)],
      ["service_steering", "reassessment", expect.any(String)],
      ["reassessment", "service_steering", expect.any(String)],
    ]);
    const audit = await new AuditRepository(db.prisma).query({
      caseId: c.caseId,
      action: "case.phase_changed",
    });
    expect(audit).toHaveLength(5);
    expect(audit[0]!.data).toMatchObject({ fromPhase: "first_consultation", toPhase: "assessment" });
    expect(jobs.calls.filter((j) => j.name === "matching.pull")).toHaveLength(0);
  });

  it("refuses other case managers, skipped phases and stale clicks without changing anything", async () => {
    const c = await createRichClient(db.prisma, cipher, {
      cmId: annaId,
      otherCmId: benId,
      now,
      tag: "life2",
    });
    expect(await svc.move(c.caseId, "reassessment", ben)).toMatchObject({
      ok: false,
      code: "not_responsible",
    });
    expect(await svc.move(c.caseId, "first_consultation", anna)).toMatchObject({
      ok: false,
      code: "not_allowed",
    });
    expect(await svc.move(c.caseId, "reassessment", anna, { expectedFrom: "assessment" })).toMatchObject({
      ok: false,
      code: "stale",
      phase: "service_steering",
    });
    expect(await svc.move("not-a-uuid", "reassessment", anna)).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } })).phase).toBe(
      "service_steering",
    );
    expect(await db.prisma.caseEvent.count({ where: { caseId: c.caseId } })).toBe(0);
  });

  it("closure frees the slot (matching.pull), cancels future appointments; a team lead can reopen", async () => {
    const c = await createRichClient(db.prisma, cipher, {
      cmId: annaId,
      otherCmId: benId,
      now,
      tag: "life3",
    });
    const before = await db.prisma.caseManager.findUniqueOrThrow({ where: { id: annaId } });
    tick();
    const r = await svc.move(c.caseId, "closed", anna, { reason: "goals_reached" });
    expect(r).toMatchObject({ ok: true, freedCmId: annaId });
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect(kase).toMatchObject({ phase: "closed", closureReason: "goals_reached", closedAt: now });
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id: c.appointmentId } })).status).toBe(
      "cancelled",
    );
    const after = await db.prisma.caseManager.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.loadVersion).toBe(before.loadVersion + 1);
    expect(jobs.calls).toContainEqual({
      name: "matching.pull",
      payload: { reason: "case_closed", cmId: before.id, at: now.getTime() },
    });
    expect(await svc.move(c.caseId, "closed", anna, { reason: "moved_away" })).toMatchObject({
      ok: false,
      code: "same_phase",
    });
    expect(await svc.move(c.caseId, "first_consultation", anna)).toMatchObject({
      ok: false,
      code: "reopen_team_lead_only",
    });
    tick();
    expect(await svc.move(c.caseId, "first_consultation", lead)).toMatchObject({ ok: true });
    expect(await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } })).toMatchObject({
      phase: "first_consultation",
      closedAt: null,
      closureReason: null,
    });
  });

  it("goals: encrypted at rest, status changes audited, reads audited", async () => {
    const c = await createRichClient(db.prisma, cipher, {
      cmId: annaId,
      otherCmId: benId,
      now,
      tag: "life4",
    });
    const added = await svc.addGoal(c.caseId, anna, {
      text: "Wohnung mit drei Zimmern finden",
      dueDate: new Date("2027-03-01"),
    });
    expect(added.ok).toBe(true);
    const id = added.ok ? added.goalId : "";
    const raw = await db.prisma.goal.findUniqueOrThrow({ where: { id } });
    expect(raw.text.startsWith("v1.test.")).toBe(true);
    expect(await svc.addGoal(c.caseId, ben, { text: "x" })).toEqual({ ok: false, code: "not_responsible" });
    expect(await svc.addGoal(c.caseId, anna, { text: "   " })).toEqual({ ok: false, code: "invalid" });
    expect(await svc.setGoalStatus(id, anna, "achieved")).toEqual({ ok: true, goalId: id });
    const view = await svc.view(c.caseId, anna);
    expect("error" in view).toBe(false);
    if ("error" in view) return;
    expect(view.goals.map((g) => [g.text, g.status])).toContainEqual([
      "Wohnung mit drei Zimmern finden",
      "achieved",
    ]);
    expect(await svc.view(c.caseId, ben)).toEqual({ error: "not_responsible" });
    const audit = await new AuditRepository(db.prisma).query({ caseId: c.caseId });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["goal.added", "goal.status", "case.read"]),
    );
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain("Wohnung");
    const byActor = await new AuditRepository(db.prisma).query({
      actor: `cm:${annaId}`,
      from: new Date(now.getTime() - 1000),
    });
    expect(byActor.length).toBeGreaterThan(0);
  });
});

describe("Slack listeners", () => {
  it("a phase button moves the case for its case manager and refuses someone else", async () => {
    const i18n = await createI18n();
    const c = await createRichClient(db.prisma, cipher, {
      cmId: annaId,
      otherCmId: benId,
      now,
      tag: "slack1",
    });
    const told: string[] = [];
    const responded: Record<string, unknown>[] = [];
    const deps = {
      db: db.prisma,
      lifecycle: svc,
      i18n,
      log: silentLogger,
      languageOf: async () => "en" as const,
    };
    const args = (user: string, value: string, selected = false) => ({
      ack: async () => {},
      body: {
        user: { id: user },
        response_url: "https://hooks.invalid/x",
        actions: [
          selected
            ? { action_id: CASE_ACTIONS.close, selected_option: { value } }
            : { action_id: "case_move_reassessment", value },
        ],
      },
      client: {
        views: { open: async () => ({}) },
        chat: { postEphemeral: async (a: { text: string }) => told.push(a.text) },
      },
      respond: async (m: Record<string, unknown>) => {
        responded.push(m);
        if (typeof m.text === "string") told.push(m.text);
      },
    });
    await onCaseMove(args(benSlack, `${c.caseId}|service_steering|reassessment`), deps);
    expect(told.at(-1)).toMatch(/Only the responsible case manager/);
    await onCaseMove(args(annaSlack, `${c.caseId}|service_steering|reassessment`), deps);
    expect(told.at(-1)).toMatch(/now in phase \*Re-assessment\*/);
    expect(responded.some((m) => m.replace_original === true && Array.isArray(m.blocks))).toBe(true);
    await onCaseMove(args(annaSlack, `${c.caseId}|service_steering|reassessment`), deps);
    expect(told.at(-1)).toMatch(/moved on in the meantime/);
    await onCaseClose(args(annaSlack, `${c.caseId}|reassessment|moved_away`, true), deps);
    expect(told.at(-1)).toMatch(/is closed \(Moved away\)/);

    // the goal modal validates through the service
    const acks: unknown[] = [];
    await onGoalSubmitted(
      {
        ack: async (r?: unknown) => void acks.push(r),
        body: {
          user: { id: annaSlack },
          view: {
            private_metadata: c.caseId,
            state: { values: { case_goal_text: { text: { value: "Ziel" } } } },
          },
        },
        client: { views: { open: async () => ({}) }, chat: { postEphemeral: async () => ({}) } },
      },
      deps,
    );
    expect(acks[0]).toMatchObject({ response_action: "errors" }); // closed: no goals
  });

  it("the card shows only the buttons the viewer may use", async () => {
    const i18n = await createI18n();
    const t = i18n.getFixedT("en", "cases");
    const view = {
      id: "00000000-0000-4000-8000-000000000001",
      referenceCode: "BI-1",
      phase: "goal_agreement" as const,
      cmId: annaId,
      persons: 3,
      districtId: "mitte",
      openedAt: now,
      closedAt: null,
      closureReason: null,
      goals: [
        {
          id: "g1",
          text: "<b>Kita</b>",
          dueDate: null,
          status: "open" as const,
          outcome: null,
          createdAt: now,
        },
      ],
      scope: { cmId: annaId, agencyId: org.caseManagers.find((c) => c.id === annaId)!.agency },
    };
    const mine = JSON.stringify(caseCardBlocks(view, anna, t));
    expect(mine).toContain("case_move_service_steering");
    expect(mine).toContain("case_close");
    expect(mine).toContain("case_goal_add");
    expect(mine).toContain("&lt;b&gt;Kita");
    expect(mine).toContain("qr_open");
    const theirs = JSON.stringify(caseCardBlocks(view, ben, t));
    expect(theirs).not.toContain("case_move_");
    expect(theirs).not.toContain("case_goal_add");
    expect(theirs).not.toContain("qr_open");
  });
});
