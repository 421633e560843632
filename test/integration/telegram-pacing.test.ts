// The send calendar of TelegramClientNotifier (src/telegram/notifier.ts) against the real Redis: a
// burst of reservations from many chats, one chat with many, reserved concurrently, never plans more
// than 30 sends into any second and never two sends to one chat within a second. Delivery rates
// against a rate-limiting Bot API peer are bench/pacing.ts's business.
import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { Jobs } from "../../src/queue/jobs.ts";
import type { Producer } from "../../src/queue/registry.ts";
import { TelegramClientNotifier } from "../../src/telegram/notifier.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `t-pacing-${process.pid}-${randomBytes(3).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe("the Telegram send calendar", () => {
  it("plans a burst at most 30 a second overall and 1 a second per chat", async () => {
    // reserveSlot touches only Redis: no producer is needed
    const notifier = new TelegramClientNotifier({ producer: {} as Producer<Jobs>, redis, prefix });
    const many = Array.from({ length: 150 }, () => randomUUID());
    const busy = randomUUID();
    // the busy chat's 20 among the others, every 16th
    const wanted = [...many, ...many];
    for (let b = 0; b < 20; b++) wanted.splice(b * 16, 0, busy);
    // one after the other, so each delay can be turned into a time on this clock (± half a round trip)
    const planned: { clientId: string; at: number }[] = [];
    for (const clientId of wanted) {
      const t0 = Date.now();
      const delay = await notifier.reserveSlot(clientId);
      planned.push({ clientId, at: (t0 + Date.now()) / 2 + delay });
    }
    const times = planned.map((p) => p.at).sort((a, b) => a - b);
    // 31 sends in a row span more than a second (slots are 1000/28 ms apart: 1071 ms for 31)
    for (let i = 0; i + 30 < times.length; i++) expect(times[i + 30]! - times[i]!).toBeGreaterThan(1000);
    const byChat = new Map<string, number[]>();
    for (const p of planned) byChat.set(p.clientId, [...(byChat.get(p.clientId) ?? []), p.at]);
    for (const ts of byChat.values()) {
      ts.sort((a, b) => a - b);
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(975);
    }
    // the burst is planned as fast as the limits allow, not stretched: the busy chat needs 19 s
    expect(times.at(-1)! - times[0]!).toBeLessThan(22_000);
  });
});
