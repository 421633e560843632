// The second half of the case-work demo (scripts/demo-casework.ts): an absence with a deputy who gets
// the client's message, the case conference, the closure with goal outcomes and the client's goodbye,
// then the case file as the case manager sees it and the indicator lines the closure feeds.

import type { TFunction } from "i18next";
import { caseworkOf } from "../src/app/runtime/casework.ts";
import type { System } from "../src/app/system.ts";
import type { SlackPeer } from "../src/devtools/slack-peer.ts";
import type { CaseFile } from "../src/modules/cases/case-file.service.ts";
import { actorForSlackUser } from "../src/modules/cases/lifecycle.service.ts";
import { createReportBundle } from "../src/modules/reports/report.service.ts";
import { CASEWORK_IDS, outcomeBlock } from "../src/slack/blocks/casework.ts";
import { HOME_ACTIONS } from "../src/slack/blocks/home.ts";
import {
  clockNow,
  DAY,
  type DemoClock,
  day,
  deDate,
  morningAfter,
  multi,
  type StaffDesk,
  sel,
  slackCallAfter,
  slackText,
  txt,
  until,
} from "./demo-casework-desk.ts";
import type { DemoChat } from "./demo-chat.ts";

/** What both halves of the scenario share. */
export interface Play {
  system: System;
  slack: SlackPeer;
  clock: DemoClock;
  print: (s: string) => void;
  step: (text: string) => void;
  note: (text: string) => void;
  moveClock: (to: Date, why: string) => void;
  t: TFunction;
  chat: DemoChat;
  cm: { id: string; name: string; slackUserId: string; agencyId: string };
  anna: StaffDesk;
  kase: { id: string; referenceCode: string };
  /** when the client's questionnaire arrived (the report starts there) */
  startedAt: Date;
  /** the case file's view id: pushed modals refresh it */
  root: string;
  jobcenter: { id: string; name: string };
}

/** The case manager is away for two days and names a colleague as deputy; the client writes. */
export async function absenceWithDeputy(p: Play): Promise<{ name: string; slackUserId: string }> {
  const { system, slack, cm, anna, chat } = p;
  const { db, org } = system.ctx;
  const colleagues = org.caseManagers.filter((c) => c.id !== cm.id && c.active !== false);
  const deputy =
    colleagues.find((c) => c.agency === cm.agencyId && !c.teamLead) ??
    colleagues.find((c) => c.agency === cm.agencyId) ??
    colleagues[0]!;
  const today = clockNow(p.clock);
  const modal = await anna.open("absence.add", {
    actionId: HOME_ACTIONS.absenceAdd,
    value: "self",
    viewId: "VHOME",
  });
  await anna.submit("absence.add", modal.private_metadata ?? "", {
    from: day(today),
    to: day(new Date(today.getTime() + DAY)),
    deputy: sel(deputy.id),
  });
  const absence = await until("the absence", () =>
    db.absence.findFirst({ where: { cmId: cm.id, to: { gt: today } }, orderBy: { createdAt: "desc" } }),
  );
  if (absence.deputyId !== deputy.id) throw new Error("demo: the absence was stored without its deputy");
  p.step(
    `${cm.name} trägt in App Home eine Abwesenheit ein (${deDate(absence.from)}–${deDate(new Date(absence.to.getTime() - 1))}) und benennt ${deputy.name} als Vertretung`,
  );

  const since = slack.calls.length;
  const before = chat.lastId();
  await chat.write("Добрий день! Мені прийшов лист від Jobcenter. Що мені робити?", chat.newerThan(before));
  const copy = await slackCallAfter(
    slack,
    since,
    (c) => c.method === "chat.postMessage" && c.args.channel === `D${deputy.slackUserId}`,
  );
  if (!copy) throw new Error("demo: the deputy got no copy of the client's message");
  p.step(`${deputy.name} erhält als Vertretung die Nachricht als Direktnachricht:`);
  for (const line of slackText(copy.args.blocks).join("\n").split("\n")) if (line.trim()) p.note(line);
  return { name: deputy.name, slackUserId: deputy.slackUserId };
}

/** Back from the absence: the case conference, weeks later the closure with the goals' outcomes. */
export async function conferenceAndClosure(p: Play, deputy: { name: string }): Promise<void> {
  const { system, anna, chat, kase, root, t } = p;
  const { db, org } = system.ctx;
  p.moveClock(morningAfter(clockNow(p.clock), 2), `${p.cm.name} ist zurück`);
  const colleague = org.caseManagers.find((c) => c.name === deputy.name);
  const I = CASEWORK_IDS.blocks;
  const work = (actionId: string) => ({ actionId, caseId: kase.id, rootViewId: root });
  await anna.work(CASEWORK_IDS.views.conference, work(CASEWORK_IDS.conference), {
    [I.confHeld]: day(clockNow(p.clock)),
    [I.confStaff]: multi(colleague ? [colleague.id] : []),
    [I.confPartners]: multi([p.jobcenter.id]),
    [I.confRoles]: multi(["client", "interpreter"]),
    [I.confTopics]: multi(["work", "language"]),
    [I.confDecisions]: txt("Jobcenter prüft Anerkennung und Sprachkurs mit Kinderbetreuung"),
    [I.confGoalText]: txt(""),
    [I.confGoalArea]: sel(""),
    [I.confGoalResponsible]: sel(""),
    [I.confGoalDue]: { selected_date: null },
  });
  await until("the case conference", () => db.caseConference.findFirst({ where: { caseId: kase.id } }));
  p.step(
    `Fallkonferenz mit ${p.jobcenter.name}${colleague ? `, ${colleague.name}` : ""}, der Klientin und einer Sprachmittlerin: ${t("area.work")}, ${t("area.language")}`,
  );

  p.moveClock(morningAfter(clockNow(p.clock), 42), "sechs Wochen später");
  const before = chat.lastId();
  // the modal lists every goal: the first one reached, the other partly
  let outcomes: { id: string; outcome: string; reason: string }[] = [];
  const closure = await anna.work(CASEWORK_IDS.views.closure, work(CASEWORK_IDS.close), (m) => {
    outcomes = (m.blocks ?? [])
      .flatMap((b) => /^cw_outcome_(.+)_outcome$/.exec(b.block_id ?? "")?.[1] ?? [])
      .map((id, i) =>
        i === 0
          ? { id, outcome: "reached", reason: "" }
          : { id, outcome: "partly", reason: "circumstances_changed" },
      );
    return {
      [I.closeReason]: sel("goals_reached"),
      ...Object.fromEntries(
        outcomes.flatMap((o) => [
          [outcomeBlock(o.id, "outcome"), sel(o.outcome)],
          [outcomeBlock(o.id, "reason"), o.reason ? sel(o.reason) : { selected_option: null }],
        ]),
      ),
    };
  });
  // the goal as the modal shows it (the stored text is encrypted)
  const label = (id: string) =>
    (closure.blocks ?? []).find((b) => b.block_id === outcomeBlock(id, "outcome"))?.label?.text ?? id;
  await until("the closure", async () =>
    (await db.case.findUnique({ where: { id: kase.id } }))?.phase === "closed" ? true : null,
  );
  p.step(
    `${p.cm.name} schließt den Fall (${system.ctx.i18n.t("cases:closure.goals_reached", { lng: "de" })}): ${outcomes
      .map(
        (o) =>
          `„${label(o.id)}“ ${t(`outcome.${o.outcome}`)}${o.reason ? ` (${t(`outcome_reason.${o.reason}`)})` : ""}`,
      )
      .join(", ")}`,
  );
  p.note("Die Klientin erhält in Telegram den Abschiedsgruß:");
  // the goodbye names the case; other messages may come with it (all are printed once it is quiet)
  const goodbye = () =>
    chat.mine().some((m) => m.messageId > before && chat.textOnly(m).includes(kase.referenceCode));
  await chat.waitFor(goodbye, "the goodbye", 20_000);
  await chat.settle();
}

/** The case file as the case manager sees it, and the indicator lines of the report. */
export async function caseFileAndReport(p: Play): Promise<void> {
  const { system, kase, print } = p;
  const actor = await actorForSlackUser(system.ctx.db, p.cm.slackUserId, clockNow(p.clock));
  const f = actor ? await caseworkOf(system.ctx).caseFile(kase.id, actor) : null;
  print(`\n─── Fallakte ${kase.referenceCode} ───`);
  if (f && !("error" in f)) await printFile(f, p);
  const now = clockNow(p.clock);
  const bundle = await createReportBundle(
    { db: system.ctx.db, org: system.ctx.org, i18n: system.ctx.i18n },
    { from: p.startedAt, to: new Date(now.getTime() + DAY), variant: "internal", lng: "de", now },
  );
  print(
    `\n─── Bericht ${deDate(p.startedAt)}–${deDate(now)} (interne Fassung): die Kennzahlen der Fallarbeit ───`,
  );
  for (const line of indicatorLines(bundle.markdown, (id) =>
    system.ctx.i18n.t(`cases:report.${id}`, { lng: "de" }),
  ))
    print(line);
}

const INDICATORS = ["barriers", "goals", "referral_partners", "timings", "recontacts"];
const ZERO_ROW = /^\|[^|]*(\|\s*(0|–|0 %)?\s*)+\|$/;

/** The outcome indicator tables of the report's Markdown, without the rows that are all zero. */
export function indicatorLines(markdown: string, title: (id: string) => string): string[] {
  const wanted = new Set(INDICATORS.map((id) => `## ${title(id)}`));
  const out: string[] = [];
  let keep = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("## ")) keep = wanted.has(line);
    if (keep && !ZERO_ROW.test(line)) out.push(line);
  }
  return out;
}

async function printFile(f: CaseFile, p: Play): Promise<void> {
  const { t, note } = p;
  const de = (key: string) => p.system.ctx.i18n.t(key, { lng: "de" });
  const partner = (id: string) => p.system.ctx.org.referralTargets.find((o) => o.id === id)?.name ?? id;
  note(`Phase: ${de(`cases:phase.${f.phase}`)} · Fallmanagement: ${f.cmName ?? "–"} · ${f.persons} Personen`);
  for (const a of f.assessment?.areas.filter((x) => x.status !== "no_need") ?? [])
    note(
      `Assessment: ${t(`area.${a.area}`)} — ${t(`area_status.${a.status}`)} (${a.barriers.map((b) => t(`barrier.${b}`)).join(", ")})`,
    );
  for (const g of f.goals) note(`Ziel: „${g.text}“ — ${g.outcome ? t(`outcome.${g.outcome}`) : g.status}`);
  for (const r of f.referrals) {
    const row = await p.system.ctx.db.referral.findUnique({
      where: { id: r.id },
      select: { chasedAt: true },
    });
    note(
      `Vermittlung: ${partner(r.partnerId)} — ${t(`referral_status.${r.status}`)}${row?.chasedAt ? `, nachgefasst am ${deDate(row.chasedAt)}` : ""}`,
    );
  }
  for (const c of f.conferences)
    note(`Fallkonferenz am ${deDate(c.heldAt)} mit ${c.partners.map(partner).join(", ")}`);
  note(
    `Verlauf: ${[...f.events]
      .reverse()
      // the file's own openings are audit entries, not steps of the case work
      .filter((e) => e.kind !== "case.file_read")
      .map((e) => t(`event.${e.kind}`, { defaultValue: e.kind }))
      .join(" → ")}`,
  );
}
