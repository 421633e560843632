// End to end through telegram-test-api and the real system (all features, role "all"): a client with an
// accepted case is offered slots, books one in German, gets the confirmation (the peer refuses
// sendDocument, so the .ics falls back to text), gets a reminder, cancels, and the later reminder
// never comes. The system clock runs at real speed with an offset, so "25 s before the appointment"
// happens 15 s into the test; reminder offsets come from the organisation file.
import { Job } from "bullmq";
import type { InlineKeyboardButton } from "grammy/types";
import type { StoredBotUpdate } from "telegram-test-api/lib/telegramServer.js";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/infra/redis.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { createCallbackCodec } from "../../src/telegram/callback-data.ts";
import { orgWithAppointments, type SeededCase, seedAssignedCase } from "../support/appointments.ts";
import { startTestSystem, TEST_BOT_TOKEN, type TestSystem } from "../support/system.ts";

const USER = 4_242_001;
// Monday 7 December 2026, 09:00 in Bielefeld (UTC+1): Miriam Hoffmann's in-person hours start
const START = new Date("2026-12-07T08:00:00Z");
let skew = 0;
const now = () => new Date(Date.now() + skew);

let server: TelegramServer;
let sys: TestSystem;
let seeded: SeededCase;
const codec = createCallbackCodec(TEST_BOT_TOKEN);

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 3600 });
  await server.start();
  const org = await orgWithAppointments({ leadTime: "0m", reminders: ["25s", "3s"] });
  sys = await startTestSystem({
    label: "appt-e2e",
    org,
    now,
    env: { TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, ANLAUF_ROLE: "all" },
  });
  seeded = await seedAssignedCase(sys.ctx.db, {
    cmId: "miriam-hoffmann",
    locale: "de",
    telegramUserId: USER,
  });
});

afterAll(async () => {
  for (const q of Object.values(QUEUES))
    await sys?.ctx.producer
      .queue(q)
      .obliterate({ force: true })
      .catch(() => {});
  await sys?.shutdown({ dropDb: true });
  await server?.stop();
});

const messages = (): StoredBotUpdate[] =>
  server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(USER));
const textOf = (m: StoredBotUpdate) => String(m.message.text ?? "");
const buttons = (m: StoredBotUpdate) =>
  (
    (m.message.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)?.inline_keyboard ??
    []
  )
    .flat()
    .flatMap((b) => {
      if (!("callback_data" in b)) return [];
      const d = codec.decode(b.callback_data);
      return d.ok ? [{ text: b.text, payload: d.payload, data: b.callback_data }] : [];
    });

async function waitFor<T>(pred: () => T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > until)
      throw new Error(
        `timed out waiting for ${what}; last: ${JSON.stringify(messages().slice(-3).map(textOf))}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}
const waitText = (re: RegExp, after = 0, ms?: number) =>
  waitFor(
    () =>
      messages()
        .slice(after)
        .find((m) => re.test(textOf(m))),
    String(re),
    ms,
  );

const tg = () => server.getClient(TEST_BOT_TOKEN, { userId: USER, chatId: USER, firstName: "Amal" });
async function tap(message: StoredBotUpdate, payloadPrefix: string) {
  const b = buttons(message).find((x) => x.payload.startsWith(payloadPrefix));
  if (!b)
    throw new Error(
      `no button ${payloadPrefix} in ${JSON.stringify(buttons(message).map((x) => x.payload))}`,
    );
  const c = tg();
  await c.sendCallback(c.makeCallbackQuery(b.data, { message: { message_id: message.messageId } }));
}
async function command(text: string) {
  const c = tg();
  await c.sendCommand(c.makeCommand(text));
}

describe("appointments through Telegram", () => {
  it("offer → book → confirmation → reminder → cancel → no further reminder", {
    timeout: 90_000,
  }, async () => {
    // 40 s before the appointment on the system clock: the 25 s reminder fires 15 s from now
    skew = START.getTime() - 40_000 - Date.now();
    const t0 = Date.now();

    // the case manager accepted the case: the dispatcher hands over with this job
    await sys.ctx.producer.enqueue("appointment.offer", {
      caseId: seeded.caseId,
      reason: "assigned",
      starts: [],
      key: `e2e.${seeded.caseId}`,
    });
    const offer = await waitText(/Bitte wählen Sie einen Termin/);
    expect(textOf(offer)).toContain("Miriam Hoffmann");
    const slotButtons = buttons(offer).filter((b) => b.payload.startsWith("ap:b:"));
    expect(slotButtons.length).toBeGreaterThanOrEqual(3);
    expect(slotButtons[0]!.text).toMatch(/^Mo\., 7\. Dez\.?, 09:00 · 📍$/);
    for (const b of buttons(offer)) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);

    // book the first one
    const before = messages().length;
    await tap(offer, "ap:b:");
    const confirmation = await waitText(/Ihr Termin ist gebucht/, before);
    const text = textOf(confirmation);
    expect(text).toContain("Montag, 7. Dezember 2026 um 09:00");
    expect(text).toContain("Niederwall 23, 33602 Bielefeld");
    expect(text).toContain("Bitte bringen Sie mit:");
    expect(buttons(confirmation).map((b) => b.payload.slice(0, 5))).toEqual(["ap:r:", "ap:c:"]);
    const appt = await sys.ctx.db.appointment.findFirstOrThrow({ where: { caseId: seeded.caseId } });
    expect(appt).toMatchObject({
      status: "booked",
      startsAt: START,
      mode: "in_person",
      officeId: "fachstelle-mitte",
    });
    // staff are told through the Slack queue
    const staffJob = sys.ctx.producer.jobIdOf("appointment.staff", {
      caseId: seeded.caseId,
      event: "booked",
      key: `booked.${appt.id}`,
    });
    expect(await Job.fromId(sys.ctx.producer.queue(QUEUES.slack), staffJob)).toBeTruthy();

    // the 25 s reminder arrives about 15 s after the start of the test
    const reminder = await waitText(
      /Erinnerung: Ihr Termin ist in \d+ Sekunden?|Erinnerung: Ihr Termin ist in \d+ Minuten?/,
      before,
      20_000,
    );
    const firedAfter = Date.now() - t0;
    expect(firedAfter).toBeGreaterThan(13_000);
    expect(textOf(reminder)).toContain("Niederwall 23");

    // cancel through /appointment
    const beforeCancel = messages().length;
    await command("/appointment");
    const current = await waitText(/Ihr nächster Termin/, beforeCancel);
    await tap(current, "ap:c:");
    const confirm = await waitText(/wirklich absagen/, beforeCancel);
    await tap(confirm, "ap:cy:");
    await waitText(/ist abgesagt/, beforeCancel);
    // then the cancellation for the calendar (METHOD:CANCEL; this peer takes no documents, so the text)
    await waitText(/in Ihrem Kalender gespeichert/, beforeCancel);
    expect((await sys.ctx.db.appointment.findUniqueOrThrow({ where: { id: appt.id } })).status).toBe(
      "cancelled",
    );
    const threeS = sys.ctx.producer.jobIdOf("appointment.reminder", {
      appointmentId: appt.id,
      offsetS: 3,
      startsAt: START.getTime(),
    });
    expect(await Job.fromId(sys.ctx.producer.queue(QUEUES.reminders), threeS)).toBeUndefined();
    const staffCancel = sys.ctx.producer.jobIdOf("appointment.staff", {
      caseId: seeded.caseId,
      event: "cancelled",
      key: `cancelled.${appt.id}`,
    });
    expect(await Job.fromId(sys.ctx.producer.queue(QUEUES.slack), staffCancel)).toBeTruthy();

    // past the 3 s reminder's time: nothing more arrives
    const quiet = messages().length;
    const wait = Math.max(0, START.getTime() - 3_000 - now().getTime()) + 3_000;
    await new Promise((r) => setTimeout(r, wait));
    expect(messages().slice(quiet).map(textOf)).toEqual([]);
  });
});
