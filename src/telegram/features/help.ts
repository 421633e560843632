// /help and /cancel. /mydata and /delete belong to the privacy feature (src/modules/privacy).
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { type ClientServices, clearKeyboard, html, officeLines, send, tr } from "./shared.ts";

export function helpComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const offices = () => html(officeLines(s.app));

  c.command("help", async (ctx) => {
    await send(
      ctx,
      tr(ctx, "help.text", { offices: offices(), dataCommands: html(tr(ctx, "help.dataCommands")) }),
    );
  });

  c.command("cancel", async (ctx) => {
    if (ctx.clientId) {
      const loaded = await s.intakes.loadConversation(ctx.clientId);
      if (!loaded) return void (await send(ctx, tr(ctx, "cancel.nothing")));
      await s.intakes.deleteConversation(ctx.clientId);
      if ("state" in loaded) await clearKeyboard(ctx, loaded.state.messageId);
      await send(ctx, tr(ctx, "cancel.done"));
      return;
    }
    const had = await s.visitors.get(ctx.from!.id);
    await s.visitors.delete(ctx.from!.id);
    await send(ctx, tr(ctx, had ? "cancel.visitor" : "cancel.nothing"));
  });

  return c;
}
