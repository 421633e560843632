// Client rights in the bot and retention, as a vertical slice:
//   /mydata  everything stored about the client, as a JSON file (sendDocument) or, where the Bot API
//            peer cannot take files, as a series of messages with localized labels; before it, the
//            release towards each partner office with a withdraw button per office released
//   /delete  asks for confirmation (inline buttons), then erases (ErasureService); a second /delete
//            finds nothing and says so
//   job "privacy.retention" (daily job scheduler) erases what is past the retention times
//
// Registered in src/features.ts BEFORE the intake feature, so these commands win over its
// placeholders. That also means the intake guard has not run yet: this composer does its own checks
// (private chats only, signed and fresh callback data) and goes through the same per-chat flood
// guard (same Redis counter), and /mydata and /delete have a limit of their own on top: an export
// decrypts everything and a visitor's /delete scans Redis, so a chat gets a few of them per ten
// minutes, then the localized "try again in 10 minutes".
import { Composer, InlineKeyboard, InputFile } from "grammy";
import { retentionOf } from "../../config/org.schema.ts";
import { directed } from "../../i18n/bidi.ts";
import { AuditRepository } from "../../modules/audit/audit.repository.ts";
import { ErasureService } from "../../modules/privacy/erase.ts";
import { exportClientData, exportMessages } from "../../modules/privacy/export.ts";
import { runRetention } from "../../modules/privacy/retention.ts";
import { QUEUES } from "../../queue/jobs.ts";
import { deleteRedisKeys, redisScrubber } from "../../queue/scrub.ts";
import { type CallbackCodec, createCallbackCodec } from "../../telegram/callback-data.ts";
import type { BotContext } from "../../telegram/context.ts";
import { partnerConsentSummary } from "../../telegram/features/consent.ts";
import { FloodGuard, type FloodLimits } from "../../telegram/features/flood.ts";
import { callbackSecret, HTML_OPTS } from "../../telegram/features/shared.ts";
import type { AppContext, Feature } from "../feature.ts";

export const RETENTION_SCHEDULER_ID = "privacy-retention";
/** 03:30 every night, in the municipality's time zone */
export const RETENTION_CRON = "30 3 * * *";
/** a delete confirmation button works this long */
export const CONFIRM_MINUTES = 10;

export function erasureServiceOf(app: AppContext): ErasureService {
  return new ErasureService({
    db: app.db,
    cipher: app.cipher,
    producer: app.producer,
    scrubRedis: redisScrubber(app.redis.client, app.env.ANLAUF_QUEUE_PREFIX, Object.values(QUEUES)),
    log: app.log,
    now: app.now,
  });
}

/** /mydata and /delete per chat: 5 in 10 minutes, then 10 minutes of "try again later" */
export const PRIVACY_LIMITS: FloodLimits = { windowMs: 600_000, max: 5, blockMs: 600_000 };

export interface PrivacyOptions {
  /** the client flood limit shared with the intake guard (tests relax it) */
  flood?: Partial<FloodLimits>;
  /** the limit of /mydata and /delete */
  limits?: Partial<FloodLimits>;
}

const minuteOf = (d: Date) => Math.floor(d.getTime() / 60_000);

export function privacyComposer(
  app: AppContext,
  codec: CallbackCodec = createCallbackCodec(callbackSecret(app)),
  opts: PrivacyOptions = {},
) {
  const c = new Composer<BotContext>();
  const pm = c.filter((ctx) => ctx.chat?.type === "private" && !!ctx.from && !ctx.from.is_bot);
  // every text with the RTL line marks of the other client texts (ar/fa)
  const t = (ctx: BotContext, key: string, params?: Record<string, unknown>) =>
    directed(app.i18n.t(`privacy:${key}`, { lng: ctx.locale, ...params }) as string, ctx.locale);
  const audit = new AuditRepository(app.db);
  const prefix = app.env.ANLAUF_QUEUE_PREFIX;
  // the intake guard's counter (same key): a privacy command is one more update of the chat
  const flood = new FloodGuard(app.redis.client, prefix, opts.flood);
  // its own keys under "<prefix>:privacy:…:<chatId>:…", so erasure's Redis scrub finds them
  const own = new FloodGuard(app.redis.client, `${prefix}:privacy`, { ...PRIVACY_LIMITS, ...opts.limits });

  /** false: the update was answered (or dropped) here and goes no further */
  const admitted = async (ctx: BotContext, command: boolean): Promise<boolean> => {
    const chatId = ctx.chat!.id;
    const v = await flood.hit(chatId);
    if (v !== "ok") {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
      if (v === "warn")
        await ctx.reply(
          directed(app.i18n.t("client:errors.slowDown", { lng: ctx.locale }) as string, ctx.locale),
        );
      return false;
    }
    if (!command) return true;
    if ((await own.hit(chatId)) === "ok") return true;
    // answered every time (the flood guard above bounds how often): silence would look broken
    await ctx.reply(t(ctx, "limited"));
    return false;
  };

  pm.command("mydata", async (ctx) => {
    if (!(await admitted(ctx, true))) return;
    const clientId = ctx.clientId;
    const tt = (key: string, params?: Record<string, unknown>) =>
      app.i18n.t(key, { lng: ctx.locale, ...params }) as string;
    const partnerNames = Object.fromEntries(app.org.referralTargets.map((r) => [r.id, r.name]));
    const doc = clientId
      ? await exportClientData(app.db, app.cipher, clientId, { partnerNames, t: tt })
      : null;
    if (!clientId || !doc) {
      await ctx.reply(t(ctx, "mydata.nothing"));
      return;
    }
    await audit.record({ actor: `client:${clientId}`, action: "client.exported", clientId, at: app.now() });
    await ctx.reply(t(ctx, "mydata.intro"));
    // each office's release with its withdraw button (handled by the consent feature, "k:pw:…")
    const partners = await partnerConsentSummary(ctx, app, (p) => codec.encode(p), clientId);
    if (partners) await ctx.reply(partners.text, { ...HTML_OPTS, reply_markup: partners.keyboard });
    const json = Buffer.from(JSON.stringify(doc, null, 2), "utf8");
    try {
      await ctx.replyWithDocument(new InputFile(json, `${doc.client.pseudonym}-data.json`), {
        caption: t(ctx, "mydata.caption"),
      });
      return;
    } catch (e) {
      // peers without sendDocument (telegram-test-api) and file-size limits: messages instead
      app.log.info(
        { clientId, err: (e as Error).name },
        "mydata: document not sent, falling back to messages",
      );
    }
    for (const text of exportMessages(doc, tt, (id) => partnerNames[id] ?? id))
      await ctx.reply(directed(text, ctx.locale));
  });

  pm.command("delete", async (ctx) => {
    if (!(await admitted(ctx, true))) return;
    if (!ctx.clientId) {
      // a visitor or an already erased client: at most some visitor state in Redis is left. The
      // limit's own counter stays (it expires within ten minutes by itself): else every /delete
      // would reset the limit that bounds this very scan
      await deleteRedisKeys(app.redis.client, prefix, [String(ctx.from!.id)], Object.values(QUEUES), (k) =>
        k.startsWith(`${prefix}:privacy:`),
      );
      await ctx.reply(t(ctx, "delete.nothing"));
      return;
    }
    const m = minuteOf(app.now());
    const kb = new InlineKeyboard()
      .text(t(ctx, "delete.yes"), codec.encode(`pv:del:y:${m}`))
      .row()
      .text(t(ctx, "delete.no"), codec.encode(`pv:del:n:${m}`));
    await ctx.reply(t(ctx, "delete.confirm"), { reply_markup: kb });
  });

  c.on("callback_query:data", async (ctx, next) => {
    const raw = ctx.callbackQuery.data;
    if (!raw.startsWith("pv:")) return next();
    if (ctx.chat?.type === "private" && !(await admitted(ctx, false))) return;
    const decoded = codec.decode(raw);
    const [, what, answer, minute] = decoded.ok ? decoded.parts : [];
    if (!decoded.ok || what !== "del" || ctx.chat?.type !== "private") {
      await ctx.answerCallbackQuery({ text: t(ctx, "delete.outdated") }).catch(() => {});
      return;
    }
    await ctx.answerCallbackQuery().catch(() => {});
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => {});
    if (answer !== "y") {
      await ctx.reply(t(ctx, "delete.kept"));
      return;
    }
    if (minuteOf(app.now()) - Number(minute) > CONFIRM_MINUTES) {
      await ctx.reply(t(ctx, "delete.outdated"));
      return;
    }
    if (!ctx.clientId) {
      await ctx.reply(t(ctx, "delete.nothing"));
      return;
    }
    const lng = ctx.locale;
    const r = await erasureServiceOf(app).erase(ctx.clientId, { mode: "request" });
    await deleteRedisKeys(
      app.redis.client,
      app.env.ANLAUF_QUEUE_PREFIX,
      [String(ctx.from.id)],
      Object.values(QUEUES),
    );
    await ctx.reply(
      directed(
        app.i18n.t(r.status === "erased" ? "privacy:delete.done" : "privacy:delete.nothing", {
          lng,
        }) as string,
        lng,
      ),
    );
  });

  return c;
}

export const createPrivacyFeature = (opts: PrivacyOptions = {}): Feature => ({
  name: "privacy",
  telegram: (app) => privacyComposer(app, undefined, opts),
  jobs: (app) => ({
    "privacy.retention": async () => {
      const policy = retentionOf(app.org);
      const r = await runRetention({ db: app.db, erasure: erasureServiceOf(app), now: app.now }, policy, {
        dryRun: !policy.enabled,
      });
      app.log.info(
        { candidates: r.candidates.length, erased: r.erased, failed: r.failed, dryRun: r.dryRun },
        "retention run",
      );
      return { candidates: r.candidates.length, erased: r.erased, failed: r.failed };
    },
  }),
  start: async (app) => {
    await app.producer
      .queue(QUEUES.work)
      .upsertJobScheduler(
        RETENTION_SCHEDULER_ID,
        { pattern: RETENTION_CRON, tz: app.org.municipality.timezone },
        { name: "privacy.retention", data: {} },
      );
  },
});

export const privacyFeature: Feature = createPrivacyFeature();
