// The case conference modal (issue 11.7), pushed from the case file: the day it was held, colleagues
// and partner offices at the table (offices without the client's release are marked and refused on
// submit), the client and an interpreter by role only, the life areas discussed, the decisions
// (stored encrypted), and optionally the first next step as a goal.
import type { CaseFile } from "../../modules/cases/casework.service.ts";
import { GOAL_TEXT_MAX, NOTES_MAX } from "../../modules/cases/casework.ts";
import { GOAL_PARTIES, LIFE_AREAS } from "../../modules/cases/codes.ts";
import { CONFERENCE_ROLES } from "../../modules/cases/conference.ts";
import { CASEWORK_IDS, ctx, date, modal, opt, type PartnerOption, plain, select, text } from "./casework.ts";
import type { T } from "./common.ts";

type B = Record<string, unknown>;

const multi = (block_id: string, label: string, options: B[], optional = true): B => ({
  type: "input",
  block_id,
  optional,
  label: plain(label),
  element: { type: "multi_static_select", action_id: "v", options: options.slice(0, 100) },
});

export function conferenceModal(
  f: CaseFile,
  staff: readonly PartnerOption[],
  partners: readonly PartnerOption[],
  t: T,
  today: string,
): B {
  const I = CASEWORK_IDS.blocks;
  const covered = new Set(f.coveredPartners);
  return modal(
    CASEWORK_IDS.views.conference,
    t("casework:conference.title"),
    [
      ctx(t("casework:conference.intro")),
      {
        type: "input",
        block_id: I.confHeld,
        label: plain(t("casework:conference.held")),
        element: { type: "datepicker", action_id: "v", initial_date: today },
      },
      multi(
        I.confStaff,
        t("casework:conference.staff"),
        // the one recording it is added by the service; a larger office would need an external_select
        staff.map((s) => opt(s.name, s.id)),
      ),
      multi(
        I.confPartners,
        t("casework:conference.partners"),
        partners.map((p) =>
          opt(
            `${covered.has(p.id) ? "✓" : "✗"} ${p.name}${covered.has(p.id) ? "" : ` (${t("casework:referral.no_release")})`}`,
            p.id,
          ),
        ),
      ),
      {
        type: "input",
        block_id: I.confRoles,
        optional: true,
        label: plain(t("casework:conference.roles")),
        element: {
          type: "checkboxes",
          action_id: "v",
          options: CONFERENCE_ROLES.map((r) => opt(t(`casework:conference.role.${r}`), r)),
        },
      },
      multi(
        I.confTopics,
        t("casework:conference.topics"),
        LIFE_AREAS.map((a) => opt(t(`casework:area.${a}`), a)),
        false,
      ),
      text(I.confDecisions, t("casework:conference.decisions"), NOTES_MAX, true),
      { type: "divider" },
      ctx(t("casework:conference.goal_intro")),
      text(I.confGoalText, t("casework:conference.goal_text"), GOAL_TEXT_MAX, true),
      select(
        I.confGoalArea,
        t("casework:goal.area"),
        LIFE_AREAS.map((a) => opt(t(`casework:area.${a}`), a)),
        true,
      ),
      select(
        I.confGoalResponsible,
        t("casework:goal.responsible"),
        GOAL_PARTIES.map((p) => opt(t(`casework:party.${p}`), p)),
        true,
        "client",
      ),
      date(I.confGoalDue, t("casework:goal.due")),
    ],
    f.id,
    t,
  );
}
