// The assignment card a case manager gets as a DM: the pseudonymous case summary, why they were
// chosen, and Accept / Decline / Propose appointment while the offer is pending. After a decision the
// same message is updated in place (chat.update) and shows the outcome instead of the buttons.
// Pure: everything it shows comes in `AssignmentCardData`; contact details only when the query put
// them there (consent, see src/modules/staff/consent.ts).

import { slackEscape, verbatimSection } from "../escape.ts";
import type { AssignmentCardData } from "../ports.ts";
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

export function buildAssignmentCard(d: AssignmentCardData, t: T, lng: string, now: Date): Card {
  const c = d.case;
  const topics = list(c.topics.map((x) => t(`topics.${x}`, { defaultValue: x })));
  const languages = list(c.languages.map((l) => l.toUpperCase()));
  const urgency = c.urgency.length
    ? list(c.urgency.map((u) => t(`urgency.${u}`, { defaultValue: u })))
    : t("card.urgency_none");
  const reason = c.triageReason ? t(`triage.${c.triageReason}`, { defaultValue: c.triageReason }) : "–";
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
      `*${t("card.reason")}*\n${reason}`,
      `*${t("card.waited")}*\n${fmtDuration(now.getTime() - c.waitingSince.getTime(), t)}`,
      `*${t("card.priority")}*\n${c.priority ?? "–"}`,
    ]),
    section(
      `*${t("card.why.title")}*\n${whyLines(d, t)
        .map((l) => `• ${l}`)
        .join("\n")}`,
    ),
  ];

  if (d.contact && (d.contact.displayName || d.contact.phone)) {
    const parts = [
      d.contact.displayName ? `${t("card.contact_name")}: ${slackEscape(d.contact.displayName)}` : null,
      d.contact.phone ? `${t("card.contact_phone")}: ${slackEscape(d.contact.phone)}` : null,
    ].filter((x): x is string => x !== null);
    // what the client typed as their name: escaped above, and no auto-linking of it either
    blocks.push(verbatimSection(`*${t("card.contact")}*\n${parts.join("\n")}`));
  }

  if (d.status === "pending") {
    blocks.push(context(t("card.deadline", { at: fmtDateTime(d.deadlineAt, lng) })));
    blocks.push({
      type: "actions",
      block_id: "asg",
      elements: [
        button(t("card.accept"), ACTIONS.accept, d.assignmentId, "primary"),
        button(t("card.decline"), ACTIONS.decline, d.assignmentId, "danger"),
        button(t("card.propose"), ACTIONS.propose, d.assignmentId),
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
        ],
      });
    }
  }

  const text = clip(`${title} · ${household} · ${topics}`, 3000);
  return { text, blocks: blocks.slice(0, MAX_MESSAGE_BLOCKS) };
}
