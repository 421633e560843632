// The scripted walk-through of the offline demo: a newcomer family finds the bot through the QR code
// on a flyer in Heepen, picks a language, reads the info sheet, consents, fills in the questionnaire
// and asks for their status. Everything goes through the local Telegram Bot API (telegram-test-api),
// at a human pace (the bot's flood limit is real), and the conversation is printed as it happens.

import { mkdir, writeFile } from "node:fs/promises";
import type { StoredBotUpdate, TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { matchingServices } from "../src/app/runtime/matching.ts";
import type { System } from "../src/app/system.ts";
import { explainCommand } from "../src/cli.ts";
import type { SlackPeer } from "../src/devtools/slack-peer.ts";
import { blockAction } from "../src/devtools/slack-requests.ts";
import { createReportBundle, REPORT_FORMATS, reportFiles } from "../src/modules/reports/report.service.ts";
import { demoChat, postToSlackEndpoint, sleep } from "./demo-chat.ts";
import { seedDemoData } from "./seed-demo.ts";

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
  const user = { id: 4242, firstName: "Amal", languageCode: "ar" };
  // the demo reads best in a language the audience reads; Arabic once the translation exists
  const locale = system.ctx.i18n.hasResourceBundle("ar", "client") ? "ar" : "en";
  const { mine, settle, find, has, tap, write } = demoChat({ telegram, token, user, print });

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
  const res = await postToSlackEndpoint(
    system,
    blockAction({
      user: assignment.cm.slackUserId,
      actionId: "asg.accept",
      value: assignment.id,
      channel: assignment.slackChannel ?? "",
      messageTs: assignment.slackTs ?? "",
    }),
  );
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
