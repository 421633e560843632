// The last word for a private update no feature handled: a short, localized answer or, for service
// messages, silence. Must be the last feature (src/features.ts).
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { outdated, send, tr } from "./shared.ts";
import { unsupportedComposer } from "./unsupported.ts";

export const TELEGRAM_TEXT_LIMIT = 4096;

export function fallbackComposer(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on("callback_query", (ctx) => outdated(ctx));
  c.use(unsupportedComposer());
  c.on("message", async (ctx) => {
    if (ctx.chat.type !== "private") return;
    const m = ctx.message;
    if (typeof m.text === "string") {
      if (m.text.startsWith("/")) return void (await send(ctx, tr(ctx, "errors.unknownCommand")));
      if (m.text.length > TELEGRAM_TEXT_LIMIT) return void (await send(ctx, tr(ctx, "errors.tooLong")));
      return void (await send(
        ctx,
        tr(ctx, ctx.clientId ? "errors.notUnderstood" : "errors.notUnderstoodVisitor"),
      ));
    }
    // service messages (pinned, chat photo changed, …): nothing to say
  });
  return c;
}
