// Interactive transactions with a retry on the conflicts Postgres resolves by aborting one side
// (deadlock, serialization failure). Callers keep their whole decision inside `fn`, so a retry
// re-reads everything and decides again.
import type { Db, Tx } from "./client.ts";

const RETRYABLE_SQLSTATE = new Set(["40P01", "40001", "55P03"]);

/** True for errors whose transaction can simply be run again. */
export function isRetryableTxError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    const o = cur as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: unknown;
    };
    if (o.code === "P2034") return true;
    if (typeof o.originalCode === "string" && RETRYABLE_SQLSTATE.has(o.originalCode)) return true;
    if (typeof o.code === "string" && RETRYABLE_SQLSTATE.has(o.code)) return true;
    if (typeof o.message === "string" && /deadlock detected|could not serialize access/i.test(o.message))
      return true;
    cur = o.cause ?? (o.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  }
  return false;
}

export interface TxOptions {
  /** attempts in total (default 5) */
  attempts?: number;
  /** ms the transaction may run (default 30 s: lock waits under load count here) */
  timeout?: number;
  /** ms to wait for a connection from the pool (default 20 s) */
  maxWait?: number;
}

export async function inTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  for (let i = 1; ; i++) {
    try {
      return await db.$transaction(fn, { timeout: opts.timeout ?? 30_000, maxWait: opts.maxWait ?? 20_000 });
    } catch (e) {
      if (i >= attempts || !isRetryableTxError(e)) throw e;
      // jitter, so two aborted sides do not meet again at once
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * i));
    }
  }
}
