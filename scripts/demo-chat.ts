// One person's chat with the bot through the local Telegram Bot API (telegram-test-api), as the demo
// scenarios play it: taps signed buttons by their payload, writes at a human pace (the bot's flood
// limit is real) and prints every new or edited bot message as a person reads it.

import type { InlineKeyboardButton } from "grammy/types";
import type { StoredBotUpdate, TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { System } from "../src/app/system.ts";
import { interactionBody, signSlackRequest } from "../src/devtools/slack-requests.ts";
import { createCallbackCodec } from "../src/telegram/callback-data.ts";

const PACE_MS = 600;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Telegram HTML → what a person reads. */
export const plainText = (html: string) =>
  html
    .replace(/<\/?(b|i|code)>/g, "")
    .replace(/\u200f/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

export type DemoChat = ReturnType<typeof demoChat>;

export function demoChat(args: {
  telegram: TelegramServer;
  token: string;
  user: { id: number; firstName: string; languageCode: string };
  print: (s: string) => void;
}) {
  const { telegram, token, user, print } = args;
  const codec = createCallbackCodec(token);
  const client = telegram.getClient(token, { userId: user.id, chatId: user.id, firstName: user.firstName });
  const from = {
    from: { id: user.id, is_bot: false, first_name: user.firstName, language_code: user.languageCode },
  };
  const shown = new Map<number, string>();
  const shownText = new Map<number, string>();
  const mine = () =>
    telegram.storage.botMessages.filter((m) => String(m.message.chat_id) === String(user.id));
  const keyboard = (m: StoredBotUpdate) =>
    (
      (m.message.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)
        ?.inline_keyboard ?? []
    ).map((row) => row.map((b) => ({ text: b.text, data: "callback_data" in b ? b.callback_data : "" })));
  const textOnly = (m: StoredBotUpdate) => plainText(String(m.message.text ?? ""));
  const render = (m: StoredBotUpdate) => {
    const rows = keyboard(m)
      .map((row) => `      ${row.map((b) => `[${b.text}]`).join(" ")}`)
      .join("\n");
    const text = textOnly(m)
      .split("\n")
      .map((l) => `   ${l}`)
      .join("\n");
    return rows ? `${text}\n${rows}` : text;
  };
  /** prints new bot messages and messages that changed since the last look */
  const flush = () => {
    for (const m of mine()) {
      const now = render(m);
      const before = shown.get(m.messageId);
      if (before === now) continue;
      if (before === undefined) print(`\n🤖\n${now}`);
      else if (shownText.get(m.messageId) === textOnly(m))
        print(
          `\n🤖 (updates the buttons of its message)${now.slice(now.indexOf("\n      [") >= 0 ? now.indexOf("\n      [") : now.length) || " – none left"}`,
        );
      else print(`\n🤖 (edits its message)\n${now}`);
      shown.set(m.messageId, now);
      shownText.set(m.messageId, textOnly(m));
    }
  };
  const changed = () => mine().some((m) => shown.get(m.messageId) !== render(m));
  /** waits until the bot reacted (something changed) and the expected state is there */
  const waitFor = async (pred: () => boolean, what: string, ms = 15_000) => {
    const until = Date.now() + ms;
    while (!(changed() && pred())) {
      if (Date.now() > until) throw new Error(`demo scenario: the bot did not answer (${what})`);
      await sleep(25);
    }
    await sleep(50);
    flush();
  };
  /** waits until the bot has been quiet for a second (background messages from the queue) */
  const settle = async () => {
    let last = "";
    for (let quiet = 0; quiet < 1000; ) {
      const now = mine()
        .map((m) => `${m.messageId}:${render(m)}`)
        .join("|");
      quiet = now === last ? quiet + 100 : 0;
      last = now;
      await sleep(100);
    }
    flush();
  };
  const find = (prefix: string) => {
    const msgs = mine();
    for (let i = msgs.length - 1; i >= 0; i--)
      for (const b of keyboard(msgs[i]!).flat()) {
        const d = codec.decode(b.data);
        if (d.ok && (d.payload === prefix || (prefix.endsWith(":") && d.payload.startsWith(prefix))))
          return { message: msgs[i]!, button: b, payload: d.payload };
      }
    return undefined;
  };
  const has = (prefix: string, selected?: boolean) => () => {
    const f = find(prefix);
    return !!f && (selected === undefined || f.button.text.startsWith("✅") === selected);
  };
  const tap = async (payload: string, then: () => boolean) => {
    await sleep(PACE_MS);
    const f = find(payload);
    if (!f) throw new Error(`demo scenario: no button ${payload}`);
    print(`\n👤 taps [${f.button.text}]`);
    await client.sendCallback(
      client.makeCallbackQuery(f.button.data, { ...from, message: { message_id: f.message.messageId } }),
    );
    await waitFor(then, payload);
  };
  const write = async (text: string, then: () => boolean) => {
    await sleep(PACE_MS);
    print(`\n👤 writes: ${text}`);
    const msg = text.startsWith("/") ? client.makeCommand(text, from) : client.makeMessage(text, from);
    await (text.startsWith("/") ? client.sendCommand(msg) : client.sendMessage(msg));
    await waitFor(then, text);
  };
  /** true once a bot message newer than `after` arrived */
  const newerThan = (after: number) => () => mine().some((m) => m.messageId > after);
  const lastId = () => Math.max(0, ...mine().map((m) => m.messageId));
  return { mine, flush, waitFor, settle, find, has, tap, write, newerThan, lastId, textOnly };
}

/** A block action or view submission, signed with the system's secret, to its /slack/events. */
export async function postToSlackEndpoint(system: System, payload: unknown): Promise<Response> {
  const body = interactionBody(payload);
  return fetch(`http://127.0.0.1:${system.port}/slack/events`, {
    method: "POST",
    headers: signSlackRequest(system.ctx.env.SLACK_SIGNING_SECRET!, body),
    body,
  });
}
