// The case work after acceptance on real Postgres: the case file (authorized, audited), the assessment
// with barriers moving the phases, goals, referrals refused without the office's release and followed
// up, closure with goal outcomes and the client's goodbye, idempotency against Slack retries, and the
// Slack listeners with the payloads Slack sends (including crafted ones).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { CaseworkRepository } from "../../src/modules/cases/casework.repository.ts";
import {
  type CaseFile,
  CaseworkService,
  GOODBYE_TEMPLATE,
} from "../../src/modules/cases/casework.service.ts";
import { ALL_BARRIERS, LIFE_AREAS } from "../../src/modules/cases/codes.ts";
import { actorForSlackUser, CaseLifecycleService } from "../../src/modules/cases/lifecycle.service.ts";
import type { Actor } from "../../src/modules/cases/phases.ts";
import { recordingJobs } from "../../src/modules/matching/deps.ts";
import { RecordingClientNotifier } from "../../src/modules/notify/recording-notifier.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { PartnerConsentRepository } from "../../src/modules/privacy/partner-consent.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";
import { areaBlock, CASEWORK_IDS, outcomeBlock } from "../../src/slack/blocks/casework.ts";
import {
  type CaseworkArgs,
  type CaseworkDeps,
  onAboutSubmitted,
  onAssessmentSubmitted,
  onClosureSubmitted,
  onConferenceSubmitted,
  onOpenFile,
  onReferralSubmitted,
  onWorkButton,
} from "../../src/slack/listeners/casework.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createRichClient } from "../support/privacy-fixtures.ts";

let db: TestDb;
let org: Organisation;
const cipher = createCipher(generateKeySpec("test"));
const jobs = recordingJobs();
const clients = new RecordingClientNotifier();
let svc: CaseworkService;
let now = new Date("2026-12-07T09:00:00Z");
let anna: Actor;
let ben: Actor;
let lead: Actor;
let annaSlack: string;
let benSlack: string;
let annaId: string;
let benId: string;
let deps: CaseworkDeps;
const i18n = await createI18n();

beforeAll(async () => {
  db = await createTestDb("casework");
  org = await loadOrganisation("orgs/bielefeld.yaml");
  await new OrgRepository(db.prisma).sync(org);
  const cms = org.caseManagers.filter((c) => !c.teamLead && c.agency === org.caseManagers[0]!.agency);
  const tl = org.caseManagers.find((c) => c.teamLead && c.agency === cms[0]!.agency)!;
  annaId = cms[0]!.id;
  benId = cms[1]!.id;
  annaSlack = cms[0]!.slackUserId;
  benSlack = cms[1]!.slackUserId;
  anna = (await actorForSlackUser(db.prisma, annaSlack, now))!;
  ben = (await actorForSlackUser(db.prisma, benSlack, now))!;
  lead = (await actorForSlackUser(db.prisma, tl.slackUserId, now))!;
  const lifecycle = new CaseLifecycleService({
    db: db.prisma,
    jobs,
    cipher,
    log: silentLogger,
    now: () => now,
  });
  svc = new CaseworkService({
    repo: new CaseworkRepository(db.prisma),
    cipher,
    lifecycle,
    clients,
    partners: new Set(org.referralTargets.map((p) => p.id)),
    now: () => now,
  });
  deps = {
    casework: svc,
    actorFor: (u, at) => actorForSlackUser(db.prisma, u, at),
    partners: org.referralTargets.map((p) => ({ id: p.id, name: p.name })),
    i18n,
    log: silentLogger,
    now: () => now,
  };
});
afterAll(async () => db.drop());

const DAY = 86_400_000;
async function newCase(tag: string) {
  const c = await createRichClient(db.prisma, cipher, { cmId: annaId, otherCmId: benId, now, tag });
  await db.prisma.case.update({ where: { id: c.caseId }, data: { phase: "first_consultation" } });
  await db.prisma.goal.deleteMany({ where: { caseId: c.caseId } });
  return c;
}
const allAreas = (override: Record<string, { status: string; barriers: string[] }> = {}) =>
  LIFE_AREAS.map((area) => ({
    area,
    status: "no_need",
    barriers: [] as string[],
    notes: "",
    ...override[area],
  }));
const phaseOf = async (id: string) => (await db.prisma.case.findUniqueOrThrow({ where: { id } })).phase;

describe("case file", () => {
  it("shows the responsible case manager and the team lead everything, refuses a colleague, audits the read", async () => {
    const c = await newCase("cw1");
    const f = (await svc.caseFile(c.caseId, anna)) as CaseFile;
    expect(f.displayName).toBe(c.personal.name);
    expect(f.may).toEqual({ work: true, close: true });
    expect(f.areaOrder.length).toBe(LIFE_AREAS.length);
    expect(await svc.caseFile(c.caseId, ben)).toEqual({ error: "not_responsible" });
    expect("error" in (await svc.caseFile(c.caseId, lead))).toBe(false);
    expect(await svc.caseFile("not-a-uuid", anna)).toEqual({ error: "not_found" });
    const reads = await db.prisma.auditLog.count({ where: { caseId: c.caseId, action: "case.file_read" } });
    expect(reads).toBe(2);
  });

  it("shows name and phone only once accepted and with case-management consent", async () => {
    const c = await newCase("cw1b");
    await db.prisma.case.update({ where: { id: c.caseId }, data: { phase: "pending_acceptance" } });
    const offered = (await svc.caseFile(c.caseId, anna)) as CaseFile;
    expect(offered.displayName).toBeNull();
    expect(offered.phone).toBeNull();
    expect(offered.pseudonym).toBeTruthy();
    await db.prisma.case.update({ where: { id: c.caseId }, data: { phase: "first_consultation" } });
    expect(((await svc.caseFile(c.caseId, anna)) as CaseFile).displayName).toBe(c.personal.name);
    await db.prisma.consent.create({
      data: { clientId: c.clientId, purpose: "case_management", version: "2026-11", granted: false },
    });
    const withdrawn = (await svc.caseFile(c.caseId, anna)) as CaseFile;
    expect(withdrawn.displayName).toBeNull();
    expect(withdrawn.phone).toBeNull();
  });

  it("has a German and an English label for every code", () => {
    for (const lng of ["de", "en"]) {
      const t = i18n.getFixedT(lng, "casework");
      for (const a of LIFE_AREAS) expect(t(`area.${a}`)).not.toContain("area.");
      for (const b of ALL_BARRIERS) expect(t(`barrier.${b}`)).not.toContain("barrier.");
    }
  });
});

describe("assessment", () => {
  it("saves areas, moves first consultation → assessment → goal agreement, keeps notes encrypted", async () => {
    const c = await newCase("cw2");
    const bad = await svc.saveAssessment(c.caseId, anna, {
      areas: [{ area: "housing", status: "need", barriers: ["debts"], notes: "" }],
      complete: false,
    });
    expect(bad).toEqual({ ok: false, code: "invalid", errors: { "housing.barriers": "unknown_barrier" } });
    const part = await svc.saveAssessment(c.caseId, anna, {
      areas: [
        { area: "housing", status: "urgent", barriers: ["eviction_threat"], notes: "Vermieter kündigt cw2" },
      ],
      complete: false,
    });
    expect(part).toMatchObject({ ok: true, phase: "assessment" });
    const stored = await db.prisma.assessmentArea.findFirstOrThrow({
      where: { assessment: { caseId: c.caseId } },
    });
    expect(stored.notes).not.toContain("Vermieter");
    expect(cipher.decrypt(stored.notes!)).toBe("Vermieter kündigt cw2");

    const gaps = await svc.saveAssessment(c.caseId, anna, {
      areas: [{ area: "housing", status: "urgent", barriers: [], notes: "" }],
      complete: true,
    });
    expect(gaps.ok).toBe(false);
    const errs = (gaps as { errors: Record<string, string> }).errors;
    expect(errs["housing.barriers"]).toBe("barrier_required");
    expect(errs["work.status"]).toBe("status_required");

    const done = await svc.saveAssessment(c.caseId, anna, {
      areas: allAreas({ housing: { status: "urgent", barriers: ["eviction_threat"] } }),
      complete: true,
      idempotencyKey: "slack.view.V-cw2",
    });
    expect(done).toMatchObject({ ok: true, phase: "goal_agreement" });
    const k = await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect(k.phase).toBe("goal_agreement");
    expect(k.reassessmentDueAt!.getTime()).toBeGreaterThan(now.getTime() + 170 * DAY);
    // a Slack retry of the same submission changes nothing
    const again = await svc.saveAssessment(c.caseId, anna, {
      areas: allAreas({ housing: { status: "urgent", barriers: ["eviction_threat"] } }),
      complete: true,
      idempotencyKey: "slack.view.V-cw2",
    });
    expect(again).toMatchObject({ ok: true, duplicate: true });
    const kinds = (
      await db.prisma.caseEvent.findMany({ where: { caseId: c.caseId }, orderBy: { at: "asc" } })
    ).map((e) => e.kind);
    expect(kinds.filter((x) => x === "assessment.completed")).toHaveLength(1);
    expect(kinds).toContain("case.phase_changed");
    expect(await svc.saveAssessment(c.caseId, ben, { areas: allAreas(), complete: false })).toEqual({
      ok: false,
      code: "not_responsible",
    });
  });
});

describe("goals, referrals and closure", () => {
  it("plays the case from goal agreement to closure with outcomes", async () => {
    const c = await newCase("cw3");
    await svc.saveAssessment(c.caseId, anna, {
      areas: allAreas({ work: { status: "need", barriers: ["unemployed"] } }),
      complete: true,
    });
    const past = await svc.addGoal(c.caseId, anna, {
      text: "Arbeit finden",
      area: "work",
      steps: "",
      responsible: "partner",
      partnerId: "jobcenter",
      dueDate: new Date(now.getTime() - 2 * DAY),
    });
    expect(past).toEqual({ ok: false, code: "invalid", errors: { due: "in_past" } });
    const g1 = await svc.addGoal(c.caseId, anna, {
      text: "Arbeit finden",
      area: "work",
      steps: "Bewerbungsunterlagen mit dem Jobcenter",
      responsible: "partner",
      partnerId: "jobcenter",
      dueDate: new Date(now.getTime() + 60 * DAY),
    });
    const g2 = await svc.addGoal(c.caseId, anna, {
      text: "Sprachkurs B1",
      area: "language",
      steps: "",
      responsible: "client",
      partnerId: "",
      dueDate: null,
    });
    expect(g1.ok && g2.ok).toBe(true);
    const goal = await db.prisma.goal.findUniqueOrThrow({ where: { id: (g1 as { id: string }).id } });
    expect(goal.steps).not.toContain("Jobcenter");

    // no release towards the immigration office: refused with the reason on the partner field
    const refused = await svc.refer(c.caseId, anna, {
      partnerId: "immigration-office",
      purpose: "residence",
      note: "",
      expectedBy: null,
      goalId: "",
    });
    expect(refused).toEqual({ ok: false, code: "invalid", errors: { partner: "no_consent" } });
    await new PartnerConsentRepository(db.prisma).decide({
      clientId: c.clientId,
      partnerId: "jobcenter",
      granted: true,
      version: "2026-12",
      now,
    });
    const ref = await svc.refer(c.caseId, anna, {
      partnerId: "jobcenter",
      purpose: "work",
      note: "Termin zur Beratung",
      expectedBy: null,
      goalId: (g1 as { id: string }).id,
    });
    expect(ref.ok).toBe(true);
    const refId = (ref as { id: string }).id;

    // 15 days later nobody answered: the referral is to chase, once chased it leaves the list for a week
    now = new Date(now.getTime() + 15 * DAY);
    expect((await svc.toChaseFor([annaId])).map((r) => r.id)).toContain(refId);
    expect(await svc.updateReferral(refId, anna, "chased")).toMatchObject({ ok: true });
    expect((await svc.toChaseFor([annaId])).map((r) => r.id)).not.toContain(refId);
    expect(await svc.updateReferral(refId, ben, "acknowledged")).toEqual({
      ok: false,
      code: "not_responsible",
    });
    expect(await svc.updateReferral(refId, anna, "acknowledged")).toMatchObject({ ok: true });
    expect(await svc.updateReferral(refId, anna, "sent")).toEqual({ ok: false, code: "stale" });
    const answered = await db.prisma.referral.findUniqueOrThrow({ where: { id: refId } });
    expect(answered.answeredAt).not.toBeNull();

    // closure asks for every goal's outcome; a partial outcome needs a reason
    const missing = await svc.close(c.caseId, anna, { reason: "goals_reached", outcomes: [] });
    expect(missing).toMatchObject({ ok: false, code: "invalid" });
    const noReason = await svc.close(c.caseId, anna, {
      reason: "goals_reached",
      outcomes: [
        { goalId: (g1 as { id: string }).id, outcome: "reached", reason: "" },
        { goalId: (g2 as { id: string }).id, outcome: "partly", reason: "" },
      ],
    });
    expect(noReason).toEqual({
      ok: false,
      code: "invalid",
      errors: { [(g2 as { id: string }).id]: "reason_required" },
    });
    expect(await phaseOf(c.caseId)).toBe("goal_agreement");
    const closed = await svc.close(c.caseId, anna, {
      reason: "goals_reached",
      outcomes: [
        { goalId: (g1 as { id: string }).id, outcome: "reached", reason: "" },
        { goalId: (g2 as { id: string }).id, outcome: "partly", reason: "circumstances_changed" },
      ],
      idempotencyKey: "slack.view.V-cw3",
    });
    expect(closed).toEqual({ ok: true, phase: "closed" });
    expect(await phaseOf(c.caseId)).toBe("closed");
    const goals = await db.prisma.goal.findMany({
      where: { caseId: c.caseId },
      orderBy: { createdAt: "asc" },
    });
    expect(goals.map((g) => [g.outcome, g.outcomeReason, g.status])).toEqual([
      ["reached", null, "achieved"],
      ["partly", "circumstances_changed", "open"],
    ]);
    expect(jobs.calls.some((j) => j.name === "matching.pull")).toBe(true);
    expect(
      clients.sent.filter((m) => m.clientId === c.clientId && m.template === GOODBYE_TEMPLATE),
    ).toHaveLength(1);
    // the retry of the closure modal is answered as done
    expect(
      await svc.close(c.caseId, anna, {
        reason: "goals_reached",
        outcomes: [],
        idempotencyKey: "slack.view.V-cw3",
      }),
    ).toMatchObject({ ok: true, duplicate: true });
    const audit = await db.prisma.auditLog.findMany({
      where: { caseId: c.caseId },
      select: { action: true, data: true },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "goal.added",
        "referral.sent",
        "referral.chased",
        "referral.status",
        "goal.outcomes",
        "case.closed",
      ]),
    );
    // the audit log carries ids and codes only
    expect(JSON.stringify(audit)).not.toContain("Arbeit finden");
    expect(JSON.stringify(audit)).not.toContain("Termin zur Beratung");
  });
});

// ───────────────────────────── Slack ─────────────────────────────

function fakeSlack() {
  const calls: { method: string; arg: Record<string, unknown> }[] = [];
  const acks: (Record<string, unknown> | undefined)[] = [];
  const client = {
    views: {
      open: async (a: Record<string, unknown>) => void calls.push({ method: "views.open", arg: a }),
      push: async (a: Record<string, unknown>) => void calls.push({ method: "views.push", arg: a }),
      update: async (a: Record<string, unknown>) => void calls.push({ method: "views.update", arg: a }),
    },
    chat: {},
  };
  const ack = async (r?: Record<string, unknown>) => void acks.push(r);
  return { calls, acks, client, ack };
}
const sel = (value: string) => ({ v: { selected_option: value ? { value } : null } });
const multi = (values: string[]) => ({ v: { selected_options: values.map((value) => ({ value })) } });
const txt = (value: string) => ({ v: { value } });

describe("Slack case work", () => {
  it("opens the case file from a button, pushes the assessment and maps field errors to blocks", async () => {
    const c = await newCase("cw4");
    const s = fakeSlack();
    await onOpenFile(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          trigger_id: "T1",
          actions: [{ action_id: CASEWORK_IDS.open, value: c.caseId }],
        },
      } as CaseworkArgs,
      deps,
    );
    const opened = s.calls.find((x) => x.method === "views.open")!.arg.view as Record<string, unknown>;
    expect(opened.callback_id).toBe(CASEWORK_IDS.views.file);
    expect(JSON.stringify(opened)).toContain(CASEWORK_IDS.assess);

    await onWorkButton(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          trigger_id: "T2",
          view: { id: "VROOT" },
          actions: [{ action_id: CASEWORK_IDS.assess, value: c.caseId }],
        },
      } as CaseworkArgs,
      deps,
    );
    const pushed = s.calls.find((x) => x.method === "views.push")!.arg.view as {
      callback_id: string;
      blocks: unknown[];
    };
    expect(pushed.callback_id).toBe(CASEWORK_IDS.views.assessment);
    expect(pushed.blocks.length).toBeLessThanOrEqual(100);

    // a crafted barrier from another area comes back as an error next to the field
    const values: Record<string, Record<string, unknown>> = {
      [areaBlock("housing", "status")]: sel("need"),
      [areaBlock("housing", "barriers")]: multi(["debts"]),
      [areaBlock("housing", "notes")]: txt(""),
    };
    await onAssessmentSubmitted(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          view: {
            id: "V-cw4",
            root_view_id: "VROOT",
            private_metadata: c.caseId,
            state: { values: values as never },
          },
        },
      } as CaseworkArgs,
      deps,
    );
    expect(s.acks.at(-1)).toMatchObject({
      response_action: "errors",
      errors: { [areaBlock("housing", "barriers")]: expect.any(String) },
    });
    values[areaBlock("housing", "barriers")] = multi(["overcrowded"]);
    await onAssessmentSubmitted(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          view: {
            id: "V-cw4b",
            root_view_id: "VROOT",
            private_metadata: c.caseId,
            state: { values: values as never },
          },
        },
      } as CaseworkArgs,
      deps,
    );
    expect(s.acks.at(-1)).toBeUndefined();
    expect(await phaseOf(c.caseId)).toBe("assessment");
    // the case file underneath is refreshed
    expect(s.calls.some((x) => x.method === "views.update" && x.arg.view_id === "VROOT")).toBe(true);
  });

  it("refuses a colleague's crafted submission and explains a missing release in the referral modal", async () => {
    const c = await newCase("cw5");
    const s = fakeSlack();
    await onAssessmentSubmitted(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: benSlack },
          view: {
            id: "V-cw5",
            private_metadata: c.caseId,
            state: { values: { [areaBlock("work", "status")]: sel("no_need") } as never },
          },
        },
      } as CaseworkArgs,
      deps,
    );
    expect(s.acks.at(-1)).toMatchObject({ response_action: "update" });
    expect(JSON.stringify(s.acks.at(-1))).toContain(
      i18n.getFixedT("de", "casework")("refused.not_responsible"),
    );
    expect(await db.prisma.assessment.count({ where: { caseId: c.caseId } })).toBe(0);

    await onReferralSubmitted(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          view: {
            id: "V-cw5r",
            private_metadata: c.caseId,
            state: {
              values: {
                [CASEWORK_IDS.blocks.refPartner]: sel("immigration-office"),
                [CASEWORK_IDS.blocks.refPurpose]: sel("residence"),
                [CASEWORK_IDS.blocks.refExpected]: { v: { selected_date: "2026-02-30" } },
              } as never,
            },
          },
        },
      } as CaseworkArgs,
      deps,
    );
    expect(s.acks.at(-1)).toMatchObject({
      response_action: "errors",
      errors: { [CASEWORK_IDS.blocks.refExpected]: expect.any(String) },
    });
    await onReferralSubmitted(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          view: {
            id: "V-cw5s",
            private_metadata: c.caseId,
            state: {
              values: {
                [CASEWORK_IDS.blocks.refPartner]: sel("immigration-office"),
                [CASEWORK_IDS.blocks.refPurpose]: sel("residence"),
              } as never,
            },
          },
        },
      } as CaseworkArgs,
      deps,
    );
    const errors = (s.acks.at(-1) as { errors: Record<string, string> }).errors;
    expect(errors[CASEWORK_IDS.blocks.refPartner]).toContain("/mydata");
    expect(await db.prisma.referral.count({ where: { caseId: c.caseId } })).toBe(0);
  });

  it("closure modal: outcome errors next to the goal, then closes", async () => {
    const c = await newCase("cw6");
    await svc.saveAssessment(c.caseId, anna, {
      areas: allAreas({ work: { status: "need", barriers: ["unemployed"] } }),
      complete: true,
    });
    const g = (await svc.addGoal(c.caseId, anna, {
      text: "Job",
      area: "work",
      steps: "",
      responsible: "client",
      partnerId: "",
      dueDate: null,
    })) as { id: string };
    const s = fakeSlack();
    const submit = (values: Record<string, unknown>, id: string) =>
      onClosureSubmitted(
        {
          ack: s.ack,
          client: s.client,
          body: {
            user: { id: annaSlack },
            view: { id, private_metadata: `${c.caseId}|goal_agreement`, state: { values: values as never } },
          },
        } as CaseworkArgs,
        deps,
      );
    await submit(
      {
        [CASEWORK_IDS.blocks.closeReason]: sel("moved_away"),
        [outcomeBlock(g.id, "outcome")]: sel("not_reached"),
        [outcomeBlock(g.id, "reason")]: sel(""),
      },
      "V-cw6",
    );
    expect(s.acks.at(-1)).toMatchObject({
      response_action: "errors",
      errors: { [outcomeBlock(g.id, "reason")]: expect.any(String) },
    });
    await submit(
      {
        [CASEWORK_IDS.blocks.closeReason]: sel("moved_away"),
        [outcomeBlock(g.id, "outcome")]: sel("not_reached"),
        [outcomeBlock(g.id, "reason")]: sel("moved_away"),
      },
      "V-cw6b",
    );
    expect(s.acks.at(-1)).toBeUndefined();
    expect(await phaseOf(c.caseId)).toBe("closed");
  });
});

describe("next contact (monitoring)", () => {
  it("the responsible CM sets it (today to a year ahead), idempotent, audited; colleagues are refused", async () => {
    const c = await newCase("cw-next");
    const when = new Date(now.getTime() + 10 * DAY);
    const date = new Date(`${when.toISOString().slice(0, 10)}T00:00:00Z`);
    expect(await svc.setNextContact(c.caseId, anna, { date: null })).toEqual({
      ok: false,
      code: "invalid",
      errors: { date: "required" },
    });
    expect(
      await svc.setNextContact(c.caseId, anna, { date: new Date(now.getTime() - 2 * DAY) }),
    ).toMatchObject({
      errors: { date: "in_past" },
    });
    expect(
      await svc.setNextContact(c.caseId, anna, { date: new Date(now.getTime() + 400 * DAY) }),
    ).toMatchObject({
      errors: { date: "too_far_year" },
    });
    expect(await svc.setNextContact(c.caseId, ben, { date })).toEqual({ ok: false, code: "not_responsible" });
    expect(await svc.setNextContact(c.caseId, anna, { date, idempotencyKey: "nc-1" })).toEqual({ ok: true });
    expect(await svc.setNextContact(c.caseId, anna, { date, idempotencyKey: "nc-1" })).toEqual({
      ok: true,
      duplicate: true,
    });
    const k = await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect(k.nextContactAt?.toISOString()).toBe(date.toISOString());
    const events = await db.prisma.caseEvent.count({
      where: { caseId: c.caseId, kind: "monitoring.next_contact_set" },
    });
    expect(events).toBe(1);
    const t = i18n.getFixedT("de", "casework");
    expect(t("event.monitoring.next_contact_set")).toBe("Nächster Kontakt festgelegt");
  });
});

describe("case conference", () => {
  it("records who took part (offices only under the release), the topics, encrypted decisions and a first goal; idempotent; colleagues refused", async () => {
    const c = await newCase("cw-conf");
    const input = {
      heldOn: new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`),
      staffIds: [benId],
      partnerIds: ["jobcenter", "immigration-office"],
      roles: ["client", "interpreter"],
      topics: ["work", "residence"],
      decisions: "Termin beim Jobcenter zur Anerkennung vorbereiten",
      goal: {
        text: "Unterlagen für die Anerkennung sammeln",
        area: "education",
        steps: "",
        responsible: "client",
        partnerId: "",
        dueDate: new Date(now.getTime() + 30 * DAY),
      },
    };
    // no release for either office yet
    expect(await svc.recordConference(c.caseId, anna, input)).toEqual({
      ok: false,
      code: "invalid",
      errors: { partners: "no_consent" },
    });
    for (const partnerId of ["jobcenter", "immigration-office"])
      await new PartnerConsentRepository(db.prisma).decide({
        clientId: c.clientId,
        partnerId,
        granted: true,
        version: "2026-12",
        now,
      });
    expect(await svc.recordConference(c.caseId, ben, { ...input, staffIds: [] })).toEqual({
      ok: false,
      code: "not_responsible",
    });
    const ok = await svc.recordConference(c.caseId, anna, { ...input, idempotencyKey: "conf-1" });
    expect(ok).toMatchObject({ ok: true, id: expect.any(String) });
    expect(await svc.recordConference(c.caseId, anna, { ...input, idempotencyKey: "conf-1" })).toEqual({
      ok: true,
      duplicate: true,
    });
    const stored = await db.prisma.caseConference.findMany({ where: { caseId: c.caseId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.decisions).not.toContain("Jobcenter");
    expect(stored[0]!.participants).toEqual([
      { kind: "staff", cmId: annaId },
      { kind: "staff", cmId: benId },
      { kind: "partner", partnerId: "jobcenter" },
      { kind: "partner", partnerId: "immigration-office" },
      { kind: "role", role: "client" },
      { kind: "role", role: "interpreter" },
    ]);
    const goals = await db.prisma.goal.findMany({ where: { caseId: c.caseId } });
    expect(goals.map((g) => g.area)).toEqual(["education"]);
    const events = await db.prisma.caseEvent.findMany({
      where: { caseId: c.caseId, kind: { in: ["conference.recorded", "goal.added"] } },
    });
    expect(events.map((e) => e.kind).sort()).toEqual(["conference.recorded", "goal.added"]);
    // events and audit carry ids and codes only
    expect(JSON.stringify(events)).not.toContain("Anerkennung");
    expect(
      await db.prisma.auditLog.count({ where: { caseId: c.caseId, action: "conference.recorded" } }),
    ).toBe(1);
    // the case file shows it, decrypted, with offices by name and roles, never a person's name
    const f = (await svc.caseFile(c.caseId, anna)) as CaseFile;
    expect(f.conferences).toMatchObject([
      {
        partners: ["jobcenter", "immigration-office"],
        roles: ["client", "interpreter"],
        decisions: input.decisions,
      },
    ]);
  });

  it("Slack: the modal is pushed from the case file, errors land next to the field, a valid submission refreshes the file", async () => {
    const c = await newCase("cw-conf2");
    const s = fakeSlack();
    const d = { ...deps, staff: org.caseManagers.map((m) => ({ id: m.id, name: m.name })) };
    await onWorkButton(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          trigger_id: "T9",
          view: { id: "VROOT2" },
          actions: [{ action_id: CASEWORK_IDS.conference, value: c.caseId }],
        },
      } as CaseworkArgs,
      d,
    );
    const pushed = s.calls.find((x) => x.method === "views.push")!.arg.view as {
      callback_id: string;
      blocks: unknown[];
    };
    expect(pushed.callback_id).toBe(CASEWORK_IDS.views.conference);
    expect(JSON.stringify(pushed)).toContain("immigration-office");
    const I = CASEWORK_IDS.blocks;
    const values: Record<string, Record<string, unknown>> = {
      [I.confHeld]: { v: { selected_date: new Date(now.getTime() + DAY).toISOString().slice(0, 10) } },
      [I.confStaff]: multi([]),
      [I.confPartners]: multi(["immigration-office"]),
      [I.confRoles]: multi([]),
      [I.confTopics]: multi(["residence"]),
      [I.confDecisions]: txt(""),
      [I.confGoalText]: txt(""),
      [I.confGoalArea]: sel(""),
      [I.confGoalResponsible]: sel(""),
      [I.confGoalDue]: { v: { selected_date: null } },
    };
    const submit = (id: string) =>
      onConferenceSubmitted(
        {
          ack: s.ack,
          client: s.client,
          body: {
            user: { id: annaSlack },
            view: {
              id,
              root_view_id: "VROOT2",
              private_metadata: c.caseId,
              state: { values: values as never },
            },
          },
        } as CaseworkArgs,
        d,
      );
    await submit("V-conf-a");
    // tomorrow, and an office without the release: both named next to their fields
    expect(s.acks.at(-1)).toMatchObject({
      response_action: "errors",
      errors: { [I.confHeld]: expect.any(String), [I.confPartners]: expect.any(String) },
    });
    values[I.confHeld] = { v: { selected_date: now.toISOString().slice(0, 10) } };
    values[I.confPartners] = multi([]);
    values[I.confRoles] = multi(["client"]);
    await submit("V-conf-b");
    expect(s.acks.at(-1)).toBeUndefined();
    expect(await db.prisma.caseConference.count({ where: { caseId: c.caseId } })).toBe(1);
    expect(s.calls.some((x) => x.method === "views.update" && x.arg.view_id === "VROOT2")).toBe(true);
    const t = i18n.getFixedT("en", "casework");
    expect(t("event.conference.recorded")).toBe("Case conference recorded");
  });
});

describe("about the person (intake 12.1): filled in from the case file", () => {
  it("pushes the modal, takes a typed country in any language, refuses unclear ones, clears emptied fields", async () => {
    const c = await newCase("cw-about");
    const s = fakeSlack();
    await onWorkButton(
      {
        ack: s.ack,
        client: s.client,
        body: {
          user: { id: annaSlack },
          trigger_id: "T-about",
          view: { id: "VROOT" },
          actions: [{ action_id: CASEWORK_IDS.about, value: c.caseId }],
        },
      } as CaseworkArgs,
      deps,
    );
    const pushed = s.calls.find((x) => x.method === "views.push")!.arg.view as Record<string, unknown>;
    expect(pushed.callback_id).toBe(CASEWORK_IDS.views.about);
    const I = CASEWORK_IDS.blocks;
    const submit = (values: Record<string, unknown>, id: string, user = annaSlack) =>
      onAboutSubmitted(
        {
          ack: s.ack,
          client: s.client,
          body: {
            user: { id: user },
            view: {
              id,
              root_view_id: "VROOT",
              private_metadata: c.caseId,
              state: { values: values as never },
            },
          },
        } as CaseworkArgs,
        deps,
      );
    // a beginning that fits several countries: the field says so, nothing is stored
    await submit({ [I.aboutCountryText]: txt("Guin") }, "V-about-1");
    expect(s.acks.at(-1)).toMatchObject({
      response_action: "errors",
      errors: { [I.aboutCountryText]: expect.any(String) },
    });
    // a year in the future
    await submit({ [I.aboutCountry]: sel("SY"), [I.aboutYear]: txt("2999") }, "V-about-2");
    expect(s.acks.at(-1)).toMatchObject({
      response_action: "errors",
      errors: { [I.aboutYear]: expect.any(String) },
    });
    // typed in Persian, the menu says Syria: the typed country wins
    await submit(
      {
        [I.aboutCountry]: sel("SY"),
        [I.aboutCountryText]: txt("افغانستان"),
        [I.aboutStatus]: sel("asylum"),
        [I.aboutYear]: txt("2021"),
      },
      "V-about-3",
    );
    expect(s.acks.at(-1)).toBeUndefined();
    const client = async () =>
      db.prisma.client.findFirstOrThrow({ where: { cases: { some: { id: c.caseId } } } });
    expect(await client()).toMatchObject({
      originCountry: "AF",
      residenceStatus: "asylum",
      arrivalYear: 2021,
    });
    expect(s.calls.at(-1)).toMatchObject({ method: "views.update", arg: { view_id: "VROOT" } });
    expect(JSON.stringify(s.calls.at(-1))).toContain("Afghanistan");
    // emptied fields clear; the event records which fields were set, never the values
    await submit({ [I.aboutCountry]: sel("UA") }, "V-about-4");
    expect(await client()).toMatchObject({ originCountry: "UA", residenceStatus: null, arrivalYear: null });
    const events = await db.prisma.caseEvent.findMany({
      where: { caseId: c.caseId, kind: "client.about_set" },
    });
    expect(events).toHaveLength(2);
    expect(JSON.stringify(events)).not.toContain("UA");
    // a colleague who is not responsible is refused
    expect(
      await svc.setAbout(c.caseId, ben, { originCountry: "SY", residenceStatus: null, arrivalYear: null }),
    ).toEqual({ ok: false, code: "not_responsible" });
    expect(
      await svc.setAbout(c.caseId, anna, {
        originCountry: "ZZ",
        residenceStatus: "tourist",
        arrivalYear: 1900,
      }),
    ).toMatchObject({ errors: { country: "unknown_country", status: "invalid", year: "year_range" } });
    const t = i18n.getFixedT("de", "casework");
    expect(t("event.client.about_set")).toBe("Herkunft / Status / Einreise eingetragen");
  });
});
