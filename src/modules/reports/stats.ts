// Percentiles and the small-count rule, shared by aggregate.ts and indicators.ts (which aggregate.ts
// imports, so they cannot live there).
export const SUPPRESSION_THRESHOLD = 5;

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function median(sorted: readonly number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A count of 1..threshold-1 discloses too little a group. */
export const isSmall = (n: number, threshold = SUPPRESSION_THRESHOLD) => n > 0 && n < threshold;
