// What the bot cannot carry (issue 13.4): stickers, locations, polls, contacts, dice, video notes and,
// until files are relayed, photos, documents and voice messages get one friendly explanation in the
// client's language (text can be passed on; a letter can be brought to the appointment). Nothing of
// it is stored or downloaded. Used by the fallback, so a feature that takes such content comes first.
import { Composer } from "grammy";
import type { Message } from "grammy/types";
import type { BotContext } from "../context.ts";
import { send, tr } from "./shared.ts";

export const UNSUPPORTED: readonly (keyof Message)[] = [
  "sticker",
  "photo",
  "voice",
  "audio",
  "video",
  "video_note",
  "animation",
  "document",
  "location",
  "venue",
  "contact",
  "poll",
  "dice",
  "story",
];

export function unsupportedComposer(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.chatType("private").on("message", async (ctx, next) => {
    const m = ctx.message;
    if (!UNSUPPORTED.some((k) => m[k] !== undefined)) return next();
    await send(ctx, tr(ctx, "errors.unsupportedMedia"));
  });
  return c;
}
