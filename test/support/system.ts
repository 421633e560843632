// Starts the real system for a test: a fresh Postgres schema, a unique queue prefix on the real Redis,
// and optional offline Telegram/Slack peers. Everything it opens, it closes.
import { randomBytes } from "node:crypto";
import type { Feature } from "../../src/app/feature.ts";
import { type System, startSystem } from "../../src/app/system.ts";
import { parseEnv } from "../../src/config/env.ts";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { allFeatures } from "../../src/features.ts";
import { createLogger, type Logger, silentLogger } from "../../src/lib/logger.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { createTestDb, type TestDb } from "./db.ts";

export const TEST_BOT_TOKEN = "1234567890:test-token-for-telegram-test-api";

export interface TestSystem extends System {
  testDb: TestDb;
  prefix: string;
  env: Record<string, string>;
  /** stops the system; the database stays for a restart unless `dropDb` */
  shutdown(opts?: { dropDb?: boolean }): Promise<void>;
}

export async function startTestSystem(opts: {
  label: string;
  env?: Record<string, string>;
  org?: string;
  features?: Feature[];
  testDb?: TestDb;
  prefix?: string;
  log?: Logger;
  now?: () => Date;
}): Promise<TestSystem> {
  const testDb = opts.testDb ?? (await createTestDb(opts.label));
  const prefix = opts.prefix ?? `t-${opts.label}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const rawEnv: Record<string, string> = {
    ANLAUF_ENCRYPTION_KEYS: generateKeySpec("test"),
    ANLAUF_QUEUE_PREFIX: prefix,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    PORT: "0",
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    ...opts.env,
  };
  const env = parseEnv(rawEnv);
  const log = opts.log ?? (process.env.TEST_LOG ? createLogger("debug") : silentLogger);
  const system = await startSystem({
    env,
    org: await loadOrganisation(opts.org ?? "orgs/bielefeld.yaml"),
    log,
    features: opts.features ?? allFeatures(),
    db: testDb,
    slackBotUserId: "UBOTANLAUF",
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    ...system,
    testDb,
    prefix,
    env: rawEnv,
    shutdown: async (o) => {
      await system.stop();
      if (o?.dropDb) await testDb.drop();
    },
  };
}

/** Removes every job of the system's queues (its prefix is its own): for an afterAll. */
export async function emptyQueues(sys: TestSystem | undefined): Promise<void> {
  if (!sys) return;
  for (const q of Object.values(QUEUES))
    await sys.ctx.producer
      .queue(q)
      .obliterate({ force: true })
      .catch(() => {});
}
