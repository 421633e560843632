// Intake pipeline under load (issue 14.2): thousands of simulated chats at once through the real
// grammY stack in webhook mode — HTTP server, secret token, sequentialize per chat, Redis dedupe,
// client lookup, flood guard, the features with their Postgres writes, intake.triage on the queue —
// driven by test/support/intake-load.ts against a local Bot API peer (test/support/bot-api-peer.ts).
//
// Full: 2,000 chats, each sends /start, language, info sheet, consent and two answers; every 10th
// goes on through the whole questionnaire to the submit (14,600 updates). --quick: 500 chats, four
// updates each, every 25th to the submit. The load generator (webhook client and Bot API peer) runs
// in this process too, so it shares the CPU with the system: the figures are a lower bound.
//
// Run alone:  npx tsx bench/intake.ts [--quick] [--chats 2000] [--connections 40]
// In the suite: bench/run.ts calls benchIntake({ quick }).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import ensureTestDatabase from "../test/support/global-setup.ts";
import { runIntakeLoad } from "../test/support/intake-load.ts";

export interface IntakeBenchOptions {
  quick: boolean;
  chats?: number;
  connections?: number;
  log?: (line: string) => void;
}

const q = (sorted: readonly number[], p: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
    : Number.NaN;

export async function benchIntake(opts: IntakeBenchOptions): Promise<Record<string, number>> {
  await ensureTestDatabase();
  const chats = opts.chats ?? (opts.quick ? 500 : 2000);
  const r = await runIntakeLoad({
    label: "bench_intake",
    chats,
    steps: opts.quick ? 4 : 6,
    fullEvery: opts.quick ? 25 : 10,
    ...(opts.connections ? { connections: opts.connections } : {}),
  });
  opts.log?.(
    `intake: ${r.sent} updates from ${r.chats} chats in ${Math.round(r.elapsedMs)} ms, ${r.refused} refused and retried`,
  );
  return {
    intake_chats: r.chats,
    intake_updates: r.sent,
    intake_updates_per_s: (r.sent / r.elapsedMs) * 1000,
    // the webhook round trip: grammY answers Telegram once the handler has finished
    intake_p50_ms: q(r.roundTripMs, 0.5),
    intake_p99_ms: q(r.roundTripMs, 0.99),
    intake_handler_p50_ms: q(r.handlerMs, 0.5),
    intake_handler_p99_ms: q(r.handlerMs, 0.99),
    intake_lost: r.lost,
    intake_duplicated: r.duplicated,
    intake_out_of_order_chats: r.outOfOrderChats,
    intake_overlaps: r.overlaps,
    intake_handler_errors: r.handlerErrors,
    intake_redelivered: r.redelivered,
    intake_refused: r.refused,
    intake_submitted: r.fullChats,
    intake_rows: r.intakes,
    intake_triage_jobs: r.triageJobs,
    intake_api_calls_per_update: r.apiCalls / r.sent,
    intake_cpu_ms_per_update: r.cpuMs / r.sent,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      chats: { type: "string" },
      connections: { type: "string" },
    },
  });
  const figures = await benchIntake({
    quick: values.quick ?? false,
    ...(values.chats ? { chats: Number(values.chats) } : {}),
    ...(values.connections ? { connections: Number(values.connections) } : {}),
    log: console.log,
  });
  for (const [k, v] of Object.entries(figures))
    console.log(`${k.padEnd(32)}${String(Math.round(v * 1000) / 1000).padStart(12)}`);
  process.exit(0);
}
