// /mydata and /delete through the real bot (telegram-test-api as the Bot API peer), and the rule that
// nothing personal reaches the application log: the whole run logs into a buffer at debug level, which
// is then searched for every personal value the test used (name, phone, message, goal, Telegram id).
// The lead extends this with the Telegram intake once that e2e exists.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { casesFeature, lifecycleOf } from "../../src/app/features/cases.ts";
import { clientFallbackFeature, createIntakeFeature } from "../../src/app/features/intake.ts";
import { privacyFeature } from "../../src/app/features/privacy.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { actorForSlackUser } from "../../src/modules/cases/lifecycle.service.ts";
import { createReportBundle } from "../../src/modules/reports/report.service.ts";
import {
  createRichClient,
  findInPostgres,
  findInRedis,
  personalValues,
  type RichClient,
} from "../support/privacy-fixtures.ts";
import { createHarness, type Harness, type Person } from "./telegram-harness.ts";

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    cb();
  },
});
// the production logger (same redaction), writing into the buffer
const log = createLogger("debug", "e2e-privacy", sink);

let h: Harness;
let person: Person;
let rich: RichClient;

beforeAll(async () => {
  h = await createHarness("tg_privacy", {
    features: [
      privacyFeature,
      createIntakeFeature({ flood: { max: 10_000 } }),
      casesFeature,
      clientFallbackFeature,
    ],
    log,
  });
  const [a, b] = h.org.caseManagers.filter((c) => !c.teamLead);
  rich = await createRichClient(h.db.prisma, h.system.ctx.cipher, {
    cmId: a!.id,
    otherCmId: b!.id,
    tag: "tgpriv",
  });
  const id = 880_000_000 + Math.floor(Math.random() * 1_000_000);
  await h.db.prisma.client.update({
    where: { id: rich.clientId },
    data: { telegramUserId: BigInt(id), telegramChatId: BigInt(id), locale: "en" },
  });
  rich = { ...rich, telegramUserId: id };
  person = h.person({ id, languageCode: "en", firstName: rich.personal.name });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("client rights in the bot", () => {
  it("/mydata sends everything stored, as messages when the peer cannot take a file", async () => {
    await person.command("/mydata");
    await person.waitText("Here is everything we have stored about you");
    await person.waitText(rich.personal.body);
    const all = person.texts().join("\n");
    for (const v of [rich.personal.name, rich.personal.phone, rich.personal.goal, rich.personal.childName])
      expect(all).toContain(v);
    expect(all).toContain("Your consents");
    // staff actions by id through the case lifecycle also land in the audit log
    const audit = await h.db.prisma.auditLog.findMany({
      where: { clientId: rich.clientId, action: "client.exported" },
    });
    expect(audit).toHaveLength(1);
  });

  it("/delete asks first; 'no' keeps everything", async () => {
    await person.command("/delete");
    await person.waitButton("pv:del:n:");
    await person.tap("pv:del:n:");
    await person.waitText("Nothing was deleted.");
    expect(
      (await h.db.prisma.client.findUniqueOrThrow({ where: { id: rich.clientId } })).erasedAt,
    ).toBeNull();
  });

  it("/delete + yes erases: nothing personal left in Postgres or Redis; a second /delete is harmless", async () => {
    // a staff action on the case first, so the log sees the lifecycle too
    const cm = h.org.caseManagers.find((c) => !c.teamLead)!;
    const actor = await actorForSlackUser(h.system.ctx.db, cm.slackUserId, new Date());
    await lifecycleOf(h.system.ctx).move(rich.caseId, "reassessment", actor!);
    const before = person.messages().length;
    await person.command("/delete");
    await person.waitFor(
      () => person.messages().length > before && person.findButton("pv:del:y:"),
      "confirmation",
    );
    await person.tap("pv:del:y:");
    await person.waitText("Your data has been deleted.");
    const c = await h.db.prisma.client.findUniqueOrThrow({ where: { id: rich.clientId } });
    expect(c.erasedAt).not.toBeNull();
    expect(await findInPostgres(h.db.sql, h.db.schema, personalValues(rich))).toEqual([]);
    expect(
      await findInRedis(h.system.ctx.redis.client, h.env.ANLAUF_QUEUE_PREFIX, personalValues(rich)),
    ).toEqual([]);

    await person.command("/delete");
    await person.waitText("There is nothing to delete.");
    await person.command("/mydata");
    await person.waitText("We have no data stored about you.");
  });

  it("/mydata and /delete are limited per chat: the sixth in ten minutes is refused politely", async () => {
    const visitor = h.person({ id: 870_000_000 + Math.floor(Math.random() * 1_000_000), languageCode: "en" });
    const count = (t: string) => visitor.texts().filter((x) => x.includes(t)).length;
    for (let i = 1; i <= 5; i++) {
      await visitor.command(i % 2 ? "/mydata" : "/delete");
      await visitor.waitFor(() => visitor.messages().length === i, `answer ${i}`);
    }
    expect(count("We have no data stored about you.")).toBe(5);
    expect(count("There is nothing to delete.")).toBe(2);
    await visitor.command("/mydata");
    await visitor.waitText("please try again in 10 minutes");
    await visitor.command("/delete");
    await visitor.waitFor(() => visitor.messages().length === 7, "the second refusal");
    expect(count("please try again in 10 minutes")).toBe(2);
    expect(count("We have no data stored about you.")).toBe(5);
    // the limit's counter names the chat: erasure's Redis scrub finds it (the key pattern it uses)
    const keys = await h.system.ctx.redis.client.keys(`${h.env.ANLAUF_QUEUE_PREFIX}:*:${visitor.id}:*`);
    expect(keys.some((k) => k.includes(":privacy:"))).toBe(true);
  });

  it("/mydata counts against the chat's flood guard too: past 20 in 10 s one 'slow down', then silence", async () => {
    const flooder = h.person({ id: 860_000_000 + Math.floor(Math.random() * 1_000_000), languageCode: "en" });
    for (let i = 0; i < 23; i++) await flooder.command("/mydata");
    await flooder.waitText("That was a lot of messages at once");
    await new Promise((r) => setTimeout(r, 500));
    const texts = flooder.texts();
    expect(texts.filter((x) => x.includes("That was a lot of messages")).length).toBe(1);
    // 5 answers, 15 "try again later", the warning; the last two dropped
    expect(texts.filter((x) => x.includes("We have no data stored about you.")).length).toBe(5);
    expect(texts.filter((x) => x.includes("please try again in 10 minutes")).length).toBe(15);
    expect(texts).toHaveLength(21);
  });

  it("the report still counts the erased client", async () => {
    const b = await createReportBundle(
      { db: h.db.prisma, org: h.org, i18n: await createI18n() },
      {
        from: new Date("2026-01-01"),
        to: new Date("2027-01-01"),
        variant: "internal",
        lng: "en",
        now: new Date(),
      },
    );
    expect(b.report.managed.cases).toBe(1);
    expect(b.report.erasedCounted).toBe(1);
  });

  it("no personal value appears in the application log", async () => {
    const text = logLines.join("");
    expect(text).toContain("client data erased"); // the log did record the run
    for (const v of personalValues(rich)) expect(text, `log contains ${v}`).not.toContain(v);
  });
});
