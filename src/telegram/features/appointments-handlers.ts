// Job handlers of appointments: offers and messages to clients (Telegram queue, rate limited), DMs to
// case managers (Slack queue), reminders (work queue: precise firing, then a Telegram send job) and
// the sweep that re-adds reminder jobs. Every handler reads the database fresh and does nothing for a
// client who was erased, an appointment that was cancelled or moved, or one in the past.
import { GrammyError, type InlineKeyboard, InputFile } from "grammy";
import type { AppContext } from "../../app/feature.ts";
import { appointmentsRuntime } from "../../app/runtime/appointments.ts";
import { formatWhen } from "../../modules/appointments/format.ts";
import { reminderVerdict } from "../../modules/appointments/reminders.ts";
import { NoticeRoutingRepository } from "../../modules/staff/notice-routing.repository.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Handlers } from "../../queue/registry.ts";
import { slackEscape } from "../../slack/escape.ts";
import { staffT } from "../../slack/i18n.ts";
import { staffLanguage, staffMessage } from "../../slack/listeners/appointments.ts";
import {
  appointmentsT,
  bidi,
  type ConfirmationTitle,
  icsFor,
  loadAppointmentDetails,
  type Rendered,
  renderConfirmation,
  renderReminder,
  showTimesKeyboard,
} from "../appointments-messages.ts";
import { buildOffer } from "./appointments.ts";

const TITLES = {
  confirmed: "title",
  booked_by_staff: "title_booked_by_staff",
  moved_by_staff: "title_moved_by_staff",
} as const satisfies Record<string, ConfirmationTitle>;

/** Telegram's caption limit for documents. */
const CAPTION_MAX = 1024;
/** Cases accepted this long ago or less get an automatic offer from the sweep if none was made. */
const AUTO_OFFER_WITHIN_MS = 7 * 86_400_000;

interface Reachable {
  chatId: number;
  locale: string;
}

function reachable(
  client: { telegramChatId: bigint | null; erasedAt: Date | null; locale: string } | null,
): Reachable | null {
  if (!client || client.erasedAt || client.telegramChatId === null) return null;
  return { chatId: Number(client.telegramChatId), locale: client.locale };
}

export function appointmentJobHandlers(app: AppContext): Handlers<Jobs> {
  const rt = appointmentsRuntime(app);
  const log = app.log;

  const send = async (to: Reachable, r: Rendered) => {
    const api = app.telegramApi;
    if (!api) throw new Error("no Telegram API in this process");
    await api.sendMessage(to.chatId, bidi(to.locale, r.text), r.keyboard ? { reply_markup: r.keyboard } : {});
  };

  /** Text with the .ics attached when the peer takes documents; plain text otherwise. */
  const sendWithCalendar = async (to: Reachable, r: Rendered, ics: string, fileName: string) => {
    const api = app.telegramApi;
    if (!api) throw new Error("no Telegram API in this process");
    const file = new InputFile(Buffer.from(ics, "utf8"), fileName);
    const captioned = r.text.length <= CAPTION_MAX;
    try {
      if (!captioned) await send(to, r);
      await api.sendDocument(to.chatId, file, {
        ...(captioned ? { caption: bidi(to.locale, r.text) } : {}),
        ...(captioned && r.keyboard ? { reply_markup: r.keyboard } : {}),
      });
    } catch (e) {
      // e.g. telegram-test-api answers "not supported" for sendDocument: the text alone is the fallback
      log.info(
        { err: e instanceof GrammyError ? `${e.error_code} ${e.method}` : (e as Error).name },
        "calendar file not sent, text only",
      );
      if (captioned) await send(to, r);
    }
  };

  return {
    "appointment.offer": async (p) => {
      const c = await app.db.case.findUnique({
        where: { id: p.caseId },
        select: {
          id: true,
          cmId: true,
          phase: true,
          client: { select: { telegramChatId: true, erasedAt: true, locale: true } },
        },
      });
      const to = reachable(c?.client ?? null);
      if (!c || !to || c.phase === "closed") return { skipped: "unreachable" };
      if (!app.telegramApi)
        return log.warn({ caseId: p.caseId }, "appointment offer not sent: no Telegram in this process");
      const { rendered, slots, cmId } = await buildOffer(app, rt, {
        caseId: c.id,
        reason: p.reason,
        locale: to.locale,
        ...(p.starts.length ? { proposed: p.starts.map((ms) => new Date(ms)) } : {}),
      });
      await send(to, rendered);
      if (cmId && slots.length === 0)
        await rt.outbox.toStaff({ caseId: c.id }, "no_slots", `noslots.${p.key}`);
      return { slots: slots.length };
    },

    "appointment.reminder": async (p, job) => {
      const now = app.now();
      const appt = await app.db.appointment.findUnique({
        where: { id: p.appointmentId },
        select: { status: true, startsAt: true },
      });
      const verdict = reminderVerdict(appt, p.startsAt, now);
      const lateMs = now.getTime() - (p.startsAt - p.offsetS * 1000);
      if (verdict !== "send") {
        log.info({ appointmentId: p.appointmentId, verdict }, "reminder not sent");
        return { verdict };
      }
      await rt.outbox.toClient(
        p.appointmentId,
        "reminder",
        `reminder.${p.appointmentId}.${p.offsetS}.${Math.floor(p.startsAt / 1000)}`,
      );
      log.debug(
        { appointmentId: p.appointmentId, offsetS: p.offsetS, lateMs, jobId: job.id },
        "reminder fired",
      );
      return { verdict, lateMs };
    },

    "appointment.client": async (p) => {
      const now = app.now();
      const d = await loadAppointmentDetails(app.db, p.appointmentId, app.cipher);
      const to = reachable(d?.case.client ?? null);
      if (!d || !to) return { skipped: "unreachable" };
      if (!app.telegramApi)
        return log.warn({ appointmentId: p.appointmentId }, "appointment message not sent: no Telegram");
      const t = appointmentsT(app, to.locale);
      switch (p.event) {
        case "confirmed":
        case "booked_by_staff":
        case "moved_by_staff": {
          if (d.status !== "booked" || d.startsAt.getTime() <= now.getTime()) return { skipped: d.status };
          const r = renderConfirmation(rt, t, to.locale, d, TITLES[p.event]);
          await sendWithCalendar(to, r, icsFor(t, d, now), "appointment.ics");
          return { sent: p.event };
        }
        case "reminder": {
          // the reminder job checked a moment ago; check again, the queue may have waited
          if (d.status !== "booked" || d.startsAt.getTime() <= now.getTime()) return { skipped: d.status };
          await send(to, renderReminder(rt, t, to.locale, d, now));
          return { sent: p.event };
        }
        case "cancelled_by_staff": {
          // with the cancellation .ics (METHOD:CANCEL), so the calendar entry goes away too
          const text = t("cancel.by_staff", { when: formatWhen(d.startsAt, to.locale, rt.timeZone) });
          await sendWithCalendar(to, { text }, icsFor(t, d, now), "appointment-cancelled.ics");
          return { sent: p.event };
        }
        case "cancelled_by_client": {
          // only the calendar file: the chat said "cancelled" when the button was pressed
          if (d.status !== "cancelled") return { skipped: d.status };
          await sendWithCalendar(
            to,
            { text: t("cancel.calendar") },
            icsFor(t, d, now),
            "appointment-cancelled.ics",
          );
          return { sent: p.event };
        }
        case "checkin": {
          await send(to, {
            text: t("checkin"),
            keyboard: showTimesKeyboard(rt, t, d.caseId) as InlineKeyboard,
          });
          return { sent: p.event };
        }
      }
    },

    "appointment.staff": async (p) => {
      const c = await app.db.case.findUnique({
        where: { id: p.caseId },
        select: { id: true, referenceCode: true, cmId: true, client: { select: { pseudonym: true } } },
      });
      const appt = p.appointmentId
        ? await app.db.appointment.findUnique({
            where: { id: p.appointmentId },
            select: { startsAt: true, mode: true, rescheduleCount: true, cmId: true },
          })
        : null;
      const cmId = appt?.cmId ?? c?.cmId;
      // during an absence the deputy (or a lead) gets it, afterwards the case manager again
      const route = cmId ? await new NoticeRoutingRepository(app.db).targetFor(cmId, app.now()) : null;
      const cm = route?.recipient;
      if (!c || !cm) return { skipped: "no case manager" };
      const slack = app.slackClient;
      if (!slack) {
        log.info(
          { caseId: p.caseId, event: p.event },
          "appointment notice for staff not sent: no Slack in this process",
        );
        return { skipped: "no slack" };
      }
      const lng = await staffLanguage(app, cm.slackUserId, slack.users as never);
      const msg = staffMessage({
        i18n: app.i18n,
        lng,
        event: p.event,
        timeZone: rt.timeZone,
        caseId: c.id,
        reference: c.referenceCode,
        pseudonym: c.client.pseudonym,
        appointment: appt,
        maxReschedules: rt.config.maxReschedules,
        horizonDays: rt.config.horizonDays,
      });
      if (route.route.via === "deputy" || route.route.via === "lead") {
        const prefix = staffT(app.i18n, lng)("deputy.notice_prefix", {
          name: slackEscape(route.cm?.name ?? ""),
        });
        msg.text = `${prefix}\n${msg.text}`;
        msg.blocks.unshift({ type: "context", elements: [{ type: "mrkdwn", text: prefix }] });
      }
      await slack.chat.postMessage({ channel: cm.slackUserId, text: msg.text, blocks: msg.blocks });
      // the App Home lists appointments: let the Slack feature republish it
      await app.producer
        .enqueue("slack.deliver", { kind: "home", refId: cm.slackUserId, key: `appt-home.${p.key}` })
        .catch(() => {});
      return { sent: p.event };
    },

    "appointment.sweep": async () => {
      const now = app.now();
      // 1. reminders that went missing (Redis was down at booking time, a job was removed by hand…)
      const ahead = Math.max(0, ...rt.config.reminders) + 3_600_000;
      const due = await app.db.appointment.findMany({
        where: { status: "booked", startsAt: { gt: now, lte: new Date(now.getTime() + ahead) } },
        select: { id: true, startsAt: true },
      });
      for (const a of due) await rt.outbox.scheduleReminders(a);

      // 2. cases accepted lately that were never offered a time: offer the case manager's next free slots
      //    (the acceptance itself may enqueue the offer at once; this catches what it did not)
      const accepted = await app.db.assignment.findMany({
        where: {
          status: "accepted",
          decidedAt: { gt: new Date(now.getTime() - AUTO_OFFER_WITHIN_MS) },
          case: { phase: { not: "closed" }, appointments: { none: {} } },
        },
        select: { id: true, caseId: true, cmId: true, case: { select: { cmId: true } } },
        take: 200,
      });
      let offered = 0;
      for (const a of accepted) {
        if (a.case.cmId !== a.cmId) continue;
        const before = await app.db.auditLog.findFirst({
          where: { caseId: a.caseId, action: "appointment.offered" },
          select: { id: true },
        });
        if (before) continue;
        await rt.outbox.offer(a.caseId, "assigned", `assigned.${a.id}`);
        offered++;
      }

      // 3. booked appointments of a case that has moved to another case manager: the old one will not
      //    hold it; cancel (the client is told and offered the new case manager's times)
      const stale = await app.db.appointment.findMany({
        where: {
          status: "booked",
          startsAt: { gt: now },
          case: { OR: [{ cmId: null }, { phase: "closed" }] },
        },
        select: { id: true },
        take: 200,
      });
      const moved = await app.db.$queryRaw<{ id: string }[]>`
        SELECT a.id FROM "Appointment" a JOIN "Case" c ON c.id = a."caseId"
        WHERE a.status = 'booked' AND a."startsAt" > ${now} AND c."cmId" IS NOT NULL AND c."cmId" <> a."cmId"
        LIMIT 200`;
      let cancelled = 0;
      for (const { id } of [...stale, ...moved]) {
        const r = await rt.service.cancel({ appointmentId: id, actor: { kind: "system" } });
        if (r.ok) cancelled++;
      }
      return { reminders: due.length, offered, cancelled };
    },
  };
}
