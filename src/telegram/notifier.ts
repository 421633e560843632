// Outbound messages to clients go through the queue (job `telegram.send`), never straight from a
// module: the job carries ids and an i18n key, the worker renders the text in the client's CURRENT
// language from the database and sends it.
//
// Rate limits: Telegram allows about one message per second per chat and about 30 per second overall.
// Both are planned when a message is enqueued, atomically in Redis, on a calendar of send slots: one
// slot every 1000/28 ms for the whole bot (so no sliding second holds more than 29 sends), and a chat's
// next message no earlier than its last + 1000 ms. The job is delayed until its slot. Spacing per chat
// alone (as before) was not enough: under a burst the queue's backlog outgrew the 1 s delays, a chat's
// delayed messages lined up right behind each other and went out back to back (bench/pacing.ts: 429s,
// 60 % of the allowed rate). The telegram-out worker's limiter (src/app/system.ts) stays as a safety
// net for the jobs that send without a slot; 429 answers that still happen are retried by auto-retry.
import { UnrecoverableError } from "bullmq";
import { type Api, GrammyError } from "grammy";
import type { Redis } from "ioredis";
import type { AppContext } from "../app/feature.ts";
import { isClientLocale } from "../i18n/index.ts";
import type { ClientLocale } from "../modules/intake/answers.ts";
import { IntakeRepository, type Recipient } from "../modules/intake/intake.repository.ts";
import { UUID } from "../modules/kernel/ids.ts";
import { firstNameOf } from "../modules/matching/assignment.service.ts";
import type { ClientNotifier, TemplateParams } from "../modules/notify/notifier.ts";
import { StandInRepository } from "../modules/staff/stand-in.repository.ts";
import type { Jobs } from "../queue/jobs.ts";
import type { Handler, PayloadOf, Producer } from "../queue/registry.ts";
import { referralBlocks } from "./features/info.ts";
import { escapeHtml, HTML_OPTS, html, isNotModified, type Params, render } from "./features/shared.ts";
import { etaText } from "./features/status.ts";
import { surveyInvite } from "./features/survey.ts";

export const PER_CHAT_SPACING_MS = 1000;
/** sends per second the calendar plans for the whole bot: Telegram's "about 30", with a margin */
export const GLOBAL_SENDS_PER_S = 28;
/**
 * The telegram-out worker's limiter: two job starts per 72 ms (27.8/s). Any sliding second meets at
 * most 15 of its windows, so even a queue running behind its slots sends no more than 30 in a second.
 */
export const TELEGRAM_QUEUE_LIMITER = { max: 2, duration: 72 } as const;

// KEYS[1] last planned send time of this client, KEYS[2] the calendar's low-water mark (every slot
// below it is taken or past), KEYS[3] the prefix of the slot keys; ARGV[1] per-chat spacing ms,
// ARGV[2] ms between two slots. Slot j covers [j·gap, (j+1)·gap); a message takes the first free slot
// at or after the earliest time its chat allows. Returns the delay in ms. Uses the Redis server's
// clock, so several producers agree on "now"; the low-water mark keeps a burst of n messages O(n).
const PACE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local base = math.floor(now / gap)
local low = tonumber(redis.call('GET', KEYS[2]) or '0')
if low > base then base = low end
local j = base
if last + spacing > now then
  local c = math.ceil((last + spacing) / gap)
  if c > j then j = c end
end
local from = j
while not redis.call('SET', KEYS[3] .. j, '1', 'PX', math.max(0, math.floor(j * gap - now)) + 60000, 'NX') do
  j = j + 1
end
if from == base then redis.call('SET', KEYS[2], j + 1, 'PX', math.max(0, math.floor(j * gap - now)) + 60000) end
local at = math.max(now, math.floor(j * gap))
redis.call('SET', KEYS[1], at, 'PX', at - now + spacing * 10)
return {at - now, at}
`;

export class TelegramClientNotifier implements ClientNotifier {
  private readonly spacingMs: number;
  private readonly gapMs: number;

  constructor(
    private readonly deps: {
      producer: Producer<Jobs>;
      redis: Redis;
      prefix: string;
      spacingMs?: number;
      perSecond?: number;
    },
  ) {
    this.spacingMs = deps.spacingMs ?? PER_CHAT_SPACING_MS;
    this.gapMs = 1000 / (deps.perSecond ?? GLOBAL_SENDS_PER_S);
  }

  async notify(
    clientId: string,
    template: string,
    params: TemplateParams,
    opts: { key: string; asStatus?: boolean },
  ): Promise<void> {
    const delay = await this.reserveSlot(clientId);
    await this.deps.producer.enqueue(
      "telegram.send",
      { clientId, template, params, asStatus: opts.asStatus ?? false, key: opts.key },
      delay > 0 ? { delay } : {},
    );
  }

  /** Reserves the next free send slot of this client; returns how long to wait for it (ms). */
  async reserveSlot(clientId: string): Promise<number> {
    return (await this.reserve(clientId)).delay;
  }

  /** The reserved slot: the wait from now and the slot's time on Redis' clock (epoch ms). */
  async reserve(clientId: string): Promise<{ delay: number; at: number }> {
    const p = this.deps.prefix;
    const [delay, at] = (await this.deps.redis.eval(
      PACE_SCRIPT,
      3,
      `${p}:tg:pace:${clientId}`,
      `${p}:tg:slots:low`,
      `${p}:tg:slot:`,
      this.spacingMs,
      this.gapMs,
    )) as [number, number];
    return { delay: Number(delay), at: Number(at) };
  }
}

export const clientNotifier = (app: AppContext): TelegramClientNotifier =>
  new TelegramClientNotifier({
    producer: app.producer,
    redis: app.redis.client,
    prefix: app.env.ANLAUF_QUEUE_PREFIX,
  });

export type SendPayload = PayloadOf<Jobs, "telegram.send">;

/** Telegram's answers that will not change on retry: blocked by the user, chat gone. */
const permanent = (e: unknown): boolean =>
  e instanceof GrammyError &&
  (e.error_code === 403 ||
    (e.error_code === 400 && /chat not found|user is deactivated|bot was blocked/i.test(e.description)));

async function sendStatus(
  api: Api,
  repo: IntakeRepository,
  clientId: string,
  to: Recipient,
  text: string,
): Promise<number> {
  if (to.statusMessageId !== null) {
    try {
      await api.editMessageText(to.chatId, to.statusMessageId, text, HTML_OPTS);
      return to.statusMessageId;
    } catch (e) {
      if (isNotModified(e)) return to.statusMessageId;
      // too old to edit, deleted by the person, …: a new status message takes its place
    }
  }
  const msg = await api.sendMessage(to.chatId, text, HTML_OPTS);
  await repo.setStatusMessageId(clientId, msg.message_id);
  return msg.message_id;
}

/** Room for the frame around a relayed staff message within Telegram's 4096 characters. */
const RELAYED_BODY_MAX = 3500;
export const STAFF_MESSAGE = "relay.staff_message";
/** a deputy's message: says who stands in for the case manager (src/slack/relay.ts) */
export const DEPUTY_MESSAGE = "relay.deputy_message";
/** a supervising team lead's message: says who writes, so it is not taken for the case manager */
export const LEAD_MESSAGE = "relay.lead_message";
const RELAYED = new Set([STAFF_MESSAGE, DEPUTY_MESSAGE, LEAD_MESSAGE]);

/**
 * Job payloads carry ids and codes; some texts need more. The parameters a template may use besides
 * the payload's own:
 *   count    = total (i18next plural forms)                       wait-list messages
 *   eta      = the expected waiting time as a sentence             from etaLow / etaHigh
 *   target   = the referral office's name and address (HTML)      from targetId (organisation file)
 *   reason   = why this office (empty when there is no text)      from reasonCode
 *   message  = the decrypted staff message                        from relayedMessageId (relay.staff_message)
 *   question = the survey's first question, with its buttons      from invitationId (survey:invite.*, handler)
 *   deputyName, agencyName = the deputy's first name and agency    from relayedMessageId (relay.deputy_message)
 *   authorName, agencyName = the lead's first name and agency      from relayedMessageId (relay.lead_message)
 * Undefined when there is nothing to deliver (a relayed message that is gone).
 */
export async function templateParams(
  app: AppContext,
  repo: IntakeRepository,
  locale: ClientLocale,
  clientId: string,
  template: string,
  params: Record<string, string | number>,
): Promise<Params | undefined> {
  const out: Params = { ...params };
  if (typeof params.total === "number" && params.count === undefined) out.count = params.total;
  if (params.position !== undefined || params.etaBucket !== undefined) {
    const low = Number(params.etaLow);
    const high = Number(params.etaHigh);
    out.eta = html(
      etaText(app, locale, Number.isFinite(low) && Number.isFinite(high) ? { low, high } : null),
    );
  }
  if (typeof params.targetId === "string")
    out.target = html(referralBlocks(app, [params.targetId]) || escapeHtml(params.targetId));
  if (typeof params.reasonCode === "string") {
    const key = `status.reason.${params.reasonCode}`;
    out.reason = app.i18n.exists(key, { lng: locale, ns: "client" })
      ? html(`\n\n${render(app, locale, key)}`)
      : "";
  }
  if (RELAYED.has(template)) {
    const id = String(params.relayedMessageId ?? "");
    const body = UUID.test(id) ? await repo.relayedMessageFor(clientId, id) : undefined;
    if (body === undefined) return undefined;
    out.message = body.length > RELAYED_BODY_MAX ? `${body.slice(0, RELAYED_BODY_MAX)} …` : body;
  }
  if (template === DEPUTY_MESSAGE || template === LEAD_MESSAGE) {
    // first name and agency only, as when the client first heard of their case manager
    const author = await new StandInRepository(app.db).authorOf(String(params.relayedMessageId));
    if (!author) return undefined;
    out[template === DEPUTY_MESSAGE ? "deputyName" : "authorName"] = firstNameOf(author.name);
    out.agencyName = author.agencyName;
  }
  return out;
}

/** The `telegram.send` job handler. */
export function telegramSendHandler(
  app: AppContext,
  repo = new IntakeRepository(app.db, app.cipher),
): Handler<SendPayload> {
  return async (p) => {
    if (await repo.wasSent(p.key)) return { skipped: "already sent" };
    const to = await repo.recipient(p.clientId);
    if (!to) return { skipped: "no recipient" };
    const locale = isClientLocale(to.locale) ? to.locale : "en";
    const params = await templateParams(app, repo, locale, p.clientId, p.template, p.params);
    if (!params) return { skipped: "nothing to deliver" };
    const survey = surveyInvite(app, locale, p.template, p.params);
    if (survey) params.question = survey.question;
    const count = typeof params.count === "number" ? { count: params.count } : {};
    if (!app.i18n.exists(p.template, { lng: locale, ns: "client", ...count }))
      throw new UnrecoverableError(`telegram.send: unknown template ${p.template}`);
    const api = app.telegramApi;
    if (!api) throw new Error("telegram.send: this process has no Telegram API client");
    const text = render(app, locale, p.template, params);
    let messageId: number;
    try {
      messageId = p.asStatus
        ? await sendStatus(api, repo, p.clientId, to, text)
        : (
            await api.sendMessage(to.chatId, text, {
              ...HTML_OPTS,
              ...(survey ? { reply_markup: survey.keyboard } : {}),
            })
          ).message_id;
    } catch (e) {
      if (permanent(e))
        throw new UnrecoverableError(`telegram.send: Telegram refused (${(e as GrammyError).error_code})`);
      throw e;
    }
    if (RELAYED.has(p.template))
      await repo.markRelayedDelivered(String(p.params.relayedMessageId), messageId, app.now());
    await repo.markSent(p.key, messageId);
    return { messageId };
  };
}
