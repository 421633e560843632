// The README's run command keeps working: the offline demo starts from nothing (embedded Postgres in
// a fresh folder, local Telegram and Slack peers), plays its scenario through both bots and prints the
// committee report; `--scenario=casework` plays one case from Accept to its closure.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs `scripts/demo.ts` on a fresh data folder until its scenario ends, which it must end well. */
async function runDemo(scenario: string[]): Promise<{ dataDir: string; out: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "anlauf-demo-"));
  dirs.push(dataDir);
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
      ...scenario,
      "--exit-after-scenario",
    ],
    {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        ANLAUF_QUEUE_PREFIX: `t-demo-${process.pid}-${scenario.join("").replace(/\W/g, "")}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  expect(code, out.slice(-3000)).toBe(0);
  return { dataDir, out };
}

describe("npm run demo -- --scenario", () => {
  it("plays intake, assignment, acceptance, a booking and the report offline", async () => {
    const { dataDir, out } = await runDemo(["--scenario"]);
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

describe("npm run demo -- --scenario=casework", () => {
  it("plays a case from Accept to closure and leaves it closed with outcomes, a chased referral and a conference", async () => {
    const { dataDir, out } = await runDemo(["--scenario=casework"]);
    const ref = /① .+ \(.+\) nimmt Fall (BI-[2-9A-Z]{4}-[2-9A-Z]{2}) an/.exec(out)?.[1];
    expect(ref, out.slice(-3000)).toBeDefined();
    // every step, in order, in plain words
    const steps = [
      /② Erstgespräch am .+ markiert es als wahrgenommen/,
      /③ Assessment abgeschlossen[^\n]*\n {3}Sprache — Unterstützungsbedarf, Hemmnis: Wartet auf Kursplatz/,
      /④ Zielvereinbarung: „Deutschkurs B1 beginnen“ und „Eine größere Wohnung finden“/,
      /⑤ Vermittlung an Jobcenter Arbeitplus Bielefeld/,
      /⑥ Tagesüberblick[^\n]*\n(?: {3}.*\n)*? {3}\*Rückmeldungen nachfassen\*/,
      /⑦ .+ fasst beim Jobcenter Arbeitplus Bielefeld nach/,
      /⑧ .+ trägt in App Home eine Abwesenheit ein .+ und benennt .+ als Vertretung/,
      /⑨ .+ erhält als Vertretung die Nachricht als Direktnachricht:\n.*\n.*Мені прийшов лист від Jobcenter/,
      /⑩ Fallkonferenz mit Jobcenter Arbeitplus Bielefeld/,
      /⑪ .+ schließt den Fall \(Ziele erreicht\): „[^“]*Deutschkurs B1 beginnen“ Erreicht, „[^“]*Eine größere Wohnung finden“ Teilweise erreicht/,
    ];
    let at = 0;
    for (const s of steps) {
      const m = s.exec(out.slice(at));
      expect(m, `${s} after position ${at}`).not.toBeNull();
      at += m!.index;
    }
    // the client's side in Ukrainian: the relay's confirmation and the goodbye
    expect(out).toMatch(/Ваше повідомлення передано Вашому кейс-менеджеру/);
    expect(out).toMatch(/Ваш кейс-менеджмент \(номер BI-.+\) завершено/);
    expect(out).toMatch(/─── Fallakte BI-/);
    expect(out).toMatch(/\| Falldauer \(Übernahme → Abschluss\) \| 1 \|/);

    const db = await openDb({ kind: "embedded", dataDir: join(dataDir, "pglite") });
    try {
      const k = await db.prisma.case.findUniqueOrThrow({
        where: { referenceCode: ref! },
        include: { goals: true, referrals: true, conferences: true },
      });
      expect(k.phase).toBe("closed");
      expect(k.closureReason).toBe("goals_reached");
      expect(k.goals.map((g) => g.outcome).sort()).toEqual(["partly", "reached"]);
      expect(k.referrals).toHaveLength(1);
      expect(k.referrals[0]!.partnerId).toBe("jobcenter");
      expect(k.referrals[0]!.chasedAt).not.toBeNull();
      expect(k.conferences).toHaveLength(1);
      const deputyCopies = await db.prisma.idempotencyKey.count({ where: { scope: "slack.deputy_copy" } });
      expect(deputyCopies).toBe(1);
    } finally {
      await db.close();
    }
  }, 240_000);
});
