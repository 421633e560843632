// One AppointmentService (+ outbox, config, callback codec) per running system, built lazily from the
// AppContext so the Telegram composer, the Slack listeners and the job handlers share it.

import { QueueAppointmentOutbox } from "../../modules/appointments/appointments.outbox.ts";
import { AppointmentService } from "../../modules/appointments/appointments.service.ts";
import { type AppointmentsConfig, appointmentsConfigOf } from "../../modules/appointments/config.ts";
import { StaffBookingRepository } from "../../modules/appointments/staff-booking.repository.ts";
import { StaffBookingService } from "../../modules/appointments/staff-booking.service.ts";
import { AccessRepository } from "../../modules/staff/access.repository.ts";
import { CaseAccess } from "../../modules/staff/access.service.ts";
import { type CallbackCodec, createCallbackCodec } from "../../telegram/callback-data.ts";
import type { AppContext } from "../feature.ts";

export interface AppointmentsRuntime {
  config: AppointmentsConfig;
  timeZone: string;
  outbox: QueueAppointmentOutbox;
  service: AppointmentService;
  /** a member of staff books directly (Slack "Book appointment") */
  staffBooking: StaffBookingService;
  /** signed callback data of the Telegram buttons (key derived from the bot token) */
  codec(): CallbackCodec;
}

const runtimes = new WeakMap<AppContext, AppointmentsRuntime>();

export function appointmentsRuntime(app: AppContext): AppointmentsRuntime {
  let rt = runtimes.get(app);
  if (rt) return rt;
  const config = appointmentsConfigOf(app.org as { appointments?: AppointmentsConfig });
  const timeZone = app.org.municipality.timezone;
  const outbox = new QueueAppointmentOutbox(app.producer, config, app.now, app.log);
  const service = new AppointmentService({
    db: app.db,
    config,
    timeZone,
    outbox,
    now: app.now,
    log: app.log,
  });
  const staffBooking = new StaffBookingService({
    repo: new StaffBookingRepository(app.db),
    access: new CaseAccess(new AccessRepository(app.db), app.now),
    cipher: app.cipher,
    outbox,
    config,
    timeZone,
    now: app.now,
    log: app.log,
  });
  let codec: CallbackCodec | undefined;
  rt = {
    config,
    timeZone,
    outbox,
    service,
    staffBooking,
    codec: () => {
      // the same secret as the client features (src/telegram/features/shared.ts callbackSecret), so
      // the intake guard that checks every button's signature lets ours through
      codec ??= createCallbackCodec(app.env.TELEGRAM_BOT_TOKEN ?? app.env.ANLAUF_ENCRYPTION_KEYS);
      return codec;
    },
  };
  runtimes.set(app, rt);
  return rt;
}
