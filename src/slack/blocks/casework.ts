// Why one file: the case-work modals share their ids, option builders and the 100-block budget.
// Block Kit for the case work, as pure functions of a CaseFile and the translator: the case file
// modal (everything about one case on one screen, with the work buttons), the assessment modal (all
// life areas at once: status, barriers from the code list, notes), the goal, referral and closure
// modals. Block and action ids live in CASEWORK_IDS, so listeners and tests share one naming scheme
// ("cw_<thing>"). Everything the client or staff typed goes through `slackEscape`; Slack caps modals at 100
// blocks and option texts at 75 characters, both respected here.

import type { CaseFile } from "../../modules/cases/casework.service.ts";
import { GOAL_TEXT_MAX, NOTES_MAX, nextReferralStatuses, STEPS_MAX } from "../../modules/cases/casework.ts";
import {
  AREA_STATUSES,
  BARRIERS,
  GOAL_OUTCOME_REASONS,
  GOAL_OUTCOMES,
  GOAL_PARTIES,
  LIFE_AREAS,
  type LifeArea,
  REFERRAL_PURPOSES,
} from "../../modules/cases/codes.ts";
import { STAFF_CLOSURE_REASONS } from "../../modules/cases/phases.ts";
import { ARRIVAL_YEAR_MIN, RESIDENCE_STATUSES } from "../../modules/intake/answers.ts";
import { COMMON_ORIGINS, countryName } from "../../modules/intake/countries.ts";
import { slackEscape as esc } from "../escape.ts";
import { clip, fmtDate, fmtDateTime, type T } from "./common.ts";
import { triageButton } from "./triage-override.ts";

type B = Record<string, unknown>;

export const CASEWORK_IDS = {
  /** opens the case file (button value: case id), from the card, the thread and App Home */
  open: "cw_open",
  assess: "cw_assess",
  goal: "cw_goal",
  refer: "cw_refer",
  close: "cw_close",
  nextContact: "cw_next",
  conference: "cw_conf",
  about: "cw_about",
  referralStatus: "cw_referral_status",
  views: {
    file: "cw_file",
    assessment: "cw_assessment",
    goal: "cw_goal_modal",
    referral: "cw_referral_modal",
    closure: "cw_closure_modal",
    nextContact: "cw_next_modal",
    conference: "cw_conf_modal",
    about: "cw_about_modal",
  },
  blocks: {
    complete: "cw_complete",
    goalText: "cw_goal_text",
    goalArea: "cw_goal_area",
    goalSteps: "cw_goal_steps",
    goalResponsible: "cw_goal_responsible",
    goalPartner: "cw_goal_partner",
    goalDue: "cw_goal_due",
    refPartner: "cw_ref_partner",
    refPurpose: "cw_ref_purpose",
    refGoal: "cw_ref_goal",
    refExpected: "cw_ref_expected",
    refNote: "cw_ref_note",
    closeReason: "cw_close_reason",
    nextContact: "cw_next_date",
    confHeld: "cw_conf_held",
    confStaff: "cw_conf_staff",
    confPartners: "cw_conf_partners",
    confRoles: "cw_conf_roles",
    confTopics: "cw_conf_topics",
    confDecisions: "cw_conf_decisions",
    confGoalText: "cw_conf_goal_text",
    confGoalArea: "cw_conf_goal_area",
    confGoalDue: "cw_conf_goal_due",
    confGoalResponsible: "cw_conf_goal_responsible",
    aboutCountry: "cw_about_country",
    aboutCountryText: "cw_about_country_text",
    aboutStatus: "cw_about_status",
    aboutYear: "cw_about_year",
  },
} as const;

/** Block ids of one area of the assessment modal. */
export const areaBlock = (area: string, field: "status" | "barriers" | "notes") => `cw_area_${area}_${field}`;
/** Block ids of one goal's outcome in the closure modal. */
export const outcomeBlock = (goalId: string, field: "outcome" | "reason") => `cw_outcome_${goalId}_${field}`;

export const plain = (text: string, max = 75) => ({ type: "plain_text", text: clip(text, max), emoji: true });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text: clip(text, 3000) });
export const opt = (text: string, value: string) => ({ text: plain(text), value });
export const section = (text: string): B => ({ type: "section", text: mrkdwn(text) });
export const ctx = (text: string): B => ({ type: "context", elements: [mrkdwn(clip(text, 2000))] });
const btn = (text: string, action_id: string, value: string, style?: "primary" | "danger"): B => ({
  type: "button",
  action_id,
  text: plain(text),
  value,
  ...(style ? { style } : {}),
});
export const modal = (
  callback_id: string,
  title: string,
  blocks: B[],
  meta: string,
  t: T,
  submit = true,
): B => ({
  type: "modal",
  callback_id,
  private_metadata: meta,
  title: plain(title, 24),
  ...(submit ? { submit: plain(t("casework:modal.save"), 24) } : {}),
  close: plain(t(submit ? "casework:modal.cancel" : "casework:modal.close"), 24),
  blocks: blocks.slice(0, 100),
});

export interface PartnerOption {
  id: string;
  name: string;
}

const day = (d: Date | null, lng: string) => (d ? fmtDate(d, lng) : "—");

// ───────────────────────────── the case file ─────────────────────────────

export function caseFileModal(
  f: CaseFile,
  partners: readonly PartnerOption[],
  t: T,
  lng: string,
  now: Date,
): B {
  const pname = (id: string) => esc(partners.find((p) => p.id === id)?.name ?? id);
  const blocks: B[] = [
    section(
      [
        `*${t("casework:file.phase")}:* ${t(`cases:phase.${f.phase}`)}`,
        `*${t("casework:file.cm")}:* ${f.cmName ? esc(f.cmName) : "—"}`,
        `*${t("casework:file.client")}:* ${esc(f.pseudonym)}${f.displayName ? ` (${esc(f.displayName)})` : ""}`,
        ...(f.phone ? [`*${t("casework:file.phone")}:* ${esc(f.phone)}`] : []),
      ].join("\n"),
    ),
    section(
      [
        `*${t("casework:file.household")}:* ${t(`casework:household.${f.household.kind}`)} · ${t("casework:file.persons", { count: f.persons })} (${t("casework:file.adults_children", { adults: f.household.adults, children: f.household.children })})`,
        `*${t("casework:file.languages")}:* ${f.languages.map(esc).join(", ") || "—"} · *${t("casework:file.locale")}:* ${esc(f.locale)}`,
        `*${t("casework:file.topics")}:* ${f.topics.map((x) => t(`cases:topics.${x}`, { defaultValue: x })).join(", ") || "—"}`,
        ...(f.urgency.length ? [`*${t("casework:file.urgency")}:* ${f.urgency.map(esc).join(", ")}`] : []),
        `*${t("casework:file.contact")}:* ${f.contactModes.map(esc).join(", ") || "—"}`,
        `*${t("casework:file.about")}:* ${aboutLine(f, t, lng)}`,
      ].join("\n"),
    ),
    ctx(
      [
        `${t("casework:file.next_contact")}: ${day(f.nextContactAt, lng)}`,
        `${t("casework:file.reassessment_due")}: ${day(f.reassessmentDueAt, lng)}`,
        `${t("casework:file.last_contact")}: ${day(f.lastContactAt, lng)}`,
        ...f.nextAppointments.map(
          (a) => `${t("casework:file.appointment")}: ${fmtDateTime(a.startsAt, lng)}`,
        ),
      ].join(" · "),
    ),
    ctx(
      `${t("casework:file.consent")}: ${
        f.consents
          .filter((k) => k.purpose !== "partner_sharing")
          .map((k) => `${t(`casework:consent.${k.purpose}`)} ${k.granted ? "✓" : "✗"}`)
          .join(" · ") || "—"
      } · ${t("casework:file.released_to")}: ${f.coveredPartners.map(pname).join(", ") || t("casework:file.released_none")}`,
    ),
  ];
  if (f.may.work && f.phase !== "closed") {
    const els: B[] = [btn(t("casework:file.assess"), CASEWORK_IDS.assess, f.id, "primary")];
    els.push(btn(t("casework:file.add_goal"), CASEWORK_IDS.goal, f.id));
    els.push(btn(t("casework:file.refer"), CASEWORK_IDS.refer, f.id));
    els.push(btn(t("casework:file.set_next_contact"), CASEWORK_IDS.nextContact, f.id));
    els.push(btn(t("casework:file.record_conference"), CASEWORK_IDS.conference, f.id));
    els.push(btn(t("casework:file.set_about"), CASEWORK_IDS.about, f.id));
    if (f.may.close) els.push(btn(t("casework:file.close"), CASEWORK_IDS.close, f.id, "danger"));
    blocks.push({ type: "actions", block_id: "cw_file_actions", elements: els });
  }
  if (f.phase === "waiting") blocks.push({ type: "actions", elements: [triageButton(t, f.id)] });

  blocks.push({ type: "divider" }, section(`*${t("casework:file.assessment")}*`));
  if (!f.assessment) blocks.push(ctx(t("casework:file.no_assessment")));
  else {
    const found = f.assessment.areas.filter((a) => a.status !== "no_need");
    blocks.push(
      ctx(
        f.assessment.completedAt
          ? t("casework:file.assessment_done", { date: day(f.assessment.completedAt, lng) })
          : t("casework:file.assessment_open"),
      ),
    );
    for (const a of found.slice(0, 9))
      blocks.push(
        section(
          `*${t(`casework:area.${a.area}`)}* · ${t(`casework:area_status.${a.status}`)}` +
            (a.barriers.length ? `\n${a.barriers.map((b) => t(`casework:barrier.${b}`)).join(", ")}` : "") +
            (a.notes ? `\n_${esc(clip(a.notes, 300))}_` : ""),
        ),
      );
  }

  blocks.push({ type: "divider" }, section(`*${t("casework:file.goals")}*`));
  if (!f.goals.length) blocks.push(ctx(t("casework:file.no_goals")));
  for (const g of f.goals.slice(0, 20)) {
    const who = g.responsible
      ? g.responsible === "partner" && g.partnerId
        ? pname(g.partnerId)
        : t(`casework:party.${g.responsible}`)
      : "";
    blocks.push(
      section(
        `${g.outcome ? t(`casework:outcome.${g.outcome}`) : t(`cases:goal_status.${g.status}`)} · ${g.area ? `*${t(`casework:area.${g.area}`)}* · ` : ""}${esc(g.text)}` +
          (g.steps ? `\n${t("casework:file.steps")}: ${esc(clip(g.steps, 500))}` : "") +
          (who || g.dueDate
            ? `\n${[who, g.dueDate ? t("casework:file.due", { date: day(g.dueDate, lng) }) : ""].filter(Boolean).join(" · ")}`
            : ""),
      ),
    );
  }

  blocks.push({ type: "divider" }, section(`*${t("casework:file.referrals")}*`));
  if (!f.referrals.length) blocks.push(ctx(t("casework:file.no_referrals")));
  for (const r of f.referrals.slice(0, 15)) {
    const line: B = section(
      `${r.overdue ? "⏰ " : ""}*${pname(r.partnerId)}* · ${t(`casework:purpose.${r.purpose}`)} · ${t(`casework:referral_status.${r.status}`)}\n${t("casework:file.referral_dates", { sent: day(r.sentAt, lng), expected: day(r.expectedBy, lng) })}`,
    );
    const next = [...(r.status === "sent" ? ["chased"] : []), ...nextReferralStatuses(r.status)];
    if (f.may.work && f.phase !== "closed" && next.length)
      line.accessory = {
        type: "overflow",
        action_id: CASEWORK_IDS.referralStatus,
        options: next.map((s) =>
          opt(s === "chased" ? t("casework:file.chase") : t(`casework:referral_status.${s}`), `${r.id}|${s}`),
        ),
      };
    blocks.push(line);
  }

  if (f.conferences.length) {
    blocks.push({ type: "divider" }, section(`*${t("casework:file.conferences")}*`));
    for (const k of f.conferences)
      blocks.push(
        ctx(
          [
            `${day(k.heldAt, lng)} · ${k.topics.map((a) => t(`casework:area.${a}`)).join(", ")}`,
            `${t("casework:conference.with")}: ${[
              ...k.staff.map(() => t("casework:conference.colleague")),
              ...k.partners.map(pname),
              ...k.roles.map((r) => t(`casework:conference.role.${r}`)),
            ].join(", ")}`,
            ...(k.decisions ? [`${t("casework:conference.decisions")}: ${esc(clip(k.decisions, 500))}`] : []),
          ].join("\n"),
        ),
      );
  }

  blocks.push({ type: "divider" }, section(`*${t("casework:file.history")}*`));
  blocks.push(
    ctx(
      f.events
        .map(
          (e) =>
            `${fmtDateTime(e.at, lng)} · ${t(`casework:event.${e.kind}`, { defaultValue: e.kind })}${e.toPhase ? ` → ${t(`cases:phase.${e.toPhase}`)}` : ""}`,
        )
        .join("\n") || "—",
    ),
  );
  void now;
  return modal(
    CASEWORK_IDS.views.file,
    t("casework:file.title", { referenceCode: f.referenceCode }),
    blocks,
    f.id,
    t,
    false,
  );
}

// ───────────────────────────── assessment ─────────────────────────────

export function assessmentModal(f: CaseFile, t: T): B {
  const stored = new Map(
    (f.assessment && !f.assessment.completedAt ? f.assessment.areas : []).map((a) => [a.area, a]),
  );
  const blocks: B[] = [ctx(t("casework:assessment.intro"))];
  const order: LifeArea[] = f.areaOrder.length ? f.areaOrder : [...LIFE_AREAS];
  for (const area of order) {
    const s = stored.get(area);
    const statusOpts = AREA_STATUSES.map((x) => opt(t(`casework:area_status.${x}`), x));
    const barrierOpts = BARRIERS[area].map((b) => opt(t(`casework:barrier.${b}`), b));
    blocks.push(
      { type: "header", text: plain(t(`casework:area.${area}`), 150) },
      {
        type: "input",
        block_id: areaBlock(area, "status"),
        optional: true,
        label: plain(t("casework:assessment.status")),
        element: {
          type: "static_select",
          action_id: "v",
          options: statusOpts,
          ...(s ? { initial_option: statusOpts.find((o) => o.value === s.status) } : {}),
        },
      },
      {
        type: "input",
        block_id: areaBlock(area, "barriers"),
        optional: true,
        label: plain(t("casework:assessment.barriers")),
        element: {
          type: "multi_static_select",
          action_id: "v",
          options: barrierOpts,
          ...(s?.barriers.length
            ? { initial_options: barrierOpts.filter((o) => s.barriers.includes(o.value)) }
            : {}),
        },
      },
      {
        type: "input",
        block_id: areaBlock(area, "notes"),
        optional: true,
        label: plain(t("casework:assessment.notes")),
        element: {
          type: "plain_text_input",
          action_id: "v",
          multiline: true,
          max_length: NOTES_MAX,
          ...(s?.notes ? { initial_value: s.notes } : {}),
        },
      },
    );
  }
  blocks.push({
    type: "input",
    block_id: CASEWORK_IDS.blocks.complete,
    optional: true,
    label: plain(t("casework:assessment.complete_label")),
    element: {
      type: "checkboxes",
      action_id: "v",
      options: [{ text: plain(t("casework:assessment.complete")), value: "complete" }],
    },
  });
  return modal(CASEWORK_IDS.views.assessment, t("casework:assessment.title"), blocks, f.id, t);
}

// ───────────────────────────── goal ─────────────────────────────

export const select = (
  block_id: string,
  label: string,
  options: B[],
  optional = false,
  initial?: string,
): B => ({
  type: "input",
  block_id,
  optional,
  label: plain(label),
  element: {
    type: "static_select",
    action_id: "v",
    options: options.slice(0, 100),
    ...(initial ? { initial_option: options.find((o) => o.value === initial) } : {}),
  },
});
export const text = (
  block_id: string,
  label: string,
  max: number,
  optional = false,
  multiline = true,
): B => ({
  type: "input",
  block_id,
  optional,
  label: plain(label),
  element: { type: "plain_text_input", action_id: "v", multiline, max_length: max },
});
export const date = (block_id: string, label: string): B => ({
  type: "input",
  block_id,
  optional: true,
  label: plain(label),
  element: { type: "datepicker", action_id: "v" },
});

/** Country of origin · residence status · in Germany since, "—" for what is not known. */
export function aboutLine(
  f: Pick<CaseFile, "originCountry" | "residenceStatus" | "arrivalYear" | "arrivedBefore">,
  t: T,
  lng: string,
): string {
  const since =
    f.arrivalYear !== null
      ? String(f.arrivalYear)
      : f.arrivedBefore !== null
        ? t("casework:about.before", { year: f.arrivedBefore })
        : "—";
  return [
    f.originCountry ? esc(countryName(f.originCountry, lng)) : "—",
    f.residenceStatus ? t(`casework:about.status.${f.residenceStatus}`) : "—",
    `${t("casework:about.since")} ${since}`,
  ].join(" · ");
}

/**
 * Fill in or correct what the intake asks about the person (existing clients were never asked):
 * the common countries as a menu, any other country typed (matched as in the bot), the status
 * category, the year of arrival. Every field is optional; an emptied field clears it.
 */
export function aboutModal(f: CaseFile, t: T, lng: string): B {
  const I = CASEWORK_IDS.blocks;
  const common = COMMON_ORIGINS as readonly string[];
  const countryOption = (c: string) => opt(countryName(c, lng), c);
  const initialCountry = f.originCountry && common.includes(f.originCountry) ? f.originCountry : undefined;
  const initialStatus = f.residenceStatus ?? undefined;
  return modal(
    CASEWORK_IDS.views.about,
    t("casework:about.title"),
    [
      ctx(t("casework:about.intro")),
      {
        type: "input",
        block_id: I.aboutCountry,
        optional: true,
        label: plain(t("casework:about.country")),
        element: {
          type: "static_select",
          action_id: "v",
          options: common.map(countryOption),
          ...(initialCountry ? { initial_option: countryOption(initialCountry) } : {}),
        },
      },
      {
        type: "input",
        block_id: I.aboutCountryText,
        optional: true,
        label: plain(t("casework:about.country_text")),
        hint: plain(t("casework:about.country_text_hint")),
        element: {
          type: "plain_text_input",
          action_id: "v",
          max_length: 60,
          ...(f.originCountry && !initialCountry ? { initial_value: countryName(f.originCountry, lng) } : {}),
        },
      },
      {
        type: "input",
        block_id: I.aboutStatus,
        optional: true,
        label: plain(t("casework:about.status_label")),
        element: {
          type: "static_select",
          action_id: "v",
          options: RESIDENCE_STATUSES.map((s) => opt(t(`casework:about.status.${s}`), s)),
          ...(initialStatus
            ? { initial_option: opt(t(`casework:about.status.${initialStatus}`), initialStatus) }
            : {}),
        },
      },
      {
        type: "input",
        block_id: I.aboutYear,
        optional: true,
        label: plain(t("casework:about.year")),
        ...(f.arrivedBefore !== null && f.arrivalYear === null
          ? { hint: plain(t("casework:about.year_hint_before", { year: f.arrivedBefore })) }
          : {}),
        element: {
          type: "number_input",
          action_id: "v",
          is_decimal_allowed: false,
          min_value: String(ARRIVAL_YEAR_MIN),
          ...(f.arrivalYear !== null ? { initial_value: String(f.arrivalYear) } : {}),
        },
      },
    ],
    f.id,
    t,
  );
}

/** When the case manager will next be in touch (monitoring, src/modules/cases/monitoring.ts). */
export function nextContactModal(f: CaseFile, t: T): B {
  const initial = f.nextContactAt ? f.nextContactAt.toISOString().slice(0, 10) : undefined;
  return modal(
    CASEWORK_IDS.views.nextContact,
    t("casework:next_contact.title"),
    [
      {
        type: "input",
        block_id: CASEWORK_IDS.blocks.nextContact,
        label: plain(t("casework:next_contact.date")),
        hint: plain(t("casework:next_contact.hint")),
        element: { type: "datepicker", action_id: "v", ...(initial ? { initial_date: initial } : {}) },
      },
    ],
    f.id,
    t,
  );
}

export function goalModal(f: CaseFile, partners: readonly PartnerOption[], t: T): B {
  const I = CASEWORK_IDS.blocks;
  const needs = f.assessment?.areas.find((a) => a.status === "urgent" || a.status === "need")?.area;
  return modal(
    CASEWORK_IDS.views.goal,
    t("casework:goal.title"),
    [
      text(I.goalText, t("casework:goal.text"), GOAL_TEXT_MAX),
      select(
        I.goalArea,
        t("casework:goal.area"),
        LIFE_AREAS.map((a) => opt(t(`casework:area.${a}`), a)),
        false,
        needs,
      ),
      text(I.goalSteps, t("casework:goal.steps"), STEPS_MAX, true),
      select(
        I.goalResponsible,
        t("casework:goal.responsible"),
        GOAL_PARTIES.map((p) => opt(t(`casework:party.${p}`), p)),
        false,
        "client",
      ),
      select(
        I.goalPartner,
        t("casework:goal.partner"),
        partners.map((p) => opt(p.name, p.id)),
        true,
      ),
      date(I.goalDue, t("casework:goal.due")),
    ],
    f.id,
    t,
  );
}

// ───────────────────────────── referral ─────────────────────────────

export function referralModal(f: CaseFile, partners: readonly PartnerOption[], t: T): B {
  const I = CASEWORK_IDS.blocks;
  const covered = new Set(f.coveredPartners);
  const openGoals = f.goals.filter((g) => g.status === "open" && !g.outcome);
  const blocks: B[] = [
    ctx(t("casework:referral.intro")),
    select(
      I.refPartner,
      t("casework:referral.partner"),
      partners.map((p) =>
        opt(
          `${covered.has(p.id) ? "✓" : "✗"} ${p.name}${covered.has(p.id) ? "" : ` (${t("casework:referral.no_release")})`}`,
          p.id,
        ),
      ),
    ),
    select(
      I.refPurpose,
      t("casework:referral.purpose"),
      REFERRAL_PURPOSES.map((p) => opt(t(`casework:purpose.${p}`), p)),
    ),
  ];
  if (openGoals.length)
    blocks.push(
      select(
        I.refGoal,
        t("casework:referral.goal"),
        openGoals.map((g) => opt(g.text, g.id)),
        true,
      ),
    );
  blocks.push(
    date(I.refExpected, t("casework:referral.expected")),
    text(I.refNote, t("casework:referral.note"), NOTES_MAX, true),
  );
  return modal(CASEWORK_IDS.views.referral, t("casework:referral.title"), blocks, f.id, t);
}

// ───────────────────────────── closure ─────────────────────────────

export function closureModal(f: CaseFile, t: T, reason?: string): B {
  const pending = f.goals.filter((g) => !g.outcome);
  const blocks: B[] = [
    select(
      CASEWORK_IDS.blocks.closeReason,
      t("casework:closure.reason"),
      STAFF_CLOSURE_REASONS.map((r) => opt(t(`cases:closure.${r}`), r)),
      false,
      reason,
    ),
  ];
  if (pending.length) blocks.push(ctx(t("casework:closure.outcomes_intro")));
  // two inputs per goal: at most 45 goals fit next to the reason in Slack's 100 blocks
  for (const g of pending.slice(0, 45)) {
    const initial = g.status === "achieved" ? "reached" : g.status === "dropped" ? "dropped" : undefined;
    blocks.push(
      select(
        outcomeBlock(g.id, "outcome"),
        clip(`${g.area ? `${t(`casework:area.${g.area}`)}: ` : ""}${g.text}`, 75),
        GOAL_OUTCOMES.map((o) => opt(t(`casework:outcome.${o}`), o)),
        false,
        initial,
      ),
      select(
        outcomeBlock(g.id, "reason"),
        t("casework:closure.outcome_reason"),
        GOAL_OUTCOME_REASONS.map((r) => opt(t(`casework:outcome_reason.${r}`), r)),
        true,
      ),
    );
  }
  return modal(CASEWORK_IDS.views.closure, t("casework:closure.title"), blocks, `${f.id}|${f.phase}`, t);
}

/** App Home: a picker that opens the case file of any open case the member holds or stands in for. */
export function casePickerBlocks(
  cases: readonly { id: string; referenceCode: string; phase: string; deputised: boolean }[],
  t: T,
): B[] {
  if (!cases.length) return [];
  return [
    {
      type: "section",
      text: mrkdwn(`*${t("casework:home.case_file")}*`),
      accessory: {
        type: "static_select",
        action_id: CASEWORK_IDS.open,
        placeholder: plain(t("casework:home.pick_case")),
        options: cases
          .slice(0, 100)
          .map((c) =>
            opt(
              `${c.referenceCode} · ${t(`cases:phase.${c.phase}`)}${c.deputised ? ` · ${t("casework:home.deputy")}` : ""}`,
              c.id,
            ),
          ),
      },
    },
  ];
}

/** App Home: the referrals to chase, each with a button to the case file. */
export function toChaseBlocks(
  items: readonly { caseId: string; referenceCode: string; partnerId: string; expectedBy: Date }[],
  partners: readonly PartnerOption[],
  t: T,
  lng: string,
): B[] {
  if (!items.length) return [];
  const pname = (id: string) => esc(partners.find((p) => p.id === id)?.name ?? id);
  return [
    section(`*${t("casework:home.to_chase", { count: items.length })}*`),
    ...items.slice(0, 10).map((r) => ({
      ...section(
        `${r.referenceCode} · ${pname(r.partnerId)} · ${t("casework:home.expected", { date: fmtDate(r.expectedBy, lng) })}`,
      ),
      accessory: btn(t("casework:home.open"), CASEWORK_IDS.open, r.caseId),
    })),
  ];
}
