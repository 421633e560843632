// A token bucket per key (the client's IP address), in memory: each process limits what reaches it.
// `capacity` requests at once, refilled at `perSecond`; an empty bucket answers with the seconds
// until the next token (for Retry-After). The map is bounded: past `maxKeys`, full (idle) buckets
// are dropped first, then the oldest, so a spray of source addresses cannot grow it without end.
export interface BucketLimits {
  capacity: number;
  perSecond: number;
}

export type Take = { ok: true } | { ok: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limits: BucketLimits,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {
    if (!(limits.capacity >= 1 && limits.perSecond > 0)) throw new Error("capacity ≥ 1 and perSecond > 0");
  }

  get size(): number {
    return this.buckets.size;
  }

  take(key: string): Take {
    const t = this.now();
    const b = this.buckets.get(key);
    const { capacity, perSecond } = this.limits;
    const tokens = b ? Math.min(capacity, b.tokens + ((t - b.at) / 1000) * perSecond) : capacity;
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: t });
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    }
    // re-insert so the map's order is least recently used first
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: tokens - 1, at: t });
    if (this.buckets.size > this.maxKeys) this.prune(t);
    return { ok: true };
  }

  private prune(t: number): void {
    const { capacity, perSecond } = this.limits;
    for (const [k, b] of this.buckets)
      if (b.tokens + ((t - b.at) / 1000) * perSecond >= capacity) this.buckets.delete(k);
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(k);
    }
  }
}
