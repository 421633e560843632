// A case conference (Fallkonferenz, docs/DOMAIN.md): the case manager, colleagues and partner offices
// sit down on one case, with or without the client. What is recorded: the day it was held, who took
// part — staff by id, partner offices by id, the client and an interpreter by role only, never a third
// party's name — the life areas discussed, the decisions (encrypted), and optionally the first next
// step as a goal. A partner office at the table hears about the client, so each one needs the
// client's release for that office, as a referral does.

import type { Checked } from "./casework.ts";
import {
  checkGoal,
  dayNumber,
  type FieldErrors,
  type GoalInput,
  type GoalValue,
  NOTES_MAX,
  result,
} from "./casework.ts";
import { LIFE_AREAS, type LifeArea } from "./codes.ts";

/** A conference is recorded after it took place; older than this is a typing error. */
export const CONFERENCE_MAX_DAYS_BACK = 366;
export const CONFERENCE_ROLES = ["client", "interpreter"] as const;
export type ConferenceRole = (typeof CONFERENCE_ROLES)[number];

export type ConferenceField = "held" | "staff" | "partners" | "roles" | "topics" | "decisions" | "goal";

export interface ConferenceInput {
  heldOn: Date | null;
  staffIds: readonly string[];
  partnerIds: readonly string[];
  roles: readonly string[];
  topics: readonly string[];
  decisions: string;
  /** the first next step as a goal; empty text: none */
  goal: GoalInput | null;
}

export type Participant =
  | { kind: "staff"; cmId: string }
  | { kind: "partner"; partnerId: string }
  | { kind: "role"; role: ConferenceRole };

export interface ConferenceValue {
  heldOn: Date;
  participants: Participant[];
  topics: LifeArea[];
  decisions: string | null;
  goal: GoalValue | null;
}

export interface ConferenceContext {
  now: Date;
  /** active staff of the organisation */
  staff: ReadonlySet<string>;
  /** the organisation file's partner offices */
  partners: ReadonlySet<string>;
  /** whether the client's release covers this partner office */
  covered: (partnerId: string) => boolean;
}

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

export function checkConference(
  input: ConferenceInput,
  c: ConferenceContext,
): Checked<ConferenceValue, ConferenceField> {
  const errors: FieldErrors<ConferenceField> = {};
  if (!input.heldOn) errors.held = "required";
  else {
    const back = dayNumber(c.now) - dayNumber(input.heldOn);
    if (back < 0) errors.held = "in_future";
    else if (back > CONFERENCE_MAX_DAYS_BACK) errors.held = "too_old";
  }
  const staffIds = uniq(input.staffIds);
  if (staffIds.some((id) => !c.staff.has(id))) errors.staff = "unknown_staff";
  const partnerIds = uniq(input.partnerIds);
  const unknown = partnerIds.find((p) => !c.partners.has(p));
  const uncovered = partnerIds.some((p) => c.partners.has(p) && !c.covered(p));
  if (unknown) errors.partners = "unknown_partner";
  else if (uncovered) errors.partners = "no_consent";
  const roles = uniq(input.roles);
  if (roles.some((r) => !(CONFERENCE_ROLES as readonly string[]).includes(r))) errors.roles = "unknown";
  // the one recording it takes part; a conference needs at least one more side at the table
  if (
    !errors.staff &&
    !errors.partners &&
    !errors.roles &&
    staffIds.length + partnerIds.length + roles.length < 2
  )
    errors.staff = "too_few";
  const topics = uniq(input.topics);
  if (topics.length === 0) errors.topics = "required";
  else if (topics.some((t) => !(LIFE_AREAS as readonly string[]).includes(t))) errors.topics = "unknown";
  const decisions = input.decisions.trim();
  if (decisions.length > NOTES_MAX) errors.decisions = "too_long";
  let goal: GoalValue | null = null;
  if (input.goal?.text.trim()) {
    const g = checkGoal(input.goal, c.now, c.partners);
    if (g.ok) goal = g.value;
    else errors.goal = Object.values(g.errors)[0] ?? "invalid";
  }
  return result(
    {
      heldOn: input.heldOn ?? c.now,
      participants: [
        ...staffIds.map((cmId): Participant => ({ kind: "staff", cmId })),
        ...partnerIds.map((partnerId): Participant => ({ kind: "partner", partnerId })),
        ...roles.map((role): Participant => ({ kind: "role", role: role as ConferenceRole })),
      ],
      topics: topics as LifeArea[],
      decisions: decisions || null,
      goal,
    },
    errors,
  );
}
