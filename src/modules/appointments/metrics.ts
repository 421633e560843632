// Appointment figures for the committee report, as pure functions over plain rows. The repository
// query `appointmentMetrics(db, from, to)` in appointments.repository.ts feeds them.
//
// Definitions:
// - no-show rate: no-shows / (attended + no-shows) among appointments that started in the period
//   and were marked; cancelled and still unmarked appointments do not count either way.
// - time from intake to first appointment: per case whose first appointment (the earliest one that was
//   not cancelled) started in the period, the days from the intake's submission to that start.

export type AppointmentStatusName = "booked" | "cancelled" | "attended" | "no_show";

export interface StatusCounts {
  booked: number;
  cancelled: number;
  attended: number;
  noShow: number;
}

export function countStatuses(rows: readonly { status: AppointmentStatusName }[]): StatusCounts {
  const c: StatusCounts = { booked: 0, cancelled: 0, attended: 0, noShow: 0 };
  for (const r of rows) {
    if (r.status === "no_show") c.noShow++;
    else c[r.status]++;
  }
  return c;
}

/** null when nothing was marked (a rate of 0 would claim perfect attendance). */
export function noShowRate(c: Pick<StatusCounts, "attended" | "noShow">): number | null {
  const marked = c.attended + c.noShow;
  return marked === 0 ? null : c.noShow / marked;
}

/** Linear-interpolated quantile (q in 0..1) of unsorted values; null for an empty list. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export interface FirstAppointmentRow {
  caseId: string;
  intakeSubmittedAt: Date;
  /** start of every appointment of the case that was not cancelled */
  starts: readonly Date[];
}

export interface DurationSummary {
  cases: number;
  medianDays: number | null;
  p90Days: number | null;
  meanDays: number | null;
}

const DAY = 86_400_000;

/** Days from intake to the first (non-cancelled) appointment, for cases whose first one lies in [from, to). */
export function intakeToFirstAppointment(
  rows: readonly FirstAppointmentRow[],
  from: Date,
  to: Date,
): DurationSummary {
  const days: number[] = [];
  for (const r of rows) {
    if (r.starts.length === 0) continue;
    const first = Math.min(...r.starts.map((d) => d.getTime()));
    if (first < from.getTime() || first >= to.getTime()) continue;
    days.push(Math.max(0, first - r.intakeSubmittedAt.getTime()) / DAY);
  }
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    cases: days.length,
    medianDays: round(quantile(days, 0.5)),
    p90Days: round(quantile(days, 0.9)),
    meanDays: round(days.length ? days.reduce((a, b) => a + b, 0) / days.length : null),
  };
}

export interface AppointmentMetrics {
  from: string;
  to: string;
  appointments: StatusCounts;
  noShowRate: number | null;
  intakeToFirstAppointment: DurationSummary;
}
