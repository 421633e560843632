// The knobs of appointments and reminders. They live in an OPTIONAL `appointments` section of the
// organisation file (src/config/org.schema.ts refers to this schema); a file without the section gets
// every default below. Durations are written as "24h", "2h", "30m", "90s", "1d" or as a number of
// minutes, and come out of the schema in milliseconds.
//
//   appointments:
//     slotMinutes: 45          # length of a consultation
//     bufferMinutes: 15        # free time kept before and after every booking
//     leadTime: 24h            # the earliest slot offered is this far from now
//     horizonDays: 28          # how far ahead slots are offered
//     offerCount: 5            # slots per offer (buttons in Telegram)
//     offerPerDay: 2           # at most this many slots of one day in an offer, so clients get a choice of days
//     reminders: [24h, 2h]     # reminder offsets before the start; a reminder that would lie in the past is skipped
//     maxReschedules: 3        # reschedules a client may do per appointment (case managers are not limited)
//     noShowCheckIn: 2         # after this many no-shows of a case the client gets a friendly check-in message
//     publicHolidays: nrw      # no slots on NRW's statutory holidays ("none" to enter them by hand)
import { z } from "zod";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/;

/** "24h" | "90s" | 120 (minutes) → milliseconds. */
export const durationSchema = z
  .union([
    z.number().min(0, "must not be negative (minutes)"),
    z.string().regex(DURATION, 'must be a duration such as "24h", "30m", "90s" or "1d"'),
  ])
  .transform((v) => {
    if (typeof v === "number") return Math.round(v * 60_000);
    const [, n, unit] = DURATION.exec(v)!;
    return Math.round(Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  });

/**
 * Worker concurrency the reminders queue (QUEUES.reminders) should get in src/app/system.ts. A reminder
 * job is one database read and one enqueue; bench/reminders.ts measures delivery at this setting.
 */
export const REMINDER_QUEUE_CONCURRENCY = 50;

export const appointmentsConfigSchema = z.strictObject({
  slotMinutes: z.int().min(10).max(240).default(45),
  bufferMinutes: z.int().min(0).max(120).default(15),
  leadTime: durationSchema.prefault("24h"),
  horizonDays: z.int().min(1).max(120).default(28),
  offerCount: z.int().min(1).max(8).default(5),
  offerPerDay: z.int().min(1).max(8).default(2),
  reminders: z
    .array(durationSchema.refine((ms) => ms > 0, "must be more than 0"))
    .max(5, "at most 5 reminders")
    .prefault(["24h", "2h"]),
  maxReschedules: z.int().min(0).max(50).default(3),
  noShowCheckIn: z.int().min(1).max(50).default(2),
  /** statutory public holidays without consultation hours: "nrw" (Feiertagsgesetz NRW) or "none" */
  publicHolidays: z.enum(["nrw", "none"]).default("nrw"),
});

export type AppointmentsConfigInput = z.input<typeof appointmentsConfigSchema>;
export type AppointmentsConfig = z.output<typeof appointmentsConfigSchema>;

export const DEFAULT_APPOINTMENTS_CONFIG: AppointmentsConfig = appointmentsConfigSchema.parse({});

/** The section of an organisation (absent = defaults). */
export function appointmentsConfigOf(org: {
  appointments?: AppointmentsConfig | undefined;
}): AppointmentsConfig {
  return org.appointments ?? DEFAULT_APPOINTMENTS_CONFIG;
}
