// Wait-list order: two lanes, then triage priority plus linear ageing within a lane.
//
// Urgent cases (eviction, loss of benefits, a health emergency, an authority's deadline) go first:
// with ageing alone an urgent newcomer only gets a head start of its urgency points in days, and in
// a list where everyone waits weeks that means weeks (the simulation measured ~50 % placed within
// 48 h). The starvation guard keeps the fast lane from shutting others out: anyone who has waited
// `starvationGuardDays` joins it too, so every wait is bounded as long as cases close at all.
//
// Ageing is continuous (per millisecond, not per whole day). With the same rate for everyone
// the difference between two waiting entries never changes over time, so the relative order of
// people already waiting is stable; only newcomers are slotted in. A base-0 entry is ahead of
// a base-40 entry that arrived 40 days (at 1 point/day) after it.

const DAY_MS = 86_400_000;

export interface WaitlistPolicy {
  readonly agingPointsPerDay: number;
  /** after this many days of waiting anyone joins the urgent lane; omitted: no lanes, ageing only */
  readonly starvationGuardDays?: number;
}

export const DEFAULT_WAITLIST_POLICY: WaitlistPolicy = { agingPointsPerDay: 1, starvationGuardDays: 120 };

export interface PriorityEntry {
  readonly basePriority: number;
  readonly enqueuedAt: Date;
  /** triage found an urgency signal */
  readonly urgent?: boolean;
}

/** 1 = the fast lane (urgent, or waited past the guard), 0 = everyone else. */
export function laneOf(entry: PriorityEntry, now: Date, policy: WaitlistPolicy): 0 | 1 {
  if (policy.starvationGuardDays === undefined) return 0;
  if (entry.urgent) return 1;
  return now.getTime() - entry.enqueuedAt.getTime() >= policy.starvationGuardDays * DAY_MS ? 1 : 0;
}

export interface WaitlistEntry extends PriorityEntry {
  readonly id: string;
}

/**
 * base + ageing. An entry from the future (clock skew between services) does not age
 * negatively. Rounded to 1e-6 so equal priorities compare equal and fall to the tie-breaks
 * instead of to floating-point noise.
 */
export function effectivePriority(entry: PriorityEntry, now: Date, agingPointsPerDay: number): number {
  const ageDays = Math.max(0, now.getTime() - entry.enqueuedAt.getTime()) / DAY_MS;
  return Math.round((entry.basePriority + agingPointsPerDay * ageDays) * 1e6) / 1e6;
}

/**
 * New array: the fast lane first, then highest effective priority; ties: earlier enqueuedAt, then id
 * (code-unit order, not locale order, so every server sorts alike). Does not mutate the input.
 */
export function orderWaitlist<T extends WaitlistEntry>(
  entries: readonly T[],
  now: Date,
  policy: WaitlistPolicy = DEFAULT_WAITLIST_POLICY,
): T[] {
  const keyed = entries.map((entry) => ({
    entry,
    lane: laneOf(entry, now, policy),
    priority: effectivePriority(entry, now, policy.agingPointsPerDay),
    at: entry.enqueuedAt.getTime(),
  }));
  keyed.sort(
    (a, b) =>
      b.lane - a.lane ||
      b.priority - a.priority ||
      a.at - b.at ||
      (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0),
  );
  return keyed.map((k) => k.entry);
}
