// Webhook mode: the bot registers its webhook with the Bot API and answers updates POSTed to
// /telegram/webhook only with the secret token; anything else is refused before a handler runs.
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/infra/redis.ts";
import { startTestSystem, TEST_BOT_TOKEN, type TestSystem } from "../support/system.ts";

const SECRET = "webhook-secret-0123456789";
let sys: TestSystem;
let server: TelegramServer;

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
  await server.start();
  sys = await startTestSystem({
    label: "webhook",
    env: {
      TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
      TELEGRAM_API_ROOT: server.config.apiURL,
      TELEGRAM_WEBHOOK_URL: "https://anlauf.example.org/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
  });
}, 60_000);
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await server?.stop();
});

const update = (id: number) => ({
  update_id: id,
  message: {
    message_id: id,
    date: Math.floor(Date.now() / 1000),
    chat: { id: 9001, type: "private", first_name: "W" },
    from: { id: 9001, is_bot: false, first_name: "W", language_code: "en" },
    text: "/start",
    entities: [{ type: "bot_command", offset: 0, length: 6 }],
  },
});

const post = (body: unknown, secret?: string) =>
  fetch(`http://127.0.0.1:${sys.port}/telegram/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
    },
    body: JSON.stringify(body),
  });

describe("Telegram webhook", () => {
  it("refuses updates without or with a wrong secret token, and nothing is handled", async () => {
    expect((await post(update(1))).status).toBe(401);
    expect((await post(update(2), "wrong-secret-0123456789")).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(server.storage.botMessages.filter((m) => String(m.message.chat_id) === "9001")).toHaveLength(0);
  });

  it("handles an update with the secret token (the language picker answers /start)", async () => {
    expect((await post(update(3), SECRET)).status).toBe(200);
    const until = Date.now() + 5000;
    while (server.storage.botMessages.filter((m) => String(m.message.chat_id) === "9001").length === 0) {
      if (Date.now() > until) throw new Error("no answer to /start");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("answers a malformed body without crashing", async () => {
    const res = await fetch(`http://127.0.0.1:${sys.port}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: "{not json",
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`http://127.0.0.1:${sys.port}/health`)).status).toBe(200);
  });
});
