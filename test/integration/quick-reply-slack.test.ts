// Quick replies end to end on the running Slack side (signed requests against /slack/events, the
// local Slack Web API peer, real Postgres and Redis; no workers, so jobs stay in the queues): the
// case card's button and the thread's message shortcut open the modal, choosing a reply previews
// the client's text, submitting for an Arabic-speaking client queues a telegram.send job whose
// delivery is the Arabic text, a retry sends and stores nothing twice, a stranger is refused, and
// a missing parameter, a day in the past and an erased client come back as field errors.
import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { IntakeRepository } from "../../src/modules/intake/intake.repository.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { QUICK_REPLY_IDS } from "../../src/slack/blocks/quick-reply.ts";
import { telegramSendHandler } from "../../src/telegram/notifier.ts";
import { type SeededCase, seedAssignedCase } from "../support/appointments.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import { blockAction, interactionBody, signedHeaders, slackEnv, until } from "./slack-fixtures.ts";

const CM = "yasin-al-khatib";
const CM_SLACK = "U05BI00002";
const STRANGER_SLACK = "U05BI00005"; // olena-kovalenko: same agency, not responsible, not a lead
const THREAD = { channel: "CQUICKREPLY", ts: "1765000000.000100" };

let peer: SlackPeer;
let sys: TestSystem;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({ label: "quick_reply", env: { ...slackEnv(peer), ANLAUF_ROLE: "slack" } });
});
afterAll(async () => {
  await sys?.ctx.producer
    .queue(QUEUES.telegram)
    .obliterate({ force: true })
    .catch(() => {});
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

/** `ts`: Slack signs a retried request anew; the same signature twice is refused as a replay */
const post = (payload: unknown, ts?: number) => {
  const body = interactionBody(payload);
  return fetch(`http://127.0.0.1:${sys.port}/slack/events`, {
    method: "POST",
    body,
    headers: signedHeaders(body, ts === undefined ? {} : { ts }),
  });
};
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

async function arabicCase(): Promise<SeededCase> {
  const c = await seedAssignedCase(sys.ctx.db, { cmId: CM, locale: "ar" });
  await sys.ctx.db.consent.create({
    data: { clientId: c.clientId, purpose: "slack_relay", version: "2026-11", granted: true },
  });
  await sys.ctx.db.case.update({
    where: { id: c.caseId },
    data: { threadChannel: THREAD.channel, threadTs: `${THREAD.ts}${c.caseId.slice(-4)}` },
  });
  return c;
}

type State = Record<string, Record<string, Record<string, unknown>>>;
const confirmed = (date: string, time = "09:30"): State => ({
  [QUICK_REPLY_IDS.replyBlock]: { qr_pick: { selected_option: { value: "appointment_confirmed" } } },
  qr_p_date: { qr_param_date: { type: "datepicker", selected_date: date } },
  qr_p_time: { qr_param_time: { type: "timepicker", selected_time: time } },
});

function submission(user: string, caseId: string, values: State, viewId = `V${randomUUID()}`) {
  return {
    type: "view_submission",
    team: { id: "TANLAUF", domain: "anlauf" },
    user: { id: user, username: user, team_id: "TANLAUF" },
    api_app_id: "AANLAUF",
    token: "legacy",
    trigger_id: `trig-${randomUUID()}`,
    view: {
      id: viewId,
      team_id: "TANLAUF",
      type: "modal",
      callback_id: QUICK_REPLY_IDS.view,
      private_metadata: caseId,
      state: { values },
      hash: "h",
    },
  };
}

const answer = async (res: Response) => {
  expect(res.status).toBe(200);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as { response_action?: string; errors?: Record<string, string> };
};
const messagesOf = (caseId: string) => sys.ctx.db.relayedMessage.findMany({ where: { caseId } });
const sendJobs = async (clientId: string) =>
  (await sys.ctx.producer.queue(QUEUES.telegram).getJobs(["delayed", "waiting", "prioritized"])).filter(
    (j): j is Job => !!j && j.name === "telegram.send" && j.data.clientId === clientId,
  );

describe("quick reply from Slack", () => {
  it("the case card's button opens the modal; choosing a reply previews the Arabic text and the German one", async () => {
    const c = await arabicCase();
    await post(
      blockAction({ user: CM_SLACK, actionId: QUICK_REPLY_IDS.open, value: c.caseId, channel: "DX" }),
    );
    const opened = await peer.waitFor(
      (x) => x.method === "views.open" && JSON.stringify(x.args).includes(c.caseId),
    );
    expect(JSON.stringify(opened.args)).toContain(QUICK_REPLY_IDS.view);

    await post({
      ...blockAction({ user: CM_SLACK, actionId: QUICK_REPLY_IDS.pick, value: "" }),
      view: {
        id: `V${randomUUID()}`,
        hash: "h1",
        private_metadata: `${c.caseId}|REF`,
        state: { values: confirmed(inDays(3)) },
      },
    });
    const updated = await peer.waitFor(
      (x) => x.method === "views.update" && JSON.stringify(x.args).includes(c.caseId),
    );
    const view = JSON.stringify(updated.args);
    expect(view).toContain("تم تأكيد موعدك");
    // the relay's frame as the client reads it, without its markup
    expect(view).toContain("رسالة من مدير حالتك");
    expect(view).not.toContain("<b>");
    expect(view).toContain("Ihr Termin ist bestätigt");
    expect(view).toContain("09:30");
  });

  it("the message shortcut in the case thread opens the modal for that case", async () => {
    const c = await arabicCase();
    const kase = await sys.ctx.db.case.findUniqueOrThrow({ where: { id: c.caseId } });
    await post({
      type: "message_action",
      callback_id: QUICK_REPLY_IDS.shortcut,
      team: { id: "TANLAUF", domain: "anlauf" },
      user: { id: CM_SLACK, username: CM_SLACK, team_id: "TANLAUF" },
      channel: { id: kase.threadChannel, name: "cases" },
      message: { type: "message", ts: "1765000001.000200", thread_ts: kase.threadTs, text: "…" },
      trigger_id: `trig-${randomUUID()}`,
      response_url: "https://hooks.slack.test/x",
      message_ts: "1765000001.000200",
      token: "legacy",
    });
    const opened = await peer.waitFor(
      (x) => x.method === "views.open" && JSON.stringify(x.args).includes(c.caseId),
    );
    expect(JSON.stringify(opened.args)).toContain(QUICK_REPLY_IDS.replyBlock);
  });

  it("submitting for an Arabic-speaking client queues a telegram.send that delivers the Arabic text, once", async () => {
    const c = await arabicCase();
    const date = inDays(4);
    const payload = submission(CM_SLACK, c.caseId, confirmed(date));
    expect((await answer(await post(payload))).response_action).toBeUndefined();

    const [m] = await messagesOf(c.caseId);
    expect(m?.direction).toBe("staff_to_client");
    expect(m?.author).toBe(`cm:${CM}`);
    const jobs = await until(async () => {
      const j = await sendJobs(c.clientId);
      return j.length ? j : null;
    });
    expect(jobs).toHaveLength(1);
    // ids only in the job; the worker reads the stored body and renders it in the client's language
    expect(jobs[0]!.data).toMatchObject({
      template: "relay.staff_message",
      params: { relayedMessageId: m!.id },
    });
    expect(JSON.stringify(jobs[0]!.data)).not.toContain("09:30");

    const sent: string[] = [];
    sys.ctx.telegramApi = {
      sendMessage: async (_chat: unknown, text: string) => {
        sent.push(text);
        return { message_id: 77 };
      },
    } as never;
    await telegramSendHandler(sys.ctx, new IntakeRepository(sys.ctx.db, sys.ctx.cipher))(
      jobs[0]!.data,
      jobs[0]!,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain("رسالة من مدير حالتك");
    expect(sent[0]).toContain("تم تأكيد موعدك");
    expect(sent[0]).toContain("09:30");
    expect(sent[0]).not.toContain("{{");

    const audit = await sys.ctx.db.auditLog.findMany({
      where: { caseId: c.caseId, action: "relay.quick_reply" },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toEqual({ relayedMessageId: m!.id, quickReplyId: "appointment_confirmed" });

    const note = await peer.waitFor(
      (x) => x.method === "chat.postMessage" && x.args.thread_ts === `${THREAD.ts}${c.caseId.slice(-4)}`,
    );
    expect(String(note.args.text)).toContain("Ihr Termin ist bestätigt");

    // Slack retries the same submission: nothing stored, queued or noted twice
    const retried = await post(payload, Math.floor(Date.now() / 1000) + 1);
    expect((await answer(retried)).response_action).toBeUndefined();
    expect(await messagesOf(c.caseId)).toHaveLength(1);
    expect(
      await sys.ctx.db.auditLog.count({ where: { caseId: c.caseId, action: "relay.quick_reply" } }),
    ).toBe(1);
    expect((await sendJobs(c.clientId)).length).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      peer.calls.filter(
        (x) => x.method === "chat.postMessage" && x.args.thread_ts === `${THREAD.ts}${c.caseId.slice(-4)}`,
      ),
    ).toHaveLength(1);
  });

  it("a colleague who is not responsible is refused and nothing is stored", async () => {
    const c = await arabicCase();
    const r = await answer(await post(submission(STRANGER_SLACK, c.caseId, confirmed(inDays(2)))));
    expect(r.response_action).toBe("errors");
    expect(Object.keys(r.errors ?? {})).toEqual([QUICK_REPLY_IDS.replyBlock]);
    const unknown = await answer(await post(submission("UNKNOWN0001", c.caseId, confirmed(inDays(2)))));
    expect(unknown.response_action).toBe("errors");
    expect(await messagesOf(c.caseId)).toHaveLength(0);
    expect(await sendJobs(c.clientId)).toHaveLength(0);
  });

  it("a missing parameter, a day in the past and an erased client come back as field errors", async () => {
    const c = await arabicCase();
    const noDate = confirmed("");
    const missing = await answer(await post(submission(CM_SLACK, c.caseId, noDate)));
    expect(missing.response_action).toBe("errors");
    expect(Object.keys(missing.errors ?? {})).toEqual(["qr_p_date"]);

    const past = await answer(await post(submission(CM_SLACK, c.caseId, confirmed(inDays(-2)))));
    expect(Object.keys(past.errors ?? {})).toEqual(["qr_p_date"]);

    const nothing = await answer(await post(submission(CM_SLACK, c.caseId, {})));
    expect(Object.keys(nothing.errors ?? {})).toEqual([QUICK_REPLY_IDS.replyBlock]);

    await sys.ctx.db.client.update({
      where: { id: c.clientId },
      data: { erasedAt: new Date(), telegramChatId: null, telegramUserId: null },
    });
    const erased = await answer(await post(submission(CM_SLACK, c.caseId, confirmed(inDays(2)))));
    expect(erased.response_action).toBe("errors");
    expect(Object.keys(erased.errors ?? {})).toEqual([QUICK_REPLY_IDS.replyBlock]);
    expect(await messagesOf(c.caseId)).toHaveLength(0);
    expect(await sendJobs(c.clientId)).toHaveLength(0);
  });
});
