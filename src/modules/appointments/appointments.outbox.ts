// The AppointmentOutbox on the shared queue: reminders become delayed jobs with deterministic ids
// (they live in Redis, so they survive restarts of every process), messages become send jobs whose
// `key` makes them idempotent. Payloads are ids and codes only.
import type { Logger } from "../../lib/logger.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import type { AppointmentOutbox, ClientEvent, OfferReason, StaffEvent } from "./appointments.service.ts";
import type { AppointmentsConfig } from "./config.ts";
import { planReminders } from "./reminders.ts";

type JobProducer = Pick<Producer<Jobs>, "enqueue" | "cancel">;

export class QueueAppointmentOutbox implements AppointmentOutbox {
  constructor(
    private readonly producer: JobProducer,
    private readonly config: Pick<AppointmentsConfig, "reminders">,
    private readonly now: () => Date,
    private readonly log?: Logger,
  ) {}

  /** Adds one delayed job per reminder still ahead. Idempotent (same start → same ids). */
  async scheduleReminders(appt: { id: string; startsAt: Date }): Promise<number> {
    const now = this.now();
    const plan = planReminders(appt.startsAt, this.config.reminders, now);
    for (const r of plan) {
      await this.producer.enqueue(
        "appointment.reminder",
        { appointmentId: appt.id, offsetS: r.offsetS, startsAt: appt.startsAt.getTime() },
        { delay: Math.max(0, r.at.getTime() - now.getTime()) },
      );
    }
    return plan.length;
  }

  /** Removes the reminder jobs planned for this start, whatever state they are in. */
  async cancelReminders(appt: { id: string; startsAt: Date }): Promise<number> {
    let removed = 0;
    for (const offsetMs of new Set(this.config.reminders)) {
      const payload = {
        appointmentId: appt.id,
        offsetS: Math.round(offsetMs / 1000),
        startsAt: appt.startsAt.getTime(),
      };
      try {
        if (await this.producer.cancel("appointment.reminder", payload)) removed++;
      } catch (e) {
        // a reminder that is running right now cannot be removed; its handler re-checks the database
        this.log?.warn({ appointmentId: appt.id, err: (e as Error).name }, "reminder job not removed");
      }
    }
    return removed;
  }

  async toClient(appointmentId: string, event: ClientEvent, key: string): Promise<void> {
    await this.producer.enqueue("appointment.client", { appointmentId, event, key });
  }

  async toStaff(
    ref: { appointmentId?: string; caseId: string },
    event: StaffEvent,
    key: string,
  ): Promise<void> {
    await this.producer.enqueue("appointment.staff", {
      caseId: ref.caseId,
      ...(ref.appointmentId ? { appointmentId: ref.appointmentId } : {}),
      event,
      key,
    });
  }

  async offer(caseId: string, reason: OfferReason, key: string, starts: readonly Date[] = []): Promise<void> {
    await this.producer.enqueue("appointment.offer", {
      caseId,
      reason,
      starts: starts.map((d) => d.getTime()),
      key,
    });
  }
}

/** Records everything; for unit tests of the service. */
export class RecordingAppointmentOutbox implements AppointmentOutbox {
  readonly calls: { kind: string; args: unknown[] }[] = [];
  async scheduleReminders(appt: { id: string; startsAt: Date }) {
    this.calls.push({ kind: "scheduleReminders", args: [appt.id, appt.startsAt] });
  }
  async cancelReminders(appt: { id: string; startsAt: Date }) {
    this.calls.push({ kind: "cancelReminders", args: [appt.id, appt.startsAt] });
  }
  async toClient(appointmentId: string, event: ClientEvent, key: string) {
    this.calls.push({ kind: "toClient", args: [appointmentId, event, key] });
  }
  async toStaff(ref: { appointmentId?: string; caseId: string }, event: StaffEvent, key: string) {
    this.calls.push({ kind: "toStaff", args: [ref, event, key] });
  }
  async offer(caseId: string, reason: OfferReason, key: string, starts: readonly Date[] = []) {
    this.calls.push({ kind: "offer", args: [caseId, reason, key, starts] });
  }
  of(kind: string) {
    return this.calls.filter((c) => c.kind === kind).map((c) => c.args);
  }
}
