// Every job of the shared queue, in one place: its queue, its payload schema and its deterministic id.
// Payloads carry ids and codes only, never personal data (names, message text, phone numbers).
import { z } from "zod";
import { defineJobs, job } from "./registry.ts";

export const QUEUES = {
  /** triage, assignment, wait-list upkeep: the dispatcher's own work */
  work: "work",
  /** messages to clients on Telegram; rate limited globally */
  telegram: "telegram-out",
  /** calls to the Slack Web API; rate limited */
  slack: "slack-out",
  /**
   * appointment reminders: time-critical and tiny, kept apart so a burst of dispatcher work cannot
   * delay them (and they cannot delay it); give its worker a high concurrency (bench/reminders.ts)
   */
  reminders: "reminders",
} as const;

const uuid = z.uuid();
const epochMs = z.int().nonnegative();

export const JOBS = defineJobs({
  "intake.triage": job({
    queue: QUEUES.work,
    schema: z.strictObject({ intakeId: uuid }),
    id: (p) => `triage.${p.intakeId}`,
  }),
  /** find a case manager for one waiting case; `attempt` grows after each decline or expiry */
  "matching.assign": job({
    queue: QUEUES.work,
    schema: z.strictObject({
      caseId: uuid,
      trigger: z.enum(["triaged", "declined", "expired", "sweep", "capacity_freed", "manual"]),
      attempt: z.int().min(0).max(1000),
    }),
    id: (p) => `assign.${p.caseId}.${p.attempt}`,
  }),
  /** capacity was freed (case closed, capacity raised, absence ended): pull the best waiting cases */
  "matching.pull": job({
    queue: QUEUES.work,
    schema: z.strictObject({
      reason: z.enum([
        "case_closed",
        "capacity_raised",
        "absence_ended",
        "sweep",
        "cm_joined",
        "offer_returned",
        "manual",
      ]),
      cmId: z.string().max(64).optional(),
      at: epochMs,
    }),
    id: (p) => `pull.${p.reason}.${p.cmId ?? "all"}.${p.at}`,
  }),
  /** the acceptance deadline of an assignment passed */
  "matching.expire": job({
    queue: QUEUES.work,
    schema: z.strictObject({ assignmentId: uuid }),
    id: (p) => `expire.${p.assignmentId}`,
  }),
  /**
   * Periodic safety net (a job scheduler, every 10 minutes): expire overdue offers, triage intakes
   * without an outcome, offer waiting cases to free capacity, refresh the wait list.
   */
  "matching.sweep": job({
    queue: QUEUES.work,
    schema: z.strictObject({}),
    id: () => "matching-sweep",
  }),
  /** recompute positions and ETAs and tell clients whose standing changed meaningfully */
  "waitlist.refresh": job({
    queue: QUEUES.work,
    schema: z.strictObject({ at: epochMs }),
    id: (p) => `waitlist-refresh.${Math.floor(p.at / 60_000)}`,
  }),
  /**
   * A message to a client. The text is rendered by the worker from an i18n key in the client's
   * current language, so nothing personal sits in Redis; `key` makes the send idempotent.
   */
  "telegram.send": job({
    queue: QUEUES.telegram,
    schema: z.strictObject({
      clientId: uuid,
      /** an i18n key, optionally with its namespace ("casework:goodbye") */
      template: z.string().regex(/^(?:[a-z][\w-]*:)?[a-z][\w.]*$/),
      params: z.record(z.string(), z.union([z.string().max(200), z.number()])).default({}),
      /** edit the client's one status message instead of sending a new one */
      asStatus: z.boolean().default(false),
      key: z.string().min(1).max(120),
    }),
    id: (p) => `tg.${p.key}`,
  }),
  /** an outbound Slack call, built by the worker from ids (case card, DM, thread post) */
  "slack.deliver": job({
    queue: QUEUES.slack,
    schema: z.strictObject({
      /**
       * assignment_card / assignment_update: render the assignment's current state into its card
       * (post when no slackTs is stored yet, else chat.update); refId = assignment id.
       * home: publish the App Home of refId = Slack user id. thread_message: refId = RelayedMessage id.
       * thread_held: refId = case id, post the client messages held until its thread existed.
       * digest: refId = the day (YYYY-MM-DD) the weekly digest was made for.
       * cm_digest: refId = "<YYYY-MM-DD>:<staff id>", one member of staff's daily monitoring digest (DM).
       */
      kind: z.enum([
        "assignment_card",
        "assignment_update",
        "thread_message",
        "thread_held",
        "digest",
        "notice",
        "home",
        "cm_digest",
      ]),
      refId: z.string().min(1).max(64),
      key: z.string().min(1).max(120),
    }),
    id: (p) => `slack.${p.key}`,
  }),
  /**
   * After an erasure: delete the bot's copies of the client's words in Slack and neutralise the case's
   * cards and thread root, from the SlackErasure rows committed with the erasure (src/slack/erase.ts).
   * `key` = the case id (the erasure), or "<caseId>.<day>" from the start-up sweep, so a job that
   * failed for good does not block a later round.
   */
  "slack.erase": job({
    queue: QUEUES.slack,
    schema: z.strictObject({ caseId: uuid, key: z.string().regex(/^[0-9a-f-]{36}(\.[\w-]{1,40})?$/) }),
    id: (p) => `slack-erase.${p.key}`,
    // Slack down for a while must not exhaust the attempts: 10 tries, 5 s doubling (about 85 minutes)
    opts: { attempts: 10, backoff: { type: "exponential", delay: 5000 } },
  }),
  /**
   * `/kim report`: the committee report's HTML, xlsx and CSV files to the DM of the person who asked
   * (src/slack/report-files.ts), rendered by the worker from the period, never carried in Redis. Once
   * per (Slack user, period, variant): the job id, and an IdempotencyKey row for later repeats.
   */
  "slack.report_files": job({
    queue: QUEUES.slack,
    schema: z.strictObject({
      slackUserId: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
      /** the asker's staff id, for the audit row */
      staffId: z.string().min(1).max(64),
      /** inclusive days */
      from: z.iso.date(),
      to: z.iso.date(),
      variant: z.enum(["public", "internal"]),
      lng: z.enum(["de", "en"]),
    }),
    id: (p) => `slack-report.${p.slackUserId}.${p.from}.${p.to}.${p.variant}`,
    // a failure tells the person after the last try: three tries, 1 s doubling, keep it short
    opts: { attempts: 3, backoff: { type: "exponential", delay: 1000 } },
  }),
  /** weekly team digest (a job scheduler of the Slack feature): enqueues slack.deliver kind digest */
  "slack.digest": job({
    queue: QUEUES.work,
    schema: z.strictObject({}),
    id: () => "slack-digest",
  }),
  /**
   * The daily monitoring run (src/modules/cases/monitoring.service.ts; a job scheduler of the cases
   * feature, org file caseWork.digestCron): digests per member of staff, check-ins of silent cases.
   */
  "cases.monitor": job({
    queue: QUEUES.work,
    schema: z.strictObject({}),
    id: () => "cases-monitor",
  }),
  /**
   * Ask the client of a case the three survey questions (src/modules/survey): enqueued after a closure
   * commits, and by the daily monitoring run for open cases six months old. The handler decides and
   * sends at most once per case and kind.
   */
  "survey.invite": job({
    queue: QUEUES.work,
    schema: z.strictObject({ caseId: uuid, kind: z.enum(["closure", "six_months"]) }),
    id: (p) => `survey.${p.caseId}.${p.kind}`,
  }),
  // ── appointments (src/modules/appointments) ──
  /**
   * Offer free appointment slots to the client of a case (Telegram message with one button per slot).
   * `starts` are the slots a case manager proposed (epoch ms); empty = the next free slots.
   * Enqueue with reason "assigned" when a case manager accepts a case.
   */
  "appointment.offer": job({
    queue: QUEUES.telegram,
    schema: z.strictObject({
      caseId: uuid,
      reason: z.enum(["assigned", "proposed", "client_asked", "slot_taken", "staff_cancelled", "checkin"]),
      starts: z.array(epochMs).max(10).default([]),
      key: z.string().min(1).max(120),
    }),
    id: (p) => `appt-offer.${p.key}`,
  }),
  /**
   * A reminder before an appointment, delayed until its time. The id holds appointment, offset and the
   * start it was planned for, so moving an appointment removes the old jobs and adds new ones; the
   * handler re-checks the database and sends nothing for cancelled, moved or past appointments.
   */
  "appointment.reminder": job({
    queue: QUEUES.reminders,
    schema: z.strictObject({
      appointmentId: uuid,
      offsetS: z.int().positive(),
      /** the start (epoch ms) this reminder was planned for */
      startsAt: epochMs,
    }),
    id: (p) => `appt-reminder.${p.appointmentId}.${p.offsetS}.${Math.floor(p.startsAt / 1000)}`,
  }),
  /** a message about an appointment to its client (confirmation with .ics, change, reminder, check-in) */
  "appointment.client": job({
    queue: QUEUES.telegram,
    schema: z.strictObject({
      appointmentId: uuid,
      event: z.enum([
        "confirmed",
        "booked_by_staff",
        "moved_by_staff",
        "cancelled_by_staff",
        "cancelled_by_client",
        "reminder",
        "checkin",
      ]),
      key: z.string().min(1).max(120),
    }),
    id: (p) => `appt-client.${p.key}`,
  }),
  /** a Slack message about an appointment (or a case without one) to its case manager */
  "appointment.staff": job({
    queue: QUEUES.slack,
    schema: z.strictObject({
      caseId: uuid,
      appointmentId: uuid.optional(),
      event: z.enum(["booked", "rescheduled", "cancelled", "limit_reached", "no_fit", "no_slots"]),
      key: z.string().min(1).max(120),
    }),
    id: (p) => `appt-staff.${p.key}`,
  }),
  /** safety net (job scheduler, every 10 minutes): re-adds reminder jobs of booked appointments */
  "appointment.sweep": job({
    queue: QUEUES.work,
    schema: z.strictObject({}),
    id: () => "appointment-sweep",
  }),
  /** retention (job scheduler, daily): erase personal data past the organisation's retention times */
  "privacy.retention": job({
    queue: QUEUES.work,
    schema: z.strictObject({}),
    id: () => "privacy-retention",
  }),
  /** the committee report (job scheduler, monthly, when relay.reportChannel is set): enqueue its Slack post */
  "report.post": job({
    queue: QUEUES.work,
    schema: z.strictObject({}),
    id: () => "report-post",
  }),
});

export type Jobs = typeof JOBS;
export type JobName = keyof Jobs;
