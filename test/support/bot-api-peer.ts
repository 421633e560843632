// A small, fast local Bot API peer for benchmarks and load tests: answers the methods the bot uses
// (getMe, setWebhook, sendMessage, editMessageText, answerCallbackQuery, …) in microseconds and keeps
// only counters and per-chat message ids, so 40,000 calls cost little (telegram-test-api stores every
// message and gets slow). Optionally it enforces Telegram's flood limits and answers what Telegram
// answers when they are crossed: 429 {ok:false, error_code:429, parameters:{retry_after}}.
//
// The limits, as Telegram's bot FAQ states them ("about 30 messages per second" overall, "avoid more
// than one message per second in a particular chat, short bursts may be allowed", "no more than 20
// messages per minute in a group"), are modelled as:
//   overall   at most `globalPerS` sends in any sliding 1 s window (strict)
//   per chat  a token bucket of `chatBurst` tokens refilled at 1/s (private chats, id > 0)
//   per group at most `groupPerMin` sends in any sliding 60 s window (chat id < 0)
// Only sending methods count (sendMessage, sendDocument, editMessageText, copyMessage); answers to
// callback queries and webhook/menu calls are free, as on Telegram.
import { createServer, type IncomingMessage, type Server } from "node:http";

export interface PeerLimits {
  globalPerS: number;
  chatBurst: number;
  groupPerMin: number;
}

export const TELEGRAM_LIMITS: PeerLimits = { globalPerS: 30, chatBurst: 2, groupPerMin: 20 };

export interface Delivery {
  chatId: number;
  text: string;
  at: number;
}

const SENDS = new Set(["sendMessage", "sendDocument", "editMessageText", "copyMessage"]);

export class BotApiPeer {
  private server?: Server;
  port = 0;
  /** calls per method (also the refused ones) */
  readonly calls = new Map<string, number>();
  /** 429 answers given, with their time */
  readonly refusals: number[] = [];
  /** 429 answers by the limit that was hit */
  readonly refusedBy = { global: 0, chat: 0, group: 0 };
  /** accepted sendMessage calls, in order (only when `recordDeliveries`) */
  readonly deliveries: Delivery[] = [];
  private readonly lastId = new Map<number, number>();
  /** the newest message with an inline keyboard per chat: what a tap refers to */
  private readonly lastButtons = new Map<number, number>();
  private readonly window: number[] = []; // accepted send times, last second
  private readonly groupWindows = new Map<number, number[]>();
  private readonly chatBuckets = new Map<number, { tokens: number; at: number }>();

  constructor(
    readonly opts: { token: string; limits?: PeerLimits; recordDeliveries?: boolean; now?: () => number },
  ) {}

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
    const a = this.server.address();
    this.port = typeof a === "object" && a ? a.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  count(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? "");
    if (!m || m[1] !== this.opts.token)
      return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    const method = m[2]!;
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    let p: Record<string, unknown> = {};
    const raw = Buffer.concat(chunks).toString("utf8");
    if (raw && (req.headers["content-type"] ?? "").includes("json")) p = JSON.parse(raw);
    const chatId = Number(p.chat_id ?? 0);
    if (SENDS.has(method) && this.opts.limits) {
      const retry = this.admit(chatId);
      if (retry > 0) {
        this.refusals.push(this.now());
        return {
          status: 429,
          body: {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${retry}`,
            parameters: { retry_after: retry },
          },
        };
      }
    }
    return { status: 200, body: { ok: true, result: this.answer(method, chatId, p) } };
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** 0 when the send may go, else Telegram's retry_after in whole seconds. */
  private admit(chatId: number): number {
    const L = this.opts.limits!;
    const t = this.now();
    while (this.window.length && this.window[0]! <= t - 1000) this.window.shift();
    if (this.window.length >= L.globalPerS) {
      this.refusedBy.global++;
      return 1;
    }
    if (chatId < 0) {
      const w = this.groupWindows.get(chatId) ?? [];
      while (w.length && w[0]! <= t - 60_000) w.shift();
      if (w.length >= L.groupPerMin) {
        this.refusedBy.group++;
        return Math.max(1, Math.ceil((w[0]! + 60_000 - t) / 1000));
      }
      w.push(t);
      this.groupWindows.set(chatId, w);
    } else if (chatId > 0) {
      const b = this.chatBuckets.get(chatId) ?? { tokens: L.chatBurst, at: t };
      const tokens = Math.min(L.chatBurst, b.tokens + (t - b.at) / 1000);
      if (tokens < 1) {
        this.chatBuckets.set(chatId, { tokens, at: t });
        this.refusedBy.chat++;
        return Math.max(1, Math.ceil(1 - tokens));
      }
      this.chatBuckets.set(chatId, { tokens: tokens - 1, at: t });
    }
    this.window.push(t);
    return 0;
  }

  private answer(method: string, chatId: number, p: Record<string, unknown>): unknown {
    const chat = { id: chatId, type: chatId < 0 ? "group" : "private", first_name: "Peer" };
    const date = Math.floor(Date.now() / 1000);
    switch (method) {
      case "getMe":
        return {
          id: Number(this.opts.token.split(":")[0]),
          is_bot: true,
          first_name: "Anlauf",
          username: "anlauf_bench_bot",
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case "sendMessage":
      case "sendDocument":
      case "copyMessage": {
        const id = (this.lastId.get(chatId) ?? 0) + 1;
        this.lastId.set(chatId, id);
        if (p.reply_markup) this.lastButtons.set(chatId, id);
        if (this.opts.recordDeliveries && method === "sendMessage")
          this.deliveries.push({ chatId, text: String(p.text ?? ""), at: this.now() });
        return { message_id: id, date, chat, text: String(p.text ?? "") };
      }
      case "editMessageText":
      case "editMessageReplyMarkup":
        return { message_id: Number(p.message_id ?? 1), date, chat, text: String(p.text ?? "") };
      default:
        return true;
    }
  }

  /** The newest message id the peer gave out in a chat (what a tapped button would sit under). */
  lastMessageId(chatId: number): number | undefined {
    return this.lastButtons.get(chatId) ?? this.lastId.get(chatId);
  }
}
