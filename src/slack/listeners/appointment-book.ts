// "Book appointment" (Termin eintragen): the button on the assignment card and in the appointment
// DMs opens the modal (src/slack/blocks/appointment-book.ts); the submission goes to the
// StaffBookingService (the one rule, the slot engine, the unique index, the view id as idempotency
// key). Every refusal comes back as a field error in the modal, in the member's language.
import type { AppContext } from "../../app/feature.ts";
import { appointmentsRuntime } from "../../app/runtime/appointments.ts";
import { ADDRESS_MAX, readBookingForm } from "../../modules/appointments/staff-booking.ts";
import type { SlackApp } from "../app.ts";
import {
  BOOK_ACTION,
  BOOK_FIELD,
  BOOK_VIEW,
  bookedView,
  bookModal,
  readBookMeta,
  refusalField,
  shownField,
} from "../blocks/appointment-book.ts";
import { listenerFor } from "../register.ts";
import {
  type AppointmentListenerArgs,
  guard,
  refreshHome,
  staffOf,
  staffWhen,
  tell,
} from "./appointments.ts";

interface BookState {
  value?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_option?: { value?: string } | null;
}
export type BookListenerArgs = AppointmentListenerArgs & {
  body: { view?: { id?: string; state?: { values?: Record<string, Record<string, BookState>> } } };
};

export async function onBookOpen(args: BookListenerArgs, app: AppContext): Promise<void> {
  await args.ack();
  await guard(app, args, "book.open", async () => {
    const { cm, t, lng } = await staffOf(app, args);
    if (!cm) return tell(args, t("errors.unknown_user"));
    const rt = appointmentsRuntime(app);
    const r = await rt.staffBooking.choices(
      { slackUserId: cm.slackUserId },
      args.body.actions?.[0]?.value ?? "",
    );
    if (!r.ok) return tell(args, t(`book_modal.problem.${r.reason}`));
    if (!args.body.trigger_id) return tell(args, t("errors.generic"));
    const c = r.choices;
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: bookModal({
        t,
        caseId: c.kase.id,
        reference: c.kase.referenceCode,
        pseudonym: c.kase.pseudonym,
        slots: c.slots,
        offices: c.offices,
        defaultKind: c.defaultKind,
        horizonDays: rt.config.horizonDays,
        when: (d) => staffWhen(d, lng, rt.timeZone),
      }),
    });
  });
}

export async function onBookSubmitted(args: BookListenerArgs, app: AppContext): Promise<void> {
  const { cm, t, lng } = await staffOf(app, args);
  if (!cm) return args.ack({ response_action: "errors", errors: { mode: t("errors.unknown_user") } });
  const meta = readBookMeta(args.body.view?.private_metadata);
  if (!meta) return args.ack({ response_action: "errors", errors: { mode: t("errors.not_found") } });
  const rt = appointmentsRuntime(app);
  const state = (block: string) => args.body.view?.state?.values?.[block]?.[BOOK_FIELD];
  const form = readBookingForm(
    {
      mode: state("mode")?.selected_option?.value ?? null,
      slot: state("slot")?.selected_option?.value ?? null,
      office: state("office")?.selected_option?.value ?? null,
      kind: state("kind")?.selected_option?.value ?? null,
      date: state("date")?.selected_date ?? null,
      time: state("time")?.selected_time ?? null,
      address: state("address")?.value ?? null,
    },
    { timeZone: rt.timeZone, now: app.now() },
  );
  if (!form.ok) {
    const errors: Record<string, string> = {};
    for (const [field, code] of Object.entries(form.errors))
      errors[shownField(field as never, meta)] ??= t(`book_modal.problem.${code}`, { max: ADDRESS_MAX });
    return args.ack({ response_action: "errors", errors });
  }
  try {
    const viewId = args.body.view?.id;
    const res = await rt.staffBooking.book({
      who: { slackUserId: cm.slackUserId },
      caseId: meta.caseId,
      request: form.request,
      ...(viewId ? { idempotencyKey: `slack.view.${viewId}` } : {}),
    });
    if (!res.ok) {
      const field = refusalField(res.reason, form.request.fromList, meta);
      return args.ack({
        response_action: "errors",
        errors: { [field]: t(`book_modal.problem.${res.reason}`) },
      });
    }
    const a = res.appointment;
    await args.ack({
      response_action: "update",
      view: bookedView(
        t,
        t("book_modal.done", { when: staffWhen(a.startsAt, lng, rt.timeZone), mode: t(`mode.${a.mode}`) }),
      ),
    });
    await refreshHome(app, cm.slackUserId);
  } catch (e) {
    app.log.error({ listener: "book.submit", err: (e as Error).name }, "appointments listener failed");
    await args.ack({ response_action: "errors", errors: { mode: t("errors.generic") } });
  }
}

/** Registers the button and the modal on the Bolt app (next to the other appointment listeners). */
export function registerAppointmentBookSlack(app: AppContext): (slack: SlackApp) => void {
  return (slack) => {
    const l = listenerFor<BookListenerArgs, AppContext>(app);
    slack.action(BOOK_ACTION, l(onBookOpen));
    slack.view(BOOK_VIEW, l(onBookSubmitted));
  };
}
