// The HTTP surface: /health and /ready say ok or degraded and nothing else, /metrics wants the bearer
// token (or, without one, a request from this host that no proxy forwarded), and every source
// address has a token bucket that answers 429 with Retry-After when empty.
import type { IncomingMessage, Server } from "node:http";
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { TokenBuckets } from "../../src/http/rate-limit.ts";
import {
  bearerMatches,
  createHttpServer,
  type HealthReport,
  type HttpDeps,
  isLoopback,
  listen,
} from "../../src/http/server.ts";
import { silentLogger } from "../../src/lib/logger.ts";

const TOKEN = "metrics-token-0123456789abcdef";
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function start(over: Partial<HttpDeps> = {}, report: HealthReport = up, host = "127.0.0.1") {
  const server = createHttpServer({
    log: silentLogger,
    health: async () => report,
    ready: () => true,
    metrics: async () => "anlauf_uptime_seconds 1\n",
    ...over,
  });
  servers.push(server);
  const port = await listen(server, 0, host);
  return (path: string, init: RequestInit = {}, at = "127.0.0.1") =>
    fetch(`http://${at}:${port}${path}`, init);
}

const up: HealthReport = { ok: true, checks: { postgres: { ok: true }, redis: { ok: true } } };
const down: HealthReport = {
  ok: false,
  checks: { postgres: { ok: true }, redis: { ok: false, detail: "ECONNREFUSED 10.0.0.7:6379" } },
};

describe("/health and /ready", () => {
  it.each([
    ["up", up, 200, { status: "ok" }, { ready: true }],
    ["a store down", down, 503, { status: "degraded" }, { ready: false }],
  ])("%s: only the verdict, no checks, no details", async (_n, report, status, health, ready) => {
    const get = await start({}, report);
    const h = await get("/health");
    expect(h.status).toBe(status);
    expect(await h.json()).toEqual(health);
    const r = await get("/ready");
    expect(r.status).toBe(status);
    expect(await r.json()).toEqual(ready);
  });
});

describe("/metrics", () => {
  it("with a token: 401 without or with a wrong one, the figures and the checks with it", async () => {
    const get = await start({ metricsToken: TOKEN }, down);
    for (const auth of [undefined, "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, TOKEN]) {
      const r = await get("/metrics", auth ? { headers: { authorization: auth } } : {});
      expect(r.status, String(auth)).toBe(401);
      expect(r.headers.get("www-authenticate")).toContain("Bearer");
      expect(await r.text()).not.toContain("anlauf_");
    }
    const ok = await get("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain("anlauf_uptime_seconds 1");
    expect(text).toContain('anlauf_check_up{check="redis"} 0');
    expect(text).toContain('anlauf_check_up{check="postgres"} 1');
    expect(text).not.toContain("ECONNREFUSED");
  });

  it("without a token: loopback only, and not when a proxy forwarded the request", async () => {
    const get = await start();
    expect((await get("/metrics")).status).toBe(200);
    for (const h of ["x-forwarded-for", "forwarded", "x-real-ip"])
      expect((await get("/metrics", { headers: { [h]: "203.0.113.9" } })).status, h).toBe(403);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  it.skipIf(!external)("without a token: refused to a request from another address", async () => {
    const get = await start({}, up, "0.0.0.0");
    expect((await get("/metrics", {}, external)).status).toBe(403);
    expect((await get("/health", {}, external)).status).toBe(200);
  });
});

describe("isLoopback and bearerMatches", () => {
  const req = (remoteAddress: string, headers: Record<string, string> = {}) =>
    ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;
  it.each([
    ["127.0.0.1", {}, true],
    ["127.10.0.1", {}, true],
    ["::1", {}, true],
    ["::ffff:127.0.0.1", {}, true],
    ["10.0.0.5", {}, false],
    ["172.17.0.1", {}, false],
    ["::ffff:192.168.1.4", {}, false],
    ["", {}, false],
    ["127.0.0.1", { "x-forwarded-for": "1.2.3.4" }, false],
  ])("%s %j → %s", (addr, headers, expected) => {
    expect(isLoopback(req(addr, headers))).toBe(expected);
  });
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer  ${TOKEN}`, false],
    [`Bearer ${TOKEN} `, false],
    ["Bearer ", false],
    [undefined, false],
  ])("%s → %s", (h, expected) => {
    expect(bearerMatches(h, TOKEN)).toBe(expected);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once the bucket is empty, and serves again after the refill", async () => {
    let t = 1_000_000;
    const get = await start({ limits: { general: { capacity: 3, perSecond: 0.5 } }, now: () => t });
    for (let i = 0; i < 3; i++) expect((await get("/health")).status).toBe(200);
    const limited = await get("/health");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(await limited.json()).toEqual({ error: "too many requests" });
    // the webhooks have their own bucket: a flood of health probes does not stop Slack or Telegram
    expect((await get("/slack/events", { method: "POST", body: "x" })).status).toBe(404);
    t += 2000;
    expect((await get("/health")).status).toBe(200);
    expect((await get("/health")).status).toBe(429);
  });

  it("Telegram deliveries with the secret token skip the bucket; without it they meet it", async () => {
    const secret = "webhook-secret-0123456789";
    const get = await start({
      limits: { webhooks: { capacity: 2, perSecond: 0.5 } },
      now: () => 1_000_000,
      telegramSecret: secret,
      telegramWebhook: (_req, res) => res.end("ok"),
    });
    const post = (token?: string) =>
      get("/telegram/webhook", {
        method: "POST",
        body: "{}",
        headers: token ? { "x-telegram-bot-api-secret-token": token } : {},
      });
    for (let i = 0; i < 10; i++) expect((await post(secret)).status).toBe(200);
    expect((await post("wrong-secret-0123456789")).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(429);
    expect((await post("wrong-secret-0123456789")).status).toBe(429);
    expect((await post(secret)).status).toBe(200);
  });
});

describe("TokenBuckets", () => {
  it.each([
    // [capacity, perSecond, ms between takes, takes, expected outcomes]
    [2, 1, 0, 3, ["ok", "ok", 1]],
    [1, 0.25, 0, 2, ["ok", 4]],
    [2, 1, 500, 5, ["ok", "ok", "ok", 1, "ok"]],
    [5, 10, 0, 6, ["ok", "ok", "ok", "ok", "ok", 1]],
  ])("capacity %i, %d/s, every %i ms, %i takes", (capacity, perSecond, every, n, expected) => {
    let t = 0;
    const b = new TokenBuckets({ capacity, perSecond }, () => t);
    const got: (string | number)[] = [];
    for (let i = 0; i < n; i++) {
      const r = b.take("a");
      got.push(r.ok ? "ok" : r.retryAfterS);
      t += every;
    }
    expect(got).toEqual(expected);
  });

  it("keeps keys apart and stays bounded under a spray of addresses", () => {
    let t = 0;
    const b = new TokenBuckets({ capacity: 1, perSecond: 1 }, () => t, 100);
    expect(b.take("a").ok).toBe(true);
    expect(b.take("a").ok).toBe(false);
    expect(b.take("b").ok).toBe(true);
    for (let i = 0; i < 10_000; i++) b.take(`10.0.${i >> 8}.${i & 255}`);
    expect(b.size).toBeLessThanOrEqual(101);
    t += 5000;
    expect(b.take("a").ok).toBe(true);
  });

  it("refuses nonsense limits", () => {
    expect(() => new TokenBuckets({ capacity: 0, perSecond: 1 })).toThrow();
    expect(() => new TokenBuckets({ capacity: 1, perSecond: 0 })).toThrow();
  });
});
