// Each Telegram update is handled once, also across processes and crashes.
//
// Before, an update id was marked "seen" in Redis before its handler ran. A process killed in the
// middle of a handler (deploy, OOM, kill -9) had marked the update but not handled it; Telegram
// redelivers an update whose webhook call got no answer, and the redelivery was then skipped as a
// duplicate: the person's tap was lost (found while building the multi-process fault test,
// test/integration/multi-process.test.ts; test/integration/telegram-dedupe.test.ts replays it).
//
// Now a process takes a lease on the update id (SET NX PX), renews it while the handler runs, and
// marks the id "done" (kept a day: Telegram redelivers for at most 24 hours) only after the handler
// finished. A second delivery meanwhile waits: when the first finishes it is skipped, and when the
// first holder died its lease runs out and the delivery is handled. A handler that fails before the
// error boundary (Redis or Postgres gone) gives the lease back, so the next delivery runs it.
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

export type Claim = "run" | "done" | "busy";

export interface UpdateDeduper {
  /** "run": this caller holds the lease now; "done": handled before; "busy": someone else holds it */
  claim(updateId: number, owner: string): Promise<Claim>;
  /** keeps the lease alive while a long handler runs; false if it was lost */
  renew(updateId: number, owner: string): Promise<boolean>;
  /** the handler finished: later deliveries are skipped */
  finish(updateId: number, owner: string): Promise<void>;
  /** the handler failed outside the error boundary: the next delivery may run it */
  release(updateId: number, owner: string): Promise<void>;
  readonly leaseMs: number;
}

const DONE = "done";
const DONE_TTL_S = 86_400;

// only the holder renews or releases: a process that lost its lease (paused longer than the lease)
// must not extend or delete the lease of the process that took over
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export function redisUpdateDeduper(redis: Redis, prefix: string, leaseMs = 15_000): UpdateDeduper {
  const key = (id: number) => `${prefix}:tg:update:${id}`;
  const lease = (owner: string) => `lease:${owner}`;
  return {
    leaseMs,
    async claim(id, owner) {
      if ((await redis.set(key(id), lease(owner), "PX", leaseMs, "NX")) === "OK") return "run";
      const v = await redis.get(key(id));
      // "1" is what the former deduper wrote for a handled update
      if (v === DONE || v === "1") return "done";
      if (v === null)
        return (await redis.set(key(id), lease(owner), "PX", leaseMs, "NX")) === "OK" ? "run" : "busy";
      return "busy";
    },
    async renew(id, owner) {
      return (await redis.eval(RENEW, 1, key(id), lease(owner), String(leaseMs))) === 1;
    },
    async finish(id) {
      await redis.set(key(id), DONE, "EX", DONE_TTL_S);
    },
    async release(id, owner) {
      await redis.eval(RELEASE, 1, key(id), lease(owner));
    },
  };
}

export interface DedupeLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `handle` for an update unless it was handled before. A delivery that finds another holder's
 * lease waits for it (polling every `pollMs`) for up to two leases: long enough for a dead holder's
 * lease to run out; a holder still renewing after that is alive and will finish the update itself.
 */
export async function handleOnce(
  dedupe: UpdateDeduper,
  updateId: number,
  handle: () => Promise<void>,
  log: DedupeLog,
  pollMs = 200,
): Promise<void> {
  const owner = randomUUID();
  const until = Date.now() + 2 * dedupe.leaseMs;
  for (;;) {
    const c = await dedupe.claim(updateId, owner);
    if (c === "run") break;
    if (c === "done") return log.debug({ updateId }, "duplicate update skipped");
    if (Date.now() > until)
      return log.warn({ updateId }, "update still held by a live handler; skipped here");
    await sleep(pollMs);
  }
  const renewal = setInterval(() => void dedupe.renew(updateId, owner).catch(() => {}), dedupe.leaseMs / 3);
  try {
    await handle();
  } catch (e) {
    clearInterval(renewal);
    await dedupe.release(updateId, owner).catch(() => {});
    throw e;
  }
  clearInterval(renewal);
  await dedupe.finish(updateId, owner);
}
