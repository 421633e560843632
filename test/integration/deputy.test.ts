// The deputy during an absence (issue 11.8) on the running system, through signed Slack requests and
// the local Slack peer: a lead names the deputy (/kim deputy), the deputy gets the client's message with
// a Reply button, the reply reaches the client in their language naming the deputy (telegram.send with
// relay.deputy_message), once per view; a stranger is refused; staff notices go to the deputy while the
// absence lasts (appointment DMs, privacy notices) and to the case manager after it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackCall, type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { IntakeRepository } from "../../src/modules/intake/intake.repository.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { SlackRelay } from "../../src/slack/outbox.ts";
import { render } from "../../src/telegram/features/shared.ts";
import { templateParams } from "../../src/telegram/notifier.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import {
  blockAction,
  commandBody,
  eventBody,
  interactionBody,
  type Seeded,
  seedOfferedCase,
  signedHeaders,
  slackEnv,
  until,
  viewSubmission,
} from "./slack-fixtures.ts";

let peer: SlackPeer;
let sys: TestSystem;
const ABSENT = "olena-kovalenko";
const DEPUTY = "katarzyna-nowak";
const STRANGER = "samira-haddad";
const LEAD = "miriam-hoffmann";
const slack: Record<string, string> = {};
let seeded: Seeded;
let absenceId: string;
const THREAD_TS = "1765000000.000100";
const DAY = 86_400_000;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({ label: "deputy", env: slackEnv(peer) });
  for (const id of [ABSENT, DEPUTY, STRANGER, LEAD])
    slack[id] = (await sys.ctx.db.caseManager.findUniqueOrThrow({ where: { id } })).slackUserId;
  const s = await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, ABSENT, { slackRelay: true });
  seeded = s;
  await sys.ctx.db.assignment.update({
    where: { id: s.assignmentId },
    data: {
      status: "accepted",
      decidedAt: new Date(),
      slackChannel: `D${slack[ABSENT]}`,
      slackTs: THREAD_TS,
    },
  });
  await sys.ctx.db.case.update({
    where: { id: s.caseId },
    data: { phase: "first_consultation", threadChannel: `D${slack[ABSENT]}`, threadTs: THREAD_TS },
  });
  absenceId = (
    await sys.ctx.db.absence.create({
      data: { cmId: ABSENT, from: new Date(Date.now() - DAY), to: new Date(Date.now() + 2 * DAY) },
    })
  ).id;
});
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

const events = () => `http://127.0.0.1:${sys.port}/slack/events`;
const postForm = (body: string) => fetch(events(), { method: "POST", body, headers: signedHeaders(body) });
const blocksOf = (c: SlackCall) => JSON.stringify(c.args.blocks ?? "");
const since = (n: number) => (c: SlackCall) => peer.calls.indexOf(c) >= n;

/** What the Telegram worker would send for a relay job, rendered in the client's language (ar). */
async function arabicTextOf(data: {
  template: string;
  params: Record<string, string | number>;
}): Promise<string> {
  const repo = new IntakeRepository(sys.ctx.db, sys.ctx.cipher);
  const params = await templateParams(sys.ctx, repo, "ar", seeded.clientId, data.template, data.params);
  return render(sys.ctx, "ar", data.template, params);
}

async function kim(user: string, text: string, tag: string): Promise<string> {
  const body = commandBody({
    command: "/kim",
    text,
    user_id: user,
    team_id: "TANLAUF",
    channel_id: `D${user}`,
    trigger_id: `trig-${tag}`,
    response_url: `${peer.url}response.${tag}`,
    api_app_id: "AANLAUF",
    token: "legacy",
  });
  expect((await postForm(body)).status).toBe(200);
  return String((await peer.waitFor((c) => c.method === `response.${tag}`)).args.text);
}

function reply(user: string, text: string, viewId: string): string {
  const p = viewSubmission({
    user,
    callbackId: "deputy.reply_modal",
    privateMetadata: seeded.caseId,
    values: { text: { type: "plain_text_input", value: text } },
  });
  (p.view as { id: string }).id = viewId;
  return interactionBody(p);
}

describe("the deputy during an absence", () => {
  it("a lead names the deputy of an absence without one; a colleague of another agency may not", async () => {
    const refused = await kim(slack[STRANGER]!, `deputy <@${slack[ABSENT]}> <@${slack[STRANGER]}>`, "k1");
    expect(refused).toContain("nur für Ihre eigenen");
    expect((await sys.ctx.db.absence.findUniqueOrThrow({ where: { id: absenceId } })).deputyId).toBeNull();
    const done = await kim(slack[LEAD]!, `deputy <@${slack[ABSENT]}> <@${slack[DEPUTY]}>`, "k2");
    expect(done).toContain("Katarzyna");
    expect((await sys.ctx.db.absence.findUniqueOrThrow({ where: { id: absenceId } })).deputyId).toBe(DEPUTY);
    const audit = await sys.ctx.db.auditLog.findFirstOrThrow({ where: { action: "absence.deputy_set" } });
    expect(audit.data).toMatchObject({ absenceId, cmId: ABSENT, deputyId: DEPUTY });
    expect(await kim(slack[LEAD]!, `deputy <@${slack[ABSENT]}> <@${slack[DEPUTY]}>`, "k3")).toContain(
      "Nichts geändert",
    );
  });

  it("the deputy gets the client's message with Reply; the reply reaches the client in Arabic, naming the deputy, once", async () => {
    const msg = await sys.ctx.db.relayedMessage.create({
      data: {
        caseId: seeded.caseId,
        direction: "client_to_staff",
        body: sys.ctx.cipher.encrypt("Wann ist der Termin?"),
        author: "client",
      },
    });
    await new SlackRelay(sys.ctx.producer).relayClientMessage(seeded.caseId, msg.id);
    const copy = await peer.waitFor(
      (c) =>
        c.method === "chat.postMessage" &&
        c.args.channel === `D${slack[DEPUTY]}` &&
        blocksOf(c).includes("deputy.reply"),
    );
    expect(String(copy.args.text)).toContain("Wann ist der Termin?");

    const n = peer.calls.length;
    const click = blockAction({
      user: slack[DEPUTY]!,
      actionId: "deputy.reply",
      value: seeded.caseId,
      channel: `D${slack[DEPUTY]}`,
      messageTs: "1.5",
    });
    expect((await postForm(interactionBody(click))).status).toBe(200);
    const opened = await peer.waitFor((c) => c.method === "views.open" && since(n)(c));
    expect(JSON.stringify(opened.args.view)).toContain("deputy.reply_modal");
    expect(JSON.stringify(opened.args.view)).toContain(seeded.referenceCode);

    const res = await postForm(reply(slack[DEPUTY]!, "Ich rufe Sie morgen um 10 Uhr an.", "VDEP1"));
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("errors");
    const stored = await until(() =>
      sys.ctx.db.relayedMessage.findFirst({ where: { caseId: seeded.caseId, direction: "staff_to_client" } }),
    );
    expect(stored.author).toBe(`cm:${DEPUTY}`);
    expect(stored.body).not.toContain("Uhr");
    const job = await until(() => sys.ctx.producer.queue(QUEUES.telegram).getJob(`j-tg.relay.${stored.id}`));
    expect(job.data).toMatchObject({
      clientId: seeded.clientId,
      template: "relay.deputy_message",
      params: { relayedMessageId: stored.id, referenceCode: seeded.referenceCode },
    });
    // ids only in the job; the worker renders the text in the client's language (ar)
    expect(JSON.stringify(job.data)).not.toContain("Katarzyna");
    const text = await arabicTextOf(job.data);
    expect(text).toContain("Katarzyna");
    expect(text).toContain("بالنيابة عن مدير حالتك");
    expect(text).toContain("Ich rufe Sie morgen um 10 Uhr an.");
    expect(text).not.toContain("Nowak");
    // the case thread keeps a record
    await peer.waitFor(
      (c) =>
        c.method === "chat.postMessage" &&
        c.args.thread_ts === THREAD_TS &&
        String(c.args.text).includes("Vertretung"),
    );
    const audit = await sys.ctx.db.auditLog.findFirstOrThrow({
      where: { action: "relay.staff_message", caseId: seeded.caseId },
    });
    expect(audit.actor).toBe(`cm:${DEPUTY}`);
    expect(JSON.stringify(audit.data)).not.toContain("Uhr");

    // Slack retries the submission: nothing is stored or sent twice
    expect((await postForm(reply(slack[DEPUTY]!, "Ich rufe Sie morgen um 10 Uhr an.", "VDEP1"))).status).toBe(
      200,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      await sys.ctx.db.relayedMessage.count({
        where: { caseId: seeded.caseId, direction: "staff_to_client" },
      }),
    ).toBe(1);
  });

  it("a stranger is refused, in the modal and at the button, and nothing is relayed", async () => {
    const res = await postForm(reply(slack[STRANGER]!, "Hallo, hier ist jemand anderes.", "VDEP2"));
    expect(await res.json()).toMatchObject({
      response_action: "errors",
      errors: { text: expect.stringContaining("Nicht gesendet") },
    });
    const n = peer.calls.length;
    const click = blockAction({
      user: slack[STRANGER]!,
      actionId: "deputy.reply",
      value: seeded.caseId,
      channel: `D${slack[STRANGER]}`,
      messageTs: "1.6",
    });
    await postForm(interactionBody(click));
    const eph = await peer.waitFor((c) => c.method === "chat.postEphemeral" && since(n)(c));
    expect(String(eph.args.text)).toContain("Nicht gesendet");
    expect(peer.calls.some((c) => c.method === "views.open" && since(n)(c))).toBe(false);
    expect(
      await sys.ctx.db.relayedMessage.count({
        where: { caseId: seeded.caseId, direction: "staff_to_client", author: `cm:${STRANGER}` },
      }),
    ).toBe(0);
  });

  it("a staff notice goes to the deputy during the absence and to the case manager after it", async () => {
    const n0 = peer.calls.length;
    await sys.ctx.producer.enqueue("appointment.staff", {
      caseId: seeded.caseId,
      event: "no_slots",
      key: `dep-during.${seeded.caseId}`,
    });
    // appointment DMs go to the Slack user id itself (not a D… channel)
    const during = await peer.waitFor(
      (c) =>
        c.method === "chat.postMessage" && since(n0)(c) && String(c.args.text).includes(seeded.referenceCode),
    );
    expect(String(during.args.text)).toContain("Vertretung für");
    expect(during.args.channel).toBe(slack[DEPUTY]);

    // a privacy notice about the case likewise
    const n1 = peer.calls.length;
    await sys.ctx.producer.enqueue("slack.deliver", {
      kind: "notice",
      refId: `withdrawn:${seeded.caseId}`,
      key: `dep-notice.${seeded.caseId}`,
    });
    const notice = await peer.waitFor(
      (c) =>
        c.method === "chat.postMessage" && since(n1)(c) && String(c.args.text).includes(seeded.referenceCode),
    );
    expect(notice.args.channel).toBe(`D${slack[DEPUTY]}`);
    expect(String(notice.args.text)).toContain("Vertretung für");

    await sys.ctx.db.absence.update({ where: { id: absenceId }, data: { to: new Date(Date.now() - 1000) } });
    const n = peer.calls.length;
    await sys.ctx.producer.enqueue("appointment.staff", {
      caseId: seeded.caseId,
      event: "no_slots",
      key: `dep-after.${seeded.caseId}`,
    });
    const back = await peer.waitFor(
      (c) =>
        c.method === "chat.postMessage" && since(n)(c) && String(c.args.text).includes(seeded.referenceCode),
    );
    expect(back.args.channel).toBe(slack[ABSENT]);
    expect(String(back.args.text)).not.toContain("Vertretung");
  });
});

describe("a team lead writing in a case thread", () => {
  it("reaches the client as the team lead, by first name and agency, not as 'your case manager'", async () => {
    const ts = `${Math.floor(Date.now() / 1000)}.424242`;
    const body = eventBody({
      type: "message",
      channel: `D${slack[ABSENT]}`,
      channel_type: "im",
      user: slack[LEAD],
      text: "Ich übernehme das heute.",
      ts,
      thread_ts: THREAD_TS,
    });
    const res = await fetch(events(), {
      method: "POST",
      body,
      headers: signedHeaders(body, { contentType: "application/json" }),
    });
    expect(res.status).toBe(200);
    const stored = await until(() =>
      sys.ctx.db.relayedMessage.findFirst({
        where: { caseId: seeded.caseId, direction: "staff_to_client", author: `cm:${LEAD}` },
      }),
    );
    const job = await until(() => sys.ctx.producer.queue(QUEUES.telegram).getJob(`j-tg.relay.${stored.id}`));
    expect(job.data).toMatchObject({
      template: "relay.lead_message",
      params: { relayedMessageId: stored.id },
    });
    const text = await arabicTextOf(job.data);
    expect(text).toContain("Miriam");
    expect(text).toContain("مسؤول/ة فريق إدارة الحالات");
    expect(text).toContain("Ich übernehme das heute.");
  });
});
