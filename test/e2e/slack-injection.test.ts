// A client must not be able to address staff through Slack markup. Whatever a client typed — their
// display name in the accepted card's Details modal, a message relayed into the case thread — reaches
// Slack with &, < and > escaped (messages also with mentions and link names off), so `<!channel>`,
// `<!here>`, `<@U…>` and a disguised link `<https://evil|…>` arrive as text. (The card itself never
// carries the name: staff/consent.ts.) The message goes the real way: Telegram peer →
// bot → queue → slack.deliver worker → local Slack Web API peer, whose recorded payload is checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackCall, type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { allFeatures } from "../../src/features.ts";
import { SlackStaffNotifier } from "../../src/slack/outbox.ts";
import { blockAction, interactionBody, signedHeaders, slackEnv } from "../integration/slack-fixtures.ts";
import { eventually, seedAssignedCase } from "../support/appointments.ts";
import { createHarness, type Harness } from "./telegram-harness.ts";

let h: Harness;
let slack: SlackPeer;

beforeAll(async () => {
  slack = await startSlackPeer();
  h = await createHarness("tg_slack_inject", {
    features: allFeatures({ flood: { max: 10_000 } }),
    env: slackEnv(slack),
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await slack?.close();
});

const HOSTILE = "<!channel> <!here> <@U0STAFF1> <#C0TEAM> <https://evil.example/x|Open case file> & more";
/** what Slack would turn into a notification or a disguised link, if it arrived unescaped */
const LIVE = [
  "<!channel>",
  "<!here>",
  "<@U0STAFF1>",
  "<#C0TEAM>",
  "<https://evil.example",
  "|Open case file>",
];

function expectEscaped(call: SlackCall): void {
  const payload = JSON.stringify(call.args);
  for (const live of LIVE) expect(payload, `live markup ${live}`).not.toContain(live);
  expect(payload).toContain("&lt;!channel&gt;");
  expect(payload).toContain("&lt;@U0STAFF1&gt;");
  expect(payload).toContain("&lt;https://evil.example/x|Open case file&gt;");
  expect(payload).toContain("&amp; more");
}

function expectInert(call: SlackCall): void {
  expectEscaped(call);
  // Slack's own linking and @-name resolution off as well (form-encoded by the Web API client)
  expect(call.args.parse).toBe("none");
  expect(String(call.args.link_names)).toBe("false");
}

describe("client-supplied text reaches Slack inert", () => {
  it("a hostile name in the Details modal and a hostile message in the thread arrive escaped", async () => {
    const db = h.db.prisma;
    const c = await seedAssignedCase(db, { telegramUserId: 734_519_911 });
    await db.client.update({
      where: { id: c.clientId },
      data: {
        displayName: h.system.ctx.cipher.encrypt(HOSTILE),
        phone: h.system.ctx.cipher.encrypt("<!everyone> 0521"),
      },
    });
    for (const purpose of ["case_management", "slack_relay"] as const)
      await db.consent.create({ data: { clientId: c.clientId, purpose, version: "2026-11", granted: true } });
    const kase = await db.case.findUniqueOrThrow({ where: { id: c.caseId } });

    // the accepted card becomes the case thread; it carries no name or phone at all
    await new SlackStaffNotifier(h.system.ctx.producer).assignmentOffered(c.assignmentId);
    const card = await slack.waitFor(
      (x) => x.method === "chat.postMessage" && JSON.stringify(x.args).includes(kase.referenceCode),
      20_000,
    );
    for (const s of ["!channel", "!everyone", "0521", "evil.example"])
      expect(JSON.stringify(card.args)).not.toContain(s);
    expect(card.args.parse).toBe("none");

    // the contact the consent allows shows in the Details modal, escaped and shown verbatim
    const cm = await db.caseManager.findUniqueOrThrow({ where: { id: c.cmId } });
    const before = slack.calls.length;
    const click = interactionBody(
      blockAction({
        user: cm.slackUserId,
        actionId: "asg.details",
        value: c.assignmentId,
        channel: `D${cm.slackUserId}`,
      }),
    );
    await fetch(`http://127.0.0.1:${h.system.port}/slack/events`, {
      method: "POST",
      headers: signedHeaders(click),
      body: click,
    });
    const modal = await slack.waitFor(
      (x) => x.method === "views.open" && slack.calls.indexOf(x) >= before,
      20_000,
    );
    expectEscaped(modal);
    expect(JSON.stringify(modal.args)).not.toContain("<!everyone>");
    expect(JSON.stringify(modal.args)).toContain("&lt;!everyone&gt; 0521");
    expect(JSON.stringify(modal.args)).toContain('"verbatim":true');

    // the thread is written right after the post
    const threaded = await eventually(
      () => db.case.findFirst({ where: { id: c.caseId, threadTs: { not: null } } }),
      20_000,
    );

    // the client writes the same markup on Telegram; it is relayed into the thread
    const p = h.person({ id: 734_519_911, languageCode: "en" });
    await p.say(HOSTILE);
    const relayed = await slack.waitFor(
      (x) => x.method === "chat.postMessage" && x.args.thread_ts === threaded.threadTs,
      20_000,
    );
    expectInert(relayed);
    // the message body is a section shown verbatim: no auto-linking of what the client typed
    const blocks = relayed.args.blocks as { type: string; text?: { type: string; verbatim?: boolean } }[];
    expect(Array.isArray(blocks)).toBe(true);
    const body = blocks.find((b) => b.type === "section" && JSON.stringify(b).includes("&lt;!here&gt;"));
    expect(body?.text).toMatchObject({ type: "mrkdwn", verbatim: true });
  }, 90_000);
});
