// `npm run demo -- --scenario=casework`: one case from the case manager's Accept to its closure, the
// way staff and client do it: the case manager through signed Slack requests to the running system's
// /slack/events (block actions and modal submissions), the client through the local Telegram Bot API.
// The demo's clock (startSystem's `now`) moves forward where weeks pass, so the referral really goes
// overdue and the daily overview really lists it. Each step is printed in plain words: German on the
// staff side, the client's language (Ukrainian) on the client side.

import type { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { monitoringOf } from "../src/app/runtime/casework.ts";
import type { System } from "../src/app/system.ts";
import type { SlackPeer } from "../src/devtools/slack-peer.ts";
import { LIFE_AREAS } from "../src/modules/cases/codes.ts";
import type { MonitoringService } from "../src/modules/cases/monitoring.service.ts";
import { areaBlock, CASEWORK_IDS } from "../src/slack/blocks/casework.ts";
import { buildMonitoringDigest } from "../src/slack/blocks/monitoring.ts";
import { staffT } from "../src/slack/i18n.ts";
import {
  clockNow,
  DAY,
  type DemoClock,
  day,
  deDate,
  deTime,
  morningAfter,
  multi,
  newcomerWithIntake,
  sel,
  slackCallAfter,
  slackText,
  staffDesk,
  txt,
  until,
  type Values,
} from "./demo-casework-desk.ts";
import {
  absenceWithDeputy,
  caseFileAndReport,
  conferenceAndClosure,
  type Play,
} from "./demo-casework-end.ts";
import { demoChat } from "./demo-chat.ts";

export type { DemoClock } from "./demo-casework-desk.ts";

const STEP = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭";
const I = CASEWORK_IDS.blocks;

/** The assessment as the case manager fills it in: three areas with a need, the rest without. */
const ASSESSMENT: Record<string, { status: string; barriers: string[] }> = {
  language: { status: "need", barriers: ["course_waiting"] },
  work: { status: "need", barriers: ["no_experience_germany"] },
  housing: { status: "urgent", barriers: ["overcrowded"] },
};

export async function playCaseworkScenario(args: {
  telegram: TelegramServer;
  token: string;
  system: System;
  slack: SlackPeer;
  clock: DemoClock;
  print: (s: string) => void;
}): Promise<void> {
  const { telegram, token, system, slack, clock, print } = args;
  const { db, org } = system.ctx;
  const t = system.ctx.i18n.getFixedT("de", "casework");
  let n = 0;
  const step = (text: string) => print(`\n${STEP[n++] ?? "•"} ${text}`);
  const note = (text: string) => print(`   ${text}`);
  const moveClock = (to: Date, why: string) => {
    clock.offsetMs += to.getTime() - clockNow(clock).getTime();
    print(`\n⏩ Die Uhr des Systems springt auf ${deTime(to)} (${why}).`);
  };

  // a new Telegram user each run, so the scenario also plays on a data folder an earlier run used
  const telegramUserId = 5_000_000 + (Date.now() % 1_000_000);
  const chat = demoChat({
    telegram,
    token,
    user: { id: telegramUserId, firstName: "Oksana", languageCode: "uk" },
    print,
  });
  print("─── scenario casework: Oksana, a mother of two from Kharkiv, did the questionnaire in the bot ───");
  const startedAt = clockNow(clock);
  const seeded = await newcomerWithIntake(system, telegramUserId, startedAt);
  note(`(Einwilligung und Fragebogen wie im Bot gespeichert; Aktenzeichen ${seeded.referenceCode})`);

  // ① the card reaches a case manager; they accept it
  const asg = await until("the assignment card", () =>
    db.assignment.findFirst({
      where: { case: { clientId: seeded.clientId }, slackTs: { not: null } },
      include: { cm: true, case: true },
    }),
  );
  const cm = asg.cm;
  const agency = org.agencies.find((a) => a.id === cm.agencyId)?.name ?? cm.agencyId;
  const kase = asg.case;
  const anna = staffDesk(system, slack, cm.slackUserId);
  const dm = asg.slackChannel ?? `D${cm.slackUserId}`;
  await anna.click({ actionId: "asg.accept", value: asg.id, channel: dm, messageTs: asg.slackTs ?? "" });
  await until("the acceptance", async () =>
    (await db.assignment.findUnique({ where: { id: asg.id } }))?.status === "accepted" ? true : null,
  );
  step(`${cm.name} (${agency}) nimmt Fall ${kase.referenceCode} an`);

  // ② the client books the first consultation in the bot; the case manager marks it attended
  await until("the offer of appointment times", async () => chat.find("ap:b:") ?? null, 30_000);
  chat.flush();
  await chat.tap("ap:b:", chat.has("ap:r:"));
  const appt = await until("the booking", () =>
    db.appointment.findFirst({ where: { caseId: kase.id, status: "booked" } }),
  );
  moveClock(new Date(appt.startsAt.getTime() + 60 * 60_000), "das Erstgespräch hat stattgefunden");
  await anna.click({ actionId: "appt_attended", value: appt.id, channel: dm });
  await until("the attendance", async () =>
    (await db.appointment.findUnique({ where: { id: appt.id } }))?.status === "attended" ? true : null,
  );
  const mode = system.ctx.i18n.t(`staff:modes.${appt.mode}`, { lng: "de", defaultValue: appt.mode });
  step(`Erstgespräch am ${deTime(appt.startsAt)} (${mode}): ${cm.name} markiert es als wahrgenommen`);

  // the case file, opened from the case card; every modal below is pushed on top of it
  const root = anna.newViewId();
  await anna.open(CASEWORK_IDS.views.file, { actionId: CASEWORK_IDS.open, value: kase.id, channel: dm });

  // ③ assessment over all nine life areas, three of them with barriers
  const values: Values = { [I.complete]: multi(["complete"]) };
  for (const area of LIFE_AREAS) {
    const a = ASSESSMENT[area] ?? { status: "no_need", barriers: [] };
    values[areaBlock(area, "status")] = sel(a.status);
    values[areaBlock(area, "barriers")] = multi(a.barriers);
    values[areaBlock(area, "notes")] = txt(
      area === "housing" ? "Zu dritt in einem Zimmer der Unterkunft" : "",
    );
  }
  const work = (actionId: string) => ({ actionId, caseId: kase.id, rootViewId: root });
  await anna.work(CASEWORK_IDS.views.assessment, work(CASEWORK_IDS.assess), values);
  step("Assessment abgeschlossen (neun Lebensbereiche):");
  for (const [area, a] of Object.entries(ASSESSMENT)) {
    const barriers = a.barriers.map((b) => t(`barrier.${b}`)).join(", ");
    note(`${t(`area.${area}`)} — ${t(`area_status.${a.status}`)}, Hemmnis: ${barriers}`);
  }

  // ④ goal agreement: two goals
  const goals = [
    { text: "Deutschkurs B1 beginnen", area: "language", responsible: "client", partner: "", days: 60 },
    {
      text: "Eine größere Wohnung finden",
      area: "housing",
      responsible: "case_manager",
      partner: "",
      days: 120,
    },
  ];
  for (const g of goals) {
    await anna.work(CASEWORK_IDS.views.goal, work(CASEWORK_IDS.goal), {
      [I.goalText]: txt(g.text),
      [I.goalArea]: sel(g.area),
      [I.goalSteps]: txt(""),
      [I.goalResponsible]: sel(g.responsible),
      [I.goalDue]: day(new Date(clockNow(clock).getTime() + g.days * DAY)),
    });
  }
  step(`Zielvereinbarung: „${goals[0]!.text}“ und „${goals[1]!.text}“`);

  // ⑤ the client releases the Jobcenter from confidentiality in the bot; then the referral
  const jobcenter = org.referralTargets.find((p) => p.id === "jobcenter") ?? org.referralTargets[0]!;
  await chat.write("/consent", chat.has(`k:po:${jobcenter.id}:1`));
  await chat.tap(`k:po:${jobcenter.id}:1`, chat.has(`k:po:${jobcenter.id}:0`));
  await anna.work(CASEWORK_IDS.views.referral, work(CASEWORK_IDS.refer), {
    [I.refPartner]: sel(jobcenter.id),
    [I.refPurpose]: sel("work"),
    [I.refNote]: txt("Beratung zur Anerkennung des Abschlusses als Buchhalterin"),
  });
  const referral = await until("the referral", () => db.referral.findFirst({ where: { caseId: kase.id } }));
  step(
    `Vermittlung an ${jobcenter.name} (Schweigepflichtentbindung in Telegram erteilt); Antwort erwartet bis ${deDate(referral.expectedBy)}`,
  );

  // ⑥ two weeks pass without an answer; ⑦ the daily overview lists the referral to chase
  moveClock(morningAfter(referral.expectedBy, 1), "zwei Wochen ohne Antwort vom Jobcenter");
  const since = slack.calls.length;
  const monitoring = monitoringOf(system.ctx);
  const run = await monitoring.run();
  const digest = await slackCallAfter(
    slack,
    since,
    (c) => c.method === "chat.postMessage" && c.args.channel === `D${cm.slackUserId}`,
    10_000,
  );
  step(`Tagesüberblick (Job cases.monitor: ${run.digests} Direktnachricht(en)) an ${cm.name}:`);
  // one overview per person and day: a second demo run on the same day shows it as it stands now
  const blocks = digest?.args.blocks ?? (await currentDigest(system, monitoring, cm.id));
  if (!digest) note("(heute schon zugestellt; so sieht er jetzt aus)");
  for (const line of slackText(blocks).join("\n").split("\n")) if (line.trim()) note(line);

  // ⑧ the case manager chases it from the case file's referral menu
  await anna.click({
    actionId: CASEWORK_IDS.referralStatus,
    viewId: root,
    selected: `${referral.id}|chased`,
  });
  await until("the chase", async () =>
    (await db.referral.findUnique({ where: { id: referral.id } }))?.chasedAt ? true : null,
  );
  step(`${cm.name} fasst beim ${jobcenter.name} nach (Menü der Vermittlung: „Heute nachgefasst“)`);

  const play: Play = {
    system,
    slack,
    clock,
    print,
    step,
    note,
    moveClock,
    t,
    chat,
    cm: { id: cm.id, name: cm.name, slackUserId: cm.slackUserId, agencyId: cm.agencyId },
    anna,
    kase,
    root,
    jobcenter,
    startedAt,
  };
  const deputy = await absenceWithDeputy(play);
  await conferenceAndClosure(play, deputy);
  await caseFileAndReport(play);
}

async function currentDigest(system: System, monitoring: MonitoringService, cmId: string) {
  const view = await monitoring.digestOf(cmId);
  if (!view) return [];
  const partners = new Map(system.ctx.org.referralTargets.map((p) => [p.id, p.name]));
  return buildMonitoringDigest(view, partners, system.ctx.now(), staffT(system.ctx.i18n, "de"), "de").blocks;
}
