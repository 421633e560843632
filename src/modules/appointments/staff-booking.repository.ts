// Storage of a booking by staff: the case and its case manager as the modal and the service need
// them, the calendar under the per-case-manager lock, the appointment row with its CaseEvent, its
// AuditLog entry and the Slack view's idempotency key — all in one transaction.
import type { Db, Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { ContactMode } from "../../generated/prisma/enums.ts";
import { AuditRepository } from "../audit/audit.repository.ts";
import {
  type Calendar,
  isUniqueViolation,
  liveAppointmentOfCase,
  loadCalendarWithHolidays,
  lockCaseManagerCalendar,
} from "./appointments.repository.ts";
import type { HolidayCalendar } from "./holidays.ts";

export interface BookingCase {
  id: string;
  clientId: string;
  phase: string;
  referenceCode: string;
  pseudonym: string;
  /** the responsible case manager, whose calendar the appointment goes into */
  cm: { id: string; officeId: string | null; agencyId: string } | null;
  /** the responsible case manager has accepted the case */
  accepted: boolean;
}

export interface BookedAppointment {
  id: string;
  caseId: string;
  cmId: string;
  startsAt: Date;
  endsAt: Date;
  mode: ContactMode;
  officeId: string | null;
  kind: string;
  rescheduleCount: number;
}

const BOOKED_SELECT = {
  id: true,
  caseId: true,
  cmId: true,
  startsAt: true,
  endsAt: true,
  mode: true,
  officeId: true,
  kind: true,
  rescheduleCount: true,
} as const;

export class StaffBookingRepository {
  constructor(private readonly db: Db | Tx) {}

  /** Runs `fn` in one transaction (retried on deadlocks) with a repository bound to it. */
  transaction<T>(fn: (repo: StaffBookingRepository) => Promise<T>): Promise<T> {
    return inTx(this.db as Db, (tx) => fn(new StaffBookingRepository(tx)));
  }

  async bookingCase(caseId: string): Promise<BookingCase | null> {
    const c = await this.db.case.findUnique({
      where: { id: caseId },
      select: {
        id: true,
        clientId: true,
        phase: true,
        referenceCode: true,
        cmId: true,
        client: { select: { pseudonym: true } },
        cm: { select: { id: true, officeId: true, agencyId: true } },
      },
    });
    if (!c) return null;
    const accepted = c.cmId
      ? (await this.db.assignment.count({ where: { caseId, cmId: c.cmId, status: "accepted" } })) > 0
      : false;
    return {
      id: c.id,
      clientId: c.clientId,
      phase: c.phase,
      referenceCode: c.referenceCode,
      pseudonym: c.client.pseudonym,
      cm: c.cm,
      accepted,
    };
  }

  /** The case of an assignment card's button (its value is an assignment id), else the id itself. */
  async caseIdOf(id: string): Promise<string> {
    const a = await this.db.assignment.findUnique({ where: { id }, select: { caseId: true } });
    return a?.caseId ?? id;
  }

  offices(agencyId: string): Promise<{ id: string; name: string }[]> {
    return this.db.office.findMany({
      where: { agencyId },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    });
  }

  /** Appointments of the case that were not cancelled (0 = the next one is the first consultation). */
  heldAppointments(caseId: string): Promise<number> {
    return this.db.appointment.count({ where: { caseId, status: { not: "cancelled" } } });
  }

  liveAppointment(caseId: string, now: Date): Promise<{ id: string; startsAt: Date } | null> {
    return liveAppointmentOfCase(this.db, caseId, now);
  }

  /** Inside a transaction: the case manager's bookings wait for this one (released at commit). */
  lockCalendar(cmId: string): Promise<void> {
    return lockCaseManagerCalendar(this.db as Tx, cmId);
  }

  calendar(
    cmId: string,
    window: { from: Date; to: Date },
    where: { publicHolidays: HolidayCalendar; timeZone: string },
  ): Promise<Calendar> {
    return loadCalendarWithHolidays(this.db, cmId, window, where);
  }

  /** The appointment a Slack view already booked (a retry of the same submission), if any. */
  async replayOf(key: string): Promise<BookedAppointment | null> {
    const row = await this.db.idempotencyKey.findUnique({ where: { key }, select: { result: true } });
    const id = (row?.result as { appointmentId?: unknown } | null)?.appointmentId;
    if (typeof id !== "string") return null;
    return this.db.appointment.findUnique({ where: { id }, select: BOOKED_SELECT });
  }

  async claim(key: string, appointmentId: string, now: Date): Promise<void> {
    await this.db.idempotencyKey.create({
      data: { key, scope: "appointment.book", createdAt: now, result: { appointmentId } },
    });
  }

  /** `address`: already encrypted (bound to this row) or null */
  create(
    data: Omit<BookedAppointment, "rescheduleCount"> & { address: string | null },
  ): Promise<BookedAppointment> {
    return this.db.appointment.create({ data, select: BOOKED_SELECT });
  }

  /** The CaseEvent and the AuditLog entry of the booking: ids and codes only, never the address. */
  async record(
    c: { id: string; clientId: string },
    e: { actor: string; at: Date; data: Record<string, string | boolean | null> },
  ): Promise<void> {
    await this.db.caseEvent.create({
      data: { caseId: c.id, kind: "appointment.booked", actor: e.actor, at: e.at, data: e.data },
    });
    await new AuditRepository(this.db).record(
      {
        actor: e.actor,
        action: "appointment.booked",
        caseId: c.id,
        clientId: c.clientId,
        at: e.at,
        data: e.data,
      },
      this.db as Tx,
    );
  }
}

export { isUniqueViolation };
