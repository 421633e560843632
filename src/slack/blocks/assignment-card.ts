// The assignment card a case manager gets as a DM: the pseudonymous case summary, why they were
// chosen, and Accept / Decline / Propose appointment while the offer is pending. After a decision the
// same message is updated in place (chat.update) and shows the outcome instead of the buttons.
// Pure: everything it shows comes in `AssignmentCardData`, filtered by the Slack-consent decision
// (src/modules/staff/consent.ts cardContent): a card is a stored Slack message, so without that
// consent it is pseudonymous. Name and phone are never on it; the Details button opens them (and
// what else the card withholds) in a modal fetched on demand and audited (caseDetailsModal).

import { cardContent } from "../../modules/staff/consent.ts";
import { slackEscape, verbatimSection } from "../escape.ts";
import type { AssignmentCardData, CaseDetailsData } from "../ports.ts";
import { bookAppointmentButton } from "./appointment-book.ts";
import {
  type Block,
  button,
  clip,
  context,
  fieldsSection,
  fmtDateTime,
  fmtDuration,
  header,
  list,
  MAX_MESSAGE_BLOCKS,
  section,
  type T,
} from "./common.ts";

export const ACTIONS = {
  accept: "asg.accept",
  decline: "asg.decline",
  propose: "asg.propose",
  /** opens the Details modal (value: assignment id) */
  details: "asg.details",
  /** handled by the cases feature (src/modules/cases/slack.ts, CASE_ACTIONS.view): shows the case card */
  caseView: "case_view",
} as const;

export interface Card {
  text: string;
  blocks: Block[];
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

export function whyLines(d: AssignmentCardData, t: T): string[] {
  const w = d.why;
  if (!w) return [t("card.why.unknown")];
  const out: string[] = [];
  if (w.sharedLanguage && w.sharedLanguage !== "de")
    out.push(t("card.why.language", { language: w.sharedLanguage.toUpperCase() }));
  else if (w.sharedLanguage === "de") out.push(t("card.why.german"));
  if (w.localContact) out.push(t("card.why.local", { district: d.case.districtName }));
  if (w.topicShare > 0) out.push(t("card.why.topics", { share: pct(w.topicShare) }));
  if (w.continuity) out.push(t("card.why.continuity"));
  if (w.openCases !== null && w.fairShare !== null)
    out.push(t("card.why.load", { open: w.openCases, fair: Math.round(w.fairShare * 10) / 10 }));
  out.push(t("card.why.candidates", { count: w.candidates }));
  return out;
}

const topicList = (codes: readonly string[], t: T) =>
  list(codes.map((x) => t(`topics.${x}`, { defaultValue: x })));
const urgencyList = (codes: readonly string[], t: T, none: string) =>
  codes.length ? list(codes.map((u) => t(`urgency.${u}`, { defaultValue: u }))) : none;
const reasonOf = (code: string | null, t: T) => (code ? t(`triage.${code}`, { defaultValue: code }) : "–");

export function buildAssignmentCard(d: AssignmentCardData, t: T, lng: string, now: Date): Card {
  const c = d.case;
  const shown = cardContent(d.relayConsent, c.topics, c.urgency);
  const topics = topicList(shown.topics, t);
  const languages = list(c.languages.map((l) => l.toUpperCase()));
  // "none given" only where the card shows everything: else it could be a withheld signal
  const urgency = urgencyList(shown.urgency, t, shown.complete ? t("card.urgency_none") : "–");
  const household =
    c.household === "single"
      ? t("card.household_single")
      : t("card.household_family", { persons: c.persons, adults: c.adults, children: c.children });

  const title =
    d.status === "pending"
      ? t("card.title_pending", { ref: c.referenceCode })
      : t("card.title_decided", { ref: c.referenceCode });
  const blocks: Block[] = [
    header(title),
    fieldsSection([
      `*${t("card.household")}*\n${household}`,
      `*${t("card.district")}*\n${slackEscape(c.districtName)}`,
      `*${t("card.topics")}*\n${topics}`,
      `*${t("card.languages")}*\n${languages}`,
      `*${t("card.urgency")}*\n${urgency}`,
      ...(shown.triage ? [`*${t("card.reason")}*\n${reasonOf(c.triageReason, t)}`] : []),
      `*${t("card.waited")}*\n${fmtDuration(now.getTime() - c.waitingSince.getTime(), t)}`,
      ...(shown.triage ? [`*${t("card.priority")}*\n${c.priority ?? "–"}`] : []),
    ]),
    section(
      `*${t("card.why.title")}*\n${whyLines(d, t)
        .map((l) => `• ${l}`)
        .join("\n")}`,
    ),
  ];

  blocks.push(context(shown.complete ? t("card.details_hint") : t("card.pseudonymous")));

  if (d.status === "pending") {
    blocks.push(context(t("card.deadline", { at: fmtDateTime(d.deadlineAt, lng) })));
    blocks.push({
      type: "actions",
      block_id: "asg",
      elements: [
        button(t("card.accept"), ACTIONS.accept, d.assignmentId, "primary"),
        button(t("card.decline"), ACTIONS.decline, d.assignmentId, "danger"),
        button(t("card.propose"), ACTIONS.propose, d.assignmentId),
        button(t("card.details"), ACTIONS.details, d.assignmentId),
      ],
    });
  } else {
    const at = d.decidedAt ? fmtDateTime(d.decidedAt, lng) : "";
    blocks.push(section(t(`card.status.${d.status}`, { at })));
    if (d.status === "accepted") {
      blocks.push(context(d.relayConsent ? t("card.relay_on") : t("card.relay_off")));
      blocks.push({
        type: "actions",
        block_id: "asg_case",
        elements: [
          button(t("card.open_case"), ACTIONS.caseView, c.id),
          button(t("card.propose"), ACTIONS.propose, d.assignmentId),
          bookAppointmentButton(t("card.book"), d.assignmentId),
          button(t("card.details"), ACTIONS.details, d.assignmentId),
        ],
      });
    }
  }

  const text = clip(`${title} · ${household} · ${topics}`, 3000);
  return { text, blocks: blocks.slice(0, MAX_MESSAGE_BLOCKS) };
}

/** The Details modal: everything the card withholds, for a viewer the one rule let through. */
export function caseDetailsModal(d: CaseDetailsData, t: T): Record<string, unknown> {
  const blocks: Block[] = [
    fieldsSection([
      `*${t("card.topics")}*\n${topicList(d.topics, t)}`,
      `*${t("card.urgency")}*\n${urgencyList(d.urgency, t, t("card.urgency_none"))}`,
      `*${t("card.reason")}*\n${reasonOf(d.triageReason, t)}`,
      `*${t("card.priority")}*\n${d.priority ?? "–"}`,
    ]),
  ];
  if (d.contact && (d.contact.displayName || d.contact.phone)) {
    const parts = [
      d.contact.displayName ? `${t("card.contact_name")}: ${slackEscape(d.contact.displayName)}` : null,
      d.contact.phone ? `${t("card.contact_phone")}: ${slackEscape(d.contact.phone)}` : null,
    ].filter((x): x is string => x !== null);
    // what the client typed as their name: escaped above, and no auto-linking of it either
    blocks.push(verbatimSection(`*${t("card.contact")}*\n${parts.join("\n")}`));
  } else blocks.push(context(t("card.contact_later")));
  blocks.push(context(t("card.details_audited")));
  return {
    type: "modal",
    title: { type: "plain_text", text: clip(t("card.details_title", { ref: d.referenceCode }), 24) },
    close: { type: "plain_text", text: t("card.close") },
    blocks,
  };
}
