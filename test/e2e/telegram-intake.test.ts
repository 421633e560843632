// The Telegram front door end to end: a person talks to the real system (role "all") through
// telegram-test-api; texts, database rows and queued jobs are checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSENT_VERSION, ConsentRepository } from "../../src/modules/intake/consent.repository.ts";
import { initialState } from "../../src/modules/intake/flow.ts";
import { AlreadySubmittedError, IntakeRepository } from "../../src/modules/intake/intake.repository.ts";
import { isValidReferenceCode } from "../../src/modules/intake/reference-code.ts";
import { escapeHtml, render } from "../../src/telegram/features/shared.ts";
import { clientNotifier, telegramSendHandler } from "../../src/telegram/notifier.ts";
import {
  buttonsOf,
  consentCb,
  createHarness,
  type Harness,
  type Person,
  textOf,
} from "./telegram-harness.ts";

const RLM = "\u200f";
let h: Harness;

beforeAll(async () => {
  h = await createHarness("tg_intake");
});
afterAll(async () => {
  await h?.close();
});

const app = () => h.system.ctx;
const question = (lng: "ar" | "uk" | "en", step: string, n: number) =>
  `${render(app(), lng, "intake.progress", { n, total: 9 })}\n${render(app(), lng, `intake.question.${step}`)}`;

async function clientOf(p: Person) {
  return h.db.prisma.client.findUnique({
    where: { telegramUserId: BigInt(p.id) },
    include: { consents: true, intakes: true, conversation: true },
  });
}

const cb = (action: "t" | "y", on: { slack?: boolean; partners?: readonly string[] } = {}) =>
  consentCb(h.org, action, on);

/** language → info sheet → consent (with the optional choices switched on one by one) → first question */
async function throughConsent(
  p: Person,
  locale: string,
  on: { slack?: boolean; partners?: readonly string[] } = { partners: ["jobcenter"] },
) {
  await p.command("/start");
  await p.waitButton("l:");
  await p.step(`l:${locale}`, "s:go");
  await p.step("s:go", "c:y:");
  const partners: string[] = [];
  for (const id of on.partners ?? []) {
    partners.push(id);
    await p.tap(cb("t", { partners }));
    await p.waitButton(cb("y", { partners }));
  }
  if (on.slack) {
    await p.tap(cb("t", { partners, slack: true }));
    await p.waitButton(cb("y", { partners, slack: true }));
  }
  await p.step(cb("y", on), "i:hh:");
}

/** Polls until `fn` yields a value (database writes that follow a Bot API call). */
async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("eventually: condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function expectTriageJob(intakeId: string) {
  const producer = h.system.ctx.producer;
  const job = await producer.queue("work").getJob(producer.jobIdOf("intake.triage", { intakeId }));
  expect(job?.name).toBe("intake.triage");
  expect(job?.data).toEqual({ intakeId });
}

// different people, different chats: the tests run concurrently, as real people would
describe.concurrent("the Telegram front door", () => {
  describe("a complete intake in Arabic", () => {
    it("runs from /start to the reference code, right to left, and stores enums only", async () => {
      const p = h.person({ id: 7001, languageCode: "ar", firstName: "Amal" });
      await p.command("/start");
      const picker = await p.waitButton("l:");
      // Telegram's language_code suggests Arabic: first and marked
      const first = buttonsOf(picker.message, h.codec)[0]!;
      expect(first.payload).toBe("l:ar");
      expect(first.text).toBe("✅ العربية");

      await p.step("l:ar", "s:go");
      const info = p.findButton("s:go")!.message;
      expect(textOf(info)).toContain(escapeHtml(h.org.municipality.name));
      await p.step("s:go", "c:y:");
      await p.tap(cb("t", { partners: ["jobcenter"] })); // release towards the job centre: on
      await p.waitButton(cb("y", { partners: ["jobcenter"] }));
      await p.step(cb("y", { partners: ["jobcenter"] }), "i:hh:");
      expect(textOf(p.findButton("i:hh:")!.message)).toBe(question("ar", "household", 1));

      await p.step("i:hh:c:family", "i:ad:");
      await p.step("i:ad:c:2", "i:ch:");
      await p.say("٣"); // three children, typed with Arabic-Indic digits
      await p.waitButton("i:di:");
      await p.step("i:di:c:heepen", "i:to:");
      expect(textOf(p.findButton("i:to:")!.message)).toBe(question("ar", "topics", 3));
      await p.toggle("i:to:t:work");
      await p.toggle("i:to:t:housing");
      await p.step("i:to:d", "i:ur:");
      await p.toggle("i:ur:t:eviction");
      await p.step("i:ur:d", "i:la:");
      // the bot language is pre-selected as a spoken language
      expect(p.findButton("i:la:u:ar")!.button.text.startsWith("✅")).toBe(true);
      await p.toggle("i:la:t:en");
      await p.step("i:la:d", "i:su:");
      await p.step("i:su:n", "i:co:");
      await p.toggle("i:co:t:phone");
      // phone contact: the number is asked (and checked) right after
      await p.step("i:co:d", "i:ph:");
      await p.say("0151 234 567 89");
      await p.waitButton("i:ti:");
      await p.toggle("i:ti:t:morning");
      await p.step("i:ti:d", "i:na:");
      await p.say("أمل");
      // the optional "about you" steps: the country typed in Arabic, a status, a typed year
      await p.waitButton("i:or:");
      expect(textOf(p.findButton("i:or:")!.message)).toBe(question("ar", "origin", 9));
      await p.say("سوريا");
      await p.waitButton("i:rs:");
      await p.step("i:rs:c:refugee", "i:ar:");
      await p.say("٢٠١٦");
      const summary = await p.waitButton("i:sm:x");
      expect(textOf(summary.message)).toContain("أمل");
      expect(textOf(summary.message)).toContain("Heepen");
      expect(textOf(summary.message)).toContain("سوريا");
      expect(textOf(summary.message)).toContain("+4915123456789");
      await p.tap("i:sm:x");
      const confirmation = await p.waitText(/BI-[2-9A-Z]{4}-[2-9A-Z]{2}/);

      // database: one intake with the right enums, the name encrypted, the draft gone
      const client = await clientOf(p);
      expect(client?.locale).toBe("ar");
      expect(client?.conversation).toBeNull();
      expect(client?.intakes).toHaveLength(1);
      const intake = client!.intakes[0]!;
      expect(intake).toMatchObject({
        household: "family",
        adults: 2,
        children: 3,
        districtId: "heepen",
        topics: ["work", "housing"],
        urgency: ["eviction"],
        languages: ["en", "ar"],
        existingSupport: [],
        contactModes: ["phone"],
        timesOfDay: ["morning"],
      });
      expect(isValidReferenceCode(intake.referenceCode)).toBe(true);
      expect(textOf(confirmation)).toBe(
        render(app(), "ar", "intake.submitted", { code: intake.referenceCode }),
      );
      expect(client?.displayName).toMatch(/^v1\./);
      expect(h.system.ctx.cipher.decrypt(client!.displayName!)).toBe("أمل");
      // only codes for country and status; the phone number encrypted
      expect(client).toMatchObject({ originCountry: "SY", residenceStatus: "refugee", arrivalYear: 2016 });
      expect(client?.arrivedBefore).toBeNull();
      expect(client?.phone).toMatch(/^v1\./);
      expect(h.system.ctx.cipher.decrypt(client!.phone!)).toBe("+4915123456789");
      const consents = Object.fromEntries(
        client!.consents.map((c) => [c.partnerId ? `partner:${c.partnerId}` : c.purpose, c.granted]),
      );
      // one decision per office listed on the screen: only the job centre released
      expect(consents).toEqual({
        case_management: true,
        slack_relay: false,
        ...Object.fromEntries(h.org.referralTargets.map((r) => [`partner:${r.id}`, r.id === "jobcenter"])),
      });
      expect(client!.consents.every((c) => c.version === CONSENT_VERSION)).toBe(true);
      await expectTriageJob(intake.id);

      // every line the bot wrote after the language choice reads right to left
      const afterPicker = p
        .messages()
        .slice(p.messages().findIndex((m) => buttonsOf(m, h.codec).some((b) => b.payload === "s:go")));
      for (const m of afterPicker)
        for (const line of textOf(m).split("\n").filter(Boolean))
          expect(line.startsWith(RLM), `line ${JSON.stringify(line)}`).toBe(true);
      // and, once the translation exists, in Arabic script
      if (app().i18n.hasResourceBundle("ar", "client"))
        expect(textOf(confirmation)).toMatch(/[\u0600-\u06ff]/);
    });
  });

  describe("a complete intake in Ukrainian", () => {
    it("runs with a language other than Telegram's, edits from the summary, and enqueues triage", async () => {
      const p = h.person({ id: 7002, languageCode: "ru" });
      await p.command("/start");
      const picker = await p.waitButton("l:");
      expect(buttonsOf(picker.message, h.codec)[0]!.payload).toBe("l:ru");
      await p.step("l:uk", "s:go");
      await p.step("s:go", "c:y:");
      await p.step(cb("y"), "i:hh:");
      await p.step("i:hh:c:single", "i:di:");
      await p.step("i:di:c:mitte", "i:to:");
      expect(textOf(p.findButton("i:to:")!.message)).toBe(question("uk", "topics", 3));
      await p.toggle("i:to:t:education_language");
      await p.step("i:to:d", "i:ur:");
      await p.step("i:ur:n", "i:la:");
      await p.toggle("i:la:t:ru");
      await p.step("i:la:d", "i:su:");
      await p.toggle("i:su:t:jmd");
      await p.step("i:su:d", "i:co:");
      await p.toggle("i:co:t:video");
      await p.step("i:co:d", "i:ti:");
      await p.toggle("i:ti:t:evening");
      await p.step("i:ti:d", "i:na:");
      // a name that is not one, then skip
      await p.say("call me at +49 170 1234567");
      await p.waitText(render(app(), "uk", "intake.error.name_invalid"));
      await p.step("i:na:s", "i:or:");
      // a country nobody has: said so, the question again; then a button
      await p.say("Атлантида");
      await p.waitText(render(app(), "uk", "intake.error.country_not_found"));
      await p.step("i:or:c:UA", "i:rs:");
      await p.step("i:rs:s", "i:ar:");
      await p.step("i:ar:c:earlier", "i:sm:x");
      // edit the topics from the summary and come back to it
      await p.step("i:sm:e:topics", "i:to:");
      await p.toggle("i:to:t:work");
      await p.step("i:to:d", "i:sm:x");
      expect(textOf(p.findButton("i:sm:x")!.message)).toContain(render(app(), "uk", "intake.summary.title"));
      await p.tap("i:sm:x");
      const confirmation = await p.waitText(/BI-[2-9A-Z]{4}-[2-9A-Z]{2}/);

      const client = await clientOf(p);
      const intake = client!.intakes[0]!;
      expect(intake).toMatchObject({
        household: "single",
        adults: 1,
        children: 0,
        districtId: "mitte",
        topics: ["education_language", "work"],
        urgency: [],
        languages: ["ru", "uk"],
        existingSupport: ["jmd"],
        contactModes: ["video"],
        timesOfDay: ["evening"],
        source: null,
      });
      expect(client?.displayName).toBeNull();
      expect(client?.locale).toBe("uk");
      // no phone contact, no phone step; a skipped status stays empty; "earlier" than the buttons
      expect(client?.phone).toBeNull();
      expect(client).toMatchObject({ originCountry: "UA", residenceStatus: null, arrivalYear: null });
      expect(client?.arrivedBefore).toBe(app().now().getUTCFullYear() - 7);
      expect(textOf(confirmation)).toBe(
        render(app(), "uk", "intake.submitted", { code: intake.referenceCode }),
      );
      if (app().i18n.hasResourceBundle("uk", "client"))
        expect(textOf(confirmation)).toMatch(/[\u0400-\u04ff]/);
      await expectTriageJob(intake.id);
      expect(
        await h.system.ctx.producer
          .queue("work")
          .getJobs(["waiting", "active", "completed", "failed", "delayed"]),
      ).not.toHaveLength(0);

      // /status: submitted, in Ukrainian; a second /status replaces the first status message
      await p.command("/status");
      const status1 = await p.waitText(
        render(app(), "uk", "status.submitted", { code: intake.referenceCode }),
      );
      await p.command("/status");
      await p.waitFor(
        () => !p.messages().some((m) => m.messageId === status1.messageId),
        "the old status message to be deleted",
      );
      const afterStatus = await clientOf(p);
      expect(afterStatus?.statusMessageId).not.toBe(status1.messageId);
      expect(
        p
          .texts()
          .filter((t) =>
            t.startsWith(render(app(), "uk", "status.submitted", { code: intake.referenceCode })),
          ),
      ).toHaveLength(1);

      // once triaged and on the wait list, /status tells the position
      await h.db.prisma.triageOutcome.create({
        data: {
          intakeId: intake.id,
          route: "case_management",
          reasonCode: "multi_topic_case_management",
          notes: [],
          priority: 10,
          breakdown: {},
        },
      });
      // what triage writes for case management: a waiting case and its wait-list entry
      await h.db.prisma.case.create({
        data: {
          clientId: client!.id,
          intakeId: intake.id,
          referenceCode: intake.referenceCode,
          persons: intake.adults + intake.children,
          districtId: intake.districtId,
          regionId: "bielefeld",
        },
      });
      await h.db.prisma.waitlistEntry.create({
        data: { clientId: client!.id, intakeId: intake.id, basePriority: 10 },
      });
      await p.command("/status");
      await p.waitText(
        render(app(), "uk", "status.waiting", { code: intake.referenceCode, position: 1, count: 1 }),
      );
    });
  });

  describe("declining the required consent", () => {
    it("shows referral addresses and stores nothing", async () => {
      const p = h.person({ id: 7003, languageCode: "en" });
      await p.command("/start");
      await p.step("l:en", "s:go");
      await p.step("s:go", "c:n");
      await p.tap(cb("t", { partners: ["jobcenter"] })); // toggling an optional consent before declining changes nothing
      await p.step("c:n", "c:r:");
      const declined = p.findButton("c:r:")!.message;
      for (const target of h.org.referralTargets) expect(textOf(declined)).toContain(escapeHtml(target.name));
      expect(p.findButton("c:r:")!.button.payload).toBe("c:r:en");

      // nothing in Postgres mentions this person …
      const mentions = await h.db.sql.query(
        `SELECT count(*)::int AS n FROM "Client" WHERE "telegramUserId" = $1 OR "telegramChatId" = $1`,
        [p.id],
      );
      expect(mentions.rows[0].n).toBe(0);
      // … and in Redis only the short-lived flood counter of the chat remains (it expires in seconds)
      const keys = await h.system.ctx.redis.client.keys(`${h.env.ANLAUF_QUEUE_PREFIX}:*${p.id}*`);
      expect(keys.filter((k) => !k.includes(":tg:flood:"))).toEqual([]);
      expect(await h.system.ctx.redis.client.exists(`${h.env.ANLAUF_QUEUE_PREFIX}:tg:visitor:${p.id}`)).toBe(
        0,
      );

      // /consent and /status say honestly that nothing is stored
      await p.command("/consent");
      await p.waitText(render(app(), "en", "consent.manage.nothingStored"));
      await p.command("/status");
      await p.waitText(render(app(), "en", "status.unknown"));

      // changing one's mind brings the consent screen back, in the language of the button
      await p.step("c:r:en", cb("y"));
    });
  });

  describe("deep links", () => {
    it("a known code pre-fills the source and suggests the district", async () => {
      const p = h.person({ id: 7004, languageCode: "de" });
      await p.command("/start bi-heepen");
      await p.step("l:de", "s:go");
      await p.step("s:go", "c:y:");
      await p.step(cb("y"), "i:hh:");
      await p.step("i:hh:c:single", "i:di:");
      const district = buttonsOf(p.findButton("i:di:")!.message, h.codec);
      expect(district[0]).toMatchObject({ payload: "i:di:c:heepen", text: "📍 Heepen" });
      const client = await clientOf(p);
      expect(client?.source).toBe("flyer-heepen");
    });

    it("an unknown or malformed code starts normally and says nothing alarming", async () => {
      const p = h.person({ id: 7005, languageCode: "en" });
      await p.command("/start no-such-code");
      const picker = await p.waitButton("l:");
      expect(textOf(picker.message)).toContain(render(app(), "en", "start.pickLanguage"));
      await p.command("/start ../../etc/passwd<script>");
      await p.waitFor(
        () =>
          p.messages().filter((m) => buttonsOf(m, h.codec).some((b) => b.payload === "l:en")).length === 2,
        "a second picker",
      );
      expect(await h.system.ctx.redis.client.exists(`${h.env.ANLAUF_QUEUE_PREFIX}:tg:visitor:${p.id}`)).toBe(
        0,
      );
    });
  });

  describe("consent management and the small commands", () => {
    it("/consent toggles optional consents and withdraws case management cleanly", async () => {
      const p = h.person({ id: 7006, languageCode: "en" });
      await throughConsent(p, "en", {});
      await p.step("i:hh:c:single", "i:di:");

      await p.command("/consent");
      await p.step("k:po:jmd:1", "k:po:jmd:0"); // release towards the youth migration service
      let client = await clientOf(p);
      const partner = client!.consents.filter((c) => c.partnerId === "jmd");
      expect(partner.map((c) => c.granted).sort()).toEqual([false, true]);

      // an earlier request of this person waits on the wait list
      const earlier = await h.db.prisma.intake.create({
        data: {
          clientId: client!.id,
          referenceCode: "BI-CCCC-CC",
          household: "single",
          adults: 1,
          children: 0,
          districtId: "mitte",
          topics: ["work"],
          urgency: [],
          languages: ["en"],
          existingSupport: [],
          contactModes: ["phone"],
          timesOfDay: ["morning"],
        },
      });
      await h.db.prisma.waitlistEntry.create({
        data: { clientId: client!.id, intakeId: earlier.id, basePriority: 1 },
      });

      await p.step("k:cm:0", "k:cmx");
      await p.tap("k:cmx");
      await p.waitText(/withdrawn/);
      client = await clientOf(p);
      expect(client?.conversation).toBeNull();
      expect(client!.consents.filter((c) => c.granted).every((c) => c.withdrawnAt !== null)).toBe(true);
      // nobody may be assigned on a withdrawn consent: the place on the wait list is given up
      const entry = await h.db.prisma.waitlistEntry.findUniqueOrThrow({ where: { intakeId: earlier.id } });
      expect(entry.status).toBe("withdrawn");

      // an old question button is now outdated; /start offers the information again
      await p.tapData(h.codec.encode("i:di:c:mitte"));
      await p.command("/start");
      await p.step("s:go", "c:y:");
      await p.step(cb("y"), "i:hh:");
      client = await clientOf(p);
      expect(client?.conversation).not.toBeNull();
    });

    it("/cancel deletes the draft and /help explains the chat", async () => {
      const p = h.person({ id: 7007, languageCode: "en" });
      await throughConsent(p, "en", {});
      await p.step("i:hh:c:single", "i:di:");
      await p.command("/cancel");
      await p.waitText(render(app(), "en", "cancel.done"));
      expect((await clientOf(p))?.conversation).toBeNull();
      await p.command("/help");
      await p.waitText(/How this chat works/);
      await p.command("/start");
      await p.waitButton("i:hh:"); // a new questionnaire
    });

    it("/language changes the language of a client and shows the current question again", async () => {
      const p = h.person({ id: 7008, languageCode: "en" });
      await throughConsent(p, "en", {});
      await p.command("/language");
      await p.tap("l:de");
      await p.waitText(render(app(), "de", "language.changed", { language: "Deutsch" }));
      await p.waitText(
        question("en", "household", 1)
          .replace(
            render(app(), "en", "intake.progress", { n: 1, total: 9 }),
            render(app(), "de", "intake.progress", { n: 1, total: 9 }),
          )
          .replace(
            render(app(), "en", "intake.question.household"),
            render(app(), "de", "intake.question.household"),
          ),
      );
      expect((await clientOf(p))?.locale).toBe("de");
    });
  });

  describe("outbound messages through the queue", () => {
    it("telegram.send renders in the client's current language; asStatus edits the status message", async () => {
      const p = h.person({ id: 7009, languageCode: "en" });
      await throughConsent(p, "en", {});
      const client = (await clientOf(p))!;
      const notifier = clientNotifier(app());
      await notifier.notify(
        client.id,
        "status.submitted",
        { code: "BI-TEST-<b>" },
        { key: `test.${client.id}.1` },
      );
      const sent = await p.waitText(render(app(), "en", "status.submitted", { code: "BI-TEST-<b>" }));
      expect(textOf(sent)).toContain("BI-TEST-&lt;b&gt;"); // parameters are escaped for HTML

      // the client switches to German: the next message is German
      await h.db.prisma.client.update({ where: { id: client.id }, data: { locale: "de" } });
      await notifier.notify(
        client.id,
        "status.pending",
        { code: "BI-TEST" },
        { key: `test.${client.id}.2`, asStatus: true },
      );
      const status = await p.waitText(render(app(), "de", "status.pending", { code: "BI-TEST" }));
      // the worker records the status message right after sending it
      const statusId = await eventually(async () => (await clientOf(p))!.statusMessageId ?? undefined);
      expect(statusId).toBe(status.messageId);
      await notifier.notify(
        client.id,
        "status.closed",
        { code: "BI-TEST" },
        { key: `test.${client.id}.3`, asStatus: true },
      );
      await p.waitFor(
        () =>
          p
            .messages()
            .find(
              (m) =>
                m.messageId === statusId &&
                textOf(m) === render(app(), "de", "status.closed", { code: "BI-TEST" }),
            ),
        "the status message to be edited",
      );
      // the same key again is not sent again: the queue dedupes the job id, and the handler itself
      // skips a key it has delivered (a retry after a crash between send and bookkeeping)
      const handler = telegramSendHandler(app());
      const payload = {
        clientId: client.id,
        template: "status.submitted",
        params: { code: "X" },
        asStatus: false,
        key: `test.${client.id}.1`,
      };
      expect(await handler(payload, undefined as never)).toEqual({ skipped: "already sent" });
    });

    it("renders the templates other modules send: referral, wait list, staff message", async () => {
      const p = h.person({ id: 7010, languageCode: "en" });
      await throughConsent(p, "en", {});
      const client = (await clientOf(p))!;
      const notifier = clientNotifier(app());
      const code = "BI-AAAA-AA";
      await notifier.notify(
        client.id,
        "triage.referral",
        { referenceCode: code, targetId: "employment-agency", reasonCode: "existing_cm_sgb3" },
        { key: `t.${client.id}.referral` },
      );
      const referral = await p.waitText("Werner-Bock-Straße 8");
      expect(textOf(referral)).toContain(render(app(), "en", "status.reason.existing_cm_sgb3"));

      await notifier.notify(
        client.id,
        "triage.waitlisted",
        { referenceCode: code, position: 3, total: 12, etaBucket: "weeks", etaLow: 20, etaHigh: 40 },
        { key: `t.${client.id}.waitlisted` },
      );
      const waiting = await p.waitText("number 3 of 12");
      expect(textOf(waiting)).toContain("about 3 to 6 weeks");

      // a staff message relayed from Slack: the job carries its id, the worker decrypts the text
      const intake = await h.db.prisma.intake.create({
        data: {
          clientId: client.id,
          referenceCode: "BI-BBBB-BB",
          household: "single",
          adults: 1,
          children: 0,
          districtId: "mitte",
          topics: ["work"],
          urgency: [],
          languages: ["en"],
          existingSupport: [],
          contactModes: ["phone"],
          timesOfDay: ["morning"],
        },
      });
      const kase = await h.db.prisma.case.create({
        data: {
          clientId: client.id,
          intakeId: intake.id,
          referenceCode: "BI-BBBB-BB",
          persons: 1,
          districtId: "mitte",
          regionId: "bielefeld",
        },
      });
      const relayed = await h.db.prisma.relayedMessage.create({
        data: {
          caseId: kase.id,
          direction: "staff_to_client",
          author: "cm:miriam-hoffmann",
          body: app().cipher.encrypt("Hello <Amal> & family"),
        },
      });
      await notifier.notify(
        client.id,
        "relay.staff_message",
        { referenceCode: "BI-BBBB-BB", relayedMessageId: relayed.id },
        { key: `relay.${relayed.id}` },
      );
      const staff = await p.waitText("Hello &lt;Amal&gt; &amp; family");
      const delivered = await eventually(async () => {
        const m = await h.db.prisma.relayedMessage.findUniqueOrThrow({ where: { id: relayed.id } });
        return m.deliveredAt ? m : undefined;
      });
      expect(delivered.telegramMessageId).toBe(staff.messageId);
    });

    it("spaces messages to one chat by a second, atomically", async () => {
      const notifier = clientNotifier(app());
      const id = "0190f0f0-0000-7000-8000-000000000001";
      const slots = await Promise.all([1, 2, 3, 4].map(() => notifier.reserve(id)));
      slots.sort((a, b) => a.at - b.at);
      expect(slots[0]!.delay).toBeLessThan(50);
      // the slots on Redis' clock are at least one spacing apart (the delays also hold how long each
      // call took to reach Redis, so they are compared through the slots, not with each other)
      for (let i = 1; i < slots.length; i++)
        expect(slots[i]!.at - slots[i - 1]!.at).toBeGreaterThanOrEqual(1000);
      // another chat is not held up
      expect(await notifier.reserveSlot("0190f0f0-0000-7000-8000-000000000002")).toBeLessThan(50);
    });
  });

  describe("a second questionnaire (issue 12.1: existing clients are not asked again)", () => {
    it("skips the 'about you' steps and keeps what the first one stored", async () => {
      const p = h.person({ id: 7011, languageCode: "en" });
      const walk = async (
        about: () => Promise<void>,
        opts: { total: number; summary: string } = { total: 9, summary: "i:or:" },
      ) => {
        await p.step("i:hh:c:single", "i:di:");
        expect(textOf(p.findButton("i:di:")!.message)).toContain(
          render(app(), "en", "intake.progress", { n: 2, total: opts.total }),
        );
        await p.step("i:di:c:mitte", "i:to:");
        await p.toggle("i:to:t:health");
        await p.step("i:to:d", "i:ur:");
        await p.step("i:ur:n", "i:la:");
        await p.step("i:la:d", "i:su:");
        await p.step("i:su:n", "i:co:");
        await p.toggle("i:co:t:video");
        await p.step("i:co:d", "i:ti:");
        await p.toggle("i:ti:t:evening");
        await p.step("i:ti:d", "i:na:");
        await p.step("i:na:s", opts.summary);
        await about();
        await p.tap("i:sm:x");
      };
      await throughConsent(p, "en", {});
      await walk(async () => {
        await p.say("Eritrea");
        await p.waitButton("i:rs:");
        await p.step("i:rs:c:refugee", "i:ar:");
        await p.step("i:ar:s", "i:sm:x");
      });
      await p.waitText(/BI-[2-9A-Z]{4}-[2-9A-Z]{2}/);
      const first = await clientOf(p);
      expect(first).toMatchObject({ originCountry: "ER", residenceStatus: "refugee", arrivalYear: null });
      // referred elsewhere: the person may start a new questionnaire
      await h.db.prisma.triageOutcome.create({
        data: {
          intakeId: first!.intakes[0]!.id,
          route: "referral",
          referralTarget: "jobcenter",
          reasonCode: "existing_cm_sgb2",
          notes: [],
          priority: 0,
          breakdown: {},
        },
      });
      await p.command("/start");
      await p.step("s:new", "i:hh:");
      // eight sections now, and the name leads straight to the summary
      await walk(async () => {}, { total: 8, summary: "i:sm:x" });
      await eventually(async () => ((await clientOf(p))?.intakes.length === 2 ? true : undefined));
      const second = await clientOf(p);
      expect(second?.intakes).toHaveLength(2);
      expect(second).toMatchObject({ originCountry: "ER", residenceStatus: "refugee" });
    });
  });

  describe("the sweep's view", () => {
    it("intakesWithoutTriage lists submitted intakes that have no outcome yet", async () => {
      const consents = new ConsentRepository(h.db.prisma);
      const repo = new IntakeRepository(h.db.prisma, app().cipher);
      const state = { ...initialState({ locale: "en" }), step: "summary" as const };
      const answers = {
        household: "single" as const,
        adults: 1,
        children: 0,
        districtId: "mitte",
        topics: ["work" as const],
        urgency: [],
        languages: ["en" as const],
        existingSupport: [],
        contactModes: ["phone" as const],
        timesOfDay: ["morning" as const],
      };
      const submitted: string[] = [];
      for (const id of [7101, 7102]) {
        const reg = await consents.register({
          telegramUserId: id,
          chatId: id,
          locale: "en",
          partners: [],
          slack: false,
          conversation: repo.toRow({ ...state, draft: { ...state.draft, ...answers } }),
          now: new Date(),
        });
        submitted.push(
          (await repo.submit({ clientId: reg.clientId, answers, referencePrefix: "BI", now: new Date() }))
            .intakeId,
        );
      }
      await h.db.prisma.triageOutcome.create({
        data: {
          intakeId: submitted[0]!,
          route: "referral",
          referralTarget: "jobcenter",
          reasonCode: "existing_cm_sgb2",
          notes: [],
          priority: 0,
          breakdown: {},
        },
      });
      const ids = (await repo.intakesWithoutTriage()).map((i) => i.id);
      expect(ids).toContain(submitted[1]);
      expect(ids).not.toContain(submitted[0]);
      // a second submit of the same (now gone) questionnaire is refused, not duplicated
      const again = await consents.register({
        telegramUserId: 7101,
        chatId: 7101,
        locale: "en",
        partners: [],
        slack: false,
        conversation: repo.toRow(state),
        now: new Date(),
      });
      expect(again.created).toBe(false);
      await expect(
        repo.submit({ clientId: again.clientId, answers, referencePrefix: "BI", now: new Date() }),
      ).rejects.toBeInstanceOf(AlreadySubmittedError);
    });
  });
});
