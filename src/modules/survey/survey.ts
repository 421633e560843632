// The clients' own voice (issue 12.7), pure: when a client is asked the three questions, how long an
// invitation stays open, and the answers' codes. No database, no clock.
//
// Anonymity: the SurveyInvitation row knows the case and only whether it was answered; the
// SurveyResponse row knows the three answers and a coarse cell (the month the invitation was sent,
// region, agency, kind) but no case, client, timestamp or time-ordered id. The answers travel in the
// signed buttons (never in the database) until the last question, and the response is written in the
// same transaction that marks the invitation answered. What remains is small-number linkage: whoever
// reads the database can match an answered invitation to a response of the same cell when the cell
// holds a single response; hence the month (not the day) and the agency (not the case manager), and
// the report suppresses cells below the threshold. Erasure deletes the invitations; the responses and
// the invited tally (the response rate's denominator) stay, so the report does not change.
import { GOAL_PHASES } from "../cases/phases.ts";
import type { CasePhase, ClosureReason } from "../kernel/enums.ts";

export const SURVEY_KINDS = ["closure", "six_months"] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/** the three questions, in the order they are asked */
export const SURVEY_QUESTIONS = ["useful", "understood", "recommend"] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number];

export const SURVEY_ANSWERS = ["yes", "partly", "no", "skipped"] as const;
export type SurveyAnswer = (typeof SURVEY_ANSWERS)[number];

/** one letter per answer, so the answers so far fit in a button's callback data */
const LETTER: Record<SurveyAnswer, string> = { yes: "y", partly: "p", no: "n", skipped: "s" };
const FROM_LETTER = new Map(Object.entries(LETTER).map(([a, l]) => [l, a as SurveyAnswer]));

export const encodeAnswers = (answers: readonly SurveyAnswer[]): string =>
  answers.map((a) => LETTER[a]).join("");

/** "yp" → ["yes", "partly"]; null for anything else than one to three known letters */
export function decodeAnswers(s: string | undefined): SurveyAnswer[] | null {
  if (!s || s.length > SURVEY_QUESTIONS.length) return null;
  const out: SurveyAnswer[] = [];
  for (const ch of s) {
    const a = FROM_LETTER.get(ch);
    if (!a) return null;
    out.push(a);
  }
  return out;
}

export const SURVEY_EXPIRY_DAYS = 14;
/** an open case is asked once, this many calendar months after it was opened */
export const SIX_MONTHS = 6;
/** no second survey within this many days of the last one (a six-month survey just before the closure) */
export const SURVEY_GAP_DAYS = 30;
const DAY = 86_400_000;

/**
 * Closures that invite. Not "withdrawn" (the person stopped the case management and its processing)
 * nor "erased" (nothing of the person is left to write to). "no_contact" does invite: those who went
 * silent are the voice the report would otherwise miss, and an unanswered survey costs them nothing.
 */
export const closureInvites = (reason: ClosureReason | string | null | undefined): boolean =>
  !!reason && reason !== "withdrawn" && reason !== "erased";

/** the phases of case management proper: a case still waiting has had no counselling to judge */
export const MANAGED_PHASES: readonly CasePhase[] = ["first_consultation", ...GOAL_PHASES];
const MANAGED = new Set<string>(MANAGED_PHASES);

export function addMonths(d: Date, months: number): Date {
  const r = new Date(d);
  const day = r.getUTCDate();
  r.setUTCDate(1);
  r.setUTCMonth(r.getUTCMonth() + months);
  const last = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
  r.setUTCDate(Math.min(day, last));
  return r;
}

export interface InviteFacts {
  kind: SurveyKind;
  phase: string;
  closureReason: string | null;
  openedAt: Date;
  /** the client can be written to: a Telegram chat, not erased */
  reachable: boolean;
  /** the client's case-management consent is granted and not withdrawn */
  consented: boolean;
  /** an invitation of this kind exists for the case already */
  alreadyInvited: boolean;
  /** the client's most recent survey invitation (any case, any kind) */
  lastInvitedAt: Date | null;
}

export type InviteDecision =
  | { invite: true }
  | {
      invite: false;
      reason: "unreachable" | "no_consent" | "already_invited" | "recent" | "reason" | "phase" | "too_early";
    };

/** Whether the client of a case gets the survey of `kind` now. */
export function decideInvite(f: InviteFacts, now: Date): InviteDecision {
  if (f.alreadyInvited) return { invite: false, reason: "already_invited" };
  if (!f.reachable) return { invite: false, reason: "unreachable" };
  if (!f.consented) return { invite: false, reason: "no_consent" };
  if (f.kind === "closure") {
    if (f.phase !== "closed") return { invite: false, reason: "phase" };
    if (!closureInvites(f.closureReason)) return { invite: false, reason: "reason" };
  } else {
    if (!MANAGED.has(f.phase)) return { invite: false, reason: "phase" };
    if (addMonths(f.openedAt, SIX_MONTHS) > now) return { invite: false, reason: "too_early" };
  }
  if (f.lastInvitedAt && now.getTime() - f.lastInvitedAt.getTime() < SURVEY_GAP_DAYS * DAY)
    return { invite: false, reason: "recent" };
  return { invite: true };
}

/** Cases opened on or before this instant are due for the six-month survey at `now`. */
export const sixMonthsCutoff = (now: Date): Date => addMonths(now, -SIX_MONTHS);

export const expiryOf = (sentAt: Date): Date => new Date(sentAt.getTime() + SURVEY_EXPIRY_DAYS * DAY);

export type TapDecision =
  | { kind: "next"; question: SurveyQuestion; answers: SurveyAnswer[] }
  | { kind: "finish"; answers: [SurveyAnswer, SurveyAnswer, SurveyAnswer] }
  | { kind: "expired" }
  | { kind: "answered" };

/** What a tap on a survey button leads to, given the invitation's state and the answers so far. */
export function decideTap(
  inv: { expiresAt: Date; answered: boolean },
  answers: readonly SurveyAnswer[],
  now: Date,
): TapDecision {
  if (inv.answered) return { kind: "answered" };
  if (inv.expiresAt <= now) return { kind: "expired" };
  if (answers.length >= SURVEY_QUESTIONS.length)
    return { kind: "finish", answers: answers.slice(0, 3) as [SurveyAnswer, SurveyAnswer, SurveyAnswer] };
  return { kind: "next", question: SURVEY_QUESTIONS[answers.length]!, answers: [...answers] };
}

/** "YYYY-MM" of an instant (UTC): the only time a response keeps. */
export const monthOf = (d: Date): string => d.toISOString().slice(0, 7);
