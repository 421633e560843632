// The README's run command keeps working: the offline demo starts from nothing (embedded Postgres in
// a fresh folder, local Telegram and Slack peers), plays its scenario through both bots and prints the
// committee report.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

let dataDir = "";
afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("npm run demo -- --scenario", () => {
  it("plays intake, assignment, acceptance, a booking and the report offline", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "anlauf-demo-"));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/demo.ts",
        "--port",
        "0",
        "--data-dir",
        dataDir,
        "--scenario",
        "--exit-after-scenario",
      ],
      {
        env: {
          PATH: process.env.PATH,
          REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
          ANLAUF_QUEUE_PREFIX: `t-demo-${process.pid}`,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.once("exit", r));
    expect(code, out.slice(-2000)).toBe(0);
    expect(out).toMatch(/anlauf is running offline/);
    expect(out).toMatch(/BI-[2-9A-Z]{4}-[2-9A-Z]{2}/);
    expect(out).toMatch(/taps \[Accept\] → HTTP 200/);
    expect(out).toMatch(/assignment accepted; card updated in place: yes/);
    // the accepted family books its first consultation; two reminders wait in Redis
    expect(out).toMatch(/appointment \S+ with .+; 2 reminder job\(s\) waiting in Redis/);
    expect(out).toMatch(/# Case management report: Stadt Bielefeld/);
    const reports = await readdir(join(dataDir, "reports"));
    for (const ext of [".md", ".csv", ".svg", ".html", ".xlsx"])
      expect(reports.some((f) => f.endsWith(ext))).toBe(true);
  }, 180_000);
});
