// A guard in front of Bolt's HTTP request listener. Bolt checks the signature and the 5-minute
// timestamp window, but accepts the same signed request again within that window. This guard checks
// both itself and remembers every accepted signature (Redis SET NX, 5 minutes), so a replayed request
// gets 401 and never reaches a listener. The verified raw body is handed on as `rawBody`, which Bolt
// reads instead of the (already consumed) stream.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../lib/logger.ts";

export const SIGNATURE_WINDOW_S = 300;
const MAX_BODY_BYTES = 1024 * 1024;

export interface ReplayStore {
  /** true the first time this signature is seen within `ttlSeconds` */
  firstSeen(signature: string, ttlSeconds: number): Promise<boolean>;
}

/** Redis-backed: `SET <prefix>:slack:sig:<signature> 1 EX 300 NX`. */
export function redisReplayStore(
  redis: { set(key: string, value: string, ex: "EX", ttl: number, nx: "NX"): Promise<unknown> },
  prefix: string,
): ReplayStore {
  return {
    firstSeen: async (signature, ttl) =>
      (await redis.set(`${prefix}:slack:sig:${signature}`, "1", "EX", ttl, "NX")) === "OK",
  };
}

/** In memory; for unit tests. */
export function memoryReplayStore(): ReplayStore & { seen: Set<string> } {
  const seen = new Set<string>();
  return {
    seen,
    firstSeen: async (sig) => {
      if (seen.has(sig)) return false;
      seen.add(sig);
      return true;
    },
  };
}

export function slackSignature(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(rawBody).digest("hex")}`;
}

export type VerifyFailure = "missing_headers" | "stale" | "bad_signature" | "replayed";

/** Checks headers, window and signature (constant time). Pure apart from the clock you pass in. */
export function verifySlackRequest(
  secret: string,
  headers: { signature?: string | undefined; timestamp?: string | undefined },
  rawBody: Buffer,
  nowMs: number,
): { ok: true } | { ok: false; reason: Exclude<VerifyFailure, "replayed"> } {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: "missing_headers" };
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > SIGNATURE_WINDOW_S)
    return { ok: false, reason: "stale" };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "bad_signature" };
  return { ok: true };
}

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function guardSlackRequests(
  inner: Listener,
  deps: { signingSecret: string; replay: ReplayStore; log: Logger; now?: () => number },
): Listener {
  const now = deps.now ?? Date.now;
  return async (req, res) => {
    const reject = (status: number, reason: string) => {
      deps.log.warn({ reason }, "slack request refused");
      if (!res.headersSent) res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 401 ? "unauthorized" : "refused");
    };
    if (req.method !== "POST") return reject(405, "method");
    const body = await readBody(req);
    if (body === null) return reject(413, "too_large");
    const signature = header(req, "x-slack-signature");
    const v = verifySlackRequest(
      deps.signingSecret,
      { signature, timestamp: header(req, "x-slack-request-timestamp") },
      body,
      now(),
    );
    if (!v.ok) return reject(401, v.reason);
    if (!(await deps.replay.firstSeen(signature!, SIGNATURE_WINDOW_S))) return reject(401, "replayed");
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    return inner(req, res);
  };
}
