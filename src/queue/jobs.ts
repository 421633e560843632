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
      template: z.string().regex(/^[a-z][\w.]*$/),
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
      kind: z.enum(["assignment_card", "assignment_update", "thread_message", "digest", "notice"]),
      refId: z.string().min(1).max(64),
      key: z.string().min(1).max(120),
    }),
    id: (p) => `slack.${p.key}`,
  }),
});

export type Jobs = typeof JOBS;
export type JobName = keyof Jobs;
