// The survey through the real bot (telegram-test-api as the Bot API peer): the job survey.invite sends
// the invitation with the first question through telegram.send; three taps (one a skip) store one
// anonymous response and mark the invitation; an old button, a forged one and an expired survey get
// their localized answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFallbackFeature, createIntakeFeature } from "../../src/app/features/intake.ts";
import { surveyFeature } from "../../src/app/features/survey.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { createRichClient, type RichClient } from "../support/privacy-fixtures.ts";
import { buttonsOf, createHarness, type Harness, type Person, textOf } from "./telegram-harness.ts";

let h: Harness;
let person: Person;
let rich: RichClient;
const i18n = await createI18n();
const en = i18n.getFixedT("en", "survey");
/** the bot's answers to button taps (the peer keeps no record of them) */
const answers: { text?: string }[] = [];

async function closedClient(tag: string): Promise<{ rich: RichClient; person: Person }> {
  const [a, b] = h.org.caseManagers.filter((c) => !c.teamLead);
  const r = await createRichClient(h.db.prisma, h.system.ctx.cipher, { cmId: a!.id, otherCmId: b!.id, tag });
  const id = 890_000_000 + Math.floor(Math.random() * 1_000_000);
  await h.db.prisma.client.update({
    where: { id: r.clientId },
    data: { telegramUserId: BigInt(id), telegramChatId: BigInt(id), locale: "en" },
  });
  await h.db.prisma.case.update({
    where: { id: r.caseId },
    data: { phase: "closed", closedAt: new Date(), closureReason: "goals_reached" },
  });
  return { rich: r, person: h.person({ id, languageCode: "en" }) };
}

beforeAll(async () => {
  h = await createHarness("tg_survey", {
    features: [createIntakeFeature({ flood: { max: 10_000 } }), surveyFeature, clientFallbackFeature],
  });
  h.system.bot!.api.config.use(async (prev, method, payload, signal) => {
    if (method === "answerCallbackQuery") answers.push(payload as { text?: string });
    return prev(method, payload, signal);
  });
  ({ rich, person } = await closedClient("tgsurv1"));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("the survey in Telegram", () => {
  it("three questions with buttons and a skip, then thanks; stored without the case", async () => {
    await h.system.ctx.producer.enqueue("survey.invite", { caseId: rich.caseId, kind: "closure" });
    const invite = await person.waitText(en("question.useful"));
    expect(textOf(invite)).toContain(en("progress", { n: 1, of: 3 }));
    const first = buttonsOf(invite, h.codec).map((b) => b.text);
    expect(first).toEqual([
      en("answer.useful.yes"),
      en("answer.useful.partly"),
      en("answer.useful.no"),
      en("skip"),
    ]);
    const oldButton = person.findButton("sv:")!.button.data;

    await person.tap(`${person.findButton("sv:")!.button.payload.slice(0, -1)}y`);
    await person.waitText(en("question.understood"));
    const skip = person.findButton("sv:")!;
    const skipPayload = buttonsOf(skip.message, h.codec).find((b) => b.text === en("skip"))!.payload;
    expect(skipPayload.endsWith(":ys")).toBe(true);
    await person.tap(skipPayload);
    await person.waitText(en("question.recommend"));
    const rec = buttonsOf(person.findButton("sv:")!.message, h.codec);
    expect(rec.map((b) => b.text)).toContain(en("answer.recommend.partly"));
    await person.tap(rec.find((b) => b.text === en("answer.recommend.partly"))!.payload);
    await person.waitText(en("thanks"));

    const inv = await h.db.prisma.surveyInvitation.findFirstOrThrow({ where: { caseId: rich.caseId } });
    expect(inv.answered).toBe(true);
    const responses = await h.db.prisma.surveyResponse.findMany();
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      useful: "yes",
      understood: "skipped",
      recommend: "partly",
      kind: "closure",
    });

    // the first question's button again: answered already, nothing stored twice
    await person.tapData(oldButton, invite.messageId);
    await person.waitText(en("answered"));
    expect(await h.db.prisma.surveyResponse.count()).toBe(1);
  });

  it("a forged button is refused; an expired survey says so", async () => {
    const other = await closedClient("tgsurv2");
    await h.system.ctx.producer.enqueue("survey.invite", { caseId: other.rich.caseId, kind: "closure" });
    await other.person.waitText(en("question.useful"));
    const b = other.person.findButton("sv:")!;
    // a changed answer under the old signature
    const forged = `${b.button.payload.slice(0, -1)}n.${b.button.data.split(".").at(-1)}`;
    await other.person.tapData(forged, b.message.messageId);
    const outdated = i18n.getFixedT("en", "client")("errors.outdatedButton");
    await other.person.waitFor(() => answers.some((a) => a.text === outdated), "the outdated-button answer");
    await h.db.prisma.surveyInvitation.updateMany({
      where: { caseId: other.rich.caseId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await other.person.tap(b.button.payload);
    await other.person.waitText(en("expired"));
    expect(await h.db.prisma.surveyResponse.count()).toBe(1);
  });
});
