// Builds the Telegram bot of the running system from the base (bot.ts) and the features' Composers.
import type { Bot } from "grammy";
import type { AppContext, Feature } from "../app/feature.ts";
import { directed } from "../i18n/bidi.ts";
import { isClientLocale, suggestLocale } from "../i18n/index.ts";
import { CLIENT_LOCALES } from "../modules/intake/answers.ts";
import { createBot } from "./bot.ts";
import { BotContext } from "./context.ts";
import { redisUpdateDeduper, type UpdateDeduper } from "./dedupe.ts";

/** Handled update ids live a day in Redis (Telegram redelivers for at most 24 hours); see dedupe.ts. */
export const redisDeduper = (app: AppContext): UpdateDeduper =>
  redisUpdateDeduper(app.redis.client, app.env.ANLAUF_QUEUE_PREFIX);

export const BOT_COMMANDS = [
  "start",
  "status",
  "appointment",
  "language",
  "consent",
  "help",
  "cancel",
  "mydata",
  "delete",
] as const;

export function buildTelegramBot(
  app: AppContext,
  features: Feature[],
  token: string,
  apiRoot: string,
): Bot<BotContext> {
  const bot = createBot<BotContext>({
    token,
    apiRoot,
    log: app.log,
    dedupe: redisDeduper(app),
    ContextConstructor: BotContext,
    setup: (b) => {
      // the client's chosen language wins over Telegram's language_code
      b.use(async (ctx, next) => {
        let locale = suggestLocale(ctx.from?.language_code) ?? "en";
        if (ctx.from) {
          const client = await app.db.client.findUnique({
            where: { telegramUserId: BigInt(ctx.from.id) },
            select: { id: true, locale: true },
          });
          if (client) {
            ctx.clientId = client.id;
            if (isClientLocale(client.locale)) locale = client.locale;
          }
        }
        ctx.locale = locale;
        ctx.t = app.i18n.getFixedT(locale, "client");
        await next();
      });
    },
    features: features.flatMap((f) => (f.telegram ? [f.telegram(app)] : [])),
    onError: async (ctx) => {
      // plain text (no parse mode), with the RTL line marks of every other client text
      if (ctx.chat?.type === "private") await ctx.reply(directed(ctx.t("errors.generic"), ctx.locale));
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
    },
  });
  // telegram-test-api ignores the long-poll timeout and answers empty at once: slow empty polls
  // down so the offline peer is not hammered (real Telegram holds the request open anyway)
  bot.api.config.use(async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (method === "getUpdates" && res.ok && Array.isArray(res.result) && res.result.length === 0)
      await new Promise((r) => setTimeout(r, 200));
    return res;
  });
  return bot;
}

/** Registers the command menu in every client language. Best effort: offline peers may not support it. */
export async function registerCommands(app: AppContext, bot: Bot<BotContext>): Promise<void> {
  for (const lng of CLIENT_LOCALES) {
    const t = app.i18n.getFixedT(lng, "client");
    const commands = BOT_COMMANDS.map((c) => ({ command: c, description: t(`commands.${c}`) }));
    // Telegram keys command lists by two-letter language code; de-simple shares "de" and is skipped
    if (lng === "de-simple") continue;
    try {
      await bot.api.setMyCommands(commands, { language_code: lng });
    } catch (e) {
      // offline peers (telegram-test-api) do not implement setMyCommands: the bot works without a menu
      app.log.info({ lng, err: (e as Error).message.slice(0, 120) }, "command menu not registered");
      return;
    }
  }
  await bot.api
    .setMyCommands(
      BOT_COMMANDS.map((c) => ({
        command: c,
        description: app.i18n.t(`commands.${c}`, { lng: "en", ns: "client" }),
      })),
    )
    .catch(() => {});
}
