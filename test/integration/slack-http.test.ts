// Requests to the running system's /slack/events: only correctly signed, fresh, first-time requests
// reach Bolt; everything else gets 401 and causes no Slack call and no state change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import {
  blockAction,
  commandBody,
  interactionBody,
  seedOfferedCase,
  signedHeaders,
  slackEnv,
} from "./slack-fixtures.ts";

let peer: SlackPeer;
let sys: TestSystem;
let assignmentId: string;
let cmSlack: string;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({
    label: "slack_http",
    env: slackEnv(peer),
  });
  assignmentId = (await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, "yasin-al-khatib")).assignmentId;
  cmSlack = (await sys.ctx.db.caseManager.findUniqueOrThrow({ where: { id: "yasin-al-khatib" } }))
    .slackUserId;
});
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

const url = () => `http://127.0.0.1:${sys.port}/slack/events`;
const send = (body: string, headers: Record<string, string>) =>
  fetch(url(), { method: "POST", body, headers });
const acceptBody = () =>
  interactionBody(
    blockAction({
      user: cmSlack,
      actionId: "asg.accept",
      value: assignmentId,
      channel: `D${cmSlack}`,
      messageTs: "1.1",
    }),
  );
const status = async () =>
  (await sys.ctx.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).status;
const settle = () => new Promise((r) => setTimeout(r, 400));

describe("/slack/events refuses what Slack did not sign", () => {
  it("unsigned, mis-signed, stale, future and tampered requests: 401, no Slack call, no change", async () => {
    const before = peer.calls.length;
    const body = acceptBody();
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>, string?][] = [
      ["unsigned", { "content-type": "application/x-www-form-urlencoded" }],
      ["wrong secret", signedHeaders(body, { secret: "not-the-signing-secret-at-all-000" })],
      ["stale", signedHeaders(body, { ts: now - 6 * 60 })],
      ["future", signedHeaders(body, { ts: now + 6 * 60 })],
      ["tampered body", signedHeaders(body), body.replace("asg.accept", "asg.decline")],
      ["signature of another body", signedHeaders(commandBody({ command: "/kim", text: "help" })), body],
    ];
    for (const [name, headers, override] of cases) {
      const res = await send(override ?? body, headers);
      expect(res.status, name).toBe(401);
    }
    await settle();
    expect(peer.calls.slice(before)).toEqual([]);
    expect(await status()).toBe("pending");
  });

  it("a replayed request is refused: the click acts once", async () => {
    const body = commandBody({
      command: "/kim",
      text: "status",
      user_id: cmSlack,
      team_id: "TANLAUF",
      channel_id: `D${cmSlack}`,
      trigger_id: "trig",
      response_url: `${peer.url}response.replay`,
      api_app_id: "AANLAUF",
      token: "legacy",
    });
    const headers = signedHeaders(body);
    expect((await send(body, headers)).status).toBe(200);
    await peer.waitFor((c) => c.method === "response.replay");
    expect((await send(body, headers)).status).toBe(401);
    expect((await send(body, headers)).status).toBe(401);
    await settle();
    expect(peer.calls.filter((c) => c.method === "response.replay")).toHaveLength(1);

    const accept = acceptBody();
    const acceptHeaders = signedHeaders(accept);
    expect((await send(accept, acceptHeaders)).status).toBe(200);
    expect((await send(accept, acceptHeaders)).status).toBe(401);
    // the card (accepted) and the case manager's App Home follow through the queue
    await peer.waitFor((c) => c.method === "views.publish" && c.args.user_id === cmSlack);
    expect(await status()).toBe("accepted");
    const audits = await sys.ctx.db.auditLog.count({
      where: {
        action: "assignment.accepted",
        caseId: { not: null },
        data: { path: ["assignmentId"], equals: assignmentId },
      },
    });
    expect(audits).toBe(1);
  });

  it("a signed request from an unknown Slack user gets the polite refusal only", async () => {
    const before = peer.calls.length;
    const body = interactionBody(
      blockAction({
        user: "UOUTSIDER1",
        actionId: "asg.accept",
        value: assignmentId,
        channel: "DOUTSIDER",
        messageTs: "1.1",
      }),
    );
    expect((await send(body, signedHeaders(body))).status).toBe(200);
    const eph = await peer.waitFor((c) => c.method === "chat.postEphemeral" && c.args.user === "UOUTSIDER1");
    expect(String(eph.args.text)).toContain("not registered as KIM staff");
    await settle();
    // only the refusal; (card updates of the earlier accept may still trickle in for its case manager)
    const mine = peer.calls
      .slice(before)
      .filter((c) => c.args.channel !== `D${cmSlack}` && c.args.user_id !== cmSlack);
    expect(mine.map((c) => c.method)).toEqual(["chat.postEphemeral"]);
    expect(await status()).toBe("accepted");
  });
});
