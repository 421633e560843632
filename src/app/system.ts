// The composition root: opens the stores, builds the bots and workers the role asks for, serves HTTP,
// and knows how to stop all of it in order. main.ts and the tests both start the system through here.
import type { Server } from "node:http";
import { type RunnerHandle, run } from "@grammyjs/runner";
import type { Worker } from "bullmq";
import { type Bot, webhookCallback } from "grammy";
import type { Env, Role } from "../config/env.ts";
import { dbTargetFromEnv } from "../config/env.ts";
import type { Organisation } from "../config/org.schema.ts";
import { type DbHandle, describeTarget, openDb } from "../db/client.ts";
import { applyMigrations, openEngine, pendingMigrations } from "../db/schema-engine.ts";
import { createHttpServer, type HealthReport, listen } from "../http/server.ts";
import { createI18n } from "../i18n/index.ts";
import { openRedis, type RedisHandle } from "../infra/redis.ts";
import type { Logger } from "../lib/logger.ts";
import { REMINDER_QUEUE_CONCURRENCY } from "../modules/appointments/config.ts";
import { OrgRepository } from "../modules/org/org.repository.ts";
import { createCipher } from "../privacy/crypto.ts";
import { assertKeysWork } from "../privacy/startup-check.ts";
import { JOBS, type Jobs, QUEUES } from "../queue/jobs.ts";
import { type Handlers, Producer, startWorker } from "../queue/registry.ts";
import { createSlackApp, type SlackRuntime } from "../slack/app.ts";
import { redisReplayStore } from "../slack/guard.ts";
import type { BotContext } from "../telegram/context.ts";
import { TELEGRAM_QUEUE_LIMITER } from "../telegram/notifier.ts";
import type { AppContext, Feature } from "./feature.ts";

export interface SystemOptions {
  env: Env;
  org: Organisation;
  log: Logger;
  features: Feature[];
  /** apply pending migrations at start (default true; idempotent, guarded by the engine's lock) */
  migrate?: boolean;
  /** start a private redis-server when none answers (demo and fresh laptops) */
  allowPrivateRedis?: boolean;
  /** the offline Slack peer cannot answer auth.test for a real workspace */
  slackBotUserId?: string;
  now?: () => Date;
  /** tests hand in an already migrated database */
  db?: DbHandle;
}

export interface System {
  ctx: AppContext;
  port: number;
  bot?: Bot<BotContext>;
  slack?: SlackRuntime;
  workers: Worker[];
  stop(): Promise<void>;
}

const roleRuns = (role: Role, part: Exclude<Role, "all">) => role === "all" || role === part;

type Stop = { name: string; fn: () => Promise<unknown> };

async function runStops(stops: Stop[], log: Logger): Promise<void> {
  for (const s of stops) {
    try {
      await s.fn();
    } catch (e) {
      log.warn({ part: s.name, err: (e as Error).message }, "error while stopping");
    }
  }
}

export async function startSystem(opts: SystemOptions): Promise<System> {
  const stops: Stop[] = [];
  try {
    return await startParts(opts, stops);
  } catch (e) {
    // a failed start releases what it had opened, so the process can exit and tests do not leak
    await runStops(stops, opts.log);
    throw e;
  }
}

async function startParts(opts: SystemOptions, stops: Stop[]): Promise<System> {
  const { env, org, log, features } = opts;
  const started = Date.now();

  const db = opts.db ?? (await openDb(dbTargetFromEnv(env)));
  if (!opts.db) stops.unshift({ name: "database", fn: () => db.close() });
  log.info({ db: describeTarget(db.target) }, "database opened");
  if (
    opts.migrate !== false &&
    !opts.db &&
    (await pendingMigrations(db.prisma, "prisma/migrations")).length
  ) {
    const engine = await openEngine(
      { schemaPath: "prisma/schema.prisma", migrationsDir: "prisma/migrations" },
      db.factory,
    );
    // processes started together: one applies, the others wait for the advisory lock; the engine
    // gives up on the lock after 10 s, so it is asked again (applying twice is a no-op)
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await applyMigrations(engine, "prisma/migrations");
        if (applied.length) log.info({ applied }, "migrations applied");
        break;
      } catch (e) {
        if (attempt >= 6 || !/advisory lock/i.test(String((e as Error).message))) throw e;
        log.warn({ attempt }, "another process holds the migration lock; waiting");
      }
    }
  }
  const sync = await new OrgRepository(db.prisma).sync(org);
  log.info(
    { org: org.municipality.id, caseManagers: sync.caseManagers, deactivated: sync.deactivated.length },
    "organisation synced",
  );

  const redis: RedisHandle = await openRedis({
    url: env.REDIS_URL,
    clusterNodes: env.REDIS_CLUSTER_NODES,
    dataDir: env.ANLAUF_DATA_DIR,
    allowPrivate: opts.allowPrivateRedis ?? false,
    log,
  });
  stops.unshift({ name: "redis", fn: () => redis.close() });

  const producer = new Producer(JOBS, redis.client, env.ANLAUF_QUEUE_PREFIX);
  stops.unshift({ name: "queues", fn: () => producer.close() });

  const ctx: AppContext = {
    env,
    org,
    db: db.prisma,
    redis,
    producer,
    log,
    i18n: await createI18n(),
    cipher: createCipher(env.ANLAUF_ENCRYPTION_KEYS),
    now: opts.now ?? (() => new Date()),
  };
  // a key that cannot read what is stored stops the process before anything is served or written
  await assertKeysWork(db.prisma, ctx.cipher);

  // ── Telegram ──
  let bot: Bot<BotContext> | undefined;
  let runner: RunnerHandle | undefined;
  let telegramWebhook:
    | ((req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => unknown)
    | undefined;
  const wantsTelegram = roleRuns(env.ANLAUF_ROLE, "telegram") || roleRuns(env.ANLAUF_ROLE, "worker");
  if (wantsTelegram && env.TELEGRAM_BOT_TOKEN) {
    const { buildTelegramBot, registerCommands } = await import("../telegram/setup.ts");
    bot = buildTelegramBot(ctx, features, env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_ROOT);
    ctx.telegramApi = bot.api;
    if (roleRuns(env.ANLAUF_ROLE, "telegram")) {
      await bot.init();
      await registerCommands(ctx, bot);
      if (env.TELEGRAM_WEBHOOK_URL) {
        await bot.api.setWebhook(env.TELEGRAM_WEBHOOK_URL, { secret_token: env.TELEGRAM_WEBHOOK_SECRET! });
        telegramWebhook = webhookCallback(bot, "http", { secretToken: env.TELEGRAM_WEBHOOK_SECRET! });
        log.info({ bot: bot.botInfo.username, mode: "webhook" }, "telegram bot ready");
      } else {
        await bot.api.deleteWebhook().catch(() => {});
        runner = run(bot, {
          runner: {
            fetch: { allowed_updates: ["message", "callback_query", "edited_message", "my_chat_member"] },
          },
        });
        stops.unshift({ name: "telegram", fn: async () => runner?.isRunning() && runner.stop() });
        log.info({ bot: bot.botInfo.username, mode: "polling" }, "telegram bot ready");
      }
    }
  } else if (wantsTelegram) {
    log.info("telegram bot not started: TELEGRAM_BOT_TOKEN is not set");
  }

  // ── Slack ──
  let slack: SlackRuntime | undefined;
  const wantsSlack = roleRuns(env.ANLAUF_ROLE, "slack") || roleRuns(env.ANLAUF_ROLE, "worker");
  if (wantsSlack && env.SLACK_BOT_TOKEN) {
    slack = createSlackApp({
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      log,
      features: features.flatMap((f) => (f.slack ? [f.slack(ctx)] : [])),
      replay: redisReplayStore(redis.client, env.ANLAUF_QUEUE_PREFIX),
      ...(opts.slackBotUserId ? { botUserId: opts.slackBotUserId } : {}),
    });
    ctx.slackClient = slack.app.client;
    if (roleRuns(env.ANLAUF_ROLE, "slack")) {
      if (slack.mode === "socket") {
        await slack.app.start();
        stops.unshift({ name: "slack", fn: () => slack!.app.stop() });
      }
      log.info({ mode: slack.mode }, "slack app ready");
    }
  } else if (wantsSlack) {
    log.info("slack app not started: SLACK_BOT_TOKEN is not set");
  }

  // ── Workers ──
  const workers: Worker[] = [];
  if (roleRuns(env.ANLAUF_ROLE, "worker")) {
    const handlers: Handlers<Jobs> = Object.assign({}, ...features.map((f) => f.jobs?.(ctx) ?? {}));
    const limits: Record<string, { concurrency: number; limiter?: { max: number; duration: number } }> = {
      [QUEUES.work]: { concurrency: 8 },
      // Telegram: about 30 messages per second overall, measured over any second. Notifications come
      // spaced by the send calendar (src/telegram/notifier.ts, 28/s); the limiter (2 per 72 ms) keeps
      // jobs running behind their slots, or sending without one, to 30 in any second too: 25 per 1000 ms let them out in bursts, which drew 429s whose retries drew
      // more (bench/pacing.ts)
      [QUEUES.telegram]: { concurrency: 10, limiter: TELEGRAM_QUEUE_LIMITER },
      // Slack: chat.postMessage about 1 per second per channel; stay well below workspace limits
      [QUEUES.slack]: { concurrency: 4, limiter: { max: 10, duration: 1000 } },
      // reminders: tiny, time-critical jobs (see bench/reminders.ts for the lateness this buys)
      [QUEUES.reminders]: { concurrency: REMINDER_QUEUE_CONCURRENCY },
    };
    for (const queue of Object.values(QUEUES)) {
      workers.push(
        startWorker({
          registry: JOBS,
          queue,
          handlers,
          connection: redis.connect(),
          prefix: env.ANLAUF_QUEUE_PREFIX,
          log,
          options: limits[queue],
        }),
      );
    }
    for (const f of features) await f.start?.(ctx);
    stops.unshift({ name: "workers", fn: () => Promise.all(workers.map((w) => w.close())) });
    log.info({ queues: Object.values(QUEUES) }, "workers ready");
  }

  // ── HTTP ──
  const health = async (): Promise<HealthReport> => {
    const checks: HealthReport["checks"] = {};
    try {
      await db.prisma.$queryRaw`SELECT 1`;
      checks.postgres = { ok: true };
    } catch (e) {
      checks.postgres = { ok: false, detail: (e as Error).name };
    }
    try {
      checks.redis = { ok: (await redis.client.ping()) === "PONG" };
    } catch (e) {
      checks.redis = { ok: false, detail: (e as Error).name };
    }
    return { ok: Object.values(checks).every((c) => c.ok), checks };
  };
  const server: Server = createHttpServer({
    log,
    health,
    ready: () => true,
    metrics: () => metricsText(producer, started),
    ...(env.ANLAUF_METRICS_TOKEN ? { metricsToken: env.ANLAUF_METRICS_TOKEN } : {}),
    ...(telegramWebhook ? { telegramWebhook, telegramSecret: env.TELEGRAM_WEBHOOK_SECRET! } : {}),
    ...(slack?.requestListener ? { slackEvents: slack.requestListener } : {}),
  });
  const port = await listen(server, env.PORT);
  stops.unshift({
    name: "http",
    fn: () => new Promise<void>((res) => server.close(() => res())).then(() => server.closeAllConnections()),
  });
  log.info({ port, role: env.ANLAUF_ROLE, ms: Date.now() - started }, "anlauf is up");

  let stopping: Promise<void> | undefined;
  return {
    ctx,
    port,
    ...(bot ? { bot } : {}),
    ...(slack ? { slack } : {}),
    workers,
    stop: () => {
      // order: stop taking requests, then stop producers of work, then workers, then the stores
      stopping ??= runStops(stops, log);
      return stopping;
    },
  };
}

async function metricsText(producer: Producer<Jobs>, started: number): Promise<string> {
  const lines = [
    "# HELP anlauf_uptime_seconds Seconds since the process started.",
    "# TYPE anlauf_uptime_seconds gauge",
    `anlauf_uptime_seconds ${((Date.now() - started) / 1000).toFixed(0)}`,
    "# HELP anlauf_queue_jobs Jobs per queue and state.",
    "# TYPE anlauf_queue_jobs gauge",
  ];
  for (const q of Object.values(QUEUES)) {
    const counts = await producer.queue(q).getJobCounts("waiting", "active", "delayed", "failed");
    for (const [state, n] of Object.entries(counts))
      lines.push(`anlauf_queue_jobs{queue="${q}",state="${state}"} ${n}`);
  }
  const mem = process.memoryUsage();
  lines.push(
    "# HELP anlauf_rss_bytes Resident memory of the process.",
    "# TYPE anlauf_rss_bytes gauge",
    `anlauf_rss_bytes ${mem.rss}`,
  );
  return `${lines.join("\n")}\n`;
}
