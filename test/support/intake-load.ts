// Drives many simulated chats through the real Telegram intake at once, the way Telegram would: the
// real system (role "telegram", webhook mode, real Postgres and Redis, every feature) receives the
// updates POSTed to /telegram/webhook with the secret token, over at most `connections` concurrent
// requests (Telegram's max_connections: 40 by default, at most 100). Each chat is a person who taps the next button once
// the bot has answered the previous update (grammY answers the webhook after the handler finished),
// so a chat has one update in flight, except for redeliveries: a share of updates is POSTed twice at
// the same time, as Telegram does after a timeout, and must be handled once. A refused request (429
// from the HTTP limiter, 5xx) is retried later, as Telegram retries.
//
// A probe feature, first in the feature list, records every update that reaches the features: the
// per-chat order it ran in, whether two updates of one chat ever overlapped, and its handler time.
// bench/intake.ts (figures) and test/integration/telegram-intake-load.test.ts (properties) use it.
import { connect } from "node:net";
import { Composer } from "grammy";
import type { Feature } from "../../src/app/feature.ts";
import { allFeatures } from "../../src/features.ts";
import { createCallbackCodec } from "../../src/telegram/callback-data.ts";
import type { BotContext } from "../../src/telegram/context.ts";
import { choicesToBits, partnerFingerprint } from "../../src/telegram/keyboards.ts";
import { BotApiPeer } from "./bot-api-peer.ts";
import { startTestSystem, type TestSystem } from "./system.ts";

export const LOAD_TOKEN = "7654321:intake-load-token-0123456789";
export const LOAD_SECRET = "intake-load-secret-0123456789";
const SECRET = LOAD_SECRET;

/** One person's intake, start to submit; the first `steps` of it are sent. */
export const SCRIPT: readonly (`/${string}` | `tap:${string}` | `say:${string}`)[] = [
  "/start",
  "tap:l:en",
  "tap:s:go",
  // the agree button with no office released and no Slack relay (bits and fingerprint filled in per org)
  "tap:c:y:{none}",
  "tap:i:hh:c:family",
  "tap:i:ad:c:2",
  "say:1",
  "tap:i:di:c:heepen",
  "tap:i:to:y:work",
  "tap:i:to:d",
  "tap:i:ur:n",
  "tap:i:la:d",
  "tap:i:su:n",
  "tap:i:co:y:phone",
  "tap:i:co:d",
  "say:0151 234 567 89",
  "tap:i:ti:y:morning",
  "tap:i:ti:d",
  "say:Bench",
  "tap:i:or:s",
  "tap:i:rs:s",
  "tap:i:ar:s",
  "tap:i:sm:x",
];
export const FULL_INTAKE_STEPS = SCRIPT.length;

export interface IntakeLoadOptions {
  chats: number;
  /** how much of the intake each chat sends (default: all of it, to the submit) */
  steps?: number;
  /** every n-th chat sends the whole intake to the submit whatever `steps` says (default: none) */
  fullEvery?: number;
  /** concurrent webhook requests: Telegram's max_connections, 40 unless setWebhook says otherwise (default 40) */
  connections?: number;
  /** share of updates POSTed twice at once (default 0.05) */
  redeliverShare?: number;
  /**
   * share of updates sent together with the chat's next one, back to back on one connection (HTTP
   * pipelining keeps their order on the wire): the second reaches the bot while the first still runs,
   * so only the per-chat sequentializer keeps them apart (default 0.05)
   */
  pipelineShare?: number;
  label?: string;
  /** extra environment for the system under test */
  env?: Record<string, string>;
}

export interface IntakeLoadResult {
  chats: number;
  /** distinct updates the chats sent (redeliveries not counted) */
  sent: number;
  /** updates that reached the features */
  handled: number;
  /** sent but never handled */
  lost: number;
  /** handled more than once */
  duplicated: number;
  /** chats whose updates ran in another order than sent */
  outOfOrderChats: number;
  /** times an update of a chat started while another of the same chat was running */
  overlaps: number;
  redelivered: number;
  /** pairs of one chat's updates sent back to back */
  pipelined: number;
  /** requests the system refused (429, 5xx) that were retried */
  refused: number;
  elapsedMs: number;
  /** webhook round trip as Telegram sees it (request sent → answer), ms, sorted */
  roundTripMs: number[];
  /** updates whose handler threw (the error boundary answers errors.generic; Telegram gets 200) */
  handlerErrors: number;
  /** time inside the features (after per-chat ordering, dedupe and client lookup), ms, sorted */
  handlerMs: number[];
  /** chats that sent the whole intake; Intake rows written and intake.triage jobs queued */
  fullChats: number;
  intakes: number;
  triageJobs: number;
  /** Bot API calls the bot made */
  apiCalls: number;
  cpuMs: number;
}

interface Probe {
  order: Map<number, number[]>;
  running: Set<number>;
  overlaps: number;
  handlerMs: number[];
  errors: number;
}

function probeFeature(probe: Probe): Feature {
  return {
    name: "load-probe",
    telegram: () => {
      const c = new Composer<BotContext>();
      c.use(async (ctx, next) => {
        const chat = ctx.chat?.id ?? 0;
        const seen = probe.order.get(chat) ?? [];
        seen.push(ctx.update.update_id);
        probe.order.set(chat, seen);
        if (probe.running.has(chat)) probe.overlaps++;
        probe.running.add(chat);
        const t0 = performance.now();
        try {
          await next();
        } catch (e) {
          probe.errors++;
          throw e;
        } finally {
          probe.handlerMs.push(performance.now() - t0);
          probe.running.delete(chat);
        }
      });
      return c;
    },
  };
}

/**
 * The Telegram update a person's step of the script is: a command or text as a message, a tap as a
 * callback query on the newest message the bot sent to that chat.
 */
export function intakeUpdate(
  on: {
    codec: { encode(p: string): string };
    noneReleased: string;
    lastMessageId(chatId: number): number | undefined;
  },
  chatId: number,
  step: string,
  id: number,
) {
  const from = { id: chatId, is_bot: false, first_name: `P${chatId}`, language_code: "en" };
  const chat = { id: chatId, type: "private" as const, first_name: `P${chatId}` };
  const date = Math.floor(Date.now() / 1000);
  if (step.startsWith("tap:"))
    return {
      update_id: id,
      callback_query: {
        id: `${chatId}-${id}`,
        from,
        chat_instance: String(chatId),
        data: on.codec.encode(step.slice(4).replace("{none}", on.noneReleased)),
        message: {
          message_id: on.lastMessageId(chatId) ?? 1,
          date,
          chat,
          from: { id: 7654321, is_bot: true, first_name: "Anlauf" },
          text: "…",
        },
      },
    };
  const text = step.startsWith("say:") ? step.slice(4) : step;
  return {
    update_id: id,
    message: {
      message_id: id,
      date,
      chat,
      from,
      text,
      ...(text.startsWith("/")
        ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] }
        : {}),
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runIntakeLoad(opts: IntakeLoadOptions): Promise<IntakeLoadResult> {
  const steps = Math.min(opts.steps ?? SCRIPT.length, SCRIPT.length);
  const connections = opts.connections ?? 40;
  const redeliverShare = opts.redeliverShare ?? 0.05;
  const pipelineShare = opts.pipelineShare ?? 0.05;
  const peer = await new BotApiPeer({ token: LOAD_TOKEN }).start();
  const probe: Probe = { order: new Map(), running: new Set(), overlaps: 0, handlerMs: [], errors: 0 };
  let sys: TestSystem | undefined;
  try {
    sys = await startTestSystem({
      label: opts.label ?? "intake_load",
      env: {
        ANLAUF_ROLE: "telegram",
        TELEGRAM_BOT_TOKEN: LOAD_TOKEN,
        TELEGRAM_API_ROOT: peer.apiRoot,
        TELEGRAM_WEBHOOK_URL: "https://anlauf.example.org/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        ...opts.env,
      },
      // a scripted chat answers a whole questionnaire in a few seconds, faster than the per-chat flood
      // guard (20 updates in 10 s) lets a person; the guard is tested on its own, this measures the pipeline
      features: [probeFeature(probe), ...allFeatures({ flood: { max: 1000 } })],
    });
    const url = `http://127.0.0.1:${sys.port}/telegram/webhook`;
    const codec = createCallbackCodec(LOAD_TOKEN);
    const officeIds = sys.ctx.org.referralTargets.map((r) => r.id);
    const noneReleased = choicesToBits(
      { slack: false, partners: officeIds.map(() => false) },
      partnerFingerprint(officeIds),
    );
    let updateId = 1_000;
    const sentOrder = new Map<number, number[]>();
    const roundTrip: number[] = [];
    let refused = 0;
    let redelivered = 0;
    let pipelined = 0;

    const updateFor = (chatId: number, step: string, id: number) =>
      intakeUpdate({ codec, noneReleased, lastMessageId: (c) => peer.lastMessageId(c) }, chatId, step, id);

    /** POSTs until the system accepts it (Telegram retries refused deliveries). */
    const deliver = async (body: string): Promise<void> => {
      for (;;) {
        const t0 = performance.now();
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
          body,
        });
        await res.arrayBuffer();
        if (res.ok) {
          roundTrip.push(performance.now() - t0);
          return;
        }
        refused++;
        const after = Number(res.headers.get("retry-after") ?? "1");
        await sleep(Math.max(100, Math.min(5, after) * 1000 * Math.random()));
      }
    };

    /** Two updates back to back on one connection; the statuses of both answers. */
    const pipeline = (bodies: string[]): Promise<number[]> =>
      new Promise((resolve, reject) => {
        const sock = connect(sys!.port, "127.0.0.1");
        const chunks: Buffer[] = [];
        sock.on("data", (d) => chunks.push(d));
        sock.on("error", reject);
        sock.on("end", () => {
          const text = Buffer.concat(chunks).toString("latin1");
          resolve([...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])));
        });
        sock.write(
          bodies
            .map(
              (b, i) =>
                `POST /telegram/webhook HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
                `x-telegram-bot-api-secret-token: ${SECRET}\r\ncontent-length: ${Buffer.byteLength(b)}\r\n` +
                `connection: ${i === bodies.length - 1 ? "close" : "keep-alive"}\r\n\r\n${b}`,
            )
            .join(""),
        );
      });

    // the chats, each at its next step; a round-robin queue of chats whose next update may go
    const chatIds = Array.from({ length: opts.chats }, (_, i) => 500_000_000 + i);
    const next = new Map<number, number>(chatIds.map((c) => [c, 0]));
    const stepsOf = (i: number) => (opts.fullEvery && i % opts.fullEvery === 0 ? SCRIPT.length : steps);
    const lastStep = new Map<number, number>(chatIds.map((c, i) => [c, stepsOf(i)]));
    const fullChats = chatIds.filter((_, i) => stepsOf(i) === SCRIPT.length).length;
    const ready = [...chatIds];
    let head = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let rnd = 12345;
    const random = () => {
      rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
      return rnd / 0x7fffffff;
    };
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (head < ready.length) {
          const chatId = ready[head++]!;
          const k = next.get(chatId)!;
          const id = ++updateId;
          const body = JSON.stringify(updateFor(chatId, SCRIPT[k]!, id));
          const ids = sentOrder.get(chatId) ?? [];
          ids.push(id);
          sentOrder.set(chatId, ids);
          let done = k + 1;
          if (k + 1 < lastStep.get(chatId)! && random() < pipelineShare) {
            pipelined++;
            const id2 = ++updateId;
            ids.push(id2);
            const body2 = JSON.stringify(updateFor(chatId, SCRIPT[k + 1]!, id2));
            const statuses = await pipeline([body, body2]);
            // what was not answered 200 goes again, in order, as Telegram would redeliver it
            if (statuses[0] !== 200) await deliver(body);
            if (statuses[1] !== 200) await deliver(body2);
            done = k + 2;
          } else if (random() < redeliverShare) {
            redelivered++;
            await Promise.all([deliver(body), deliver(body)]);
          } else await deliver(body);
          if (done < lastStep.get(chatId)!) {
            next.set(chatId, done);
            ready.push(chatId);
          }
        }
      }),
    );
    const elapsedMs = performance.now() - t0;
    const cpu = process.cpuUsage(c0);

    let sent = 0;
    let handled = 0;
    let lost = 0;
    let duplicated = 0;
    let outOfOrderChats = 0;
    for (const [chat, ids] of sentOrder) {
      sent += ids.length;
      const got = probe.order.get(chat) ?? [];
      handled += got.length;
      const counts = new Map<number, number>();
      for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const id of ids) if (!counts.has(id)) lost++;
      for (const n of counts.values()) if (n > 1) duplicated += n - 1;
      const firsts = got.filter((id, i) => got.indexOf(id) === i);
      if (firsts.join(",") !== ids.filter((id) => counts.has(id)).join(",")) outOfOrderChats++;
    }
    const intakes = await sys.testDb.prisma.intake.count();
    const triageJobs = (await sys.ctx.producer.queue("work").getJobCounts("waiting")).waiting ?? 0;
    return {
      chats: opts.chats,
      sent,
      handled,
      lost,
      duplicated,
      outOfOrderChats,
      overlaps: probe.overlaps,
      redelivered,
      pipelined,
      refused,
      elapsedMs,
      roundTripMs: roundTrip.sort((a, b) => a - b),
      handlerMs: probe.handlerMs.sort((a, b) => a - b),
      handlerErrors: probe.errors,
      fullChats,
      intakes,
      triageJobs,
      apiCalls: [...peer.calls.values()].reduce((a, b) => a + b, 0),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    if (sys) await dropKeys(sys);
    await sys?.shutdown({ dropDb: true });
    await peer.stop();
  }
}

/** The run's queue prefix holds the triage jobs, dedupe and flood keys: remove them. */
export async function dropKeys(sys: TestSystem): Promise<void> {
  const r = sys.ctx.redis.client;
  let cursor = "0";
  do {
    const [c, keys] = await r.scan(cursor, "MATCH", `${sys.prefix}:*`, "COUNT", 1000);
    cursor = c;
    if (keys.length) await r.del(...keys);
  } while (cursor !== "0");
}
