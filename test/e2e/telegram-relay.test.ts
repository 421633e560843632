// Free text from a client with a case manager: relayed (stored encrypted, queued for the Slack thread)
// only with consent to the relay; without it the client is told why; without a case manager it is
// not the relay's business (the fallback answers).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFallbackFeature } from "../../src/app/features/intake.ts";
import { relayFeature } from "../../src/telegram/features/relay.ts";
import { render } from "../../src/telegram/features/shared.ts";
import { seedAssignedCase } from "../support/appointments.ts";
import { createHarness, type Harness } from "./telegram-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("tg_relay", { features: [relayFeature, clientFallbackFeature] });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const db = () => h.db.prisma;
const consent = (clientId: string, granted: boolean) =>
  db().consent.create({ data: { clientId, purpose: "slack_relay", version: "2026-11", granted } });

describe.concurrent("client → case manager relay", () => {
  it("relays with consent: encrypted row, lastContactAt, a slack.deliver job, a confirmation", async () => {
    const c = await seedAssignedCase(db(), { telegramUserId: 8201 });
    await consent(c.clientId, true);
    const p = h.person({ id: 8201, languageCode: "en" });
    await p.say("Hello, when can I come?");
    const kase = await db().case.findUniqueOrThrow({ where: { id: c.caseId } });
    await p.waitText(render(h.system.ctx, "en", "relay.forwarded", { referenceCode: kase.referenceCode }));
    const row = await db().relayedMessage.findFirstOrThrow({ where: { caseId: c.caseId } });
    expect(row.direction).toBe("client_to_staff");
    expect(row.body).toMatch(/^v1\./);
    expect(h.system.ctx.cipher.decrypt(row.body)).toBe("Hello, when can I come?");
    expect((await db().case.findUniqueOrThrow({ where: { id: c.caseId } })).lastContactAt).not.toBeNull();
    const producer = h.system.ctx.producer;
    const job = await producer
      .queue("slack-out")
      .getJob(
        producer.jobIdOf("slack.deliver", { kind: "thread_message", refId: row.id, key: `relay.${row.id}` }),
      );
    // ids only in the payload, never the text
    expect(job?.data).toEqual({ kind: "thread_message", refId: row.id, key: `relay.${row.id}` });
  });

  it("without consent stores nothing and says how to change it", async () => {
    const c = await seedAssignedCase(db(), { telegramUserId: 8202 });
    await consent(c.clientId, false);
    const p = h.person({ id: 8202, languageCode: "en" });
    await p.say("Please pass this on");
    await p.waitText(render(h.system.ctx, "en", "relay.noConsent"));
    expect(await db().relayedMessage.count({ where: { caseId: c.caseId } })).toBe(0);
  });

  it("a withdrawn relay consent stops the relay at once", async () => {
    const c = await seedAssignedCase(db(), { telegramUserId: 8203 });
    await db().consent.create({
      data: {
        clientId: c.clientId,
        purpose: "slack_relay",
        version: "2026-11",
        granted: true,
        withdrawnAt: new Date(),
      },
    });
    const p = h.person({ id: 8203, languageCode: "en" });
    await p.say("Still there?");
    await p.waitText(render(h.system.ctx, "en", "relay.noConsent"));
    expect(await db().relayedMessage.count({ where: { caseId: c.caseId } })).toBe(0);
  });

  it("a client whose case has no case manager yet gets the ordinary answer", async () => {
    const c = await seedAssignedCase(db(), { telegramUserId: 8204 });
    await consent(c.clientId, true);
    await db().case.update({ where: { id: c.caseId }, data: { phase: "waiting", cmId: null } });
    const p = h.person({ id: 8204, languageCode: "en" });
    await p.say("Any news?");
    await p.waitText(render(h.system.ctx, "en", "errors.notUnderstood"));
    expect(await db().relayedMessage.count({ where: { caseId: c.caseId } })).toBe(0);
  });
});
