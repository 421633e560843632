// Several processes, as production scales out (issue 14.4): 3 Telegram processes in webhook mode
// behind one address and 3 worker processes, all real child processes of `src/main.ts` on one
// Postgres database and one Redis, with a local Bot API peer. People fill in the questionnaire; a
// third of the way in, one app process and one worker are killed with SIGKILL. The "load balancer"
// (the driver here) sends what got no answer to another app process, as Telegram redelivers.
//
// Shown: every person's intake arrives exactly as they answered it (a lost tap leaves the
// questionnaire unfinished; a tap handled twice must not change an answer), every intake is triaged, no case is
// assigned twice, nobody is over capacity, and the wait list and the cases agree. Throughput is not
// asserted here (bench/scale.ts measures it: scale_3x_ratio).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { createCallbackCodec } from "../../src/telegram/callback-data.ts";
import { choicesToBits, partnerFingerprint } from "../../src/telegram/keyboards.ts";
import { BotApiPeer } from "../support/bot-api-peer.ts";
import { intakeUpdate, LOAD_SECRET, LOAD_TOKEN, SCRIPT } from "../support/intake-load.ts";
import { type Cluster, createCluster } from "../support/processes.ts";

const CHATS = 24;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let peer: BotApiPeer;
let cluster: Cluster;

beforeAll(async () => {
  peer = await new BotApiPeer({ token: LOAD_TOKEN }).start();
  cluster = await createCluster("mp", {
    TELEGRAM_BOT_TOKEN: LOAD_TOKEN,
    TELEGRAM_API_ROOT: peer.apiRoot,
    TELEGRAM_WEBHOOK_URL: "https://anlauf.example.org/telegram/webhook",
    TELEGRAM_WEBHOOK_SECRET: LOAD_SECRET,
  });
  // the first applies the migrations; the other five start together and find nothing to apply
  // (they no longer queue for Prisma's migration lock, which timed out with several waiting)
  await cluster.start("worker");
  await Promise.all(
    (["worker", "worker", "telegram", "telegram", "telegram"] as const).map((r) => cluster.start(r)),
  );
}, 600_000);

afterAll(async () => {
  await cluster?.close();
  await peer?.stop();
}, 60_000);

describe("three app and three worker processes, one of each killed mid-run", () => {
  it("loses no update, handles none twice, assigns no case twice and nobody over capacity", async () => {
    // demand above capacity, so the wait list and the capacity check both matter
    await cluster.sql.query(`UPDATE "CaseManager" SET "capacityOverride" = 2`);
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
    const apps = cluster.procs.filter((p) => p.role === "telegram");
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
            cluster.procs.find((p) => p.role === "worker")!.child.kill("SIGKILL");
          }
        }
      }),
    );
    expect(killed).toBe(true);

    // the intakes: one per person, with exactly the answers the script gave
    const intakes = await cluster.sql.query<{
      topics: string[];
      contactModes: string[];
      timesOfDay: string[];
      adults: number;
    }>(`SELECT topics, "contactModes", "timesOfDay", adults FROM "Intake"`);
    const stuck = await cluster.sql.query(`
      SELECT c."telegramUserId"::text AS chat, v.step, v.draft FROM "Client" c
      LEFT JOIN "Conversation" v ON v."clientId" = c.id
      WHERE NOT EXISTS (SELECT 1 FROM "Intake" i WHERE i."clientId" = c.id)`);
    expect(intakes.rows, `unfinished: ${JSON.stringify(stuck.rows)}`).toHaveLength(CHATS);
    for (const r of intakes.rows) {
      expect(r.topics).toEqual(["work"]);
      expect(r.contactModes).toEqual(["phone"]);
      expect(r.timesOfDay).toEqual(["morning"]);
      expect(r.adults).toBe(2);
    }

    // the workers (two left) triage every intake and assign, while the killed worker's jobs are
    // taken over once their locks run out (BullMQ's stalled-job check)
    const until = Date.now() + 180_000;
    let state = { triaged: 0, cases: 0, assigned: 0 };
    while (Date.now() < until) {
      const r = await cluster.sql.query<typeof state>(`
        SELECT (SELECT count(*)::int FROM "TriageOutcome") AS triaged,
               (SELECT count(*)::int FROM "Case") AS cases,
               (SELECT count(*)::int FROM "Case" WHERE phase = 'pending_acceptance') AS assigned`);
      state = r.rows[0]!;
      if (state.triaged === CHATS && state.cases === CHATS && state.assigned > 0) break;
      await sleep(1000);
    }
    expect(state, cluster.logs()).toMatchObject({ triaged: CHATS, cases: CHATS });
    expect(state.assigned).toBeGreaterThan(0);

    const doubled = await cluster.sql.query(
      `SELECT "caseId" FROM "Assignment" WHERE status IN ('pending','accepted') GROUP BY "caseId" HAVING count(*) > 1`,
    );
    expect(doubled.rows).toEqual([]);
    const over = await cluster.sql.query(`
      SELECT cm.id FROM "CaseManager" cm JOIN "Case" c ON c."cmId" = cm.id AND c.phase NOT IN ('waiting','closed')
      GROUP BY cm.id HAVING count(c.id) > max(cm."capacityOverride")`);
    expect(over.rows).toEqual([]);
    const disagree = await cluster.sql.query(`
      SELECT w.id FROM "WaitlistEntry" w JOIN "Case" c ON c."intakeId" = w."intakeId"
      WHERE (w.status = 'waiting') <> (c.phase = 'waiting')`);
    expect(disagree.rows).toEqual([]);
    console.log(
      `multi-process: ${CHATS} intakes (${CHATS * SCRIPT.length} updates, ${redelivered} redelivered after the kill) across 3 app + 3 worker processes, one of each killed`,
    );
  }, 600_000);
});
