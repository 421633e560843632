// Free appointment slots of one case manager, computed purely from their weekly consultation hours,
// exceptions (public holidays, closures), absences and existing bookings. No I/O: the repository loads
// the inputs, this decides. Wall-clock hours are interpreted in the municipality's time zone, so a
// 09:00 slot stays at 09:00 across a DST change; slots that fall into or straddle a DST transition
// (only possible at night) are skipped rather than offered with a surprising length.
import {
  addDays,
  compareDates,
  dateKey,
  isoWeekday,
  type LocalDate,
  localDateOf,
  localToInstants,
  offsetMinutes,
} from "./zoned.ts";

/** "home_visit" (aufsuchend) is booked by staff only; weekly hours never offer it to clients. */
export type ContactMode = "in_person" | "phone" | "video" | "home_visit";

export interface WeeklyRule {
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
  /** minutes after local midnight */
  fromMin: number;
  toMin: number;
  mode: ContactMode;
  officeId: string | null;
}

export interface Interval {
  from: Date;
  to: Date;
}

export interface Booking {
  id?: string;
  startsAt: Date;
  endsAt: Date;
}

export interface SlotPolicy {
  slotMinutes: number;
  bufferMinutes: number;
  /** earliest start = now + leadTimeMs */
  leadTimeMs: number;
  /** local days after today that are still offered */
  horizonDays: number;
  timeZone: string;
}

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  mode: ContactMode;
  officeId: string | null;
}

export interface SlotQuery {
  rules: readonly WeeklyRule[];
  /** holidays (cmId null) and personal exceptions: no slot may overlap them */
  exceptions?: readonly Interval[];
  absences?: readonly Interval[];
  /** live bookings of the case manager; the buffer is kept on both sides of each */
  bookings?: readonly Booking[];
  policy: SlotPolicy;
  now: Date;
  /** only slots starting at or after this instant (paging, "later times") */
  from?: Date;
  /** only these modes (empty or absent = all) */
  modes?: readonly ContactMode[];
  limit?: number;
}

const MINUTE = 60_000;

const overlaps = (aFrom: number, aTo: number, bFrom: number, bTo: number): boolean =>
  aFrom < bTo && bFrom < aTo;

/** Candidate starts of one rule on one day, on the grid slot + buffer from the rule's start. */
function* gridOf(rule: WeeklyRule, policy: SlotPolicy): Generator<number> {
  const step = policy.slotMinutes + policy.bufferMinutes;
  for (let t = rule.fromMin; t + policy.slotMinutes <= rule.toMin; t += step) yield t;
}

/** Every free slot, earliest first. */
export function computeSlots(q: SlotQuery): Slot[] {
  const { policy, now } = q;
  const tz = policy.timeZone;
  const slotMs = policy.slotMinutes * MINUTE;
  const bufferMs = policy.bufferMinutes * MINUTE;
  const earliest = Math.max(now.getTime() + policy.leadTimeMs, q.from?.getTime() ?? -Infinity);
  const lastDay = addDays(localDateOf(now, tz), policy.horizonDays);
  const blocked = [...(q.exceptions ?? []), ...(q.absences ?? [])].map(
    (i) => [i.from.getTime(), i.to.getTime()] as const,
  );
  const booked = (q.bookings ?? []).map((b) => [b.startsAt.getTime(), b.endsAt.getTime()] as const);
  const modes = q.modes && q.modes.length > 0 ? new Set(q.modes) : undefined;
  const rulesByDay = new Map<number, WeeklyRule[]>();
  for (const r of q.rules) {
    if (r.toMin <= r.fromMin) continue;
    if (modes && !modes.has(r.mode)) continue;
    rulesByDay.set(r.weekday, [...(rulesByDay.get(r.weekday) ?? []), r]);
  }
  for (const list of rulesByDay.values()) list.sort((a, b) => a.fromMin - b.fromMin);

  const byStart = new Map<number, Slot>();
  const limit = q.limit ?? Infinity;
  for (
    let day: LocalDate = localDateOf(earliest, tz);
    compareDates(day, lastDay) <= 0;
    day = addDays(day, 1)
  ) {
    for (const rule of rulesByDay.get(isoWeekday(day)) ?? []) {
      for (const t of gridOf(rule, policy)) {
        // the earlier instant of an autumn-fold time; none in a spring-forward gap
        const start = localToInstants(day, t, tz)[0];
        if (start === undefined) continue;
        const end = start + slotMs;
        // a slot across a DST change would not be `slotMinutes` on the wall clock: skip it
        if (offsetMinutes(start, tz) !== offsetMinutes(end - 1, tz)) continue;
        if (start < earliest) continue;
        if (blocked.some(([f, to]) => overlaps(start, end, f, to))) continue;
        if (booked.some(([bs, be]) => overlaps(start - bufferMs, end + bufferMs, bs, be))) continue;
        if (!byStart.has(start))
          byStart.set(start, {
            startsAt: new Date(start),
            endsAt: new Date(end),
            mode: rule.mode,
            officeId: rule.officeId,
          });
      }
    }
    // days are visited in order and slots within a day are few: stop once enough full days are in
    if (byStart.size >= limit) break;
  }
  return [...byStart.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).slice(0, limit);
}

/** The free slot starting exactly at `startsAt`, if there is one. */
export function findSlot(q: Omit<SlotQuery, "from" | "limit">, startsAt: Date): Slot | undefined {
  return computeSlots({ ...q, from: startsAt, limit: 64 }).find(
    (s) => s.startsAt.getTime() === startsAt.getTime(),
  );
}

/**
 * A short offer from a list of free slots: earliest first, but at most `perDay` from one local day
 * so the client can choose between days; if that leaves fewer than `count`, the rest is filled in
 * order. The result is sorted by start.
 */
export function spreadOffer(slots: readonly Slot[], count: number, perDay: number, timeZone: string): Slot[] {
  const chosen: Slot[] = [];
  const perDayCount = new Map<string, number>();
  for (const s of slots) {
    if (chosen.length >= count) break;
    const k = dateKey(localDateOf(s.startsAt, timeZone));
    const n = perDayCount.get(k) ?? 0;
    if (n >= perDay) continue;
    perDayCount.set(k, n + 1);
    chosen.push(s);
  }
  for (const s of slots) {
    if (chosen.length >= count) break;
    if (!chosen.includes(s)) chosen.push(s);
  }
  return chosen.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** Bookings that collide with [startsAt, endsAt) given the buffer (for a final check in a transaction). */
export function collidingBookings(
  bookings: readonly Booking[],
  startsAt: Date,
  endsAt: Date,
  bufferMinutes: number,
): Booking[] {
  const b = bufferMinutes * MINUTE;
  return bookings.filter((x) =>
    overlaps(startsAt.getTime() - b, endsAt.getTime() + b, x.startsAt.getTime(), x.endsAt.getTime()),
  );
}
