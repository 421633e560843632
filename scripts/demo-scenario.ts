// The scripted walk-through of the offline demo: a newcomer family finds the bot through the QR code
// on a flyer in Heepen, picks a language, reads the info sheet, consents, fills in the questionnaire
// and asks for their status. Everything goes through the local Telegram Bot API (telegram-test-api),
// at a human pace (the bot's flood limit is real), and the conversation is printed as it happens.

import { createHmac } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import type { InlineKeyboardButton } from "grammy/types";
import type { StoredBotUpdate, TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { matchingServices } from "../src/app/runtime/matching.ts";
import type { System } from "../src/app/system.ts";
import { explainCommand } from "../src/cli.ts";
import type { SlackPeer } from "../src/devtools/slack-peer.ts";
import { createReportBundle, REPORT_FORMATS, reportFiles } from "../src/modules/reports/report.service.ts";
import { createCallbackCodec } from "../src/telegram/callback-data.ts";
import { seedDemoData } from "./seed-demo.ts";

const PACE_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Telegram HTML → what a person reads. */
const plainText = (html: string) =>
  html
    .replace(/<\/?(b|i|code)>/g, "")
    .replace(/\u200f/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

export async function playScenario(args: {
  telegram: TelegramServer;
  token: string;
  system: System;
  slackCalls: string[];
  slack: SlackPeer;
  dataDir: string;
  print: (s: string) => void;
}): Promise<void> {
  const { telegram, token, system, print } = args;
  const codec = createCallbackCodec(token);
  const user = { id: 4242, firstName: "Amal" };
  const client = telegram.getClient(token, { userId: user.id, chatId: user.id, firstName: user.firstName });
  const from = { from: { id: user.id, is_bot: false, first_name: user.firstName, language_code: "ar" } };
  // the demo reads best in a language the audience reads; Arabic once the translation exists
  const locale = system.ctx.i18n.hasResourceBundle("ar", "client") ? "ar" : "en";

  const shown = new Map<number, string>();
  const mine = () =>
    telegram.storage.botMessages.filter((m) => String(m.message.chat_id) === String(user.id));
  const keyboard = (m: StoredBotUpdate) =>
    (
      (m.message.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)
        ?.inline_keyboard ?? []
    ).map((row) => row.map((b) => ({ text: b.text, data: "callback_data" in b ? b.callback_data : "" })));
  const render = (m: StoredBotUpdate) => {
    const rows = keyboard(m)
      .map((row) => `      ${row.map((b) => `[${b.text}]`).join(" ")}`)
      .join("\n");
    const text = plainText(String(m.message.text ?? ""))
      .split("\n")
      .map((l) => `   ${l}`)
      .join("\n");
    return rows ? `${text}\n${rows}` : text;
  };
  const textOnly = (m: StoredBotUpdate) => plainText(String(m.message.text ?? ""));
  const shownText = new Map<number, string>();
  /** prints new bot messages and messages that changed since the last look */
  const flush = () => {
    for (const m of mine()) {
      const now = render(m);
      const before = shown.get(m.messageId);
      if (before === now) continue;
      if (before === undefined) print(`\n🤖\n${now}`);
      else if (shownText.get(m.messageId) === textOnly(m))
        print(
          `\n🤖 (updates the buttons of its message)${now.slice(now.indexOf("\n      [") >= 0 ? now.indexOf("\n      [") : now.length) || " – none left"}`,
        );
      else print(`\n🤖 (edits its message)\n${now}`);
      shown.set(m.messageId, now);
      shownText.set(m.messageId, textOnly(m));
    }
  };
  const changed = () => mine().some((m) => shown.get(m.messageId) !== render(m));
  /** waits until the bot reacted (something changed) and the expected state is there */
  const waitFor = async (pred: () => boolean, what: string) => {
    const until = Date.now() + 15_000;
    while (!(changed() && pred())) {
      if (Date.now() > until) throw new Error(`demo scenario: the bot did not answer (${what})`);
      await sleep(25);
    }
    await sleep(50);
    flush();
  };
  /** waits until the bot has been quiet for a second (background messages from the queue) */
  const settle = async () => {
    let last = "";
    for (let quiet = 0; quiet < 1000; ) {
      const now = mine()
        .map((m) => `${m.messageId}:${render(m)}`)
        .join("|");
      quiet = now === last ? quiet + 100 : 0;
      last = now;
      await sleep(100);
    }
    flush();
  };
  const find = (prefix: string) => {
    const msgs = mine();
    for (let i = msgs.length - 1; i >= 0; i--)
      for (const b of keyboard(msgs[i]!).flat()) {
        const d = codec.decode(b.data);
        if (d.ok && (d.payload === prefix || (prefix.endsWith(":") && d.payload.startsWith(prefix))))
          return { message: msgs[i]!, button: b, payload: d.payload };
      }
    return undefined;
  };
  const has = (prefix: string, selected?: boolean) => () => {
    const f = find(prefix);
    return !!f && (selected === undefined || f.button.text.startsWith("✅") === selected);
  };
  const tap = async (payload: string, then: () => boolean) => {
    await sleep(PACE_MS);
    const f = find(payload);
    if (!f) throw new Error(`demo scenario: no button ${payload}`);
    print(`\n👤 taps [${f.button.text}]`);
    await client.sendCallback(
      client.makeCallbackQuery(f.button.data, { ...from, message: { message_id: f.message.messageId } }),
    );
    await waitFor(then, payload);
  };
  const write = async (text: string, then: () => boolean) => {
    await sleep(PACE_MS);
    print(`\n👤 writes: ${text}`);
    const msg = text.startsWith("/") ? client.makeCommand(text, from) : client.makeMessage(text, from);
    await (text.startsWith("/") ? client.sendCommand(msg) : client.sendMessage(msg));
    await waitFor(then, text);
  };

  print("─── scenario: a family finds the bot through the flyer in Heepen (t.me/<bot>?start=bi-heepen) ───");
  await write("/start bi-heepen", has("l:"));
  await tap(`l:${locale}`, has("s:go"));
  await tap("s:go", has("c:y:"));
  // releases the first partner office (2.1) on its own, then agrees
  await tap("c:t:", has("c:t:", true));
  await tap("c:y:", has("i:hh:"));
  await tap("i:hh:c:family", has("i:ad:"));
  await tap("i:ad:c:2", has("i:ch:"));
  await write("3", has("i:di:"));
  await tap("i:di:c:heepen", has("i:to:"));
  await tap("i:to:y:education_language", has("i:to:u:education_language", true));
  await tap("i:to:y:housing", has("i:to:u:housing", true));
  await tap("i:to:d", has("i:ur:"));
  await tap("i:ur:y:authority_deadline", has("i:ur:u:authority_deadline", true));
  await tap("i:ur:d", has("i:la:"));
  // the bot language is pre-selected; the family speaks the other one too
  const other = locale === "ar" ? "en" : "ar";
  await tap(`i:la:y:${other}`, has(`i:la:u:${other}`, true));
  await tap("i:la:d", has("i:su:"));
  await tap("i:su:n", has("i:co:"));
  await tap("i:co:y:in_person", has("i:co:u:in_person", true));
  await tap("i:co:d", has("i:ti:"));
  await tap("i:ti:y:morning", has("i:ti:u:morning", true));
  await tap("i:ti:d", has("i:na:"));
  await write("Amal", has("i:or:"));
  // the optional "about you" steps: country by button, status, a year
  await tap("i:or:c:SY", has("i:rs:"));
  await tap("i:rs:c:refugee", has("i:ar:"));
  await write("2016", has("i:sm:x"));
  await tap("i:sm:x", () =>
    mine().some((m) => /[A-Z]{2}-[2-9A-Z]{4}-[2-9A-Z]{2}/.test(String(m.message.text))),
  );
  // triage runs in the background and may write first; let the chat settle, then ask
  await settle();
  const before = Math.max(...mine().map((m) => m.messageId));
  await write("/status", () => mine().some((m) => m.messageId > before));

  const intake = await system.ctx.db.intake.findFirst({
    where: { client: { telegramUserId: BigInt(user.id) } },
    orderBy: { submittedAt: "desc" },
  });
  if (intake) {
    const job = await system.ctx.producer
      .queue("work")
      .getJob(system.ctx.producer.jobIdOf("intake.triage", { intakeId: intake.id }));
    print(
      `\n─── behind the scenes ───\nIntake ${intake.referenceCode}: ${intake.household}, ${intake.adults} adults, ${intake.children} children, ` +
        `district ${intake.districtId}, topics ${intake.topics.join("+")}, urgency ${intake.urgency.join("+") || "none"}, ` +
        `source ${intake.source ?? "none"}\nqueued job: ${job ? `${job.name} (${await job.getState()})` : "none"}`,
    );
  }
  if (args.slackCalls.length) print(`Slack calls so far: ${args.slackCalls.join(", ")}`);
  if (intake) {
    await staffSide(args, intake.clientId, mine, write);
    // the accepted case brings an offer of consultation times: the family books the first one
    await settle();
    if (find("ap:b:")) {
      await tap("ap:b:", has("ap:r:"));
      await settle();
      const appt = await system.ctx.db.appointment.findFirst({
        where: { case: { clientId: intake.clientId }, status: "booked" },
        include: { cm: true },
      });
      if (appt) {
        const delayed = await system.ctx.producer.queue("reminders").getJobs(["delayed"]);
        const mineReminders = delayed.filter((j) => JSON.stringify(j.data).includes(appt.id));
        print(
          `\n─── behind the scenes ───\nappointment ${appt.startsAt.toISOString()} with ${appt.cm.name} (${appt.mode}); ` +
            `${mineReminders.length} reminder job(s) waiting in Redis, due ${mineReminders
              .map((j) => new Date(j.timestamp + (j.opts.delay ?? 0)).toISOString())
              .join(" and ")}; the case manager got a Slack message: ${
              args.slack.calls.some(
                (c) => c.method === "chat.postMessage" && JSON.stringify(c.args).includes("📅"),
              )
                ? "yes"
                : "see the Slack peer"
            }`,
        );
      }
    }
  }
  await committeeReport(args);
}

/** Waits for a value, polling; undefined after `ms`. */
async function poll<T>(fn: () => Promise<T | null | undefined>, ms = 15_000): Promise<T | undefined> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await fn();
    if (v) return v;
    await sleep(200);
  }
  return undefined;
}

/** The case manager's side: the card that reached Slack, a signed Accept, and what the client sees. */
async function staffSide(
  args: Parameters<typeof playScenario>[0],
  clientId: string,
  mine: () => StoredBotUpdate[],
  write: (text: string, then: () => boolean) => Promise<void>,
): Promise<void> {
  const { system, slack, print } = args;
  const db = system.ctx.db;
  const assignment = await poll(() =>
    db.assignment.findFirst({
      where: { case: { clientId }, slackTs: { not: null } },
      include: { cm: true, case: true },
    }),
  );
  if (!assignment) return print("\n(no assignment yet: every case manager is full, so the case waits)");
  const card = slack.calls.find(
    (c) => c.method === "chat.postMessage" && JSON.stringify(c.args).includes(assignment.case.referenceCode),
  );
  print(`\n─── Slack: a card in ${assignment.cm.name}'s direct messages ───`);
  print(String(card?.args.text ?? "(card)"));
  // the stored "why assigned" record, as the operator CLI shows it (npm run cli -- explain <code>)
  print(`\n$ npm run cli -- explain ${assignment.case.referenceCode}`);
  print(
    await explainCommand(
      {
        db,
        org: system.ctx.org,
        now: system.ctx.now,
        services: () => matchingServices(system.ctx),
        actor: "demo",
      },
      assignment.case.referenceCode,
    ),
  );

  // the case manager taps "Accept": a signed interaction to /slack/events, as Slack sends it
  const payload = {
    type: "block_actions",
    team: { id: "TANLAUF" },
    user: { id: assignment.cm.slackUserId, team_id: "TANLAUF" },
    api_app_id: "AANLAUF",
    trigger_id: `demo-${Date.now()}`,
    container: { type: "message", message_ts: assignment.slackTs, channel_id: assignment.slackChannel },
    channel: { id: assignment.slackChannel },
    message: { ts: assignment.slackTs, type: "message", text: "card" },
    actions: [
      { type: "button", action_id: "asg.accept", block_id: "asg", value: assignment.id, action_ts: "1.1" },
    ],
  };
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac("sha256", system.ctx.env.SLACK_SIGNING_SECRET!).update(`v0:${ts}:${body}`).digest("hex")}`;
  const res = await fetch(`http://127.0.0.1:${system.port}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sig,
    },
    body,
  });
  print(`👩‍💼 ${assignment.cm.name} taps [Accept] → HTTP ${res.status}`);
  const accepted = await poll(async () =>
    (await db.assignment.findUnique({ where: { id: assignment.id } }))?.status === "accepted"
      ? true
      : undefined,
  );
  const update = await poll(async () =>
    slack.calls.find((c) => c.method === "chat.update" && c.args.ts === assignment.slackTs),
  );
  print(
    `assignment ${accepted ? "accepted" : "not accepted (yet)"}; card updated in place: ${update ? "yes" : "not yet"}`,
  );

  await sleep(1500);
  const before = Math.max(...mine().map((m) => m.messageId));
  await write("/status", () => mine().some((m) => m.messageId > before));
}

/** The committee report over an anonymous demo population, with its chart written to the data folder. */
async function committeeReport(args: Parameters<typeof playScenario>[0]): Promise<void> {
  const { system, print } = args;
  const now = system.ctx.now();
  const seeded = await seedDemoData(system.ctx.db, system.ctx.org, now);
  const from = new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
  const bundle = await createReportBundle(
    { db: system.ctx.db, org: system.ctx.org, i18n: system.ctx.i18n },
    { from, to: now, variant: "public", lng: "en", now },
  );
  const dir = `${args.dataDir}/reports`;
  await mkdir(dir, { recursive: true });
  for (const f of reportFiles(bundle)) await writeFile(`${dir}/${f.name}`, f.content);
  print(
    `\n─── committee report (public variant; anonymous demo population of ${seeded.clients} clients) ───\n`,
  );
  print(bundle.markdown);
  print(`written: ${dir}/${bundle.fileStem}.{${REPORT_FORMATS.join(",")}}`);
}
