// When reminders fire, and whether a firing reminder may still be sent. Pure: the outbox turns the plan
// into delayed BullMQ jobs, the job handler asks `reminderVerdict` against a fresh database read.
//
// A reminder job's id is deterministic: appointment id + offset + the start it was planned for
// (`appt-reminder.<id>.<offsetS>.<startMinute>`). Moving an appointment removes the jobs of the old
// start and adds jobs for the new one; because the new ids differ from the old ones, a reminder that
// happens to be running while the appointment moves cannot swallow the new one (BullMQ ignores an add
// whose id exists). Cancelling removes them. The handler still re-checks, so a job that escaped
// removal never reaches a client for a cancelled, moved or past appointment.

export interface PlannedReminder {
  offsetMs: number;
  /** offset in whole seconds, as carried in the job payload and id */
  offsetS: number;
  at: Date;
}

/** Reminders still ahead for an appointment starting at `startsAt`: no reminder in the past. */
export function planReminders(startsAt: Date, offsetsMs: readonly number[], now: Date): PlannedReminder[] {
  if (startsAt.getTime() <= now.getTime()) return [];
  const unique = [...new Set(offsetsMs.map((o) => Math.round(o / 1000)))].filter((s) => s > 0);
  return unique
    .sort((a, b) => b - a)
    .map((offsetS) => ({
      offsetMs: offsetS * 1000,
      offsetS,
      at: new Date(startsAt.getTime() - offsetS * 1000),
    }))
    .filter((r) => r.at.getTime() > now.getTime());
}

export type ReminderVerdict = "send" | "gone" | "cancelled" | "moved" | "past" | "done";

/**
 * Decides at firing time. `plannedStartMs` is the start the reminder was planned for; if the
 * appointment has moved since, the reminder of the new start is a different job.
 */
export function reminderVerdict(
  appt: { status: string; startsAt: Date } | null | undefined,
  plannedStartMs: number,
  now: Date,
): ReminderVerdict {
  if (!appt) return "gone";
  if (appt.status === "cancelled") return "cancelled";
  if (appt.status !== "booked") return "done";
  if (appt.startsAt.getTime() !== plannedStartMs) return "moved";
  if (appt.startsAt.getTime() <= now.getTime()) return "past";
  return "send";
}

/** The hours (rounded) or minutes left, for the reminder text. */
export function timeLeft(startsAt: Date, now: Date): { unit: "hours" | "minutes"; count: number } {
  const minutes = Math.max(0, Math.round((startsAt.getTime() - now.getTime()) / 60_000));
  return minutes >= 90
    ? { unit: "hours", count: Math.round(minutes / 60) }
    : { unit: "minutes", count: minutes };
}
