// What we tell a waiting client: their position and an honest range, or "we cannot say yet".
// A range, not a date: throughput is noisy and newcomers with higher priority can be placed
// ahead. Coarse on purpose (whole days, whole weeks beyond two weeks).

const DAY_MS = 86_400_000;

/** ± share of the point estimate shown as the range. */
export const ETA_SPREAD = 0.3;
/** Free slots are taken within this many days (offer, acceptance, first appointment). */
export const SOON_DAYS = 2;
/** Beyond this the range is given in whole weeks. */
export const WEEKS_BEYOND_DAYS = 14;

export const ETA_BASES = ["free_capacity", "throughput", "unknown"] as const;
export type EtaBasis = (typeof ETA_BASES)[number];

/** Coarse buckets the client message is phrased in (localized). */
export const ETA_BUCKETS = [
  "unknown",
  "soon",
  "up_to_1_week",
  "up_to_2_weeks",
  "up_to_4_weeks",
  "up_to_8_weeks",
  "up_to_12_weeks",
  "over_12_weeks",
] as const;
export type EtaBucket = (typeof ETA_BUCKETS)[number];

export interface EtaRange {
  readonly low: number;
  readonly high: number;
}

export interface WaitEstimate {
  readonly position: number;
  readonly etaDays: EtaRange | null;
  readonly basis: EtaBasis;
  readonly bucket: EtaBucket;
  readonly dates: { readonly earliest: Date; readonly latest: Date } | null;
}

export interface WaitInput {
  /** 1-based position in the ordered wait list. */
  readonly position: number;
  /** Recent assignments per day (see {@link measureThroughput}); null or ≤ 0 = unknown. */
  readonly throughputPerDay: number | null;
  /** Case slots free right now that nobody ahead has taken yet. */
  readonly freeSlotsNow: number;
  readonly now: Date;
}

export function estimateWait(input: WaitInput): WaitEstimate {
  const { position, throughputPerDay, now } = input;
  if (!Number.isInteger(position) || position < 1)
    throw new RangeError(`position must be ≥ 1, got ${position}`);
  const freeSlots = Math.max(0, Math.floor(input.freeSlotsNow));
  if (position <= freeSlots) return withRange(position, { low: 0, high: SOON_DAYS }, "free_capacity", now);
  if (throughputPerDay === null || !(throughputPerDay > 0) || !Number.isFinite(throughputPerDay)) {
    return { position, etaDays: null, basis: "unknown", bucket: "unknown", dates: null };
  }
  // the first `freeSlots` people are placed now; everyone after needs a case to close
  const mid = (position - freeSlots) / throughputPerDay;
  return withRange(position, rangeAround(mid), "throughput", now);
}

/** ±spread around the point estimate; beyond two weeks widened outwards to whole weeks. */
export function rangeAround(midDays: number, spread = ETA_SPREAD): EtaRange {
  // epsilons: 3 × 1.3 is 3.9000000000000004 in floating point and must not become 5 days
  let low = Math.max(0, Math.floor(midDays * (1 - spread) + 1e-9));
  let high = Math.max(1, Math.ceil(midDays * (1 + spread) - 1e-9));
  if (low > WEEKS_BEYOND_DAYS) low = Math.max(WEEKS_BEYOND_DAYS, Math.floor(low / 7) * 7);
  if (high > WEEKS_BEYOND_DAYS) high = Math.ceil(high / 7) * 7;
  return { low, high: Math.max(low, high) };
}

export function bucketOf(eta: EtaRange | null): EtaBucket {
  if (eta === null) return "unknown";
  const h = eta.high;
  if (h <= SOON_DAYS) return "soon";
  if (h <= 7) return "up_to_1_week";
  if (h <= 14) return "up_to_2_weeks";
  if (h <= 28) return "up_to_4_weeks";
  if (h <= 56) return "up_to_8_weeks";
  if (h <= 84) return "up_to_12_weeks";
  return "over_12_weeks";
}

/**
 * Whether the client's status message is worth editing: the position moved by at least
 * max(1, 10 % of the previous position) or the ETA bucket changed. Keeps message edits rare
 * on a long list (Telegram rate limits, and a number ticking by one is noise to a reader).
 */
export function isMeaningfulChange(prev: WaitEstimate | null | undefined, next: WaitEstimate): boolean {
  if (!prev) return true;
  const threshold = Math.max(1, 0.1 * prev.position);
  if (Math.abs(next.position - prev.position) >= threshold) return true;
  return bucketOf(prev.etaDays) !== bucketOf(next.etaDays);
}

/**
 * Assignments per day over the last `windowDays` (default 28). A younger service divides by
 * its actual age, otherwise the first weeks would look slow. null when nothing was assigned
 * in the window: an ETA from zero throughput would be "never", which is not honest either.
 */
export function measureThroughput(
  assignedAt: readonly Date[],
  now: Date,
  windowDays = 28,
  historyStart?: Date,
): number | null {
  const end = now.getTime();
  const start = end - windowDays * DAY_MS;
  const effectiveStart = historyStart ? Math.max(start, historyStart.getTime()) : start;
  const spanDays = (end - effectiveStart) / DAY_MS;
  if (!(spanDays > 0)) return null;
  let count = 0;
  for (const d of assignedAt) {
    const t = d.getTime();
    if (t > effectiveStart && t <= end) count++;
  }
  return count === 0 ? null : count / Math.max(1, spanDays);
}

function withRange(position: number, etaDays: EtaRange, basis: EtaBasis, now: Date): WaitEstimate {
  const t = now.getTime();
  return {
    position,
    etaDays,
    basis,
    bucket: bucketOf(etaDays),
    dates: { earliest: new Date(t + etaDays.low * DAY_MS), latest: new Date(t + etaDays.high * DAY_MS) },
  };
}
