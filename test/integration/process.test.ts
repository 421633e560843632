// The real entry point as an operator runs it: a child process with the embedded database, answering
// /health, and stopping cleanly on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/infra/redis.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";

let child: ChildProcess | undefined;
let dataDir = "";
afterAll(async () => {
  child?.kill("SIGKILL");
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function waitForHealth(port: number, ms: number): Promise<Response> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.status === 200) return res;
    } catch {}
    if (Date.now() > until) throw new Error("no healthy /health in time");
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm start", () => {
  it("starts on the embedded database, reports both stores up, and stops on SIGTERM", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "anlauf-proc-"));
    const port = await freePort();
    const out: string[] = [];
    child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        PATH: process.env.PATH,
        ANLAUF_DATA_DIR: dataDir,
        ANLAUF_ENCRYPTION_KEYS: generateKeySpec("proc"),
        ANLAUF_QUEUE_PREFIX: `t-proc-${process.pid}`,
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        PORT: String(port),
        LOG_LEVEL: "info",
        ANLAUF_METRICS_TOKEN: "process-test-metrics-token-0123",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => out.push(d.toString()));
    child.stderr?.on("data", (d: Buffer) => out.push(d.toString()));
    // a hang guard, not a speed claim: PGlite (WebAssembly) applying every migration takes 20–55 s
    // on a busy 2-core machine
    const res = await waitForHealth(port, 150_000);
    expect(await res.json()).toEqual({ status: "ok" });
    // ANLAUF_METRICS_TOKEN from the environment guards /metrics, even from this host
    const metrics = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(metrics)).status).toBe(401);
    const m = await fetch(metrics, { headers: { authorization: "Bearer process-test-metrics-token-0123" } });
    expect(m.status).toBe(200);
    const text = await m.text();
    expect(text).toContain('anlauf_check_up{check="postgres"} 1');
    expect(text).toContain('anlauf_check_up{check="redis"} 1');
    const logs = out.join("");
    expect(logs).toMatch(/telegram bot not started: TELEGRAM_BOT_TOKEN is not set/);
    expect(logs).toMatch(/slack app not started: SLACK_BOT_TOKEN is not set/);
    expect(logs).toMatch(/anlauf is up/);
    const exited = new Promise<number | null>((r) => child!.once("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out.join("")).toMatch(/"msg":"stopped"/);
  }, 180_000);
});
