// One HTTP server per process: health, readiness, metrics, the Telegram webhook and Slack events.
//
// What it tells whom:
//   /health, /ready  open (load balancers, the container health check) but say only ok/degraded;
//                    which store is down is in /metrics and the log, not for anyone who asks
//   /metrics         with ANLAUF_METRICS_TOKEN: only for "Authorization: Bearer <token>"; without a
//                    token: only for requests from this host (loopback, and not forwarded by a proxy)
// Every request first takes a token from its source address's bucket (rate-limit.ts); an empty
// bucket answers 429 with Retry-After. The two webhook routes, which Telegram and Slack call from a
// few addresses and which check their own signatures, have a larger bucket than the rest. A Telegram
// delivery that carries the webhook's secret token takes no token at all: Telegram paces itself
// (max_connections) from a handful of addresses, and a per-address bucket of 50/s capped the intake
// far below its 500 updates/s target (bench/intake.ts); requests without the token still meet it.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../lib/logger.ts";
import { type BucketLimits, TokenBuckets } from "./rate-limit.ts";

export type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HttpLimits {
  /** health, readiness, metrics and unknown paths */
  general: BucketLimits;
  /** /telegram/webhook and /slack/events */
  webhooks: BucketLimits;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  general: { capacity: 30, perSecond: 5 },
  webhooks: { capacity: 300, perSecond: 50 },
};

export interface HttpDeps {
  log: Logger;
  health: () => Promise<HealthReport>;
  ready: () => boolean;
  metrics: () => Promise<string>;
  telegramWebhook?: Listener;
  slackEvents?: Listener;
  /** TELEGRAM_WEBHOOK_SECRET: deliveries that carry it skip the per-address bucket */
  telegramSecret?: string;
  /** ANLAUF_METRICS_TOKEN; absent: /metrics answers loopback requests only */
  metricsToken?: string;
  limits?: Partial<HttpLimits>;
  now?: () => number;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

const FORWARDED = ["forwarded", "x-forwarded-for", "x-real-ip"];

/** From this host, and not relayed by a proxy on it (a proxy would make every client look local). */
export function isLoopback(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? "";
  const local = a === "::1" || a.startsWith("127.") || a.startsWith("::ffff:127.");
  return local && !FORWARDED.some((h) => req.headers[h] !== undefined);
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time comparison of the bearer token (hashes first, so lengths do not leak either). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([^\s]+)$/i.exec(header ?? "");
  return !!m && timingSafeEqual(digest(m[1]!), digest(token));
}

/** Constant-time check of Telegram's X-Telegram-Bot-Api-Secret-Token header. */
export function telegramSecretMatches(header: string | string[] | undefined, secret: string): boolean {
  return typeof header === "string" && timingSafeEqual(digest(header), digest(secret));
}

const failing = (h: HealthReport) => Object.keys(h.checks).filter((k) => !h.checks[k]!.ok);

function checkLines(h: HealthReport): string {
  const lines = [
    "# HELP anlauf_check_up Whether a dependency answered (1) or not (0).",
    "# TYPE anlauf_check_up gauge",
  ];
  for (const [name, c] of Object.entries(h.checks))
    lines.push(`anlauf_check_up{check="${name}"} ${c.ok ? 1 : 0}`);
  return `${lines.join("\n")}\n`;
}

export function createHttpServer(deps: HttpDeps): Server {
  const now = deps.now ?? Date.now;
  const general = new TokenBuckets({ ...DEFAULT_HTTP_LIMITS.general, ...deps.limits?.general }, now);
  const webhooks = new TokenBuckets({ ...DEFAULT_HTTP_LIMITS.webhooks, ...deps.limits?.webhooks }, now);
  return createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    try {
      const hook = path === "/telegram/webhook" || path === "/slack/events";
      const fromTelegram =
        path === "/telegram/webhook" &&
        deps.telegramSecret !== undefined &&
        telegramSecretMatches(req.headers["x-telegram-bot-api-secret-token"], deps.telegramSecret);
      const taken = fromTelegram
        ? ({ ok: true } as const)
        : (hook ? webhooks : general).take(req.socket.remoteAddress ?? "unknown");
      if (!taken.ok) {
        // drain what the client sent, so the connection stays usable for its retry
        req.resume();
        return json(res, 429, { error: "too many requests" }, { "retry-after": String(taken.retryAfterS) });
      }
      if (req.method === "GET" && path === "/health") {
        const h = await deps.health();
        if (!h.ok) deps.log.warn({ failing: failing(h) }, "health degraded");
        return json(res, h.ok ? 200 : 503, { status: h.ok ? "ok" : "degraded" });
      }
      if (req.method === "GET" && path === "/ready") {
        const h = await deps.health();
        const ok = h.ok && deps.ready();
        return json(res, ok ? 200 : 503, { ready: ok });
      }
      if (req.method === "GET" && path === "/metrics") {
        if (deps.metricsToken) {
          if (!bearerMatches(req.headers.authorization, deps.metricsToken))
            return json(
              res,
              401,
              { error: "unauthorized" },
              { "www-authenticate": 'Bearer realm="metrics"' },
            );
        } else if (!isLoopback(req)) return json(res, 403, { error: "forbidden" });
        // a store that is down must not take the checks with it: they are what the operator needs
        const [figures, h] = await Promise.all([
          deps.metrics().catch(() => "# queue figures unavailable\n"),
          deps.health(),
        ]);
        const body = figures + checkLines(h);
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4", "cache-control": "no-store" });
        return res.end(body);
      }
      if (path === "/telegram/webhook" && deps.telegramWebhook) return await deps.telegramWebhook(req, res);
      if (path === "/slack/events" && deps.slackEvents) return await deps.slackEvents(req, res);
      return json(res, 404, { error: "not found" });
    } catch (e) {
      deps.log.error({ path, err: (e as Error).name }, "http handler failed");
      if (!res.headersSent) json(res, 500, { error: "internal error" });
      else res.end();
    }
  });
}

export function listen(server: Server, port: number, host = "0.0.0.0"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    });
  });
}
