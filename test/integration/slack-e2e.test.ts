// End to end on the running system: an offer becomes a card in the case manager's DM (through the
// queue and the Slack peer), a signed Accept click updates the card in place and accepts in the
// database; refusals are private and change nothing; Decline goes through its modal; the App Home
// is published; client messages appear in the card's thread and staff replies go to Telegram.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchingServices } from "../../src/app/runtime/matching.ts";
import { type SlackCall, type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { SlackRelay, SlackStaffNotifier } from "../../src/slack/outbox.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import {
  blockAction,
  commandBody,
  eventBody,
  interactionBody,
  seedOfferedCase,
  seedWaitingCase,
  signedHeaders,
  slackEnv,
  until,
  viewSubmission,
} from "./slack-fixtures.ts";

let peer: SlackPeer;
let sys: TestSystem;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({
    label: "slack_e2e",
    env: slackEnv(peer),
  });
});
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

const events = () => `http://127.0.0.1:${sys.port}/slack/events`;
const postForm = (body: string) => fetch(events(), { method: "POST", body, headers: signedHeaders(body) });
const postJson = (body: string) =>
  fetch(events(), {
    method: "POST",
    body,
    headers: signedHeaders(body, { contentType: "application/json" }),
  });
const blocksOf = (c: SlackCall) => JSON.stringify(c.args.blocks ?? "");
const cmOf = (id: string) => sys.ctx.db.caseManager.findUniqueOrThrow({ where: { id } });

// first in the file: later tests leave background work (re-offers after a decline) that could take
// the scripted 429 or failure instead of the card under test
describe("Slack API errors go through the queue", () => {
  it("a 429 with Retry-After and a failing call are retried: the card arrives exactly once", async () => {
    const a = await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, "mehmet-yildiz");
    const b = await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, "katarzyna-nowak");
    const [idA, idB] = [a.assignmentId, b.assignmentId];
    const notifier = new SlackStaffNotifier(sys.ctx.producer);

    peer.rateLimitNext("chat.postMessage", 1, 1);
    const t0 = Date.now();
    await notifier.assignmentOffered(idA);
    await peer.waitFor(
      (c) => c.method === "chat.postMessage" && blocksOf(c).includes(a.referenceCode),
      15_000,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);

    peer.failNext("chat.postMessage", "internal_error");
    await notifier.assignmentOffered(idB);
    // the failed call reaches the peer too (it answers ok:false); the retry posts the card once more
    const attemptsB = () =>
      peer.calls.filter((c) => c.method === "chat.postMessage" && blocksOf(c).includes(b.referenceCode));
    await until(async () => attemptsB().length >= 2, 15_000);
    for (const id of [idA, idB])
      await until(async () => (await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id } })).slackTs);
    // enqueuing the same offer again changes nothing: same job id, and the stored ts forbids a second post
    await notifier.assignmentOffered(idA);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      peer.calls.filter((c) => c.method === "chat.postMessage" && blocksOf(c).includes(a.referenceCode)),
    ).toHaveLength(1);
    expect(attemptsB()).toHaveLength(2);
  });
});

describe("assignment card end to end", () => {
  let assignmentId: string;
  let cmSlack: string;
  let ref: string;
  let card: SlackCall;

  it("an assignment by the dispatcher ends as a card in the chosen case manager's DM", async () => {
    const seeded = await seedWaitingCase(sys.ctx.db, sys.ctx.cipher, {
      displayName: "Amira Testperson",
      phone: "+49 170 5550199",
      slackRelay: true,
    });
    ref = seeded.referenceCode;
    const r = await matchingServices(sys.ctx).assignment.assign(seeded.caseId, "manual");
    // the running system's matching sweep may have been quicker: then its offer is the one to follow
    const offer = r.ok
      ? { assignmentId: r.assignmentId, cmId: r.cmId }
      : await sys.ctx.db.assignment
          .findFirstOrThrow({ where: { caseId: seeded.caseId, status: "pending" } })
          .then((x) => ({ assignmentId: x.id, cmId: x.cmId }));
    assignmentId = offer.assignmentId;
    // the slack feature wired its notifier into the services; enqueuing again is a no-op (same job id)
    await new SlackStaffNotifier(sys.ctx.producer).assignmentOffered(assignmentId);
    cmSlack = (await cmOf(offer.cmId)).slackUserId;

    card = await peer.waitFor((c) => c.method === "chat.postMessage" && blocksOf(c).includes(ref));
    expect(card.args.channel).toBe(`D${cmSlack}`);
    const blocks = blocksOf(card);
    expect(blocks).toContain("asg.accept");
    expect(blocks).toContain("asg.decline");
    expect(blocks).toContain("asg.propose");
    // pending: pseudonymous only
    expect(blocks).not.toContain("Amira");
    expect(blocks).not.toContain("5550199");
    const stored = await until(async () => {
      const a = await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
      return a.slackTs ? a : null;
    });
    expect(stored.slackChannel).toBe(`D${cmSlack}`);
  });

  it("a signed Accept click updates the card in place and accepts in the database", async () => {
    const ts = (await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).slackTs!;
    const res = await postForm(
      interactionBody(
        blockAction({
          user: cmSlack,
          actionId: "asg.accept",
          value: assignmentId,
          channel: `D${cmSlack}`,
          messageTs: ts,
        }),
      ),
    );
    expect(res.status).toBe(200);
    const update = await peer.waitFor(
      (c) => c.method === "chat.update" && c.args.ts === ts && blocksOf(c).includes("Angenommen"),
    );
    expect(update.args.channel).toBe(`D${cmSlack}`);
    // a card is a stored Slack message: name and phone never on it, only in the audited Details modal
    expect(blocksOf(update)).not.toContain("Amira Testperson");
    expect(blocksOf(update)).not.toContain("asg.accept");
    expect(blocksOf(update)).toContain("asg.details");
    const before = peer.calls.length;
    await postForm(
      interactionBody(
        blockAction({
          user: cmSlack,
          actionId: "asg.details",
          value: assignmentId,
          channel: `D${cmSlack}`,
          messageTs: ts,
        }),
      ),
    );
    // accepted + case_management consent: the contact details show in the modal
    const details = await peer.waitFor((c) => c.method === "views.open" && peer.calls.indexOf(c) >= before);
    expect(JSON.stringify(details.args.view)).toContain("Amira Testperson");
    expect(JSON.stringify(details.args.view)).toContain("5550199");
    const a = await sys.ctx.db.assignment.findUniqueOrThrow({
      where: { id: assignmentId },
      include: { case: true },
    });
    expect(a.status).toBe("accepted");
    expect(a.case.phase).toBe("first_consultation");
    // the accepted card becomes the case's thread (written right after the chat.update)
    const kase = await until(async () => {
      const k = await sys.ctx.db.case.findUniqueOrThrow({ where: { id: a.caseId } });
      return k.threadTs ? k : null;
    });
    expect(kase.threadTs).toBe(ts);
    // never duplicated: exactly one card for this case
    expect(
      peer.calls.filter((c) => c.method === "chat.postMessage" && blocksOf(c).includes(ref)),
    ).toHaveLength(1);
  });

  it("a second click on the decided card explains privately and changes nothing", async () => {
    const before = peer.calls.length;
    const ts = (await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).slackTs!;
    const res = await postForm(
      interactionBody(
        blockAction({
          user: cmSlack,
          actionId: "asg.accept",
          value: assignmentId,
          channel: `D${cmSlack}`,
          messageTs: ts,
        }),
      ),
    );
    expect(res.status).toBe(200);
    const eph = await peer.waitFor(
      (c) => c.method === "chat.postEphemeral" && c.args.user === cmSlack && peer.calls.indexOf(c) >= before,
    );
    expect(String(eph.args.text)).toContain("schon entschieden");
    const audits = await sys.ctx.db.auditLog.count({
      where: { action: "assignment.accepted", data: { path: ["assignmentId"], equals: assignmentId } },
    });
    expect(audits).toBe(1);
  });

  it("a client message appears in the card's thread; a staff reply is stored encrypted and queued for Telegram", async () => {
    const a = await sys.ctx.db.assignment.findUniqueOrThrow({
      where: { id: assignmentId },
      include: { case: true },
    });
    const msg = await sys.ctx.db.relayedMessage.create({
      data: {
        caseId: a.caseId,
        direction: "client_to_staff",
        body: sys.ctx.cipher.encrypt("Wann ist der Termin?"),
        author: "client",
      },
    });
    await new SlackRelay(sys.ctx.producer).relayClientMessage(a.caseId, msg.id);
    const posted = await peer.waitFor(
      (c) => c.method === "chat.postMessage" && c.args.thread_ts === a.slackTs,
    );
    expect(String(posted.args.text)).toContain("Wann ist der Termin?");
    expect(posted.args.channel).toBe(`D${cmSlack}`);

    const replyTs = `${Math.floor(Date.now() / 1000)}.777777`;
    const ev = {
      type: "message",
      channel: `D${cmSlack}`,
      channel_type: "im",
      user: cmSlack,
      text: "Morgen um 10 Uhr.",
      ts: replyTs,
      thread_ts: a.slackTs,
    };
    expect((await postJson(eventBody(ev))).status).toBe(200);
    // Slack redelivers events: the same message again must not be relayed twice
    expect((await postJson(eventBody(ev))).status).toBe(200);
    const stored = await until(() =>
      sys.ctx.db.relayedMessage.findFirst({ where: { caseId: a.caseId, direction: "staff_to_client" } }),
    );
    expect(stored.body).not.toContain("Morgen");
    expect(sys.ctx.cipher.decrypt(stored.body)).toBe("Morgen um 10 Uhr.");
    const job = await until(() => sys.ctx.producer.queue(QUEUES.telegram).getJob(`j-tg.relay.${stored.id}`));
    expect(job.data).toMatchObject({
      template: "relay.staff_message",
      params: { relayedMessageId: stored.id },
    });
    expect(JSON.stringify(job.data)).not.toContain("Morgen");
    await new Promise((r) => setTimeout(r, 300));
    expect(
      await sys.ctx.db.relayedMessage.count({ where: { caseId: a.caseId, direction: "staff_to_client" } }),
    ).toBe(1);
  });
});

describe("refusals and the decline modal", () => {
  it("someone else's Accept: ephemeral explanation, the offer stays pending", async () => {
    const seeded = await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, "olena-kovalenko");
    const id = seeded.assignmentId;
    const intruder = (await cmOf("katarzyna-nowak")).slackUserId;
    const res = await postForm(
      interactionBody(
        blockAction({
          user: intruder,
          actionId: "asg.accept",
          value: id,
          channel: `D${intruder}`,
          messageTs: "1.1",
        }),
      ),
    );
    expect(res.status).toBe(200);
    const eph = await peer.waitFor((c) => c.method === "chat.postEphemeral" && c.args.user === intruder);
    expect(String(eph.args.text)).toContain("nicht dir");
    expect((await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id } })).status).toBe("pending");
  });

  it("Decline opens the modal; the submission declines and the card says so", async () => {
    const seeded = await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, "nasrin-rahimi");
    const id = seeded.assignmentId;
    await new SlackStaffNotifier(sys.ctx.producer).assignmentOffered(id);
    const cm = (await cmOf("nasrin-rahimi")).slackUserId;
    const card = await peer.waitFor(
      (c) => c.method === "chat.postMessage" && blocksOf(c).includes(seeded.referenceCode),
    );
    const click = await postForm(
      interactionBody(
        blockAction({
          user: cm,
          actionId: "asg.decline",
          value: id,
          channel: `D${cm}`,
          messageTs: String((card.args as { ts?: string }).ts ?? "1"),
        }),
      ),
    );
    expect(click.status).toBe(200);
    const opened = await peer.waitFor(
      (c) => c.method === "views.open" && JSON.stringify(c.args.view).includes(id),
    );
    expect(JSON.stringify(opened.args.view)).toContain("asg.decline_modal");

    const empty = await postForm(
      interactionBody(
        viewSubmission({
          user: cm,
          callbackId: "asg.decline_modal",
          privateMetadata: id,
          values: { reason: { type: "plain_text_input", value: "x" } },
        }),
      ),
    );
    expect(await empty.json()).toMatchObject({ response_action: "errors" });
    expect((await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id } })).status).toBe("pending");

    const res = await postForm(
      interactionBody(
        viewSubmission({
          user: cm,
          callbackId: "asg.decline_modal",
          privateMetadata: id,
          values: { reason: { type: "plain_text_input", value: "Bin ab Montag in Elternzeit" } },
        }),
      ),
    );
    expect(res.status).toBe(200);
    const a = await until(async () => {
      const row = await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id } });
      return row.status === "declined" ? row : null;
    });
    expect(a.declineReason).not.toContain("Elternzeit");
    await peer.waitFor(
      (c) =>
        c.method === "chat.update" &&
        blocksOf(c).includes(seeded.referenceCode) &&
        blocksOf(c).includes("Abgelehnt"),
    );
  });
});

describe("App Home and /kim", () => {
  it("publishes the App Home when it is opened", async () => {
    const lead = (await cmOf("miriam-hoffmann")).slackUserId;
    const res = await postJson(
      eventBody({ type: "app_home_opened", user: lead, channel: `D${lead}`, tab: "home", event_ts: "1.2" }),
    );
    expect(res.status).toBe(200);
    const pub = await peer.waitFor((c) => c.method === "views.publish" && c.args.user_id === lead);
    const view = JSON.stringify(pub.args.view);
    expect(view).toContain("Teamübersicht");
    expect(view).toContain("Yasin Al-Khatib");
    expect(view).toContain("Deutsches Rotes Kreuz");
    expect((pub.args.view as { blocks: unknown[] }).blocks.length).toBeLessThanOrEqual(100);
  });

  it("schedules the weekly digest and posts it to the digest channel", async () => {
    const scheduler = await sys.ctx.producer.queue(QUEUES.work).getJobScheduler("slack-digest");
    expect(scheduler).toMatchObject({ pattern: "0 8 * * 1", tz: "Europe/Berlin" });
    await sys.ctx.producer.enqueue("slack.digest", {}, { jobId: "digest-now" });
    const post = await peer.waitFor(
      (c) => c.method === "chat.postMessage" && c.args.channel === sys.ctx.org.relay.digestChannel,
    );
    expect(blocksOf(post)).toContain("Neue Anfragen");
    expect(blocksOf(post)).not.toContain("Amira");
  });

  it("answers /kim help through response_url", async () => {
    const cm = (await cmOf("samira-haddad")).slackUserId;
    const body = commandBody({
      command: "/kim",
      text: "help",
      user_id: cm,
      team_id: "TANLAUF",
      channel_id: `D${cm}`,
      trigger_id: "trig-kim",
      response_url: `${peer.url}response.kim`,
      api_app_id: "AANLAUF",
      token: "legacy",
    });
    const res = await postForm(body);
    expect(res.status).toBe(200);
    const r = await peer.waitFor((c) => c.method === "response.kim");
    expect(String(r.args.text)).toContain("/kim status");
    expect(r.args.response_type).toBe("ephemeral");
  });
});
