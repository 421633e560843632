// One HTTP server per process: health, readiness, metrics, the Telegram webhook and Slack events.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../lib/logger.ts";

export type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HttpDeps {
  log: Logger;
  health: () => Promise<HealthReport>;
  ready: () => boolean;
  metrics: () => Promise<string>;
  telegramWebhook?: Listener;
  slackEvents?: Listener;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export function createHttpServer(deps: HttpDeps): Server {
  return createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    try {
      if (req.method === "GET" && path === "/health") {
        const h = await deps.health();
        return json(res, h.ok ? 200 : 503, { status: h.ok ? "ok" : "degraded", ...h });
      }
      if (req.method === "GET" && path === "/ready") {
        const h = await deps.health();
        const ok = h.ok && deps.ready();
        return json(res, ok ? 200 : 503, { ready: ok, ...h });
      }
      if (req.method === "GET" && path === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        return res.end(await deps.metrics());
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
