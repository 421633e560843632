// A vertical slice plugs into the running system through this one interface: Telegram handlers,
// Slack listeners, queue job handlers and start-up work. main composes the list.
import type { Api, Composer } from "grammy";
import type { i18n } from "i18next";
import type { Env } from "../config/env.ts";
import type { Organisation } from "../config/org.schema.ts";
import type { Db } from "../db/client.ts";
import type { RedisHandle } from "../infra/redis.ts";
import type { Logger } from "../lib/logger.ts";
import type { FieldCipher } from "../privacy/crypto.ts";
import type { Jobs } from "../queue/jobs.ts";
import type { Handlers, Producer } from "../queue/registry.ts";
import type { SlackApp } from "../slack/app.ts";
import type { BotContext } from "../telegram/context.ts";

export interface AppContext {
  env: Env;
  org: Organisation;
  db: Db;
  redis: RedisHandle;
  producer: Producer<Jobs>;
  log: Logger;
  i18n: i18n;
  cipher: FieldCipher;
  /** the Telegram Bot API client, when this process talks to Telegram (send jobs need it) */
  telegramApi?: Api;
  /** the Slack Web API client, when this process talks to Slack */
  slackClient?: SlackApp["client"];
  now: () => Date;
}

export interface Feature {
  name: string;
  telegram?: (ctx: AppContext) => Composer<BotContext>;
  slack?: (ctx: AppContext) => (app: SlackApp) => void;
  jobs?: (ctx: AppContext) => Handlers<Jobs>;
  /** repeatable jobs and other start-up work of a worker process */
  start?: (ctx: AppContext) => Promise<void>;
}
