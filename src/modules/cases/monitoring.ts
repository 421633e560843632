// Monitoring (issue 11.5): what is due on a case, which cases went silent, and who hears of it in the
// daily digest. Pure: data and `now` in, values out. Decisions:
//
// - The next contact is the date the case manager set, else the last contact (or the acceptance)
//   plus the org file's `caseWork.nextContactDays` (default 6 weeks). The re-assessment date is set
//   when an assessment is completed (casework.service.ts); open goals with a due date count too.
// - "Due today" and "overdue" are calendar days in the municipality's time zone, not 24-hour spans:
//   a contact due at 09:00 is "today" for the whole of that day.
// - A case is silent when nobody has been in touch for `silentAfterDays` (default 4 weeks). The
//   client gets ONE friendly check-in per silence: again only after a contact ended the silence.
// - Only cases in a work phase are monitored (waiting and offered cases have the wait list, closed
//   ones nothing). An absent case manager gets no digest; while an absence with a deputy lasts, the
//   deputy gets the absent colleague's items in a section of their own (staff/notice-routing.ts: a
//   lead when the deputy is away too; nobody when no deputy was named). Team leads get, for the
//   agencies they supervise, how many cases of each case manager are overdue or silent.
// - An empty digest is not sent: a daily message that says "nothing" teaches people to ignore it.
import { type AgencyScope, inScope } from "../staff/identity.ts";
import { isAbsentAt, noticeRecipient } from "../staff/notice-routing.ts";
import { type ReferralLike, toChase } from "./casework.ts";
import { WORK_PHASES } from "./phases.ts";

const DAY = 86_400_000;

export interface MonitorRules {
  nextContactDays: number;
  silentAfterDays: number;
}
export const DEFAULT_MONITOR_RULES: MonitorRules = { nextContactDays: 42, silentAfterDays: 28 };

export interface MonitoredCase {
  id: string;
  referenceCode: string;
  cmId: string;
  phase: string;
  /** when the case manager accepted the case (start of the work) */
  startedAt: Date;
  lastContactAt: Date | null;
  nextContactAt: Date | null;
  reassessmentDueAt: Date | null;
  silentCheckInAt: Date | null;
  /** due dates of the case's open goals */
  goalDueDates: readonly Date[];
}

export type DueKind = "next_contact" | "reassessment" | "goal";
export interface DueItem {
  caseId: string;
  referenceCode: string;
  kind: DueKind;
  at: Date;
  /** 0 = due today, n = n calendar days late */
  lateDays: number;
}
export interface SilentItem {
  caseId: string;
  referenceCode: string;
  days: number;
}
export interface ChaseItem extends ReferralLike {
  caseId: string;
  referenceCode: string;
  partnerId: string;
}

export interface DigestSection {
  dueToday: DueItem[];
  overdue: DueItem[];
  silent: SilentItem[];
  toChase: ChaseItem[];
}
export interface TeamLine {
  cmId: string;
  overdue: number;
  silent: number;
}
export interface Digest {
  recipientId: string;
  own: DigestSection;
  deputising: { forCmId: string; section: DigestSection }[];
  team: TeamLine[];
}

export const isMonitored = (phase: string): boolean => (WORK_PHASES as readonly string[]).includes(phase);

// One formatter per zone: constructing an Intl.DateTimeFormat costs far more than formatting with
// it, and a digest run formats several dates for every monitored case.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of `at` in `timeZone` */
export function dayKey(at: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, f);
  }
  return f.format(at);
}
const dayDiff = (later: string, earlier: string): number =>
  Math.round((Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / DAY);

/** The last time anybody was in touch: the last contact, or the start of the case work. */
export const lastTouch = (c: MonitoredCase): Date =>
  c.lastContactAt && c.lastContactAt > c.startedAt ? c.lastContactAt : c.startedAt;

export function nextContactOf(c: MonitoredCase, rules: MonitorRules): Date {
  return c.nextContactAt ?? new Date(lastTouch(c).getTime() + rules.nextContactDays * DAY);
}

/** Everything on the case that is due today or earlier, most late first. */
export function dueItems(c: MonitoredCase, now: Date, timeZone: string, rules: MonitorRules): DueItem[] {
  if (!isMonitored(c.phase)) return [];
  const today = dayKey(now, timeZone);
  const dates: [DueKind, Date][] = [["next_contact", nextContactOf(c, rules)]];
  if (c.reassessmentDueAt) dates.push(["reassessment", c.reassessmentDueAt]);
  for (const d of c.goalDueDates) dates.push(["goal", d]);
  return dates
    .map(([kind, at]) => ({ kind, at, lateDays: dayDiff(today, dayKey(at, timeZone)) }))
    .filter((x) => x.lateDays >= 0)
    .map((x) => ({ caseId: c.id, referenceCode: c.referenceCode, ...x }))
    .sort((a, b) => b.lateDays - a.lateDays || a.kind.localeCompare(b.kind));
}

/** Whole days since anybody was in touch, or null when the case is not silent. */
export function silentDays(c: MonitoredCase, now: Date, rules: MonitorRules): number | null {
  if (!isMonitored(c.phase)) return null;
  const days = Math.floor((now.getTime() - lastTouch(c).getTime()) / DAY);
  return days >= rules.silentAfterDays ? days : null;
}

/** The one check-in per silence: silent, and not yet asked since the last contact. */
export function shouldCheckIn(c: MonitoredCase, now: Date, rules: MonitorRules): boolean {
  if (silentDays(c, now, rules) === null) return false;
  return c.silentCheckInAt === null || c.silentCheckInAt < lastTouch(c);
}

export function sectionFor(
  cases: readonly MonitoredCase[],
  referrals: readonly ChaseItem[],
  now: Date,
  timeZone: string,
  rules: MonitorRules,
): DigestSection {
  const due = cases.flatMap((c) => dueItems(c, now, timeZone, rules));
  const silent: SilentItem[] = [];
  for (const c of cases) {
    const days = silentDays(c, now, rules);
    if (days !== null) silent.push({ caseId: c.id, referenceCode: c.referenceCode, days });
  }
  return {
    dueToday: due.filter((d) => d.lateDays === 0),
    overdue: due.filter((d) => d.lateDays > 0).sort((a, b) => b.lateDays - a.lateDays),
    silent: silent.sort((a, b) => b.days - a.days),
    toChase: toChase(referrals, now),
  };
}

export const isEmpty = (s: DigestSection): boolean =>
  s.dueToday.length + s.overdue.length + s.silent.length + s.toChase.length === 0;

export interface StaffLike {
  id: string;
  agencyId: string;
  active: boolean;
  /** agencies this person supervises (identity.ts supervisionScope); [] for a case manager */
  supervises: AgencyScope;
}
export interface AbsenceLike {
  cmId: string;
  deputyId: string | null;
  from: Date;
  to: Date;
}

/**
 * The case managers whose cases can appear in `recipientId`'s digest: their own, those they deputise
 * for today, and for a lead everybody in the agencies they supervise. Delivering one digest then
 * reads only these cases instead of every case in work.
 */
export function digestScope(
  recipientId: string,
  staff: readonly StaffLike[],
  absences: readonly AbsenceLike[],
  now: Date,
): Set<string> {
  const t = now.getTime();
  const ids = new Set([recipientId]);
  for (const a of absences)
    if (a.deputyId === recipientId && a.from.getTime() <= t && t < a.to.getTime()) ids.add(a.cmId);
  const me = staff.find((s) => s.id === recipientId);
  if (me && (me.supervises === "all" || me.supervises.length > 0))
    for (const s of staff) if (inScope(me.supervises, s.agencyId)) ids.add(s.id);
  return ids;
}

/** One digest per member of staff who has something to hear today. */
export function planDigests(input: {
  cases: readonly MonitoredCase[];
  referrals: readonly ChaseItem[];
  staff: readonly StaffLike[];
  absences: readonly AbsenceLike[];
  now: Date;
  timeZone: string;
  rules: MonitorRules;
}): Digest[] {
  const { now, timeZone, rules } = input;
  const staffById = new Map(input.staff.map((s) => [s.id, s]));
  const active = new Map(input.staff.filter((s) => s.active).map((s) => [s.id, s]));

  // group once: filtering every case and referral per case manager was quadratic in the caseload
  const casesByCm = new Map<string, MonitoredCase[]>();
  const cmOfCase = new Map<string, string>();
  for (const c of input.cases) {
    cmOfCase.set(c.id, c.cmId);
    const list = casesByCm.get(c.cmId);
    if (list) list.push(c);
    else casesByCm.set(c.cmId, [c]);
  }
  const referralsByCm = new Map<string, ChaseItem[]>();
  for (const r of input.referrals) {
    const cmId = cmOfCase.get(r.caseId);
    if (cmId === undefined) continue;
    const list = referralsByCm.get(cmId);
    if (list) list.push(r);
    else referralsByCm.set(cmId, [r]);
  }
  const sections = new Map<string, DigestSection>();
  for (const [cmId, cases] of casesByCm)
    sections.set(cmId, sectionFor(cases, referralsByCm.get(cmId) ?? [], now, timeZone, rules));

  // whose items go to whom today: the one staff-notice rule (deputy, else a lead; held items wait)
  const standIns = new Map<string, string[]>();
  for (const cmId of sections.keys()) {
    const r = noticeRecipient(cmId, input.staff, input.absences, now);
    if (r.via === "deputy" || r.via === "lead") standIns.set(r.to, [...(standIns.get(r.to) ?? []), cmId]);
  }
  const digests: Digest[] = [];
  for (const s of active.values()) {
    if (isAbsentAt(s.id, input.absences, now)) continue;
    const own = sections.get(s.id) ?? sectionFor([], [], now, timeZone, rules);
    const deputising = (standIns.get(s.id) ?? [])
      .map((forCmId) => ({ forCmId, section: sections.get(forCmId) }))
      .filter((d): d is { forCmId: string; section: DigestSection } => !!d.section && !isEmpty(d.section));
    const team: TeamLine[] = [];
    if (s.supervises === "all" || s.supervises.length > 0)
      for (const [cmId, sec] of sections) {
        const cm = active.get(cmId) ?? staffById.get(cmId);
        if (!cm || !inScope(s.supervises, cm.agencyId)) continue;
        const overdue = new Set(sec.overdue.map((d) => d.caseId)).size;
        if (overdue + sec.silent.length > 0) team.push({ cmId, overdue, silent: sec.silent.length });
      }
    team.sort((a, b) => b.overdue - a.overdue || a.cmId.localeCompare(b.cmId));
    if (isEmpty(own) && deputising.length === 0 && team.length === 0) continue;
    digests.push({ recipientId: s.id, own, deputising, team });
  }
  return digests;
}
