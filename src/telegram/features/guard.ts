// The first client-facing middleware: decides what reaches the features at all.
//   - edited messages and channel posts: ignored by design (an edit of an answer already given
//     changes nothing; /help says so); membership changes pass on untouched (nothing to answer)
//   - groups: the bot talks only in private chats; a group hears "write to me privately" once a day
//   - floods: more than 20 updates in 10 s → one "slow down", then the chat is dropped for a minute
//   - visitors (no Client row yet): their chosen language comes from the visitor store
//   - callback data: the signature is checked; unsigned or tampered buttons get "outdated"
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import {
  answer,
  type ClientServices,
  HTML_OPTS,
  outdated,
  plain,
  setLocale,
  setPayload,
  tr,
} from "./shared.ts";

const GROUP_NOTICE_SECONDS = 24 * 3600;

export function guardComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(async (ctx, next) => {
    const u = ctx.update;
    // the bot was blocked or unblocked: no answer is possible; later features may want to know
    if (u.my_chat_member) return next();
    if (!u.message && !u.callback_query) return; // edits, channel posts…: ignored by design
    if (!ctx.from || ctx.from.is_bot) return;
    const chat = ctx.chat;
    if (!chat) return outdated(ctx); // a button under an inline message: we never send those
    if (chat.type !== "private") return privateOnly(ctx, s, chat.id);

    const verdict = await s.flood.hit(chat.id);
    if (verdict === "drop") return answer(ctx);
    if (verdict === "warn") {
      await answer(ctx);
      await ctx.reply(tr(ctx, "errors.slowDown"), HTML_OPTS);
      return;
    }

    if (!ctx.clientId) {
      const visitor = await s.visitors.get(ctx.from.id);
      if (visitor?.locale) setLocale(ctx, s.app, visitor.locale);
    }

    if (u.callback_query) {
      const decoded = s.codec.decode(u.callback_query.data);
      if (!decoded.ok) return outdated(ctx);
      setPayload(ctx, decoded.parts);
    }
    await next();
  });
  return c;
}

async function privateOnly(ctx: BotContext, s: ClientServices, chatId: number): Promise<void> {
  if (ctx.callbackQuery) return answer(ctx, plain(ctx, "errors.privateOnly"));
  const key = `${s.app.env.ANLAUF_QUEUE_PREFIX}:tg:group:${chatId}`;
  const first = (await s.app.redis.client.set(key, "1", "EX", GROUP_NOTICE_SECONDS, "NX")) === "OK";
  if (first) await ctx.reply(tr(ctx, "errors.privateOnly"), HTML_OPTS);
}
