// Each update once, across processes and crashes (src/telegram/dedupe.ts), on the real Redis.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { handleOnce, redisUpdateDeduper } from "../../src/telegram/dedupe.ts";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = `t-dedupe-${process.pid}-${randomBytes(3).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});
const log = { debug: () => {}, warn: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let nextId = 1;

describe("the update lease", () => {
  it("run → busy for others → done after finish", async () => {
    const d = redisUpdateDeduper(redis, prefix, 5_000);
    const id = nextId++;
    expect(await d.claim(id, "a")).toBe("run");
    expect(await d.claim(id, "b")).toBe("busy");
    await d.finish(id, "a");
    expect(await d.claim(id, "b")).toBe("done");
    expect(await redis.ttl(`${prefix}:tg:update:${id}`)).toBeGreaterThan(86_000);
  });

  it("only the holder renews or releases", async () => {
    const d = redisUpdateDeduper(redis, prefix, 5_000);
    const id = nextId++;
    await d.claim(id, "a");
    expect(await d.renew(id, "b")).toBe(false);
    await d.release(id, "b");
    expect(await d.claim(id, "b")).toBe("busy");
    expect(await d.renew(id, "a")).toBe(true);
    await d.release(id, "a");
    expect(await d.claim(id, "b")).toBe("run");
  });

  it("an id marked by the former deduper counts as handled", async () => {
    const d = redisUpdateDeduper(redis, prefix);
    const id = nextId++;
    await redis.set(`${prefix}:tg:update:${id}`, "1", "EX", 60);
    expect(await d.claim(id, "a")).toBe("done");
  });
});

describe("handleOnce", () => {
  it("a redelivery after the first handler's process died is handled once the lease runs out", async () => {
    const d = redisUpdateDeduper(redis, prefix, 300);
    const id = nextId++;
    // the dead process: claimed, never finished
    expect(await d.claim(id, "dead")).toBe("run");
    let runs = 0;
    await handleOnce(d, id, async () => void runs++, log, 50);
    expect(runs).toBe(1);
    // and a later redelivery is a duplicate
    await handleOnce(d, id, async () => void runs++, log, 50);
    expect(runs).toBe(1);
  });

  it("two live deliveries at once: the handler runs once, even when it outlasts the lease (renewed)", async () => {
    const d = redisUpdateDeduper(redis, prefix, 300);
    const id = nextId++;
    let runs = 0;
    const slow = async () => {
      runs++;
      await sleep(700);
    };
    await Promise.all([
      handleOnce(d, id, slow, log, 50),
      sleep(20).then(() => handleOnce(d, id, slow, log, 50)),
    ]);
    expect(runs).toBe(1);
  });

  it("a handler that throws gives the update back for the next delivery", async () => {
    const d = redisUpdateDeduper(redis, prefix, 5_000);
    const id = nextId++;
    await expect(
      handleOnce(
        d,
        id,
        async () => {
          throw new Error("postgres went away");
        },
        log,
      ),
    ).rejects.toThrow("postgres went away");
    let runs = 0;
    await handleOnce(d, id, async () => void runs++, log);
    expect(runs).toBe(1);
  });
});
