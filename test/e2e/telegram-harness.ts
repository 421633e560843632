// End-to-end harness for the Telegram front door: a telegram-test-api server as the Bot API peer, a
// fresh Postgres schema, a unique queue prefix in the local Redis, and the real system (startSystem)
// with role "all" so the bot polls and the workers run. People are simulated through the peer's client
// API; what the bot sent is read from the peer's storage (edits are only visible there).
import type { InlineKeyboardButton } from "grammy/types";
import { Redis } from "ioredis";
import type { StoredBotUpdate } from "telegram-test-api/lib/telegramServer.js";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { Feature } from "../../src/app/feature.ts";
import { clientFallbackFeature, createIntakeFeature } from "../../src/app/features/intake.ts";
import { type System, startSystem } from "../../src/app/system.ts";
import { type Env, parseEnv } from "../../src/config/env.ts";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { freePort } from "../../src/infra/redis.ts";
import { createLogger, type Logger } from "../../src/lib/logger.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";
import { type CallbackCodec, createCallbackCodec } from "../../src/telegram/callback-data.ts";
import { choicesToBits, partnerFingerprint } from "../../src/telegram/keyboards.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

export const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTuvwxyz_e2e-test";

export interface Harness {
  server: TelegramServer;
  db: TestDb;
  env: Env;
  org: Organisation;
  codec: CallbackCodec;
  system: System;
  /** stops the running system (the bot process) and starts a new one on the same database and queues */
  restart(): Promise<System>;
  person(opts: { id: number; languageCode?: string; firstName?: string }): Person;
  close(): Promise<void>;
}

export async function createHarness(
  label: string,
  opts: {
    features?: Feature[];
    log?: Logger;
    env?: Record<string, string>;
    /** changes to the Bielefeld organisation for this harness (e.g. a first-contact channel) */
    org?: (org: Organisation) => Organisation;
  } = {},
): Promise<Harness> {
  const port = await freePort();
  const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 3600 });
  await server.start();
  const db = await createTestDb(label);
  const prefix = `t-${label.replace(/[^a-z0-9]/gi, "").toLowerCase()}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const env = parseEnv({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ANLAUF_ROLE: "all",
    ANLAUF_ENCRYPTION_KEYS: generateKeySpec("test"),
    ANLAUF_QUEUE_PREFIX: prefix,
    PORT: "0",
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: server.config.apiURL,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    ...opts.env,
  });
  const loaded = await loadOrganisation("orgs/bielefeld.yaml");
  const org = opts.org ? opts.org(loaded) : loaded;
  // a scripted person taps faster than the flood limit allows; the fuzz file tests the limit itself
  const features = opts.features ?? [createIntakeFeature({ flood: { max: 10_000 } }), clientFallbackFeature];
  const log = opts.log ?? createLogger(env.LOG_LEVEL, `e2e-${label}`);
  const boot = () => startSystem({ env, org, log, features, db, slackBotUserId: "UBOTANLAUF" });
  const h: Harness = {
    server,
    db,
    env,
    org,
    codec: createCallbackCodec(TOKEN),
    system: await boot(),
    async restart() {
      await h.system.stop();
      h.system = await boot();
      return h.system;
    },
    person: (o) => new Person(h, o),
    async close() {
      await h.system.stop();
      await server.stop();
      const r = new Redis(env.REDIS_URL);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length) await r.del(...keys);
      await r.quit();
      await db.drop();
    },
  };
  return h;
}

export interface Button {
  text: string;
  payload: string;
  data: string;
}

export const buttonsOf = (m: StoredBotUpdate, codec: CallbackCodec): Button[] => {
  const markup = m.message.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().flatMap((b) => {
    if (!("callback_data" in b)) return [];
    const d = codec.decode(b.callback_data);
    return d.ok ? [{ text: b.text, payload: d.payload, data: b.callback_data }] : [];
  });
};

export const textOf = (m: StoredBotUpdate): string => String(m.message.text ?? "");

/**
 * The payload of a consent-screen button ("t" toggle, "y" agree) for a state: the Slack relay and
 * the partner offices (referralTargets ids) switched on.
 */
export function consentCb(
  org: Pick<Organisation, "referralTargets">,
  action: "t" | "y",
  on: { slack?: boolean; partners?: readonly string[] } = {},
): string {
  const ids = org.referralTargets.map((r) => r.id);
  const choices = { slack: !!on.slack, partners: ids.map((id) => on.partners?.includes(id) ?? false) };
  return `c:${action}:${choicesToBits(choices, partnerFingerprint(ids))}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Person {
  readonly id: number;
  readonly languageCode: string | undefined;
  readonly firstName: string;

  constructor(
    private readonly h: Harness,
    o: { id: number; languageCode?: string; firstName?: string },
  ) {
    this.id = o.id;
    this.languageCode = o.languageCode;
    this.firstName = o.firstName ?? `Person${o.id}`;
  }

  private get client() {
    return this.h.server.getClient(TOKEN, { userId: this.id, chatId: this.id, firstName: this.firstName });
  }

  private get from() {
    return {
      from: {
        id: this.id,
        is_bot: false,
        first_name: this.firstName,
        ...(this.languageCode ? { language_code: this.languageCode } : {}),
      },
    };
  }

  /** Everything the bot has in this chat now, oldest first (edits applied, deleted messages gone). */
  messages(): StoredBotUpdate[] {
    return this.h.server.storage.botMessages.filter((m) => String(m.message.chat_id) === String(this.id));
  }

  texts(): string[] {
    return this.messages().map(textOf);
  }

  last(): StoredBotUpdate | undefined {
    return this.messages().at(-1);
  }

  async command(text: string): Promise<void> {
    const c = this.client;
    await c.sendCommand(c.makeCommand(text, this.from));
  }

  async say(text: string): Promise<void> {
    const c = this.client;
    await c.sendMessage(c.makeMessage(text, this.from));
  }

  /** The newest message with a button whose payload starts with `prefix`. */
  findButton(prefix: string): { message: StoredBotUpdate; button: Button } | undefined {
    const msgs = this.messages();
    for (let i = msgs.length - 1; i >= 0; i--) {
      const b = buttonsOf(msgs[i]!, this.h.codec).find((x) => x.payload.startsWith(prefix));
      if (b) return { message: msgs[i]!, button: b };
    }
    return undefined;
  }

  async waitFor<T>(pred: () => T | undefined | false, what: string, timeoutMs = 8000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > until) {
        const recent = this.texts()
          .slice(-3)
          .map((t) => t.slice(0, 160));
        throw new Error(`timed out waiting for ${what}; last bot messages: ${JSON.stringify(recent)}`);
      }
      await sleep(15);
    }
  }

  waitButton(prefix: string, timeoutMs?: number) {
    return this.waitFor(() => this.findButton(prefix), `a button ${prefix}`, timeoutMs);
  }

  /** Waits for a message whose text matches. */
  waitText(match: string | RegExp, timeoutMs?: number): Promise<StoredBotUpdate> {
    const ok = (t: string) => (typeof match === "string" ? t.includes(match) : match.test(t));
    return this.waitFor(
      () => [...this.messages()].reverse().find((m) => ok(textOf(m))),
      `a message ${match}`,
      timeoutMs,
    );
  }

  /** Taps the newest button whose payload is exactly `payload` (or starts with it, if it ends in ":"). */
  async tap(payload: string): Promise<void> {
    const found = await this.waitFor(() => {
      const f = this.findButton(payload);
      return f && (payload.endsWith(":") || f.button.payload === payload) ? f : undefined;
    }, `a button ${payload} to tap`);
    await this.tapData(found.button.data, found.message.messageId);
  }

  /** Sends any callback data (also forged) as if tapped on `messageId`. */
  async tapData(data: string, messageId?: number): Promise<void> {
    const c = this.client;
    const q = c.makeCallbackQuery(data, {
      ...this.from,
      ...(messageId !== undefined ? { message: { message_id: messageId } } : {}),
    });
    await c.sendCallback(q);
  }

  /** Taps and waits until a button with `next` prefix is shown (the next step). */
  async step(payload: string, next: string): Promise<void> {
    await this.tap(payload);
    await this.waitButton(next);
  }

  /**
   * Ticks an option of a multiple choice and waits until it shows as selected. "i:to:t:work" (the
   * former flip) is accepted and tapped as "i:to:y:work"; once ticked, the button reads "i:to:u:work".
   */
  async toggle(payload: string): Promise<void> {
    const tick = payload.replace(/^(i:\w+):t:/, "$1:y:");
    const ticked = tick.replace(/^(i:\w+):y:/, "$1:u:");
    await this.tap(tick);
    await this.waitFor(() => {
      const f = this.findButton(ticked);
      return f && f.button.payload === ticked && f.button.text.startsWith("✅") ? f : undefined;
    }, `${payload} selected`);
  }
}

/** The client's answer to the Slack-relay consent, as the consent screen would store it. */
export const relayConsent = (h: Harness, clientId: string, granted: boolean) =>
  h.db.prisma.consent.create({ data: { clientId, purpose: "slack_relay", version: "2026-11", granted } });
