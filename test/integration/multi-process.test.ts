// Several processes, as production scales out (issue 14.4): 3 Telegram processes in webhook mode
// behind one address and 3 worker processes, all real child processes of `src/main.ts` on one
// Postgres database and one Redis, with a local Bot API peer. People fill in the questionnaire; a
// third of the way in, one app process and one worker are killed with SIGKILL. The "load balancer"
// (the driver here) sends what got no answer to another app process, as Telegram redelivers.
//
// Shown: every person's intake arrives exactly as they answered it (a lost tap leaves the
// questionnaire unfinished, a doubled tap unticks a topic), every intake is triaged, no case is
// assigned twice, nobody is over capacity, and the wait list and the cases agree. Throughput is not
// asserted here (bench/ measures it).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { freePort } from "../../src/infra/redis.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";
import { createCallbackCodec } from "../../src/telegram/callback-data.ts";
import { choicesToBits, partnerFingerprint } from "../../src/telegram/keyboards.ts";
import { BotApiPeer } from "../support/bot-api-peer.ts";
import { intakeUpdate, LOAD_SECRET, LOAD_TOKEN, SCRIPT } from "../support/intake-load.ts";

const CHATS = 24;
const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";
const dbName = `anlauf_mp_${process.pid}_${randomBytes(3).toString("hex")}`;
const dbUrl = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
const adminUrl = (() => {
  const u = new URL(BASE_URL);
  u.pathname = "/postgres";
  return u.toString();
})();
const prefix = `t-mp-${process.pid}-${randomBytes(3).toString("hex")}`;
const keys = generateKeySpec("mp");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  role: "telegram" | "worker";
  port: number;
  child: ChildProcess;
  log: string[];
  alive: boolean;
}

const procs: Proc[] = [];
let peer: BotApiPeer;
let sql: pg.Pool;

async function start(role: Proc["role"]): Promise<Proc> {
  const port = await freePort();
  const log: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--role", role], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      PORT: String(port),
      DATABASE_URL: dbUrl,
      DATABASE_POOL_MAX: "4",
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      ANLAUF_QUEUE_PREFIX: prefix,
      ANLAUF_ENCRYPTION_KEYS: keys,
      TELEGRAM_BOT_TOKEN: LOAD_TOKEN,
      TELEGRAM_API_ROOT: peer.apiRoot,
      TELEGRAM_WEBHOOK_URL: "https://anlauf.example.org/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: LOAD_SECRET,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const p: Proc = { role, port, child, log, alive: true };
  child.stdout!.on("data", (d) => log.push(String(d)));
  child.stderr!.on("data", (d) => log.push(String(d)));
  child.on("exit", () => {
    p.alive = false;
  });
  procs.push(p);
  const until = Date.now() + 240_000;
  for (;;) {
    if (!p.alive) throw new Error(`${role} process exited at start:\n${log.join("").slice(-3000)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return p;
    } catch {}
    if (Date.now() > until)
      throw new Error(`${role} process not healthy in time:\n${log.join("").slice(-3000)}`);
    await sleep(300);
  }
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  sql = new pg.Pool({ connectionString: dbUrl, max: 2 });
  peer = await new BotApiPeer({ token: LOAD_TOKEN }).start();
  // the first applies the migrations; the other five start together and find nothing to apply
  // (they no longer queue for Prisma's migration lock, which timed out with several waiting)
  await start("worker");
  await Promise.all((["worker", "worker", "telegram", "telegram", "telegram"] as const).map((r) => start(r)));
}, 600_000);

afterAll(async () => {
  for (const p of procs) p.child.kill("SIGKILL");
  await sleep(200);
  await sql?.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const stale = await redis.keys(`${prefix}*`);
  for (let i = 0; i < stale.length; i += 500) await redis.del(...stale.slice(i, i + 500));
  await redis.quit();
  await peer?.stop();
}, 60_000);

describe("three app and three worker processes, one of each killed mid-run", () => {
  it("loses no update, handles none twice, assigns no case twice and nobody over capacity", async () => {
    // demand above capacity, so the wait list and the capacity check both matter
    await sql.query(`UPDATE "CaseManager" SET "capacityOverride" = 2`);
    const org = await loadOrganisation("orgs/bielefeld.yaml");
    const officeIds = org.referralTargets.map((r) => r.id);
    const noneReleased = choicesToBits(
      { slack: false, partners: officeIds.map(() => false) },
      partnerFingerprint(officeIds),
    );
    const on = {
      codec: createCallbackCodec(LOAD_TOKEN),
      noneReleased,
      lastMessageId: (c: number) => peer.lastMessageId(c),
    };
    const apps = procs.filter((p) => p.role === "telegram");
    let updateId = 10_000;
    let redelivered = 0;
    let sentUpdates = 0;
    const total = CHATS * SCRIPT.length;
    let killed = false;

    /** Sends to the chat's app process; what gets no answer goes to the next live one. */
    const deliver = async (chat: number, body: string) => {
      for (let attempt = 0; ; attempt++) {
        const live = apps.filter((a) => a.alive);
        const app = live[(chat + attempt) % live.length]!;
        try {
          const res = await fetch(`http://127.0.0.1:${app.port}/telegram/webhook`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": LOAD_SECRET },
            body,
          });
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {}
        redelivered++;
        await sleep(200);
      }
    };

    const chats = Array.from({ length: CHATS }, (_, i) => 600_000_000 + i);
    await Promise.all(
      chats.map(async (chat) => {
        for (const step of SCRIPT) {
          // a quick person: one answer about every half second (the per-chat flood guard allows 20 in 10 s)
          await sleep(550);
          const body = JSON.stringify(intakeUpdate(on, chat, step, ++updateId));
          await deliver(chat, body);
          if (++sentUpdates >= total / 3 && !killed) {
            killed = true;
            // mid-run, mid-job: one app process and one worker die without a chance to clean up
            apps[0]!.child.kill("SIGKILL");
            procs.find((p) => p.role === "worker")!.child.kill("SIGKILL");
          }
        }
      }),
    );
    expect(killed).toBe(true);

    // the intakes: one per person, with exactly the answers the script gave
    const intakes = await sql.query<{
      topics: string[];
      contactModes: string[];
      timesOfDay: string[];
      adults: number;
    }>(`SELECT topics, "contactModes", "timesOfDay", adults FROM "Intake"`);
    const stuck = await sql.query(`
      SELECT c."telegramUserId"::text AS chat, v.step, v.draft FROM "Client" c
      LEFT JOIN "Conversation" v ON v."clientId" = c.id
      WHERE NOT EXISTS (SELECT 1 FROM "Intake" i WHERE i."clientId" = c.id)`);
    expect(intakes.rows, `unfinished: ${JSON.stringify(stuck.rows)}`).toHaveLength(CHATS);
    for (const r of intakes.rows) {
      expect(r.topics).toEqual(["work"]);
      expect(r.contactModes).toEqual(["phone"]);
      expect(r.timesOfDay).toEqual(["morning"]);
    }

    // the workers (two left) triage every intake and assign, while the killed worker's jobs are
    // taken over once their locks run out (BullMQ's stalled-job check)
    const until = Date.now() + 180_000;
    let state = { triaged: 0, cases: 0, assigned: 0 };
    while (Date.now() < until) {
      const r = await sql.query<typeof state>(`
        SELECT (SELECT count(*)::int FROM "TriageOutcome") AS triaged,
               (SELECT count(*)::int FROM "Case") AS cases,
               (SELECT count(*)::int FROM "Case" WHERE phase = 'pending_acceptance') AS assigned`);
      state = r.rows[0]!;
      if (state.triaged === CHATS && state.cases === CHATS && state.assigned > 0) break;
      await sleep(1000);
    }
    expect(
      state,
      procs
        .map((p) => `${p.role}:${p.port} ${p.alive ? "alive" : "dead"}\n${p.log.join("").slice(-1500)}`)
        .join("\n"),
    ).toMatchObject({ triaged: CHATS, cases: CHATS });
    expect(state.assigned).toBeGreaterThan(0);

    const doubled = await sql.query(
      `SELECT "caseId" FROM "Assignment" WHERE status IN ('pending','accepted') GROUP BY "caseId" HAVING count(*) > 1`,
    );
    expect(doubled.rows).toEqual([]);
    const over = await sql.query(`
      SELECT cm.id FROM "CaseManager" cm JOIN "Case" c ON c."cmId" = cm.id AND c.phase NOT IN ('waiting','closed')
      GROUP BY cm.id HAVING count(c.id) > max(cm."capacityOverride")`);
    expect(over.rows).toEqual([]);
    const disagree = await sql.query(`
      SELECT w.id FROM "WaitlistEntry" w JOIN "Case" c ON c."intakeId" = w."intakeId"
      WHERE (w.status = 'waiting') <> (c.phase = 'waiting')`);
    expect(disagree.rows).toEqual([]);
    console.log(
      `multi-process: ${CHATS} intakes (${CHATS * SCRIPT.length} updates, ${redelivered} redelivered after the kill) across 3 app + 3 worker processes, one of each killed`,
    );
  }, 600_000);
});
