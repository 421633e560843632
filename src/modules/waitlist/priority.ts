// Wait-list order: triage priority plus linear ageing, so nobody starves behind a stream of
// more urgent newcomers.
//
// Ageing is continuous (per millisecond, not per whole day). With the same rate for everyone
// the difference between two waiting entries never changes over time, so the relative order of
// people already waiting is stable; only newcomers are slotted in. A base-0 entry is ahead of
// a base-40 entry that arrived 40 days (at 1 point/day) after it.

const DAY_MS = 86_400_000;

export interface WaitlistPolicy {
  readonly agingPointsPerDay: number;
}

export const DEFAULT_WAITLIST_POLICY: WaitlistPolicy = { agingPointsPerDay: 1 };

export interface PriorityEntry {
  readonly basePriority: number;
  readonly enqueuedAt: Date;
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
 * New array, highest effective priority first; ties: earlier enqueuedAt, then id (code-unit
 * order, not locale order, so every server sorts alike). Does not mutate the input.
 */
export function orderWaitlist<T extends WaitlistEntry>(
  entries: readonly T[],
  now: Date,
  policy: WaitlistPolicy = DEFAULT_WAITLIST_POLICY,
): T[] {
  const keyed = entries.map((entry) => ({
    entry,
    priority: effectivePriority(entry, now, policy.agingPointsPerDay),
    at: entry.enqueuedAt.getTime(),
  }));
  keyed.sort(
    (a, b) =>
      b.priority - a.priority ||
      a.at - b.at ||
      (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0),
  );
  return keyed.map((k) => k.entry);
}
