// Database access of appointments: the calendar inputs of slot computation, the views staff and the
// report need, and the race-free write helpers. Every function takes a client or a transaction.
import type { Db, Tx } from "../../db/client.ts";
import { type HolidayCalendar, holidayIntervals } from "./holidays.ts";
import {
  type AppointmentMetrics,
  type AppointmentStatusName,
  countStatuses,
  intakeToFirstAppointment,
  noShowRate,
} from "./metrics.ts";
import type { Booking, ContactMode, Interval, WeeklyRule } from "./slots.ts";

export type DbLike = Db | Tx;
/** An appointment row as these queries return it (the service hands it back in its results). */
export type { Appointment } from "../../generated/prisma/client.ts";

export interface Calendar {
  rules: WeeklyRule[];
  exceptions: Interval[];
  absences: Interval[];
  bookings: Booking[];
}

/** Everything slot computation needs for one case manager in [from, to). */
export async function loadCalendar(
  db: DbLike,
  cmId: string,
  window: { from: Date; to: Date },
  opts: { excludeAppointmentId?: string } = {},
): Promise<Calendar> {
  const overlapping = { from: { lt: window.to }, to: { gt: window.from } };
  const [rules, exceptions, absences, bookings] = await Promise.all([
    db.availabilityRule.findMany({
      where: { cmId },
      select: { weekday: true, fromMin: true, toMin: true, mode: true, officeId: true },
      orderBy: [{ weekday: "asc" }, { fromMin: "asc" }],
    }),
    db.availabilityException.findMany({
      where: { OR: [{ cmId }, { cmId: null }], ...overlapping },
      select: { from: true, to: true },
    }),
    db.absence.findMany({ where: { cmId, ...overlapping }, select: { from: true, to: true } }),
    db.appointment.findMany({
      where: {
        cmId,
        status: "booked",
        startsAt: { lt: window.to },
        endsAt: { gt: window.from },
        ...(opts.excludeAppointmentId ? { id: { not: opts.excludeAppointmentId } } : {}),
      },
      select: { id: true, startsAt: true, endsAt: true },
    }),
  ]);
  return { rules, exceptions, absences, bookings };
}

/** The calendar with the public holidays as exceptions (the shape every slot decision takes). */
export async function loadCalendarWithHolidays(
  db: DbLike,
  cmId: string,
  window: { from: Date; to: Date },
  where: { publicHolidays: HolidayCalendar; timeZone: string },
  opts: { excludeAppointmentId?: string } = {},
): Promise<Calendar> {
  const cal = await loadCalendar(db, cmId, window, opts);
  const holidays = holidayIntervals(where.publicHolidays, window.from, window.to, where.timeZone);
  return { ...cal, exceptions: [...cal.exceptions, ...holidays] };
}

/**
 * Serialises bookings of one case manager inside a transaction (released at commit). The partial
 * unique index "Appointment_no_double_booking" refuses two live bookings at the same start whatever
 * happens; this lock additionally keeps bookings at different but overlapping starts (a case manager's
 * off-grid proposal, a changed slot length) from both passing the overlap check.
 */
export async function lockCaseManagerCalendar(tx: Tx, cmId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${`appointments:${cmId}`}))) AS l`;
}

/** true for a unique violation (Prisma P2002 or SQLSTATE 23505 from the driver adapter). */
export function isUniqueViolation(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    const o = cur as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: unknown };
    if (o.code === "P2002" || o.code === "23505" || o.originalCode === "23505") return true;
    cur = o.cause ?? (o.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  }
  return false;
}

export interface AppointmentView {
  id: string;
  caseId: string;
  caseReference: string;
  clientPseudonym: string;
  startsAt: Date;
  endsAt: Date;
  mode: ContactMode;
  officeId: string | null;
  officeName: string | null;
  status: AppointmentStatusName;
  kind: string;
  rescheduleCount: number;
}

const viewSelect = {
  id: true,
  caseId: true,
  startsAt: true,
  endsAt: true,
  mode: true,
  officeId: true,
  status: true,
  kind: true,
  rescheduleCount: true,
  case: { select: { referenceCode: true, client: { select: { pseudonym: true } } } },
} as const;

async function toViews(
  db: DbLike,
  rows: {
    id: string;
    caseId: string;
    startsAt: Date;
    endsAt: Date;
    mode: ContactMode;
    officeId: string | null;
    status: AppointmentStatusName;
    kind: string;
    rescheduleCount: number;
    case: { referenceCode: string; client: { pseudonym: string } };
  }[],
): Promise<AppointmentView[]> {
  const officeIds = [...new Set(rows.flatMap((r) => (r.officeId ? [r.officeId] : [])))];
  const offices = officeIds.length
    ? await db.office.findMany({ where: { id: { in: officeIds } }, select: { id: true, name: true } })
    : [];
  const names = new Map(offices.map((o) => [o.id, o.name]));
  return rows.map(({ case: c, ...r }) => ({
    ...r,
    caseReference: c.referenceCode,
    clientPseudonym: c.client.pseudonym,
    officeName: r.officeId ? (names.get(r.officeId) ?? null) : null,
  }));
}

/**
 * A case manager's coming appointments (booked, not yet ended), earliest first: for App Home.
 * Pseudonyms and reference codes only, no client names.
 */
export async function upcomingAppointments(
  db: DbLike,
  cmId: string,
  now: Date,
  limit = 20,
): Promise<AppointmentView[]> {
  const rows = await db.appointment.findMany({
    where: { cmId, status: "booked", endsAt: { gt: now } },
    orderBy: { startsAt: "asc" },
    take: limit,
    select: viewSelect,
  });
  return toViews(db, rows);
}

/** Appointments that have started but are not marked attended or no-show yet (last `days` days). */
export async function awaitingAttendance(
  db: DbLike,
  cmId: string,
  now: Date,
  days = 14,
  limit = 20,
): Promise<AppointmentView[]> {
  const rows = await db.appointment.findMany({
    where: {
      cmId,
      status: "booked",
      startsAt: { lte: now, gt: new Date(now.getTime() - days * 86_400_000) },
    },
    orderBy: { startsAt: "desc" },
    take: limit,
    select: viewSelect,
  });
  return toViews(db, rows);
}

/** The client's live (booked, not yet started) appointment of a case, if any. */
export async function liveAppointmentOfCase(db: DbLike, caseId: string, now: Date) {
  return db.appointment.findFirst({
    where: { caseId, status: "booked", startsAt: { gt: now } },
    orderBy: { startsAt: "asc" },
  });
}

/** The open case of a client that has an accepted case manager (the one appointments are made in). */
export async function openCaseOfClient(db: DbLike, clientId: string) {
  return db.case.findFirst({
    where: { clientId, phase: { notIn: ["closed", "waiting", "pending_acceptance"] }, cmId: { not: null } },
    orderBy: { openedAt: "desc" },
    select: { id: true, cmId: true, clientId: true, phase: true },
  });
}

/** Report figures for appointments that started in [from, to). */
export async function appointmentMetrics(db: DbLike, from: Date, to: Date): Promise<AppointmentMetrics> {
  const inPeriod = { startsAt: { gte: from, lt: to } };
  const [rows, cases] = await Promise.all([
    db.appointment.findMany({ where: inPeriod, select: { status: true } }),
    db.case.findMany({
      where: { appointments: { some: { ...inPeriod, status: { not: "cancelled" } } } },
      select: {
        id: true,
        intake: { select: { submittedAt: true } },
        appointments: { where: { status: { not: "cancelled" } }, select: { startsAt: true } },
      },
    }),
  ]);
  const counts = countStatuses(rows);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    appointments: counts,
    noShowRate: noShowRate(counts),
    intakeToFirstAppointment: intakeToFirstAppointment(
      cases.map((c) => ({
        caseId: c.id,
        intakeSubmittedAt: c.intake.submittedAt,
        starts: c.appointments.map((a) => a.startsAt),
      })),
      from,
      to,
    ),
  };
}
