// The "slack.deliver" worker: builds Slack messages from ids at the moment it runs and calls the Web
// API. Rules:
// - Never lost: any failure throws, so BullMQ retries (5 attempts, exponential backoff) and keeps the
//   job in "failed" afterwards. A 429 moves the job to "delayed" for Retry-After seconds (no attempt
//   used up); the Web API client of the worker has its own retries off.
// - Never duplicated: an assignment card is posted only while no slackTs is stored for it (else
//   chat.update); relayed messages likewise by RelayedMessage.slackTs; the digest by an
//   IdempotencyKey row. A short Redis lock per card / message keeps two jobs for the same thing from
//   racing between "nothing stored" and "stored".
// - About one message per second per channel: a Redis key per channel (SET NX PX 1000); a job that
//   finds it taken is delayed by the key's remaining time.

import { randomUUID } from "node:crypto";
import { DelayedError } from "bullmq";
import type { i18n } from "i18next";
import type { Organisation } from "../config/org.schema.ts";
import type { Db } from "../db/client.ts";
import type { Logger } from "../lib/logger.ts";
import { AuditRepository } from "../modules/audit/audit.repository.ts";
import {
  FirstContactRepository,
  type FirstContactTarget,
} from "../modules/cases/first-contact.repository.ts";
import { UUID } from "../modules/kernel/ids.ts";
import { parseNoticeRef } from "../modules/privacy/notices.ts";
import { digestFigures, digestPeriod } from "../modules/staff/digest.ts";
import { NoticeRoutingRepository } from "../modules/staff/notice-routing.repository.ts";
import type { FieldCipher } from "../privacy/crypto.ts";
import { buildAssignmentCard } from "./blocks/assignment-card.ts";
import { clip, isoDay, MAX_MESSAGE_BLOCKS } from "./blocks/common.ts";
import { deputyReplyActions } from "./blocks/deputy.ts";
import { buildDigest } from "./blocks/digest.ts";
import { erasedCardText } from "./blocks/erased.ts";
import { buildMonitoringDigest } from "./blocks/monitoring.ts";
import { chunkEscaped, clipEscaped, INERT, slackEscape, verbatimSection } from "./escape.ts";
import { homeFor } from "./home.ts";
import { type StaffLanguage, staffT } from "./i18n.ts";
import type { SlackPorts } from "./ports.ts";

/** The part of the Web API the worker uses (a @slack/web-api WebClient fits). */
export interface SlackWeb {
  conversations: { open(a: { users: string }): Promise<{ channel?: { id?: string } }> };
  chat: {
    postMessage(a: {
      channel: string;
      text: string;
      blocks?: unknown[];
      thread_ts?: string;
      parse?: "none" | "full";
      link_names?: boolean;
    }): Promise<{ ts?: string; channel?: string }>;
    update(a: {
      channel: string;
      ts: string;
      text: string;
      blocks?: unknown[];
      parse?: "none" | "full";
      link_names?: boolean;
    }): Promise<unknown>;
  };
  views: { publish(a: { user_id: string; view: unknown }): Promise<unknown> };
}

export interface Kv {
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<unknown>;
  get(key: string): Promise<string | null>;
  pttl(key: string): Promise<number>;
  del(key: string): Promise<number>;
}

/** What the worker needs of a BullMQ job to postpone it. */
export interface DelayableJob {
  token?: string | undefined;
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
}

export interface DeliverDeps {
  db: Db;
  org: Organisation;
  cipher: FieldCipher;
  i18n: i18n;
  ports: Pick<
    SlackPorts,
    "queries" | "rebalance" | "directory" | "outbox" | "appointments" | "reports" | "monitoring"
  >;
  web: SlackWeb;
  kv: Kv;
  prefix: string;
  log: Logger;
  now: () => Date;
}

export interface DeliverPayload {
  kind:
    | "assignment_card"
    | "assignment_update"
    | "thread_message"
    | "thread_held"
    | "digest"
    | "notice"
    | "home"
    | "cm_digest";
  refId: string;
  key: string;
}

export function retryAfterMs(e: unknown): number | null {
  const err = e as { code?: unknown; retryAfter?: unknown } | null;
  if (err?.code === "slack_webapi_rate_limited_error") return Math.max(1, Number(err.retryAfter) || 1) * 1000;
  return null;
}

export class SlackDeliverer {
  constructor(private readonly d: DeliverDeps) {}

  async run(p: DeliverPayload, job: DelayableJob): Promise<string> {
    try {
      switch (p.kind) {
        case "assignment_card":
        case "assignment_update":
          return await this.syncCard(p.refId, job);
        case "thread_message":
          return await this.threadMessage(p.refId, job);
        case "thread_held":
          return await this.deliverHeld(p.refId, job);
        case "home":
          return await this.home(p.refId);
        case "digest":
          return await this.digest(p.refId, job);
        case "notice":
          return await this.notice(p.refId, job);
        case "cm_digest":
          return await this.cmDigest(p.refId, job);
      }
    } catch (e) {
      const ms = retryAfterMs(e);
      if (ms !== null) {
        this.d.log.warn({ kind: p.kind, retryAfterMs: ms }, "slack rate limited; job delayed");
        await this.postpone(job, ms);
      }
      throw e;
    }
  }

  private async postpone(job: DelayableJob, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, job.token);
    throw new DelayedError();
  }

  private async withLock<R>(name: string, job: DelayableJob, fn: () => Promise<R>): Promise<R> {
    const key = `${this.d.prefix}:slack:lock:${name}`;
    const token = randomUUID();
    if ((await this.d.kv.set(key, token, "PX", 30_000, "NX")) !== "OK") return this.postpone(job, 1000);
    try {
      return await fn();
    } finally {
      if ((await this.d.kv.get(key)) === token) await this.d.kv.del(key);
    }
  }

  /** about one chat.postMessage per second and channel */
  private async throttle(channel: string, job: DelayableJob): Promise<void> {
    const key = `${this.d.prefix}:slack:rate:${channel}`;
    if ((await this.d.kv.set(key, "1", "PX", 1000, "NX")) === "OK") return;
    const left = await this.d.kv.pttl(key);
    await this.postpone(job, left > 0 ? left : 1000);
  }

  private async lngOf(slackUserId: string): Promise<StaffLanguage> {
    return this.d.ports.directory.languageOf(slackUserId);
  }

  // ───────────────────────────── assignment cards ─────────────────────────────

  async syncCard(assignmentId: string, job: DelayableJob): Promise<string> {
    if (!UUID.test(assignmentId)) return "invalid";
    return this.withLock(`card.${assignmentId}`, job, async () => {
      const { db, ports, web } = this.d;
      const now = this.d.now();
      const data = await ports.queries.assignmentCard(assignmentId, now);
      if (!data) return "gone";
      const lng = await this.lngOf(data.cm.slackUserId);
      const card = buildAssignmentCard(data, staffT(this.d.i18n, lng), lng, now);
      let channel = data.slackChannel;
      let ts = data.slackTs;
      let outcome: string;
      if (
        channel &&
        ts &&
        (await db.client.count({ where: { erasedAt: { not: null }, cases: { some: { id: data.case.id } } } }))
      ) {
        // the slack.erase job neutralised this card; a late update must not bring the card back
        const text = erasedCardText(this.d.i18n, data.case.referenceCode);
        await web.chat.update({ channel, ts, text, blocks: [], ...INERT });
        return "erased";
      }
      if (channel && ts) {
        await web.chat.update({ channel, ts, text: card.text, blocks: card.blocks, ...INERT });
        outcome = "updated";
      } else {
        // an offer that ended before its card was shown needs no card
        if (data.status !== "pending" && data.status !== "accepted") return "not_posted";
        const opened = await web.conversations.open({ users: data.cm.slackUserId });
        const dm = opened.channel?.id;
        if (!dm) throw new Error("conversations.open returned no channel");
        await this.throttle(dm, job);
        const res = await web.chat.postMessage({
          channel: dm,
          text: card.text,
          blocks: card.blocks,
          ...INERT,
        });
        if (!res.ts) throw new Error("chat.postMessage returned no ts");
        channel = res.channel ?? dm;
        ts = res.ts;
        await db.assignment.updateMany({
          where: { id: assignmentId, slackTs: null },
          data: { slackChannel: channel, slackTs: ts },
        });
        outcome = "posted";
      }
      // the accepted card is the case's thread: client messages appear below it
      if (data.status === "accepted") {
        await db.case.updateMany({
          where: { id: data.case.id, cmId: data.cm.id, threadTs: null },
          data: { threadChannel: channel, threadTs: ts },
        });
        // client messages held while the case had no thread of its case manager go out now, in order
        const held = await db.relayedMessage.count({
          where: { caseId: data.case.id, direction: "client_to_staff", slackTs: null, body: { not: "" } },
        });
        if (held) await ports.outbox.deliverHeld?.(data.case.id);
      }
      await ports.outbox.refreshHome(data.cm.slackUserId);
      return outcome;
    });
  }

  // ───────────────────────────── App Home ─────────────────────────────

  async home(slackUserId: string): Promise<string> {
    if (!/^[UW][A-Z0-9]{2,}$/.test(slackUserId)) return "invalid";
    const { ports, web } = this.d;
    const member = await ports.directory.bySlackUser(slackUserId);
    const lng = await this.lngOf(slackUserId);
    const view = await homeFor(member, ports, this.d.now(), staffT(this.d.i18n, lng), lng);
    await web.views.publish({ user_id: slackUserId, view });
    return "published";
  }

  // ───────────────────────────── case threads ─────────────────────────────

  /**
   * Where a case's messages go: its stored thread or the accepted card in the responsible case
   * manager's DM. Null while neither exists: client text is then held (stored encrypted as before,
   * not posted) rather than opened in relay.caseThreadChannel, which every member of it can read
   * (security review 15.10). Threads opened there earlier keep working for staff replies.
   */
  async ensureThread(caseId: string): Promise<{ channel: string; ts: string; lng: StaffLanguage } | null> {
    const { db } = this.d;
    const read = () =>
      db.case.findUnique({
        where: { id: caseId },
        select: {
          threadChannel: true,
          threadTs: true,
          cmId: true,
          referenceCode: true,
          cm: { select: { slackUserId: true } },
        },
      });
    const k = await read();
    if (!k) return null;
    const lngFor = async (channel: string): Promise<StaffLanguage> =>
      k.cm && channel.startsWith("D") ? this.lngOf(k.cm.slackUserId) : "de";
    if (k.threadChannel && k.threadTs)
      return { channel: k.threadChannel, ts: k.threadTs, lng: await lngFor(k.threadChannel) };
    if (k.cmId) {
      const a = await db.assignment.findFirst({
        where: { caseId, cmId: k.cmId, status: "accepted", slackTs: { not: null } },
        orderBy: { createdAt: "desc" },
        select: { slackChannel: true, slackTs: true },
      });
      if (a?.slackChannel && a.slackTs) {
        await db.case.updateMany({
          where: { id: caseId, threadTs: null },
          data: { threadChannel: a.slackChannel, threadTs: a.slackTs },
        });
        const now = await read();
        if (now?.threadChannel && now.threadTs)
          return { channel: now.threadChannel, ts: now.threadTs, lng: await lngFor(now.threadChannel) };
      }
    }
    return null;
  }

  async threadMessage(relayedMessageId: string, job: DelayableJob): Promise<string> {
    if (!UUID.test(relayedMessageId)) return "invalid";
    const m = await this.d.db.relayedMessage.findUnique({
      where: { id: relayedMessageId },
      select: { caseId: true, direction: true, slackTs: true },
    });
    if (!m) return "gone";
    if (m.slackTs) return "already";
    if (m.direction !== "client_to_staff") return "wrong_direction";
    return this.deliverHeld(m.caseId, job, relayedMessageId);
  }

  /**
   * Posts every not yet posted client message of the case into its thread, oldest first, so a message
   * never overtakes one held before it. Without a thread they stay held ("held"); syncCard enqueues
   * kind thread_held once the accepted card (the thread) exists. One case at a time (a lock per case);
   * the channel throttle postpones the job between posts and the next run continues where it stopped.
   * Messages blanked by erasure (/delete) are never posted. Returns the outcome of `wanted`, or of the
   * last message posted.
   */
  async deliverHeld(caseId: string, job: DelayableJob, wanted?: string): Promise<string> {
    if (!UUID.test(caseId)) return "invalid";
    return this.withLock(`relay-case.${caseId}`, job, async () => {
      const { db } = this.d;
      const target = await this.d.ports.queries.caseById(caseId);
      if (!target) return "gone";
      // nothing more of an erased client goes to Slack (a message stored while /delete ran)
      if (target.erased) return "erased";
      const pending = await db.relayedMessage.findMany({
        where: { caseId, direction: "client_to_staff", slackTs: null, body: { not: "" } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, caseId: true, body: true },
      });
      if (wanted && !pending.some((p) => p.id === wanted)) {
        const w = await db.relayedMessage.findUnique({ where: { id: wanted }, select: { slackTs: true } });
        return w?.slackTs ? "already" : "gone";
      }
      if (pending.length === 0) return "nothing_held";
      // while the case still waits for a case manager: the region's first-contact team (issue 13.4)
      const thread =
        (await this.ensureThread(caseId)) ??
        (await new FirstContactRepository(db).targetOf(caseId, this.d.org.regions));
      if (!thread) {
        this.d.log.info(
          { caseId, held: pending.length },
          "client message held until the case manager's thread exists",
        );
        return "held";
      }
      let last = "nothing_held";
      for (const m of pending) {
        const outcome = await this.postClientMessage(m, target, thread, job);
        if (m.id === wanted) return outcome;
        last = outcome;
      }
      return last;
    });
  }

  private async postClientMessage(
    m: { id: string; caseId: string; body: string },
    target: NonNullable<Awaited<ReturnType<DeliverDeps["ports"]["queries"]["caseById"]>>>,
    thread: { channel: string; ts: string; lng: StaffLanguage } | FirstContactTarget,
    job: DelayableJob,
  ): Promise<string> {
    const { db } = this.d;
    const t = staffT(this.d.i18n, thread.lng);
    const firstContact = thread.ts === undefined ? { pseudonym: slackEscape(thread.pseudonym) } : null;
    let text: string;
    if (target.relayConsent) {
      let body: string;
      try {
        body = slackEscape(clip(this.d.cipher.decrypt(m.body), 3500));
      } catch {
        body = t("thread.unreadable");
      }
      text = firstContact
        ? t("thread.first_contact_message", { ref: target.referenceCode, ...firstContact, text: body })
        : t("thread.client_message", { ref: target.referenceCode, text: body });
    } else {
      text = t("thread.no_consent", { ref: target.referenceCode });
    }
    await this.throttle(thread.channel, job);
    // what the client typed, escaped, shown verbatim and with mentions off (see escape.ts)
    const res = await this.d.web.chat.postMessage({
      channel: thread.channel,
      ...(thread.ts ? { thread_ts: thread.ts } : {}),
      text: clipEscaped(text, 3900),
      blocks: chunkEscaped(text, 3000).slice(0, MAX_MESSAGE_BLOCKS).map(verbatimSection),
      ...INERT,
    });
    if (target.relayConsent)
      await new AuditRepository(db).record({
        actor: target.cmId ? `cm:${target.cmId}` : "system",
        action: "personal_data.relayed",
        caseId: m.caseId,
        clientId: target.clientId,
        data: { surface: firstContact ? "slack_first_contact" : "slack_case_thread", relayedMessageId: m.id },
      });
    // the copy for a deputy goes before the message is marked delivered, so a retry still sends it;
    // nobody stands in for a case manager the case does not have yet
    if (!firstContact)
      await this.deputyCopy(m.id, m.caseId, target.referenceCode, target.relayConsent ? text : null, job);
    const ts = res.ts ?? thread.ts;
    // without a ts the post could neither be erased later nor be told from a not yet posted message
    if (!ts) throw new Error("chat.postMessage returned no ts");
    await db.relayedMessage.updateMany({
      where: { id: m.id, slackTs: null },
      data: {
        slackTs: ts,
        slackChannel: res.channel ?? thread.channel,
        ...(target.relayConsent ? { deliveredAt: this.d.now() } : {}),
      },
    });
    return target.relayConsent ? "posted" : "no_consent";
  }

  /**
   * While the responsible case manager is absent and named a deputy (issue 11.8), the deputy (or, when
   * the deputy is away too, a lead: staff/notice-routing.ts) gets a copy of each client message as a
   * DM, with the case's reference code, who they stand in for and a Reply button; the thread stays the
   * case's record. Without relay consent the copy only says a message came.
   * Once per message (IdempotencyKey "slack.deputy_copy.<id>").
   */
  private async deputyCopy(
    messageId: string,
    caseId: string,
    referenceCode: string,
    relayed: string | null,
    job: DelayableJob,
  ): Promise<void> {
    const { db, web } = this.d;
    const k = await db.case.findUnique({ where: { id: caseId }, select: { cmId: true } });
    if (!k?.cmId) return;
    // who stands in right now: the one staff-notice rule (a lead when the deputy is away too)
    const to = await new NoticeRoutingRepository(db).targetFor(k.cmId, this.d.now());
    const deputy = to.route.via === "deputy" || to.route.via === "lead" ? to.recipient : null;
    if (!deputy) return;
    const key = `slack.deputy_copy.${messageId}`;
    if (await db.idempotencyKey.findUnique({ where: { key } })) return;
    const lng = await this.lngOf(deputy.slackUserId);
    const t = staffT(this.d.i18n, lng);
    const name = slackEscape(to.cm?.name ?? "");
    const text = relayed
      ? `${t("thread.deputy_copy", { name, ref: referenceCode })}\n${relayed}`
      : t("thread.deputy_copy_no_consent", { name, ref: referenceCode });
    const opened = await web.conversations.open({ users: deputy.slackUserId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error("conversations.open returned no channel");
    await this.throttle(channel, job);
    // with relay consent the deputy can answer from here (listeners/deputy.ts)
    const sections = chunkEscaped(text, 3000)
      .slice(0, MAX_MESSAGE_BLOCKS - 1)
      .map(verbatimSection);
    const res = await web.chat.postMessage({
      channel,
      text: clipEscaped(text, 3900),
      blocks: relayed ? [...sections, deputyReplyActions(caseId, t)] : sections,
      ...INERT,
    });
    await db.idempotencyKey.create({
      data: { key, scope: "slack.deputy_copy", result: { channel, ts: res.ts ?? null } },
    });
  }

  // ───────────────────────────── notices of other features ─────────────────────────────

  /**
   * "erased:<caseId>" / "withdrawn:<caseId>": DM to the case's case manager that the client had their
   * data erased / withdrew their consent (texts cases:privacy.erased_notice / withdrawn_notice).
   * "report:<from>:<to>:<variant>": the committee report to relay.reportChannel.
   * Once each (IdempotencyKey "slack.notice.<refId>").
   */
  async notice(refId: string, job: DelayableJob): Promise<string> {
    const { db, web } = this.d;
    const direct = /^(erased|withdrawn):([0-9a-f-]{36})$/i.exec(refId);
    const report = direct ? null : parseNoticeRef(refId);
    if (!direct && report?.kind !== "report") return "invalid";
    const key = `slack.notice.${refId}`;
    if (await db.idempotencyKey.findUnique({ where: { key } })) return "already";
    let channel: string;
    let message: { text: string; blocks?: unknown[] };
    if (direct) {
      const kind = direct[1]!.toLowerCase();
      const caseId = direct[2]!;
      const k = await db.case.findUnique({
        where: { id: caseId },
        select: { referenceCode: true, cmId: true },
      });
      // a case whose offer was revoked has no case manager any more: tell the one it was offered to
      const cmId =
        k?.cmId ??
        (
          await db.assignment.findFirst({
            where: { caseId },
            orderBy: { createdAt: "desc" },
            select: { cmId: true },
          })
        )?.cmId;
      // during an absence the deputy (or a lead) hears of it: the one staff-notice rule
      const to = cmId ? await new NoticeRoutingRepository(db).targetFor(cmId, this.d.now()) : null;
      const slackUserId = to?.recipient?.slackUserId;
      if (!k || !to || !slackUserId) return "no_recipient";
      const lng = await this.lngOf(slackUserId);
      const standIn =
        to.route.via === "deputy" || to.route.via === "lead"
          ? `${staffT(this.d.i18n, lng)("deputy.notice_prefix", { name: slackEscape(to.cm?.name ?? "") })}\n`
          : "";
      const text = `${standIn}${String(
        this.d.i18n.t(`privacy.${kind}_notice`, { lng, ns: "cases", referenceCode: k.referenceCode }),
      )}`;
      const opened = await web.conversations.open({ users: slackUserId });
      if (!opened.channel?.id) throw new Error("conversations.open returned no channel");
      channel = opened.channel.id;
      message = { text };
    } else if (report?.kind === "report") {
      const reportChannel = this.d.org.relay.reportChannel;
      if (!reportChannel) return "no_channel";
      if (!this.d.ports.reports) return "no_reports";
      channel = reportChannel;
      const from = new Date(`${report.from}T00:00:00.000Z`);
      const to = new Date(new Date(`${report.to}T00:00:00.000Z`).getTime() + 86_400_000);
      const markdown = await this.d.ports.reports.markdown({ from, to, lng: "de", variant: report.variant });
      const title =
        markdown
          .split("\n")
          .find((l) => l.trim())
          ?.replace(/^#+\s*/, "") ?? "KIM";
      message = { text: clip(title, 300), blocks: [{ type: "markdown", text: clip(markdown, 12_000) }] };
    } else return "invalid";
    await this.throttle(channel, job);
    const res = await web.chat.postMessage({ channel, ...message });
    await db.idempotencyKey.create({
      data: { key, scope: "slack.notice", result: { channel, ts: res.ts ?? null } },
    });
    return "posted";
  }

  // ───────────────────────────── weekly digest ─────────────────────────────

  async digest(day: string, job: DelayableJob): Promise<string> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return "invalid";
    const channel = this.d.org.relay.digestChannel;
    if (!channel) return "no_channel";
    const { db, ports } = this.d;
    const key = `slack.digest.${day}`;
    if (await db.idempotencyKey.findUnique({ where: { key } })) return "already";
    const now = this.d.now();
    const { from, to } = digestPeriod(now);
    const range = { gte: from, lt: to };
    const [newIntakes, referrals, offered, accepted, declined, expired, closed, waitlist, loads] =
      await Promise.all([
        db.intake.count({ where: { submittedAt: range } }),
        db.triageOutcome.count({ where: { route: "referral", decidedAt: range } }),
        db.assignment.count({ where: { decisionId: { not: null }, createdAt: range } }),
        db.assignment.count({ where: { decisionId: { not: null }, status: "accepted", decidedAt: range } }),
        db.assignment.count({ where: { status: "declined", decidedAt: range } }),
        db.assignment.count({ where: { status: "expired", decidedAt: range } }),
        db.case.count({ where: { closedAt: range } }),
        ports.queries.waitlist(now),
        ports.queries.loads("all", now),
      ]);
    const figures = digestFigures({
      from,
      to,
      newIntakes,
      referrals,
      offered,
      accepted,
      declined,
      expired,
      closed,
      waiting: waitlist.waiting,
      urgentWaiting: waitlist.urgent,
      oldestWaitingSince: waitlist.oldestSince,
      loads: loads.map((l) => ({
        name: l.name,
        agencyName: l.agencyName,
        openCases: l.openCases,
        capacity: l.capacity,
      })),
    });
    const msg = buildDigest(figures, staffT(this.d.i18n, "de"), "de");
    await this.throttle(channel, job);
    const res = await this.d.web.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks });
    await db.idempotencyKey.create({
      data: { key, scope: "slack.digest", result: { channel, ts: res.ts ?? null } },
    });
    return "posted";
  }

  // ───────────────────────────── daily monitoring digest ─────────────────────────────

  /**
   * "<YYYY-MM-DD>:<staff id>": the member of staff's monitoring digest as a DM, read afresh (what was
   * done since the run is not listed); once per day (IdempotencyKey "slack.cm_digest.<refId>").
   */
  async cmDigest(refId: string, job: DelayableJob): Promise<string> {
    const m = /^(\d{4}-\d{2}-\d{2}):([\w.-]{1,52})$/.exec(refId);
    if (!m) return "invalid";
    const monitoring = this.d.ports.monitoring;
    if (!monitoring) return "no_monitoring";
    const { db, web } = this.d;
    const key = `slack.cm_digest.${refId}`;
    if (await db.idempotencyKey.findUnique({ where: { key } })) return "already";
    const view = await monitoring.digestOf(m[2]!);
    if (!view) return "nothing";
    const lng = await this.lngOf(view.slackUserId);
    const msg = buildMonitoringDigest(
      view,
      monitoring.partners,
      new Date(`${m[1]}T12:00:00Z`),
      staffT(this.d.i18n, lng),
      lng,
    );
    const opened = await web.conversations.open({ users: view.slackUserId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error("conversations.open returned no channel");
    await this.throttle(channel, job);
    const res = await web.chat.postMessage({ channel, text: msg.text, blocks: msg.blocks, ...INERT });
    await db.idempotencyKey.create({
      data: { key, scope: "slack.cm_digest", result: { channel, ts: res.ts ?? null } },
    });
    return "posted";
  }
}

/** The day key of a digest made at `at` (Berlin date). */
export const digestDay = (at: Date): string => isoDay(at);
