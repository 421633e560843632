// Flood control per chat, in Redis so it holds across processes: more than `max` updates within
// `windowMs` earn one "slow down" answer, then every update of that chat is dropped for `blockMs`.
// One Lua script, so counting and blocking are atomic.
import type { Redis } from "ioredis";

export interface FloodLimits {
  windowMs: number;
  max: number;
  blockMs: number;
}

export const DEFAULT_FLOOD_LIMITS: FloodLimits = { windowMs: 10_000, max: 20, blockMs: 60_000 };

export type FloodVerdict = "ok" | "warn" | "drop";

// KEYS[1] counter, KEYS[2] block flag; ARGV window ms, max, block ms.
// Returns 0 = ok, 1 = this update crossed the limit (warn once), 2 = blocked (drop).
const SCRIPT = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

export class FloodGuard {
  readonly limits: FloodLimits;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    limits: Partial<FloodLimits> = {},
  ) {
    this.limits = { ...DEFAULT_FLOOD_LIMITS, ...limits };
  }

  async hit(chatId: number): Promise<FloodVerdict> {
    const base = `${this.prefix}:tg:flood:${chatId}`;
    const r = await this.redis.eval(
      SCRIPT,
      2,
      `${base}:n`,
      `${base}:block`,
      this.limits.windowMs,
      this.limits.max,
      this.limits.blockMs,
    );
    return r === 1 ? "warn" : r === 2 ? "drop" : "ok";
  }
}
