// A visitor is someone who talks to the bot but has not agreed to case management yet: no Client row
// exists for them. What the bot must remember between their messages (the chosen language, where they
// found us) lives in Redis under their Telegram user id and expires by itself; it is deleted when they
// decline, cancel, or agree (then it moves into the Client row).
import type { Redis } from "ioredis";
import { z } from "zod";
import { CLIENT_LOCALES } from "../../modules/intake/answers.ts";

const visitorSchema = z.object({
  locale: z.enum(CLIENT_LOCALES).optional(),
  /** deep-link source and suggested district, e.g. "flyer-heepen" / "heepen" */
  source: z.string().max(64).optional(),
  districtId: z.string().max(64).optional(),
});
export type Visitor = z.infer<typeof visitorSchema>;

export const VISITOR_TTL_SECONDS = 14 * 24 * 3600;

export class VisitorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = VISITOR_TTL_SECONDS,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}:tg:visitor:${userId}`;
  }

  async get(userId: number): Promise<Visitor | undefined> {
    const raw = await this.redis.get(this.key(userId));
    if (!raw) return undefined;
    try {
      const parsed = visitorSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async update(userId: number, patch: Visitor): Promise<Visitor> {
    const next = { ...((await this.get(userId)) ?? {}), ...patch };
    await this.redis.set(this.key(userId), JSON.stringify(next), "EX", this.ttlSeconds);
    return next;
  }

  async delete(userId: number): Promise<void> {
    await this.redis.del(this.key(userId));
  }
}
