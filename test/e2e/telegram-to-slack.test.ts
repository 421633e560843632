// The whole way through both bots: a newcomer's intake on Telegram (telegram-test-api) is triaged,
// assigned, and ends as a card in the case manager's Slack DM (local Slack Web API); a signed Accept
// updates the card and what the client's /status says. Then a message from the client reaches the
// case thread, because the client consented to the relay.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { allFeatures } from "../../src/features.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { blockAction, interactionBody, signedHeaders, slackEnv } from "../integration/slack-fixtures.ts";
import { consentCb, createHarness, type Harness } from "./telegram-harness.ts";

let h: Harness;
let slack: SlackPeer;
// the whole run logs at debug level into a buffer, scanned for personal values at the end
const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    cb();
  },
});

beforeAll(async () => {
  slack = await startSlackPeer();
  h = await createHarness("tg_to_slack", {
    // a scripted person taps faster than the flood limit allows (the fuzz test covers the limit)
    features: allFeatures({ flood: { max: 10_000 } }),
    log: createLogger("debug", "e2e-tg-to-slack", sink),
    env: slackEnv(slack),
  });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await slack?.close();
});

async function eventually<T>(fn: () => Promise<T | undefined | null>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > until) throw new Error(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Telegram intake → Slack assignment → Accept → /status", () => {
  it("carries one newcomer through both bots", async () => {
    // a Telegram id long enough not to turn up by chance inside timestamps or uuids
    const p = h.person({ id: 734519862, languageCode: "uk", firstName: "Olena" });
    // language, info sheet, consent to case management and to the relay through Slack
    await p.command("/start");
    await p.step("l:uk", "s:go");
    await p.step("s:go", "c:y:");
    await p.tap(consentCb(h.org, "t", { slack: true }));
    await p.waitButton(consentCb(h.org, "y", { slack: true }));
    await p.step(consentCb(h.org, "y", { slack: true }), "i:hh:");
    // a single person in Mitte, work, urgent deadline, Ukrainian and Russian, no support yet
    await p.step("i:hh:c:single", "i:di:");
    await p.step("i:di:c:mitte", "i:to:");
    await p.toggle("i:to:t:work");
    await p.step("i:to:d", "i:ur:");
    await p.toggle("i:ur:t:authority_deadline");
    await p.step("i:ur:d", "i:la:");
    await p.toggle("i:la:t:ru");
    await p.step("i:la:d", "i:su:");
    await p.step("i:su:n", "i:co:");
    await p.toggle("i:co:t:in_person");
    await p.step("i:co:d", "i:ti:");
    await p.toggle("i:ti:t:morning");
    await p.step("i:ti:d", "i:na:");
    await p.say("Olena");
    await p.waitButton("i:or:");
    await p.step("i:or:c:UA", "i:rs:");
    await p.step("i:rs:c:ukraine24", "i:ar:");
    await p.step("i:ar:c:unknown", "i:sm:x");
    await p.tap("i:sm:x");
    await p.waitText(/BI-[2-9A-Z]{4}-[2-9A-Z]{2}/);

    // triage and matching run on the queue: an assignment appears, and a card goes to the DM
    const db = h.db.prisma;
    const client = await db.client.findUniqueOrThrow({ where: { telegramUserId: BigInt(p.id) } });
    const assignment = await eventually(
      () =>
        db.assignment.findFirst({
          where: { case: { clientId: client.id } },
          include: { cm: true, case: true },
        }),
      "an assignment for the case",
    );
    expect(assignment.status).toBe("pending");
    const card = await slack.waitFor(
      (c) =>
        c.method === "chat.postMessage" && JSON.stringify(c.args).includes(assignment.case.referenceCode),
      20_000,
    );
    // pseudonymous before acceptance: the client's name is not on the card
    expect(JSON.stringify(card.args)).not.toContain("Olena");
    const stored = await eventually(
      () => db.assignment.findFirst({ where: { id: assignment.id, slackTs: { not: null } } }),
      "the card's ts stored",
    );

    // the case manager taps Accept (a signed interaction on the shared HTTP port)
    const body = interactionBody(
      blockAction({
        user: assignment.cm.slackUserId,
        actionId: "asg.accept",
        value: assignment.id,
        channel: stored.slackChannel!,
        messageTs: stored.slackTs!,
      }),
    );
    const res = await fetch(`http://127.0.0.1:${h.system.port}/slack/events`, {
      method: "POST",
      headers: signedHeaders(body),
      body,
    });
    expect(res.status).toBe(200);
    await eventually(
      async () =>
        (await db.assignment.findUnique({ where: { id: assignment.id } }))?.status === "accepted"
          ? true
          : undefined,
      "assignment accepted",
    );
    const accepted = await slack.waitFor(
      (c) => c.method === "chat.update" && c.args.ts === stored.slackTs,
      20_000,
    );
    // the card is a stored Slack message: the name stays off it even after acceptance
    expect(JSON.stringify(accepted.args)).not.toContain("Olena");
    // the case manager opens Details: the first name shows in the modal, and the look is audited
    const before = slack.calls.length;
    const details = interactionBody(
      blockAction({
        user: assignment.cm.slackUserId,
        actionId: "asg.details",
        value: assignment.id,
        channel: stored.slackChannel!,
        messageTs: stored.slackTs!,
      }),
    );
    await fetch(`http://127.0.0.1:${h.system.port}/slack/events`, {
      method: "POST",
      headers: signedHeaders(details),
      body: details,
    });
    const modal = await slack.waitFor(
      (c) => c.method === "views.open" && slack.calls.indexOf(c) >= before,
      20_000,
    );
    expect(JSON.stringify(modal.args.view)).toContain("Olena");

    // the client's /status now names the case manager's first name and agency, in Ukrainian
    const firstName = assignment.cm.name.split(" ")[0]!;
    await p.command("/status");
    await p.waitText(new RegExp(firstName));

    // a message from the client reaches the case thread (relay consented)
    await p.say("Доброго дня! Коли можна прийти?");
    const relayed = await slack.waitFor(
      (c) => c.method === "chat.postMessage" && JSON.stringify(c.args).includes("Коли можна прийти"),
      20_000,
    );
    expect(relayed.args.thread_ts).toBe(stored.slackTs);
    const row = await db.relayedMessage.findFirstOrThrow({ where: { caseId: assignment.caseId } });
    expect(row.body).toMatch(/^v1\./); // encrypted at rest

    // both disclosures to staff are in the audit log: the relayed message, and (after acceptance,
    // with consent) the first name in the Details modal, against the case manager who looked
    const audit = await db.auditLog.findMany({ where: { caseId: assignment.caseId } });
    const actions = audit.map((a) => a.action);
    expect(actions).toContain("personal_data.relayed");
    expect(audit.find((a) => a.action === "case.details_read")).toMatchObject({
      actor: `cm:${assignment.cmId}`,
    });
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain("Olena");

    // nothing personal in the application log of the whole run (names, message text, Telegram ids)
    const text = logLines.join("");
    expect(text).toContain("client message relayed"); // the log did record the run
    for (const v of ["Olena", "Коли можна прийти", "Доброго дня"])
      expect(text, `log contains ${v}`).not.toContain(v);
    expect(text, "log contains the Telegram id").not.toMatch(new RegExp(`(?<![0-9a-f])${p.id}(?![0-9a-f])`));
  }, 120_000);
});
