// Resumability: the questionnaire's state lives in Postgres (Conversation), not in the process. A
// restart of the bot process, or a week of silence, continues where the person stopped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { render } from "../../src/telegram/features/shared.ts";
import { consentCb, createHarness, type Harness, type Person, textOf } from "./telegram-harness.ts";

let h: Harness;
beforeAll(async () => {
  h = await createHarness("tg_resume");
});
afterAll(async () => {
  await h?.close();
});

const conversationOf = async (p: Person) =>
  h.db.prisma.conversation.findFirst({ where: { client: { telegramUserId: BigInt(p.id) } } });

async function throughConsent(p: Person, locale: string) {
  await p.command("/start");
  await p.step(`l:${locale}`, "s:go");
  await p.step("s:go", "c:y:");
  await p.step(consentCb(h.org, "y"), "i:hh:");
}

async function finish(p: Person) {
  await p.step("i:ur:n", "i:la:");
  await p.step("i:la:d", "i:su:");
  await p.step("i:su:n", "i:co:");
  await p.toggle("i:co:t:in_person");
  await p.step("i:co:d", "i:ti:");
  await p.toggle("i:ti:t:afternoon");
  await p.step("i:ti:d", "i:na:");
  await p.step("i:na:s", "i:or:");
  // the optional "about you" steps, skipped
  await p.step("i:or:s", "i:rs:");
  await p.step("i:rs:s", "i:ar:");
  await p.step("i:ar:s", "i:sm:x");
  await p.tap("i:sm:x");
  await p.waitText(/BI-[2-9A-Z]{4}-[2-9A-Z]{2}/);
}

describe("resuming the questionnaire", () => {
  it("survives a restart of the bot process mid-intake; the buttons sent before still work", async () => {
    const p = h.person({ id: 7201, languageCode: "uk" });
    await throughConsent(p, "uk");
    await p.step("i:hh:c:family", "i:ad:");
    await p.step("i:ad:c:2", "i:ch:");
    await p.step("i:ch:c:1", "i:di:");
    await p.step("i:di:c:schildesche", "i:to:");
    await p.toggle("i:to:t:work");
    expect((await conversationOf(p))?.step).toBe("intake:topics");

    const before = h.system;
    await h.restart();
    expect(h.system).not.toBe(before);

    // the new process continues on the message the old one sent
    await p.toggle("i:to:t:housing");
    await p.step("i:to:d", "i:ur:");
    await finish(p);
    const intake = await h.db.prisma.intake.findFirstOrThrow({
      where: { client: { telegramUserId: BigInt(p.id) } },
    });
    expect(intake).toMatchObject({
      household: "family",
      adults: 2,
      children: 1,
      districtId: "schildesche",
      topics: ["work", "housing"],
      languages: ["uk"],
      contactModes: ["in_person"],
      timesOfDay: ["afternoon"],
    });
    expect(await conversationOf(p)).toBeNull();
  });

  it("after a week of silence and a restart, /start offers to continue or to start over", async () => {
    const p = h.person({ id: 7202, languageCode: "en" });
    await throughConsent(p, "en");
    await p.step("i:hh:c:single", "i:di:");
    await p.step("i:di:c:senne", "i:to:");
    await p.toggle("i:to:t:health");
    await h.db.sql.query(
      `UPDATE "Conversation" SET "updatedAt" = now() - interval '8 days' WHERE "clientId" = (SELECT id FROM "Client" WHERE "telegramUserId" = $1)`,
      [p.id],
    );
    await h.restart();

    await p.command("/start");
    const offer = await p.waitButton("s:cont");
    expect(textOf(offer.message)).toBe(render(h.system.ctx, "en", "start.resume.text", { n: 3, total: 9 }));
    await p.step("s:cont", "i:to:");
    // the answer given a week ago is still selected
    expect(p.findButton("i:to:u:health")!.button.text.startsWith("✅")).toBe(true);
    await p.step("i:to:d", "i:ur:");
    await finish(p);
    const intake = await h.db.prisma.intake.findFirstOrThrow({
      where: { client: { telegramUserId: BigInt(p.id) } },
    });
    expect(intake).toMatchObject({ household: "single", districtId: "senne", topics: ["health"] });
  });

  it("start over resets the draft; a typed answer after a restart is understood too", async () => {
    const p = h.person({ id: 7203, languageCode: "en" });
    await throughConsent(p, "en");
    await p.step("i:hh:c:family", "i:ad:");
    await h.restart();
    await p.say("4"); // four adults, typed, answered by the new process
    await p.waitButton("i:ch:");
    await p.command("/start");
    await p.step("s:new", "i:hh:");
    const conv = await conversationOf(p);
    expect(conv?.step).toBe("intake:household");
    expect((conv!.draft as { draft: { adults?: number } }).draft.adults).toBeUndefined();
    // the stale "children" buttons from before are outdated now, nothing changes
    await p.tapData(h.codec.encode("i:ch:c:2"));
    await new Promise((r) => setTimeout(r, 400));
    expect((await conversationOf(p))?.step).toBe("intake:household");
  });
});
