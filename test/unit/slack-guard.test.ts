// The replay guard in front of Bolt: signature, 5-minute window and single use, on a real HTTP server.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../../src/http/server.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import {
  guardSlackRequests,
  memoryReplayStore,
  slackSignature,
  verifySlackRequest,
} from "../../src/slack/guard.ts";

const SECRET = "0123456789abcdef0123456789abcdef";
let server: Server;
let url: string;
const seen: { body: string }[] = [];
const replay = memoryReplayStore();
let clock = Date.now();

beforeAll(async () => {
  const inner = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    seen.push({ body: (req as unknown as { rawBody: Buffer }).rawBody.toString("utf8") });
    res.writeHead(200);
    res.end("ok");
  };
  server = createServer(
    guardSlackRequests(inner, {
      signingSecret: SECRET,
      replay,
      log: silentLogger,
      now: () => clock,
    }) as never,
  );
  url = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}/slack/events`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = (body: string, headers: Record<string, string>) =>
  fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
const signed = (body: string, ts = Math.floor(clock / 1000), secret = SECRET) => ({
  "x-slack-request-timestamp": String(ts),
  "x-slack-signature": slackSignature(secret, ts, body),
});

describe("signature and replay guard", () => {
  it("passes a correctly signed request once, with its raw body", async () => {
    const body = "command=%2Fkim&text=help&n=1";
    const res = await post(body, signed(body));
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.body).toBe(body);
  });

  it("refuses unsigned, mis-signed, stale and replayed requests with 401", async () => {
    const before = seen.length;
    const body = "command=%2Fkim&text=status&n=2";
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, signed(body, undefined, "another-secret-of-some-length"))).status).toBe(401);
    expect((await post(`${body}&tampered=1`, signed(body))).status).toBe(401);
    expect((await post(body, signed(body, Math.floor(clock / 1000) - 301))).status).toBe(401);
    expect((await post(body, signed(body, Math.floor(clock / 1000) + 301))).status).toBe(401);
    expect((await post(body, { ...signed(body), "x-slack-request-timestamp": "abc" })).status).toBe(401);
    expect(seen.length).toBe(before);
    const headers = signed(body);
    expect((await post(body, headers)).status).toBe(200);
    expect((await post(body, headers)).status).toBe(401);
    expect(seen.length).toBe(before + 1);
  });

  it("accepts a timestamp just inside the window and refuses GET", async () => {
    const body = "n=3";
    expect((await post(body, signed(body, Math.floor(clock / 1000) - 299))).status).toBe(200);
    expect((await fetch(url)).status).toBe(405);
  });

  it("verifies in constant time against the exact bytes", () => {
    clock = Date.now();
    const body = Buffer.from("payload=%7B%7D");
    const ts = String(Math.floor(clock / 1000));
    expect(
      verifySlackRequest(SECRET, { signature: slackSignature(SECRET, ts, body), timestamp: ts }, body, clock),
    ).toEqual({ ok: true });
    expect(verifySlackRequest(SECRET, { signature: "v0=00", timestamp: ts }, body, clock)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifySlackRequest(SECRET, { timestamp: ts }, body, clock)).toEqual({
      ok: false,
      reason: "missing_headers",
    });
  });
});
