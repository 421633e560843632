// `npm run demo`: the whole system on one machine with no credentials: embedded Postgres (PGlite),
// a Redis (the local one, or a private redis-server), a local Telegram Bot API (telegram-test-api) and
// a local Slack Web API, with the Bielefeld organisation file. Prints what to do next.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { startSystem } from "../src/app/system.ts";
import { parseEnv } from "../src/config/env.ts";
import { loadOrganisation } from "../src/config/org.load.ts";
import { startSlackPeer } from "../src/devtools/slack-peer.ts";
import { allFeatures } from "../src/features.ts";
import { freePort } from "../src/infra/redis.ts";
import { createLogger } from "../src/lib/logger.ts";
import { generateKeySpec } from "../src/privacy/crypto.ts";

// `--scenario` alone plays the intake; `--scenario=casework` (or `--scenario casework`) the case work
const argv = process.argv.slice(2);
const args = argv.flatMap((a, i) => {
  if (a === "--scenario") return /^[a-z]/.test(argv[i + 1] ?? "") ? [] : ["--scenario=intake"];
  return /^[a-z]/.test(a) && argv[i - 1] === "--scenario" ? [`--scenario=${a}`] : [a];
});
const { values } = parseArgs({
  args,
  options: {
    port: { type: "string", default: process.env.PORT ?? "3000" },
    "data-dir": { type: "string", default: process.env.ANLAUF_DATA_DIR ?? ".data/demo" },
    org: { type: "string", default: process.env.ANLAUF_ORG ?? "orgs/bielefeld.yaml" },
    scenario: { type: "string" },
    "exit-after-scenario": { type: "boolean", default: false },
  },
});

const SCENARIOS = ["intake", "casework"];
if (values.scenario !== undefined && !SCENARIOS.includes(values.scenario)) {
  console.error(`unknown scenario "${values.scenario}": use --scenario (the intake) or --scenario=casework`);
  process.exit(2);
}

const DEMO_TOKEN = "5555555555:offline-demo-token-not-a-secret";
const started = Date.now();
const dataDir = values["data-dir"]!;
await mkdir(dataDir, { recursive: true });

// the demo's own encryption key, made once and kept beside its data (never a built-in default)
const keyFile = `${dataDir}/encryption-keys`;
if (!existsSync(keyFile)) await writeFile(keyFile, generateKeySpec("demo"), { mode: 0o600 });
const keys = (await readFile(keyFile, "utf8")).trim();

const tgPort = await freePort();
const telegram = new TelegramServer({ port: tgPort, host: "127.0.0.1", storeTimeout: 600 });
await telegram.start();
const slackCalls: string[] = [];
const slack = await startSlackPeer(0, (c) => {
  if (c.method !== "auth.test") slackCalls.push(c.method);
  if (process.env.DEMO_PRINT_SLACK)
    console.log(`[slack] ${c.method} ${JSON.stringify(c.args).slice(0, 300)}`);
});

const env = parseEnv({
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? "",
  ANLAUF_DATA_DIR: dataDir,
  ANLAUF_ORG: values.org,
  ANLAUF_QUEUE_PREFIX: process.env.ANLAUF_QUEUE_PREFIX ?? "anlauf-demo",
  ANLAUF_ENCRYPTION_KEYS: process.env.ANLAUF_ENCRYPTION_KEYS ?? keys,
  PORT: values.port,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  TELEGRAM_BOT_TOKEN: DEMO_TOKEN,
  TELEGRAM_API_ROOT: telegram.config.apiURL,
  TELEGRAM_WEBHOOK_URL: "",
  SLACK_BOT_TOKEN: "xoxb-offline-demo",
  SLACK_SIGNING_SECRET: randomBytes(16).toString("hex"),
  SLACK_APP_TOKEN: "",
  SLACK_API_URL: slack.url,
});
const log = createLogger(env.LOG_LEVEL);
// the system's clock; the case-work scenario moves it forward where weeks pass
const clock = { offsetMs: 0 };
const system = await startSystem({
  env,
  org: await loadOrganisation(env.ANLAUF_ORG),
  log,
  features: allFeatures(),
  allowPrivateRedis: true,
  now: () => new Date(Date.now() + clock.offsetMs),
  slackBotUserId: "UBOTANLAUF",
});

// the local Bot API numbers updates from 1 again on every run: forget the update ids the duplicate
// filter remembered from an earlier run, or it would silently drop this run's first updates
{
  const redis = system.ctx.redis.client;
  const pattern = `${env.ANLAUF_QUEUE_PREFIX}:tg:update:*`;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

const base = `http://127.0.0.1:${system.port}`;
console.log(`
anlauf is running offline (${((Date.now() - started) / 1000).toFixed(1)} s).

  health         ${base}/health
  metrics        ${base}/metrics
  Telegram peer  ${telegram.config.apiURL}  (telegram-test-api; bot token ${DEMO_TOKEN})
  Slack peer     ${slack.url.replace(/api\/$/, "calls")}  (every Web API call anlauf made)
  Slack events   ${base}/slack/events  (signed with the demo's signing secret)
  data           ${dataDir}  (embedded Postgres, encryption key; delete it to start over)

Ctrl-C stops everything. \`npm run demo -- --scenario\` starts it again and plays a newcomer's intake
through the Telegram peer, printing the conversation and what happened behind it (triage, the
assignment card in Slack); \`npm run demo -- --scenario=casework\` plays one case from Accept to
its closure through signed Slack requests and the Telegram peer; \`npm run report -- --seed-demo\`
prints a committee report.
`);

const shutdown = async () => {
  await system.stop();
  await telegram.stop();
  await slack.close();
  process.exit(0);
};
process.once("SIGINT", () => void shutdown());
process.once("SIGTERM", () => void shutdown());

if (values.scenario === "intake") {
  const { playScenario } = await import("./demo-scenario.ts");
  await playScenario({ telegram, token: DEMO_TOKEN, system, slackCalls, slack, dataDir, print: console.log });
} else if (values.scenario === "casework") {
  const { playCaseworkScenario } = await import("./demo-casework.ts");
  await playCaseworkScenario({ telegram, token: DEMO_TOKEN, system, slack, clock, print: console.log });
}
if (values.scenario && values["exit-after-scenario"]) await shutdown();
