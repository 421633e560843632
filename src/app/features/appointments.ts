// Appointments and reminders as a feature: the client's Telegram flow, the case manager's Slack
// listeners, the job handlers and the reminder sweep.
//
// Hooks for other features:
// - when a case manager accepts a case: enqueue "appointment.offer" { caseId, reason: "assigned", key }
//   (or call appointmentsRuntime(ctx).outbox.offer(caseId, "assigned", key)): the client gets the
//   next free slots of their case manager in Telegram.
// - App Home (Slack helper): appointmentHomeData / appointmentHomeBlocks / consultationHoursBlock /
//   proposeAppointmentButton from ./slack.ts; upcomingAppointments(db, cmId, now) from the repository.
// - report: appointmentMetrics(db, from, to) from ./appointments.repository.ts.

import { QUEUES } from "../../queue/jobs.ts";
import { registerAppointmentBookSlack } from "../../slack/listeners/appointment-book.ts";
import { registerAppointmentsSlack } from "../../slack/listeners/appointments.ts";
import { appointmentsComposer } from "../../telegram/features/appointments.ts";
import { appointmentJobHandlers } from "../../telegram/features/appointments-handlers.ts";
import type { AppContext, Feature } from "../feature.ts";

export const APPOINTMENT_SWEEP_ID = "appointment-sweep";
export const APPOINTMENT_SWEEP_EVERY_MS = 10 * 60_000;

export const appointmentsFeature: Feature = {
  name: "appointments",
  telegram: (ctx: AppContext) => appointmentsComposer(ctx),
  slack: (ctx: AppContext) => {
    const listeners = [registerAppointmentsSlack(ctx), registerAppointmentBookSlack(ctx)];
    return (slack) => {
      for (const register of listeners) register(slack);
    };
  },
  jobs: (ctx: AppContext) => appointmentJobHandlers(ctx),
  start: async (ctx: AppContext) => {
    await ctx.producer
      .queue(QUEUES.work)
      .upsertJobScheduler(
        APPOINTMENT_SWEEP_ID,
        { every: APPOINTMENT_SWEEP_EVERY_MS },
        { name: "appointment.sweep", data: {} },
      );
  },
};
