// A member of staff books a client's appointment directly (e.g. after a phone call): the one rule
// (CaseAccess "appointment.change": the responsible case manager, their deputy, a supervising lead),
// the responsible case manager's calendar, the same slot engine as the client's booking, and the
// partial unique index "Appointment_no_double_booking" as the last word (a P2002 becomes "slot taken").
// A home visit's address is encrypted and bound to its row. Retries of the same Slack view book once.
// After the commit the client is told in their language with an .ics and the reminders are planned.
import type { Logger } from "../../lib/logger.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import { uuid7 } from "../matching/uuid7.ts";
import type { CaseAccess } from "../staff/access.service.ts";
import type { AppointmentOutbox } from "./appointments.service.ts";
import type { AppointmentsConfig } from "./config.ts";
import { computeSlots, type Slot, type SlotPolicy } from "./slots.ts";
import {
  type BookedAppointment,
  type BookingCase,
  isUniqueViolation,
  type StaffBookingRepository,
} from "./staff-booking.repository.ts";
import {
  type BookingKind,
  type BookingRequest,
  placeOf,
  type SlotRefusal,
  slotVerdict,
  type VisitRefusal,
  visitVerdict,
} from "./staff-booking.ts";

export interface StaffBookingDeps {
  repo: StaffBookingRepository;
  access: CaseAccess;
  cipher: FieldCipher;
  outbox: AppointmentOutbox;
  config: AppointmentsConfig;
  timeZone: string;
  now: () => Date;
  log?: Logger;
}

export type BookingRefusal =
  | "unknown_staff"
  | "not_found"
  | "not_responsible"
  | "consent_withdrawn"
  | "closed"
  | "accept_first"
  | "already_booked"
  | "office_missing"
  | "office_unknown"
  | SlotRefusal
  | VisitRefusal;

export type StaffBookResult =
  | { ok: true; appointment: BookedAppointment; replayed: boolean }
  | { ok: false; reason: BookingRefusal };

/** What the modal offers: the case, the free slots of its case manager, their agency's offices. */
export interface BookingChoices {
  kase: BookingCase & { cm: NonNullable<BookingCase["cm"]> };
  slots: Slot[];
  offices: { id: string; name: string }[];
  defaultKind: BookingKind;
}

const DAY = 86_400_000;
/** Options a Slack static select holds at most. */
const MAX_SLOTS = 100;

export class StaffBookingService {
  constructor(private readonly deps: StaffBookingDeps) {}

  /** Staff book without the clients' lead time: the time was agreed with the client. */
  private policy(): SlotPolicy {
    const c = this.deps.config;
    return {
      slotMinutes: c.slotMinutes,
      bufferMinutes: c.bufferMinutes,
      leadTimeMs: 0,
      horizonDays: c.horizonDays,
      timeZone: this.deps.timeZone,
    };
  }

  private holidays() {
    return { publicHolidays: this.deps.config.publicHolidays, timeZone: this.deps.timeZone };
  }

  /** The one rule, then the case as it must be for a booking (open, accepted, no live appointment). */
  private async bookable(
    who: { slackUserId: string },
    id: string,
    repo: StaffBookingRepository,
  ): Promise<
    | { ok: true; kase: BookingChoices["kase"]; actorId: string }
    | {
        ok: false;
        reason: Exclude<BookingRefusal, SlotRefusal | VisitRefusal | "office_missing" | "office_unknown">;
      }
  > {
    const caseId = await repo.caseIdOf(id);
    const access = await this.deps.access.check(who, "appointment.change", { caseId });
    if (!access.ok) return { ok: false, reason: access.code };
    const kase = await repo.bookingCase(access.caseId);
    if (!kase) return { ok: false, reason: "not_found" };
    if (kase.phase === "closed") return { ok: false, reason: "closed" };
    if (!kase.cm || !kase.accepted) return { ok: false, reason: "accept_first" };
    if (await repo.liveAppointment(kase.id, this.deps.now())) return { ok: false, reason: "already_booked" };
    return { ok: true, kase: { ...kase, cm: kase.cm }, actorId: access.actor.id };
  }

  /** For the modal: `id` is a case id or the id of an assignment card's offer. */
  async choices(
    who: { slackUserId: string },
    id: string,
  ): Promise<{ ok: true; choices: BookingChoices } | { ok: false; reason: BookingRefusal }> {
    const { repo } = this.deps;
    const b = await this.bookable(who, id, repo);
    if (!b.ok) return b;
    const now = this.deps.now();
    const window = { from: now, to: new Date(now.getTime() + (this.deps.config.horizonDays + 2) * DAY) };
    const [cal, offices, held] = await Promise.all([
      repo.calendar(b.kase.cm.id, window, this.holidays()),
      repo.offices(b.kase.cm.agencyId),
      repo.heldAppointments(b.kase.id),
    ]);
    const slots = computeSlots({ ...cal, policy: this.policy(), now, limit: MAX_SLOTS });
    return {
      ok: true,
      choices: { kase: b.kase, slots, offices, defaultKind: held === 0 ? "first_consultation" : "follow_up" },
    };
  }

  async book(args: {
    who: { slackUserId: string };
    caseId: string;
    request: BookingRequest;
    /** the Slack view id: a retried submission returns the first booking */
    idempotencyKey?: string;
  }): Promise<StaffBookResult> {
    const { repo } = this.deps;
    const key = args.idempotencyKey;
    if (key) {
      const earlier = await repo.replayOf(key);
      if (earlier) return { ok: true, appointment: earlier, replayed: true };
    }
    const b = await this.bookable(args.who, args.caseId, repo);
    if (!b.ok) return b;
    const { kase, actorId } = b;
    const req = args.request;
    if (req.officeId && !(await repo.offices(kase.cm.agencyId)).some((o) => o.id === req.officeId))
      return { ok: false, reason: "office_unknown" };
    let result: StaffBookResult;
    try {
      result = await repo.transaction(async (tx) => {
        const now = this.deps.now();
        await tx.lockCalendar(kase.cm.id);
        if (await tx.liveAppointment(kase.id, now)) return { ok: false, reason: "already_booked" } as const;
        const at = req.startsAt.getTime();
        const cal = await tx.calendar(
          kase.cm.id,
          { from: new Date(at - DAY), to: new Date(at + DAY) },
          this.holidays(),
        );
        const fit = req.fromList
          ? slotVerdict(cal, this.policy(), now, req.startsAt)
          : visitVerdict(cal, this.policy(), now, req.startsAt);
        if (!fit.ok) return fit;
        const place = placeOf(req, fit.slot, kase.cm.officeId);
        if ("error" in place) return { ok: false, reason: place.error } as const;
        const id = uuid7(now.getTime());
        const address =
          place.mode === "home_visit" && req.address
            ? this.deps.cipher.encrypt(req.address, { table: "Appointment", column: "address", row: id })
            : null;
        const appointment = await tx.create({
          id,
          caseId: kase.id,
          cmId: kase.cm.id,
          startsAt: fit.slot.startsAt,
          endsAt: fit.slot.endsAt,
          mode: place.mode,
          officeId: place.officeId,
          address,
          kind: req.kind,
        });
        await tx.record(kase, {
          actor: `cm:${actorId}`,
          at: now,
          data: {
            appointmentId: id,
            cmId: kase.cm.id,
            startsAt: appointment.startsAt.toISOString(),
            mode: place.mode,
            kind: req.kind,
            byStaff: true,
          },
        });
        if (key) await tx.claim(key, id, now);
        return { ok: true, appointment, replayed: false } as const;
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // the same view submitted twice at once, or another booking took the start meanwhile
      const earlier = key ? await repo.replayOf(key) : null;
      if (earlier) return { ok: true, appointment: earlier, replayed: true };
      this.deps.log?.info(
        { caseId: kase.id, cmId: kase.cm.id },
        "staff booking lost a race on the unique index",
      );
      return { ok: false, reason: "slot_taken" };
    }
    if (result.ok) await this.afterCommit(result.appointment);
    return result;
  }

  /** Side effects after the commit must not turn a booking into an error for the caller. */
  private async afterCommit(appt: BookedAppointment): Promise<void> {
    try {
      await this.deps.outbox.scheduleReminders(appt);
      await this.deps.outbox.toClient(appt.id, "booked_by_staff", `staffbooked.${appt.id}`);
    } catch (e) {
      this.deps.log?.error(
        { appointmentId: appt.id, err: (e as Error).name, msg: (e as Error).message.slice(0, 200) },
        "appointment side effect failed",
      );
    }
  }
}
