// Block Kit for the staff triage override: the "Change triage" button of the case file and the modal
// (route, referral office from the organisation file, urgent lane, priority, reason code, note).
// Pure functions of the current outcome and the translator; ids live in TRIAGE_IDS so the listener
// and the tests share them. Office names come from the org file and are escaped all the same.
import { TRIAGE_OVERRIDE_REASONS } from "../../modules/cases/codes.ts";
import type { OverrideSummary } from "../../modules/triage/override.service.ts";
import { OVERRIDE_NOTE_MAX, OVERRIDE_PRIORITY_MAX } from "../../modules/triage/override.ts";
import { slackEscape as esc } from "../escape.ts";
import { clip, type T } from "./common.ts";

type B = Record<string, unknown>;

export const TRIAGE_IDS = {
  /** button in the case file (value: case id) */
  open: "tr_open",
  view: "tr_override_modal",
  blocks: {
    route: "tr_route",
    target: "tr_target",
    urgent: "tr_urgent",
    priority: "tr_priority",
    reason: "tr_reason",
    note: "tr_note",
  },
} as const;

/** The modal's field of each problem the decision names (override.ts OverrideField). */
export const TRIAGE_FIELD_BLOCKS: Readonly<Record<string, string>> = {
  route: TRIAGE_IDS.blocks.route,
  referralTarget: TRIAGE_IDS.blocks.target,
  urgent: TRIAGE_IDS.blocks.urgent,
  priority: TRIAGE_IDS.blocks.priority,
  reason: TRIAGE_IDS.blocks.reason,
  note: TRIAGE_IDS.blocks.note,
};

const plain = (text: string, max = 75) => ({ type: "plain_text", text: clip(text, max), emoji: true });
const opt = (text: string, value: string) => ({ text: plain(text), value });
const ROUTES = ["case_management", "referral"] as const;

export const triageButton = (t: T, caseId: string): B => ({
  type: "button",
  action_id: TRIAGE_IDS.open,
  text: plain(t("triage-staff:button")),
  value: caseId,
});

const select = (block: string, label: string, options: B[], initial?: B, optional = false): B => ({
  type: "input",
  block_id: block,
  optional,
  label: plain(label, 2000),
  element: {
    type: "static_select",
    action_id: "v",
    options: options.slice(0, 100),
    ...(initial ? { initial_option: initial } : {}),
  },
});

export function triageOverrideModal(
  s: OverrideSummary,
  partners: readonly { id: string; name: string }[],
  t: T,
): B {
  const routeOpts = ROUTES.map((r) => opt(t(`triage-staff:route.${r}`), r));
  const targetOpts = partners.map((p) => opt(esc(p.name), p.id));
  const current = [
    `*${t("triage-staff:current")}:* ${t(`triage-staff:route.${s.route}`)}`,
    s.referralTarget ? esc(partners.find((p) => p.id === s.referralTarget)?.name ?? s.referralTarget) : null,
    s.urgent ? t("triage-staff:urgent_now") : null,
    t("triage-staff:priority_now", { priority: s.priority }),
  ].filter(Boolean);
  const urgentOpt = opt(t("triage-staff:urgent_option"), "urgent");
  const blocks: B[] = [
    { type: "section", text: { type: "mrkdwn", text: clip(current.join(" · "), 3000) } },
    select(
      TRIAGE_IDS.blocks.route,
      t("triage-staff:field.route"),
      routeOpts,
      routeOpts.find((o) => o.value === s.route),
    ),
    // Slack refuses a select without options: an org file without offices has no referral field
    ...(targetOpts.length
      ? [
          select(
            TRIAGE_IDS.blocks.target,
            t("triage-staff:field.target"),
            targetOpts,
            targetOpts.find((o) => o.value === s.referralTarget),
            true,
          ),
        ]
      : []),
    {
      type: "input",
      block_id: TRIAGE_IDS.blocks.urgent,
      optional: true,
      label: plain(t("triage-staff:field.urgent"), 2000),
      element: {
        type: "checkboxes",
        action_id: "v",
        options: [urgentOpt],
        ...(s.urgent ? { initial_options: [urgentOpt] } : {}),
      },
    },
    {
      type: "input",
      block_id: TRIAGE_IDS.blocks.priority,
      optional: true,
      label: plain(t("triage-staff:field.priority"), 2000),
      hint: plain(t("triage-staff:hint.priority", { max: OVERRIDE_PRIORITY_MAX }), 2000),
      element: {
        type: "number_input",
        action_id: "v",
        is_decimal_allowed: false,
        min_value: "0",
        max_value: String(OVERRIDE_PRIORITY_MAX),
        initial_value: String(s.priority),
      },
    },
    select(
      TRIAGE_IDS.blocks.reason,
      t("triage-staff:field.reason"),
      TRIAGE_OVERRIDE_REASONS.map((r) => opt(t(`triage-staff:reason.${r}`), r)),
    ),
    {
      type: "input",
      block_id: TRIAGE_IDS.blocks.note,
      optional: true,
      label: plain(t("triage-staff:field.note"), 2000),
      hint: plain(t(s.hasCase ? "triage-staff:hint.note" : "triage-staff:hint.note_no_case"), 2000),
      element: { type: "plain_text_input", action_id: "v", multiline: true, max_length: OVERRIDE_NOTE_MAX },
    },
  ];
  return {
    type: "modal",
    callback_id: TRIAGE_IDS.view,
    private_metadata: s.intakeId,
    title: plain(t("triage-staff:title"), 24),
    submit: plain(t("triage-staff:submit"), 24),
    close: plain(t("triage-staff:cancel"), 24),
    blocks,
  };
}

/** A one-screen notice, for refusals with no field to put them on. */
export const triageNotice = (t: T, text: string): B => ({
  type: "modal",
  title: plain(t("triage-staff:title"), 24),
  close: plain(t("triage-staff:close"), 24),
  blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, 3000) } }],
});
