// Booking, rescheduling, cancelling and attendance. Decisions are made inside one transaction per
// change, under a per-case-manager advisory lock, against a fresh read of the calendar; the partial
// unique index "Appointment_no_double_booking" (cmId, startsAt WHERE booked) is the last word on a
// double booking: a P2002 from it becomes "slot taken" with fresh offers. Side effects (reminder jobs,
// messages to client and case manager) go through the AppointmentOutbox after the commit, so this
// module knows neither BullMQ, grammY nor Bolt.
import type { Db, Tx } from "../../db/client.ts";
import type { Logger } from "../../lib/logger.ts";
import { AccessRepository } from "../staff/access.repository.ts";
import { authorize } from "../staff/authorize.ts";
import {
  type Appointment,
  type Calendar,
  type DbLike,
  isUniqueViolation,
  loadCalendarWithHolidays,
  lockCaseManagerCalendar,
  openCaseOfClient,
} from "./appointments.repository.ts";
import type { AppointmentsConfig } from "./config.ts";
import { type ContactMode, computeSlots, type Slot, spreadOffer } from "./slots.ts";
import { slotVerdict } from "./staff-booking.ts";

export type Actor = { kind: "client"; clientId: string } | { kind: "cm"; cmId: string } | { kind: "system" };

export const actorLabel = (a: Actor): string =>
  a.kind === "client" ? `client:${a.clientId}` : a.kind === "cm" ? `cm:${a.cmId}` : "system";

/** Messages to the client (Telegram); rendered by the worker in the client's language. */
export type ClientEvent =
  | "confirmed"
  | "cancelled_by_client"
  | "booked_by_staff"
  | "moved_by_staff"
  | "cancelled_by_staff"
  | "reminder"
  | "checkin";
/** Messages to the case manager (Slack). */
export type StaffEvent = "booked" | "rescheduled" | "cancelled" | "limit_reached" | "no_fit" | "no_slots";

export interface AppointmentOutbox {
  /** resolves to the number of reminder jobs added / removed (implementations may report nothing) */
  scheduleReminders(appt: { id: string; startsAt: Date }): Promise<unknown>;
  cancelReminders(appt: { id: string; startsAt: Date }): Promise<unknown>;
  toClient(appointmentId: string, event: ClientEvent, key: string): Promise<void>;
  toStaff(ref: { appointmentId?: string; caseId: string }, event: StaffEvent, key: string): Promise<void>;
  /** offer free slots to the client of a case (the Telegram worker renders it) */
  offer(caseId: string, reason: OfferReason, key: string, starts?: readonly Date[]): Promise<void>;
}

export type OfferReason =
  | "assigned"
  | "proposed"
  | "client_asked"
  | "slot_taken"
  | "staff_cancelled"
  | "checkin";

export interface AppointmentServiceDeps {
  db: Db;
  config: AppointmentsConfig;
  timeZone: string;
  outbox: AppointmentOutbox;
  now: () => Date;
  log?: Logger;
}

export type BookFailure =
  | { ok: false; reason: "slot_taken" | "slot_unavailable"; offers: Slot[] }
  | { ok: false; reason: "already_booked"; appointment: Appointment }
  | { ok: false; reason: "not_found" | "forbidden" | "no_case_manager" };
export type BookResult = { ok: true; appointment: Appointment } | BookFailure;

export type RescheduleResult =
  | { ok: true; appointment: Appointment; previousStart: Date }
  | { ok: false; reason: "slot_taken" | "slot_unavailable"; offers: Slot[] }
  | { ok: false; reason: "limit_reached"; max: number }
  | { ok: false; reason: "not_found" | "forbidden" | "not_booked" | "past" };

export type CancelResult =
  | { ok: true; appointment: Appointment }
  | { ok: false; reason: "not_found" | "forbidden" | "not_booked" | "past" };

export type AttendanceResult =
  | { ok: true; appointment: Appointment; noShows: number; checkInSent: boolean }
  | { ok: false; reason: "not_found" | "forbidden" | "cancelled" | "not_started" };

const DAY = 86_400_000;

export class AppointmentService {
  constructor(private readonly deps: AppointmentServiceDeps) {}

  get config(): AppointmentsConfig {
    return this.deps.config;
  }

  get timeZone(): string {
    return this.deps.timeZone;
  }

  private policy() {
    const c = this.deps.config;
    return {
      slotMinutes: c.slotMinutes,
      bufferMinutes: c.bufferMinutes,
      leadTimeMs: c.leadTime,
      horizonDays: c.horizonDays,
      timeZone: this.deps.timeZone,
    };
  }

  private window(now: Date) {
    return {
      from: new Date(now.getTime() - DAY),
      to: new Date(now.getTime() + (this.deps.config.horizonDays + 2) * DAY),
    };
  }

  /** The case manager's calendar in a window, with the public holidays as exceptions. */
  private calendar(
    db: DbLike,
    cmId: string,
    window: { from: Date; to: Date },
    excludeAppointmentId?: string,
  ): Promise<Calendar> {
    return loadCalendarWithHolidays(
      db,
      cmId,
      window,
      { publicHolidays: this.deps.config.publicHolidays, timeZone: this.deps.timeZone },
      excludeAppointmentId ? { excludeAppointmentId } : {},
    );
  }

  /** Free slots of a case manager from now on (or from `from`). */
  async freeSlots(
    cmId: string,
    opts: {
      from?: Date;
      limit?: number;
      modes?: readonly ContactMode[];
      excludeAppointmentId?: string;
      db?: Db | Tx;
    } = {},
  ): Promise<Slot[]> {
    const now = this.deps.now();
    const cal = await this.calendar(
      opts.db ?? this.deps.db,
      cmId,
      this.window(now),
      opts.excludeAppointmentId,
    );
    return computeSlots({
      ...cal,
      policy: this.policy(),
      now,
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.modes ? { modes: opts.modes } : {}),
      ...(opts.limit ? { limit: opts.limit } : {}),
    });
  }

  /**
   * A short offer for the client of a case: the next free slots of their case manager in the
   * contact modes the client asked for at intake (all modes if none of those is free), spread over days.
   */
  async offerFor(
    caseId: string,
    opts: { after?: Date; excludeAppointmentId?: string; proposed?: readonly Date[] } = {},
  ): Promise<{ cmId: string; slots: Slot[] } | { cmId: null; slots: [] }> {
    const c = await this.deps.db.case.findUnique({
      where: { id: caseId },
      select: { cmId: true, phase: true, intake: { select: { contactModes: true } } },
    });
    if (!c?.cmId || c.phase === "closed") return { cmId: null, slots: [] };
    const { offerCount, offerPerDay } = this.deps.config;
    const base = {
      ...(opts.after ? { from: new Date(opts.after.getTime() + 1) } : {}),
      ...(opts.excludeAppointmentId ? { excludeAppointmentId: opts.excludeAppointmentId } : {}),
    };
    if (opts.proposed?.length) {
      const free = await this.freeSlots(c.cmId, { ...base, limit: 2000 });
      const wanted = new Set(opts.proposed.map((d) => d.getTime()));
      const slots = free.filter((s) => wanted.has(s.startsAt.getTime()));
      if (slots.length) return { cmId: c.cmId, slots };
    }
    const modes = c.intake.contactModes.filter((m): m is ContactMode =>
      ["in_person", "phone", "video"].includes(m),
    );
    // enough slots to spread over several days
    const limit = offerCount * 6;
    let slots = modes.length ? await this.freeSlots(c.cmId, { ...base, modes, limit }) : [];
    if (slots.length === 0) slots = await this.freeSlots(c.cmId, { ...base, limit });
    return { cmId: c.cmId, slots: spreadOffer(slots, offerCount, offerPerDay, this.deps.timeZone) };
  }

  /** Whether a client may act on a case (owns it). */
  async caseOfClient(clientId: string, caseId: string) {
    const c = await this.deps.db.case.findUnique({
      where: { id: caseId },
      select: { id: true, clientId: true, cmId: true, phase: true },
    });
    return c && c.clientId === clientId ? c : null;
  }

  openCaseOfClient(clientId: string) {
    return openCaseOfClient(this.deps.db, clientId);
  }

  async book(args: { caseId: string; startsAt: Date; actor: Actor }): Promise<BookResult> {
    const now = this.deps.now();
    const { db } = this.deps;
    const c = await db.case.findUnique({
      where: { id: args.caseId },
      select: { id: true, clientId: true, cmId: true, phase: true },
    });
    if (!c) return { ok: false, reason: "not_found" };
    if (args.actor.kind === "client" && c.clientId !== args.actor.clientId)
      return { ok: false, reason: "forbidden" };
    if (args.actor.kind === "cm" && !(await this.staffMay(args.actor.cmId, c.id)))
      return { ok: false, reason: "forbidden" };
    if (!c.cmId || c.phase === "closed") return { ok: false, reason: "no_case_manager" };
    const cmId = c.cmId;
    const accepted = await db.assignment.findFirst({
      where: { caseId: c.id, cmId, status: "accepted" },
      select: { id: true },
    });
    if (!accepted) return { ok: false, reason: "no_case_manager" };

    let result: BookResult;
    try {
      result = await db.$transaction(
        async (tx) => {
          await lockCaseManagerCalendar(tx, cmId);
          const live = await tx.appointment.findFirst({
            where: { caseId: c.id, status: "booked", startsAt: { gt: now } },
          });
          if (live) return { ok: false, reason: "already_booked", appointment: live } as const;
          const slot = await this.slotAt(tx, cmId, args.startsAt, now);
          if (!slot.ok) return { ok: false, reason: slot.reason, offers: [] } as const;
          const earlier = await tx.appointment.count({
            where: { caseId: c.id, status: { not: "cancelled" } },
          });
          const appointment = await tx.appointment.create({
            data: {
              caseId: c.id,
              cmId,
              startsAt: slot.slot.startsAt,
              endsAt: slot.slot.endsAt,
              mode: slot.slot.mode,
              officeId: slot.slot.mode === "in_person" ? slot.slot.officeId : null,
              kind: earlier === 0 ? "first_consultation" : "follow_up",
            },
          });
          await tx.auditLog.create({
            data: {
              actor: actorLabel(args.actor),
              action: "appointment.booked",
              caseId: c.id,
              clientId: c.clientId,
              data: { appointmentId: appointment.id, cmId, startsAt: appointment.startsAt.toISOString() },
            },
          });
          return { ok: true, appointment } as const;
        },
        { timeout: 30_000, maxWait: 20_000 },
      );
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      this.deps.log?.info({ caseId: c.id, cmId }, "booking lost a race on the unique index");
      result = { ok: false, reason: "slot_taken", offers: [] };
    }

    if (!result.ok) {
      if (result.reason === "slot_taken" || result.reason === "slot_unavailable")
        return { ...result, offers: (await this.offerFor(c.id)).slots };
      return result;
    }
    const appt = result.appointment;
    await this.afterCommit(async () => {
      await this.deps.outbox.scheduleReminders(appt);
      await this.deps.outbox.toClient(appt.id, "confirmed", `confirmed.${appt.id}.${appt.rescheduleCount}`);
      await this.deps.outbox.toStaff(
        { appointmentId: appt.id, caseId: appt.caseId },
        "booked",
        `booked.${appt.id}`,
      );
    });
    return result;
  }

  /** Inside a transaction: is there a free slot exactly at `startsAt`? */
  private async slotAt(
    tx: Tx,
    cmId: string,
    startsAt: Date,
    now: Date,
    excludeAppointmentId?: string,
  ): Promise<{ ok: true; slot: Slot } | { ok: false; reason: "slot_taken" | "slot_unavailable" }> {
    const cal = await this.calendar(
      tx,
      cmId,
      { from: new Date(startsAt.getTime() - DAY), to: new Date(startsAt.getTime() + DAY) },
      excludeAppointmentId,
    );
    return slotVerdict(cal, this.policy(), now, startsAt);
  }

  private async loadForChange(appointmentId: string, actor: Actor) {
    const appt = await this.deps.db.appointment.findUnique({
      where: { id: appointmentId },
      include: { case: { select: { clientId: true } } },
    });
    if (!appt) return { error: "not_found" as const };
    if (actor.kind === "client" && appt.case.clientId !== actor.clientId)
      return { error: "forbidden" as const };
    if (actor.kind === "cm" && !(await this.staffMay(actor.cmId, appt.caseId)))
      return { error: "forbidden" as const };
    return { appt };
  }

  /** The one authorization rule (staff/authorize.ts): own case, deputy, or supervising lead. */
  private async staffMay(cmId: string, caseId: string): Promise<boolean> {
    const access = new AccessRepository(this.deps.db);
    const [staff, scope] = await Promise.all([
      access.actorById(cmId, this.deps.now()),
      access.caseScope(caseId),
    ]);
    return !!scope && authorize(staff, "appointment.change", scope).ok;
  }

  /**
   * Moves a booked appointment to another free slot of the same case manager. Clients may do this
   * `maxReschedules` times per appointment; case managers are not limited (the count still grows).
   */
  async reschedule(args: { appointmentId: string; startsAt: Date; actor: Actor }): Promise<RescheduleResult> {
    const now = this.deps.now();
    const loaded = await this.loadForChange(args.appointmentId, args.actor);
    if ("error" in loaded) return { ok: false, reason: loaded.error! };
    const before = loaded.appt;
    if (before.status !== "booked") return { ok: false, reason: "not_booked" };
    if (before.startsAt.getTime() <= now.getTime()) return { ok: false, reason: "past" };
    const max = this.deps.config.maxReschedules;
    if (args.actor.kind === "client" && before.rescheduleCount >= max)
      return { ok: false, reason: "limit_reached", max };

    let result: RescheduleResult;
    try {
      result = await this.deps.db.$transaction(
        async (tx) => {
          await lockCaseManagerCalendar(tx, before.cmId);
          const cur = await tx.appointment.findUnique({ where: { id: before.id } });
          if (cur?.status !== "booked") return { ok: false, reason: "not_booked" } as const;
          if (args.actor.kind === "client" && cur.rescheduleCount >= max)
            return { ok: false, reason: "limit_reached", max } as const;
          const slot = await this.slotAt(tx, cur.cmId, args.startsAt, now, cur.id);
          if (!slot.ok) return { ok: false, reason: slot.reason, offers: [] } as const;
          const appointment = await tx.appointment.update({
            where: { id: cur.id },
            data: {
              startsAt: slot.slot.startsAt,
              endsAt: slot.slot.endsAt,
              mode: slot.slot.mode,
              officeId: slot.slot.mode === "in_person" ? slot.slot.officeId : null,
              rescheduleCount: { increment: 1 },
            },
          });
          await tx.auditLog.create({
            data: {
              actor: actorLabel(args.actor),
              action: "appointment.rescheduled",
              caseId: cur.caseId,
              data: {
                appointmentId: cur.id,
                from: cur.startsAt.toISOString(),
                to: appointment.startsAt.toISOString(),
                count: appointment.rescheduleCount,
              },
            },
          });
          return { ok: true, appointment, previousStart: cur.startsAt } as const;
        },
        { timeout: 30_000, maxWait: 20_000 },
      );
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      result = { ok: false, reason: "slot_taken", offers: [] };
    }
    if (!result.ok) {
      if (result.reason === "slot_taken" || result.reason === "slot_unavailable")
        return {
          ...result,
          offers: (await this.offerFor(before.caseId, { excludeAppointmentId: before.id })).slots,
        };
      return result;
    }
    const appt = result.appointment;
    const prev = result.previousStart;
    await this.afterCommit(async () => {
      await this.deps.outbox.cancelReminders({ id: appt.id, startsAt: prev });
      await this.deps.outbox.scheduleReminders(appt);
      const key = `${appt.id}.${appt.rescheduleCount}`;
      if (args.actor.kind === "client") {
        await this.deps.outbox.toClient(appt.id, "confirmed", `confirmed.${key}`);
        await this.deps.outbox.toStaff(
          { appointmentId: appt.id, caseId: appt.caseId },
          "rescheduled",
          `rescheduled.${key}`,
        );
      } else {
        await this.deps.outbox.toClient(appt.id, "moved_by_staff", `moved.${key}`);
      }
    });
    return result;
  }

  async cancel(args: { appointmentId: string; actor: Actor }): Promise<CancelResult> {
    const now = this.deps.now();
    const loaded = await this.loadForChange(args.appointmentId, args.actor);
    if ("error" in loaded) return { ok: false, reason: loaded.error! };
    const before = loaded.appt;
    if (before.status !== "booked") return { ok: false, reason: "not_booked" };
    if (before.endsAt.getTime() <= now.getTime()) return { ok: false, reason: "past" };
    const appointment = await this.deps.db.$transaction(async (tx) => {
      const n = await tx.appointment.updateMany({
        where: { id: before.id, status: "booked" },
        data: { status: "cancelled", cancelledAt: now, cancelledBy: actorLabel(args.actor) },
      });
      if (n.count === 0) return null;
      await tx.auditLog.create({
        data: {
          actor: actorLabel(args.actor),
          action: "appointment.cancelled",
          caseId: before.caseId,
          data: { appointmentId: before.id, startsAt: before.startsAt.toISOString() },
        },
      });
      return tx.appointment.findUniqueOrThrow({ where: { id: before.id } });
    });
    if (!appointment) return { ok: false, reason: "not_booked" };
    await this.afterCommit(async () => {
      await this.deps.outbox.cancelReminders(appointment);
      if (args.actor.kind === "client") {
        // the bot confirmed in the chat already; the file takes the entry out of their calendar
        await this.deps.outbox.toClient(appointment.id, "cancelled_by_client", `cancelled.${appointment.id}`);
        await this.deps.outbox.toStaff(
          { appointmentId: appointment.id, caseId: appointment.caseId },
          "cancelled",
          `cancelled.${appointment.id}`,
        );
      } else {
        await this.deps.outbox.toClient(appointment.id, "cancelled_by_staff", `cancelled.${appointment.id}`);
        await this.deps.outbox.offer(appointment.caseId, "staff_cancelled", `recancel.${appointment.id}`);
      }
    });
    return { ok: true, appointment };
  }

  /**
   * Attended / no-show, by the case manager, once the appointment has started (corrections allowed).
   * No-shows are counted per case and change nothing in fairness accounting (case load stays as is);
   * every `noShowCheckIn`-th no-show of a case sends the client a friendly check-in. An attended
   * first consultation moves the case from first consultation to assessment.
   */
  async markAttendance(args: {
    appointmentId: string;
    cmId: string;
    attended: boolean;
  }): Promise<AttendanceResult> {
    const now = this.deps.now();
    const loaded = await this.loadForChange(args.appointmentId, { kind: "cm", cmId: args.cmId });
    if ("error" in loaded) return { ok: false, reason: loaded.error! };
    const before = loaded.appt;
    if (before.status === "cancelled") return { ok: false, reason: "cancelled" };
    if (before.startsAt.getTime() > now.getTime()) return { ok: false, reason: "not_started" };
    const status = args.attended ? "attended" : "no_show";
    const { appointment, noShows } = await this.deps.db.$transaction(async (tx) => {
      const appointment = await tx.appointment.update({ where: { id: before.id }, data: { status } });
      if (before.status !== status)
        await tx.auditLog.create({
          data: {
            actor: `cm:${args.cmId}`,
            action: `appointment.${status}`,
            caseId: before.caseId,
            data: { appointmentId: before.id, previous: before.status },
          },
        });
      // the first consultation took place (the first appointment attended, whatever was booked as
      // which after no-shows): the case work starts with the assessment (issue 11.6). A later
      // correction to no-show does not move the case back; the case manager can.
      if (status === "attended") {
        const moved = await tx.case.updateMany({
          where: { id: before.caseId, phase: "first_consultation" },
          data: { phase: "assessment", lastContactAt: before.startsAt },
        });
        if (moved.count)
          await tx.caseEvent.create({
            data: {
              caseId: before.caseId,
              kind: "case.phase_changed",
              fromPhase: "first_consultation",
              toPhase: "assessment",
              actor: `cm:${args.cmId}`,
              at: now,
              data: { appointmentId: before.id, reason: "first_consultation_attended" },
            },
          });
      }
      const noShows = await tx.appointment.count({ where: { caseId: before.caseId, status: "no_show" } });
      return { appointment, noShows };
    });
    const threshold = this.deps.config.noShowCheckIn;
    const checkInSent =
      status === "no_show" && before.status !== "no_show" && noShows > 0 && noShows % threshold === 0;
    if (checkInSent)
      await this.afterCommit(() =>
        this.deps.outbox.toClient(appointment.id, "checkin", `checkin.${appointment.caseId}.${noShows}`),
      );
    return { ok: true, appointment, noShows, checkInSent };
  }

  /** Side effects after a commit must not turn a done change into an error for the caller. */
  private async afterCommit(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log?.error(
        { err: (e as Error).name, msg: (e as Error).message.slice(0, 200) },
        "appointment side effect failed",
      );
    }
  }
}
