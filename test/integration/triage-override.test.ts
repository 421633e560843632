// The staff triage override end to end with signed Slack requests against the running system (Slack
// role only, so queued jobs stay for inspection): a referral re-routed to case management joins the
// wait list in order, urgency moves it ahead, a stranger case manager is refused, a Slack retry
// changes nothing twice, bad input gets field errors, and every change is audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { waitlistSnapshot } from "../../src/modules/waitlist/waitlist.repository.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { TRIAGE_IDS } from "../../src/slack/blocks/triage-override.ts";
import { emptyQueues, startTestSystem, type TestSystem } from "../support/system.ts";
import {
  commandBody,
  interactionBody,
  type Seeded,
  seedWaitingCase,
  signedHeaders,
  slackEnv,
  viewSubmission,
} from "./slack-fixtures.ts";

const LEAD = "U05BI00001"; // miriam-hoffmann, municipal team lead
const STRANGER = "U05BI00002"; // yasin-al-khatib, a case manager holding none of these
const COORDINATOR = "U05BI00003"; // dilan-aydin, coordinator for the region bielefeld
let peer: SlackPeer;
let sys: TestSystem;
let first: Seeded;
let second: Seeded;
let referred: Seeded;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({ label: "triage_override", env: { ...slackEnv(peer), ANLAUF_ROLE: "slack" } });
  const db = sys.ctx.db;
  first = await seedWaitingCase(db, sys.ctx.cipher);
  second = await seedWaitingCase(db, sys.ctx.cipher);
  // an intake the rules referred to the job centre: no case, no wait-list entry
  referred = await seedWaitingCase(db, sys.ctx.cipher);
  await db.case.delete({ where: { id: referred.caseId } });
  await db.waitlistEntry.delete({ where: { intakeId: referred.intakeId } });
  await db.triageOutcome.update({
    where: { intakeId: referred.intakeId },
    data: { route: "referral", referralTarget: "jobcenter", reasonCode: "existing_cm_sgb2" },
  });
});
afterAll(async () => {
  await emptyQueues(sys);
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

const post = (body: string) =>
  fetch(`http://127.0.0.1:${sys.port}/slack/events`, { method: "POST", body, headers: signedHeaders(body) });

const sel = (value: string) => ({ selected_option: { value } });
/** A signed view submission of the override modal; `viewId` is what Slack repeats on a retry. */
async function submit(
  user: string,
  intakeId: string,
  viewId: string,
  v: { route: string; target?: string; urgent?: boolean; priority?: string; reason?: string; note?: string },
): Promise<Record<string, unknown>> {
  const I = TRIAGE_IDS.blocks;
  const payload = viewSubmission({
    user,
    callbackId: TRIAGE_IDS.view,
    privateMetadata: intakeId,
    values: {
      [I.route]: sel(v.route),
      [I.target]: v.target ? sel(v.target) : { selected_option: null },
      [I.urgent]: { selected_options: v.urgent ? [{ value: "urgent" }] : [] },
      [I.priority]: { value: v.priority ?? null },
      [I.reason]: v.reason ? sel(v.reason) : { selected_option: null },
      [I.note]: { value: v.note ?? null },
    },
  });
  (payload.view as { id: string }).id = viewId;
  const res = await post(interactionBody(payload));
  expect(res.status).toBe(200);
  const text = await res.text();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const order = async () =>
  (await waitlistSnapshot(sys.ctx.db, sys.ctx.org, sys.ctx.now())).rows.map((r) => r.referenceCode);
const audits = () =>
  sys.ctx.db.auditLog.findMany({ where: { action: "triage.overridden" }, orderBy: { id: "asc" } });

describe("staff triage override", () => {
  it("referral → case management: the case opens and joins the wait list in order, once", async () => {
    expect(await order()).toEqual([first.referenceCode, second.referenceCode]);
    const answer = await submit(LEAD, referred.intakeId, "VTR1", {
      route: "case_management",
      reason: "existing_support_inactive",
      note: "Jobcenter-Fallmanagement ruht seit Oktober",
    });
    expect(answer).toEqual({});
    // the same submission again (a Slack retry): nothing twice
    expect(
      await submit(LEAD, referred.intakeId, "VTR1", { route: "case_management", reason: "other" }),
    ).toEqual({});

    const kase = await sys.ctx.db.case.findUniqueOrThrow({ where: { intakeId: referred.intakeId } });
    expect(kase.phase).toBe("waiting");
    expect(await order()).toEqual([first.referenceCode, second.referenceCode, referred.referenceCode]);
    const outcome = await sys.ctx.db.triageOutcome.findUniqueOrThrow({
      where: { intakeId: referred.intakeId },
    });
    expect(outcome).toMatchObject({ route: "case_management", referralTarget: null });
    expect(outcome.breakdown).toMatchObject({ original: { route: "referral", referralTarget: "jobcenter" } });

    const events = await sys.ctx.db.caseEvent.findMany({
      where: { caseId: kase.id, kind: "triage.overridden" },
    });
    expect(events).toHaveLength(1);
    const data = events[0]!.data as Record<string, unknown>;
    expect(data).toMatchObject({
      fromRoute: "referral",
      toRoute: "case_management",
      reason: "existing_support_inactive",
    });
    // the note is encrypted, bound to its event
    expect(String(data.reasonEnc)).toMatch(/^v2\./);
    expect(JSON.stringify(data)).not.toContain("ruht");

    const log = await audits();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      actor: "cm:miriam-hoffmann",
      caseId: kase.id,
      clientId: referred.clientId,
    });
    expect(JSON.stringify(log[0]!.data)).not.toContain("ruht");

    const work = sys.ctx.producer.queue(QUEUES.work);
    expect(
      await work.getJob(
        sys.ctx.producer.jobIdOf("matching.assign", { caseId: kase.id, trigger: "triaged", attempt: 0 }),
      ),
    ).toBeTruthy();
    const refresh = await work.getJobs(["waiting", "delayed", "prioritized"]);
    expect(refresh.some((j) => j.name === "waitlist.refresh")).toBe(true);
  });

  it("a case manager who holds none of it is refused and changes nothing", async () => {
    const answer = await submit(STRANGER, referred.intakeId, "VTR2", {
      route: "case_management",
      urgent: true,
      reason: "urgency_found",
    });
    expect(answer).toMatchObject({ response_action: "update" });
    expect(JSON.stringify(answer)).toContain("nicht ändern");
    expect(await order()).toEqual([first.referenceCode, second.referenceCode, referred.referenceCode]);
    expect(await audits()).toHaveLength(1);
  });

  it("urgent on (the region's coordinator): the entry moves ahead", async () => {
    expect(
      await submit(COORDINATOR, referred.intakeId, "VTR3", {
        route: "case_management",
        urgent: true,
        reason: "urgency_found",
      }),
    ).toEqual({});
    expect(await order()).toEqual([referred.referenceCode, first.referenceCode, second.referenceCode]);
    const entry = await sys.ctx.db.waitlistEntry.findUniqueOrThrow({
      where: { intakeId: referred.intakeId },
    });
    expect(entry.urgent).toBe(true);
    expect((await audits()).at(-1)).toMatchObject({ actor: "cm:dilan-aydin" });
  });

  it("bad input: errors on the fields, nothing stored", async () => {
    const answer = await submit(LEAD, first.intakeId, "VTR4", { route: "referral", priority: "-5" });
    expect(answer).toMatchObject({ response_action: "errors" });
    const errors = answer.errors as Record<string, string>;
    expect(Object.keys(errors).sort()).toEqual(
      [TRIAGE_IDS.blocks.priority, TRIAGE_IDS.blocks.reason, TRIAGE_IDS.blocks.target].sort(),
    );
    const unchanged = await submit(LEAD, first.intakeId, "VTR5", {
      route: "case_management",
      reason: "other",
      note: "x",
    });
    expect(unchanged).toMatchObject({
      response_action: "errors",
      errors: { [TRIAGE_IDS.blocks.route]: expect.any(String) },
    });
    expect(await audits()).toHaveLength(2);
  });

  it("case management → referral: the waiting case leaves the wait list, closed as referred", async () => {
    expect(
      await submit(LEAD, second.intakeId, "VTR6", {
        route: "referral",
        target: "mbe",
        reason: "client_request",
      }),
    ).toEqual({});
    expect(await order()).toEqual([referred.referenceCode, first.referenceCode]);
    const kase = await sys.ctx.db.case.findUniqueOrThrow({ where: { id: second.caseId } });
    expect(kase).toMatchObject({ phase: "closed", closureReason: "referred" });
    const entry = await sys.ctx.db.waitlistEntry.findUniqueOrThrow({ where: { intakeId: second.intakeId } });
    expect(entry.status).toBe("withdrawn");
    // the client hears the referral of the triage path, in their language (rendered by the worker)
    const tg = await sys.ctx.producer.queue(QUEUES.telegram).getJobs(["waiting", "delayed", "prioritized"]);
    expect(tg.some((j) => (j.data as { template?: string }).template === "triage.referral")).toBe(true);
  });

  it("/kim triage <reference code> opens the modal for the lead", async () => {
    const body = commandBody({
      command: "/kim",
      text: `triage ${first.referenceCode}`,
      user_id: LEAD,
      team_id: "TANLAUF",
      channel_id: `D${LEAD}`,
      trigger_id: "trig-triage",
      response_url: `${peer.url}response.triage`,
      api_app_id: "AANLAUF",
      token: "legacy",
    });
    expect((await post(body)).status).toBe(200);
    const opened = await peer.waitFor(
      (c) => c.method === "views.open" && c.args.trigger_id === "trig-triage",
    );
    const view = (typeof opened.args.view === "string" ? JSON.parse(opened.args.view) : opened.args.view) as {
      callback_id: string;
      private_metadata: string;
    };
    expect(view).toMatchObject({ callback_id: TRIAGE_IDS.view, private_metadata: first.intakeId });
  });
});
