// Outbound pacing (issue 14.3): a burst of client notifications through the real `telegram.send` job
// (TelegramClientNotifier reserves each chat's 1 s spacing in Redis at enqueue; the telegram-out
// worker's limiter paces the whole queue; auto-retry repeats a 429 after retry_after) against a local
// Bot API peer that enforces Telegram's limits and answers 429 with retry_after
// (test/support/bot-api-peer.ts: 30 sends in any sliding second, per chat a bucket of 2 refilled at
// 1/s, 20 a minute per group).
//
// Full: 5,000 notifications — 4,900 to 2,450 chats (two each) and 100 (n / 50) to one chat, that one chat's
// enqueued spread through the burst. The allowed rate is what the limits permit for this mix:
// n / max(n / 30 s, (messages of the busiest chat − 1) s). --quick: the same mix scaled to 600
// (588 to 294 chats, 12 to one chat: 20 s instead of 167 s at the limit).
//
// Run alone:  npx tsx bench/pacing.ts [--quick] [--n 5000]
// In the suite: bench/run.ts calls benchPacing({ quick }).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { allFeatures } from "../src/features.ts";
import { clientNotifier } from "../src/telegram/notifier.ts";
import { BotApiPeer, TELEGRAM_LIMITS } from "../test/support/bot-api-peer.ts";
import ensureTestDatabase from "../test/support/global-setup.ts";
import { dropKeys } from "../test/support/intake-load.ts";
import { startTestSystem, type TestSystem } from "../test/support/system.ts";

export interface PacingBenchOptions {
  quick: boolean;
  n?: number;
  log?: (line: string) => void;
}

const TOKEN = "7654322:pacing-bench-token-0123456789";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchPacing(opts: PacingBenchOptions): Promise<Record<string, number>> {
  await ensureTestDatabase();
  const n = opts.n ?? (opts.quick ? 600 : 5000);
  const busy = Math.max(2, Math.round(n / 50)); // the one chat that gets many
  const spread = n - busy;
  const perChat = 2;
  const chats = Math.ceil(spread / perChat);
  const peer = await new BotApiPeer({
    token: TOKEN,
    limits: TELEGRAM_LIMITS,
    recordDeliveries: true,
  }).start();
  let sys: TestSystem | undefined;
  try {
    sys = await startTestSystem({
      label: "bench_pacing",
      env: { ANLAUF_ROLE: "worker", TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: peer.apiRoot },
      features: allFeatures(),
    });
    const db = sys.testDb.prisma;
    // clients 0..chats-1 get two each, client `chats` is the busy one
    const ids: string[] = [];
    for (let from = 0; from <= chats; from += 1000) {
      const data = Array.from({ length: Math.min(1000, chats + 1 - from) }, (_, k) => {
        const i = from + k;
        ids.push(crypto.randomUUID());
        return {
          id: ids[i]!,
          telegramUserId: BigInt(600_000_000 + i),
          telegramChatId: BigInt(600_000_000 + i),
          locale: "en",
          pseudonym: `K-P${i}`,
        };
      });
      await db.client.createMany({ data });
    }
    const busyId = ids[chats]!;
    const busyChat = 600_000_000 + chats;
    // the enqueue order: the spread messages round robin over the chats, the busy chat's among them
    const order: string[] = [];
    for (let r = 0; r < perChat; r++) for (let c = 0; c < chats; c++) order.push(ids[c]!);
    order.length = spread;
    const every = Math.floor(n / busy);
    for (let b = 0; b < busy; b++) order.splice(b * every, 0, busyId);

    const notifier = clientNotifier(sys.ctx);
    const t0 = Date.now();
    // the burst: enqueued 50 at a time, as a wait-list refresh that writes to everyone would
    for (let from = 0; from < order.length; from += 50)
      await Promise.all(
        order
          .slice(from, from + 50)
          .map((id, k) =>
            notifier.notify(
              id,
              "intake.submitted",
              { code: `P-${from + k}` },
              { key: `bench-pace-${from + k}` },
            ),
          ),
      );
    const enqueueMs = Date.now() - t0;
    const fastest = Math.max(n / TELEGRAM_LIMITS.globalPerS, busy - 1) * 1000;
    const until = Date.now() + fastest * 2 + 30_000;
    while (peer.deliveries.length < n && Date.now() < until) await sleep(200);
    await sleep(1500); // late duplicates, if any, would arrive now

    const d = peer.deliveries;
    const seen = new Map<string, number>();
    for (const x of d) {
      const code = /P-\d+/.exec(x.text)?.[0] ?? "";
      seen.set(code, (seen.get(code) ?? 0) + 1);
    }
    let duplicated = 0;
    for (const c of seen.values()) if (c > 1) duplicated += c - 1;
    const lost = n - seen.size;
    const first = d[0]?.at ?? t0;
    const last = d.at(-1)?.at ?? t0;
    const spanS = Math.max(0.001, (last - first) / 1000);
    const perS = (d.length - 1) / spanS;
    const allowed = n / (fastest / 1000);
    // steady state: after the first second of sending (a burst at the start is Telegram's to forgive)
    const steady429 = peer.refusals.filter((t) => t >= first + 1000).length;
    // the busy chat's spacing: the shortest gap between two of its messages
    const busyTimes = d.filter((x) => x.chatId === busyChat).map((x) => x.at);
    let minGap = Number.POSITIVE_INFINITY;
    for (let i = 1; i < busyTimes.length; i++) minGap = Math.min(minGap, busyTimes[i]! - busyTimes[i - 1]!);
    opts.log?.(
      `pacing: ${d.length}/${n} delivered in ${spanS.toFixed(1)} s (${perS.toFixed(1)}/s of ${allowed.toFixed(1)}/s allowed), ${peer.refusals.length} × 429`,
    );
    return {
      tg_out_n: n,
      tg_out_chats: chats + 1,
      tg_out_busy_chat_messages: busy,
      tg_out_enqueue_ms: enqueueMs,
      tg_out_delivered: d.length,
      tg_out_lost: lost,
      tg_out_duplicated: duplicated,
      tg_out_per_s: perS,
      tg_out_allowed_per_s: allowed,
      tg_out_ratio: perS / allowed,
      tg_out_span_s: spanS,
      tg_429: peer.refusals.length,
      tg_429_steady: steady429,
      tg_429_global: peer.refusedBy.global,
      tg_429_chat: peer.refusedBy.chat,
      tg_out_busy_min_gap_ms: Number.isFinite(minGap) ? minGap : -1,
    };
  } finally {
    if (sys) await dropKeys(sys);
    await sys?.shutdown({ dropDb: true });
    await peer.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, n: { type: "string" } },
  });
  const figures = await benchPacing({
    quick: values.quick ?? false,
    ...(values.n ? { n: Number(values.n) } : {}),
    log: console.log,
  });
  for (const [k, v] of Object.entries(figures))
    console.log(`${k.padEnd(32)}${String(Math.round(v * 1000) / 1000).padStart(12)}`);
  process.exit(0);
}
