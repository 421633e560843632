// The App Home tab. Case managers see their open cases with phase, load vs capacity, next
// appointments and absences; team leads (and coordinators, read-only) additionally see the load of
// every case manager in their scope as text bars, the wait list in figures, the current rebalance
// proposal and buttons for reassigning, capacity and absences. Pure; at most 100 blocks.
import type { StaffMember } from "../../modules/staff/identity.ts";
import { slackEscape } from "../escape.ts";
import type { CmHomeData, LoadRow, ProposalView, WaitlistSummary } from "../ports.ts";
import {
  type Block,
  button,
  capBlocks,
  context,
  divider,
  fmtDate,
  fmtDateTime,
  fmtDuration,
  header,
  loadBar,
  MAX_VIEW_BLOCKS,
  section,
  type T,
} from "./common.ts";

export const HOME_ACTIONS = {
  absenceAdd: "home.absence_add",
  absenceRemove: "home.absence_remove",
  reassignOpen: "lead.reassign_open",
  capacityOpen: "lead.capacity_open",
  teamAbsenceOpen: "lead.absence_open",
  rebalanceApprove: "lead.rebalance_approve",
  rebalanceDismiss: "lead.rebalance_dismiss",
  rebalancePropose: "lead.rebalance_propose",
} as const;

export interface LeadHomeData {
  loads: LoadRow[];
  waitlist: WaitlistSummary;
  proposal: ProposalView | null;
  /** may approve / dismiss this proposal */
  canDecide: boolean;
  canPropose: boolean;
  /** supervises someone: reassign, capacity, team absences */
  supervises: boolean;
}

export interface HomeInput {
  member: StaffMember | null;
  now: Date;
  lng: string;
  cm: CmHomeData | null;
  lead: LeadHomeData | null;
  /** the appointments feature's blocks (upcoming, attendance, consultation hours); replace the plain list */
  appointmentBlocks?: Block[] | null;
  /** the case work's part: case picker and referrals to chase (src/slack/blocks/casework.ts) */
  caseworkBlocks?: Block[] | null;
}

export interface HomeView {
  type: "home";
  blocks: Block[];
}

const MAX_CASES = 25;
const MAX_APPOINTMENTS = 5;
const MAX_ABSENCES = 5;
const MAX_MOVES = 10;

export function waitlistText(w: WaitlistSummary, t: T, now: Date): string {
  if (w.waiting === 0) return t("waitlist.empty");
  return t("waitlist.summary", {
    count: w.waiting,
    urgent: w.urgent,
    oldest: w.oldestSince ? fmtDuration(now.getTime() - w.oldestSince.getTime(), t) : "–",
  });
}

/** One line per case manager: bar, figures, name, markers. */
export function loadLines(loads: readonly LoadRow[], t: T): string[] {
  return loads.map((l) => {
    const marks = [l.absentNow ? t("load.absent") : null, l.overridden ? t("load.override") : null].filter(
      Boolean,
    );
    return `\`${loadBar(l.openCases, l.capacity)}\` ${l.openCases}/${l.capacity} · ${slackEscape(l.name)}${marks.length ? ` _(${marks.join(", ")})_` : ""}`;
  });
}

/** Loads grouped by agency, one section per agency (each well below 3000 characters). */
export function loadSections(loads: readonly LoadRow[], t: T): Block[] {
  const byAgency = new Map<string, LoadRow[]>();
  for (const l of loads) byAgency.set(l.agencyName, [...(byAgency.get(l.agencyName) ?? []), l]);
  const out: Block[] = [];
  for (const [agency, rows] of byAgency) {
    const open = rows.reduce((s, r) => s + r.openCases, 0);
    const cap = rows.reduce((s, r) => s + r.capacity, 0);
    const lines = loadLines(rows, t);
    // a section holds 3000 characters: split long teams into chunks of 25 lines
    for (let i = 0; i < lines.length; i += 25)
      out.push(
        section(
          `${i === 0 ? `*${slackEscape(agency)}* · ${open}/${cap}\n` : ""}${lines.slice(i, i + 25).join("\n")}`,
        ),
      );
  }
  return out;
}

export function proposalBlocks(p: ProposalView | null, t: T, lng: string, canDecide: boolean): Block[] {
  if (!p) return [section(t("rebalance.none"))];
  const lines = p.moves
    .slice(0, MAX_MOVES)
    .map(
      (m) =>
        `• ${m.referenceCode}: ${slackEscape(m.fromName)} → ${slackEscape(m.toName)} _(${t(`rebalance.reasons.${m.reason}`, { defaultValue: m.reason })})_`,
    );
  if (p.moves.length > MAX_MOVES) lines.push(t("common.more", { count: p.moves.length - MAX_MOVES }));
  const blocks: Block[] = [
    section(
      `*${t("rebalance.title", { count: p.moves.length, at: fmtDateTime(p.createdAt, lng) })}*\n${lines.join("\n")}`,
    ),
  ];
  if (canDecide)
    blocks.push({
      type: "actions",
      block_id: "rebalance",
      elements: [
        button(t("rebalance.approve"), HOME_ACTIONS.rebalanceApprove, p.id, "primary"),
        button(t("rebalance.dismiss"), HOME_ACTIONS.rebalanceDismiss, p.id, "danger"),
      ],
    });
  else blocks.push(context(t("rebalance.lead_only")));
  return blocks;
}

function appointmentsSection(cm: CmHomeData, t: T, lng: string): Block {
  const appts = cm.appointments
    .slice(0, MAX_APPOINTMENTS)
    .map(
      (a) =>
        `• ${fmtDateTime(a.startsAt, lng)} · ${a.referenceCode} · ${t(`modes.${a.mode}`, { defaultValue: a.mode })}`,
    );
  return section(
    `*${t("home.appointments")}*\n${appts.length ? appts.join("\n") : t("home.no_appointments")}`,
  );
}

export function buildHomeView(input: HomeInput, t: T): HomeView {
  const { member, now, lng } = input;
  if (!member?.active)
    return { type: "home", blocks: [header(t("home.title")), section(t("errors.unknown_user"))] };

  const blocks: Block[] = [
    header(t("home.title")),
    context(t("home.hello", { name: slackEscape(member.name) })),
  ];
  const cm = input.cm;
  if (cm) {
    const l = cm.load;
    if (l)
      blocks.push(
        section(
          `*${t("home.my_load")}*\n\`${loadBar(l.openCases, l.capacity)}\` ${t("home.load_figures", { open: l.openCases, capacity: l.capacity, persons: l.openPersons })}`,
        ),
      );
    if (cm.pending.length)
      blocks.push(
        section(
          `*${t("home.pending")}*\n${cm.pending
            .slice(0, 10)
            .map(
              (p) =>
                `• ${p.referenceCode} · ${t("home.pending_until", { at: fmtDateTime(p.deadlineAt, lng) })}`,
            )
            .join("\n")}`,
        ),
      );
    const cases = cm.cases
      .slice(0, MAX_CASES)
      .map(
        (c) =>
          `• ${c.referenceCode} · ${t(`phases.${c.phase}`, { defaultValue: c.phase })} · ${t("home.persons", { count: c.persons })}`,
      );
    if (cm.cases.length > MAX_CASES) cases.push(t("common.more", { count: cm.cases.length - MAX_CASES }));
    blocks.push(
      section(
        `*${t("home.my_cases", { count: cm.cases.length })}*\n${cases.length ? cases.join("\n") : t("home.no_cases")}`,
      ),
    );

    if (input.caseworkBlocks?.length) blocks.push(...input.caseworkBlocks);
    if (input.appointmentBlocks?.length) blocks.push(...input.appointmentBlocks);
    else blocks.push(appointmentsSection(cm, t, lng));

    blocks.push(section(`*${t("home.absences")}*${cm.absences.length ? "" : `\n${t("home.no_absences")}`}`));
    for (const a of cm.absences.slice(0, MAX_ABSENCES))
      blocks.push({
        type: "section",
        text: {
          type: "mrkdwn",
          text: `${fmtDate(a.from, lng)} – ${fmtDate(new Date(a.to.getTime() - 1), lng)}${a.note ? ` · ${slackEscape(a.note)}` : ""}`,
        },
        accessory: button(t("home.absence_remove"), HOME_ACTIONS.absenceRemove, a.id, "danger"),
      });
    blocks.push({
      type: "actions",
      block_id: "home_cm",
      elements: [button(t("home.absence_add"), HOME_ACTIONS.absenceAdd, "self")],
    });
  }

  const lead = input.lead;
  if (lead) {
    blocks.push(divider(), header(t("home.team_title")));
    blocks.push(section(`*${t("home.waitlist")}*\n${waitlistText(lead.waitlist, t, now)}`));
    blocks.push(...loadSections(lead.loads, t));
    blocks.push(
      section(`*${t("home.rebalance")}*`),
      ...proposalBlocks(lead.proposal, t, lng, lead.canDecide),
    );
    const buttons = [
      ...(lead.canPropose ? [button(t("rebalance.propose"), HOME_ACTIONS.rebalancePropose, "propose")] : []),
      ...(lead.supervises
        ? [
            button(t("home.reassign"), HOME_ACTIONS.reassignOpen, "open"),
            button(t("home.capacity"), HOME_ACTIONS.capacityOpen, "open"),
            button(t("home.team_absence"), HOME_ACTIONS.teamAbsenceOpen, "open"),
          ]
        : []),
    ];
    if (buttons.length) blocks.push({ type: "actions", block_id: "home_lead", elements: buttons });
  }
  return {
    type: "home",
    blocks: capBlocks(blocks, MAX_VIEW_BLOCKS, (n) => t("common.more_blocks", { count: n })),
  };
}
