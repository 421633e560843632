// What the client-facing Telegram features share: their services (repositories, callback codec,
// visitor store, flood guard), text rendering (HTML parse mode, every interpolated value escaped,
// right-to-left marks for Arabic and Farsi) and a few sending helpers that tolerate a Bot API peer
// that cannot edit a message.
import { type Composer, GrammyError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { AppContext } from "../../app/feature.ts";
import { directed } from "../../i18n/bidi.ts";
import { isClientLocale } from "../../i18n/index.ts";
import { formatDateMedium } from "../../modules/appointments/format.ts";
import type { ClientLocale } from "../../modules/intake/answers.ts";
import { ConsentRepository } from "../../modules/intake/consent.repository.ts";
import type { FlowConfig } from "../../modules/intake/flow.ts";
import { IntakeRepository } from "../../modules/intake/intake.repository.ts";
import { referencePrefix } from "../../modules/intake/reference-code.ts";
import type { StandingSource } from "../../modules/status/standing.ts";
import { StandingRepository } from "../../modules/waitlist/standing.repository.ts";
import { type CallbackCodec, createCallbackCodec } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import type { Sign, Translate } from "../keyboards.ts";
import { FloodGuard, type FloodLimits } from "./flood.ts";
import { VisitorStore } from "./visitor.ts";

export interface ClientServices {
  app: AppContext;
  codec: CallbackCodec;
  intakes: IntakeRepository;
  consents: ConsentRepository;
  visitors: VisitorStore;
  standing: StandingSource;
  flood: FloodGuard;
  flow: FlowConfig;
  referencePrefix: string;
}

export interface ClientServiceOptions {
  standing?: (app: AppContext, intakes: IntakeRepository) => StandingSource;
  flood?: Partial<FloodLimits>;
}

/** The key of signed callback data: the bot token (or, in a process without one, the encryption keys). */
export const callbackSecret = (app: AppContext): string =>
  app.env.TELEGRAM_BOT_TOKEN ?? app.env.ANLAUF_ENCRYPTION_KEYS;

export function createServices(app: AppContext, opts: ClientServiceOptions = {}): ClientServices {
  const intakes = new IntakeRepository(app.db, app.cipher);
  const prefix = app.env.ANLAUF_QUEUE_PREFIX;
  return {
    app,
    codec: createCallbackCodec(callbackSecret(app)),
    intakes,
    consents: new ConsentRepository(app.db),
    visitors: new VisitorStore(app.redis.client, prefix),
    standing: opts.standing?.(app, intakes) ?? new StandingRepository(app.db, app.org),
    flood: new FloodGuard(app.redis.client, prefix, opts.flood),
    flow: {
      districtIds: app.org.regions.flatMap((r) => r.districts.map((d) => d.id)),
      // read at every use: a process running over New Year offers the new year
      get thisYear() {
        return app.now().getUTCFullYear();
      },
    },
    referencePrefix: referencePrefix(app.org.municipality.id),
  };
}

// ── callback payloads ─────────────────────────────────────────────────────────────────────────────

const PAYLOADS = new WeakMap<BotContext, string[]>();

/** Set by the guard once the signature checked out. */
export const setPayload = (ctx: BotContext, parts: string[]): void => void PAYLOADS.set(ctx, parts);
export const payloadOf = (ctx: BotContext): string[] | undefined => PAYLOADS.get(ctx);

/** Runs `handler` for verified callback payloads whose first part is `prefix`. */
export function onPayload(
  composer: Composer<BotContext>,
  prefix: string,
  handler: (ctx: BotContext, parts: string[]) => Promise<unknown>,
): void {
  composer.on("callback_query:data").filter(
    (ctx) => PAYLOADS.get(ctx)?.[0] === prefix,
    (ctx) => handler(ctx, PAYLOADS.get(ctx)!),
  );
}

// ── text ──────────────────────────────────────────────────────────────────────────────────────────

/** A parameter that is already HTML (built from escaped parts); everything else is escaped. */
export class Html {
  constructor(readonly html: string) {}
}
export const html = (s: string): Html => new Html(s);
export type Params = Record<string, string | number | Html | undefined>;

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export { directed };

function prepare(params: Params | undefined, asHtml: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    out[k] = v instanceof Html ? v.html : typeof v === "string" && asHtml ? escapeHtml(v) : v;
  }
  return out;
}

/** The translator of a locale, from the process's i18n instance. */
export const translator = (app: AppContext, locale: ClientLocale): Translate =>
  app.i18n.getFixedT(locale, "client") as unknown as Translate;

/** HTML text of `key` in `locale` with escaped parameters and RTL marks. */
export function render(app: AppContext, locale: ClientLocale, key: string, params?: Params): string {
  return directed(translator(app, locale)(key, prepare(params, true)), locale);
}

/** HTML text in the context's language. */
export function tr(ctx: BotContext, key: string, params?: Params): string {
  return directed((ctx.t as unknown as Translate)(key, prepare(params, true)), ctx.locale);
}

/** Plain text (button labels, callback answers): no escaping, no HTML. */
export function plain(ctx: BotContext, key: string, params?: Params): string {
  return (ctx.t as unknown as Translate)(key, prepare(params, false));
}
export const plainT =
  (ctx: BotContext): Translate =>
  (key, params) =>
    plain(ctx, key, params as Params);

export const signer =
  (s: ClientServices): Sign =>
  (payload) =>
    s.codec.encode(payload);

export function setLocale(ctx: BotContext, app: AppContext, locale: string): void {
  if (!isClientLocale(locale)) return;
  ctx.locale = locale;
  ctx.t = app.i18n.getFixedT(locale, "client");
}

/** A date as people of the locale write it, in the municipality's time zone. */
export function formatDate(app: AppContext, locale: ClientLocale, d: Date): string {
  try {
    return formatDateMedium(d, locale, app.org.municipality.timezone);
  } catch {
    return d.toISOString().slice(0, 10);
  }
}

/** The offices where a person can go or write, as escaped HTML lines. */
export function officeLines(app: AppContext): string {
  return app.org.offices
    .map(
      (o) =>
        `• ${escapeHtml(o.name)}, ${escapeHtml(o.address.street)}, ${escapeHtml(o.address.postcode)} ${escapeHtml(o.address.city)}`,
    )
    .join("\n");
}

// ── sending ───────────────────────────────────────────────────────────────────────────────────────

export const HTML_OPTS = { parse_mode: "HTML" as const, link_preview_options: { is_disabled: true } };

export const isNotModified = (e: unknown): boolean =>
  e instanceof GrammyError && /message is not modified/i.test(e.description);

/** Sends a new message; returns its id. */
export async function send(ctx: BotContext, text: string, keyboard?: InlineKeyboardMarkup): Promise<number> {
  const msg = await ctx.reply(text, { ...HTML_OPTS, ...(keyboard ? { reply_markup: keyboard } : {}) });
  return msg.message_id;
}

/** The message a tapped button belongs to, if Telegram told us. */
export const callbackMessageId = (ctx: BotContext): number | undefined =>
  ctx.callbackQuery?.message?.message_id;

/**
 * Replaces the text (and keyboard) of `messageId` (default: the message of the tapped button). When
 * that is impossible (too old, deleted, unknown), sends a new message instead. Returns the id of the
 * message that now shows the text.
 */
export async function editOrSend(
  ctx: BotContext,
  text: string,
  keyboard?: InlineKeyboardMarkup,
  messageId: number | undefined = callbackMessageId(ctx),
): Promise<number> {
  const chatId = ctx.chat?.id;
  if (messageId !== undefined && chatId !== undefined) {
    try {
      await ctx.api.editMessageText(chatId, messageId, text, {
        ...HTML_OPTS,
        reply_markup: keyboard ?? { inline_keyboard: [] },
      });
      return messageId;
    } catch (e) {
      if (isNotModified(e)) return messageId;
    }
  }
  return send(ctx, text, keyboard);
}

/** Removes the buttons of an older message so they cannot be tapped again; best effort. */
export async function clearKeyboard(ctx: BotContext, messageId: number | undefined): Promise<void> {
  const chatId = ctx.chat?.id;
  if (messageId === undefined || chatId === undefined) return;
  await ctx.api
    .editMessageReplyMarkup(chatId, messageId, { reply_markup: { inline_keyboard: [] } })
    .catch(() => {});
}

/** Answers a button tap (stops the spinner); never throws (the query may be too old). */
export async function answer(ctx: BotContext, text?: string): Promise<void> {
  if (!ctx.callbackQuery) return;
  await ctx.answerCallbackQuery(text ? { text: text.slice(0, 200) } : undefined).catch(() => {});
}

export const outdated = (ctx: BotContext): Promise<void> => answer(ctx, plain(ctx, "errors.outdatedButton"));
