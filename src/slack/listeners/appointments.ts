// The case manager's side in Slack: consultation hours (modal from App Home), "Propose appointment"
// (modal with their next free slots → Telegram offer to the client), move / cancel an appointment,
// attended / no-show, and the DMs about what clients did. Texts: locales-staff/<lng>/appointments-staff.json
// (namespace "appointments-staff": a staff file named appointments.json would replace the client
// namespace of the same name in de and en, because i18n merges the two folders per namespace).
//
// For the Slack helper (App Home layout is theirs), exported builders:
//   consultationHoursBlock(i18n, lng)            actions block with the "Consultation hours" button
//   proposeAppointmentButton(i18n, lng, id)      button; id = case id or assignment id
//   appointmentHomeData(db, cmId, now)            upcoming + awaiting attendance (upcomingAppointments inside)
//   appointmentHomeBlocks(i18n, lng, data, tz)   sections with Move / Cancel and Attended / No-show buttons
// and the listeners are registered by `registerAppointmentsSlack(app)` (the feature's slack()):
// action ids APPOINTMENT_ACTIONS, view callback ids APPOINTMENT_VIEWS. To reuse the assignment card's
// own button, call `onProposeAppointment(args, app)` from its listener (value = assignment id).

import { randomUUID } from "node:crypto";
import type { types } from "@slack/bolt";
import type { i18n } from "i18next";
import type { AppContext } from "../../app/feature.ts";
import { appointmentsRuntime } from "../../app/runtime/appointments.ts";
import {
  type AppointmentView,
  awaitingAttendance,
  type DbLike,
  upcomingAppointments,
} from "../../modules/appointments/appointments.repository.ts";
import type { StaffEvent } from "../../modules/appointments/appointments.service.ts";
import {
  type FormProblem,
  formatHoursLines,
  parseHoursLines,
} from "../../modules/appointments/availability-form.ts";
import type { Slot, WeeklyRule } from "../../modules/appointments/slots.ts";
import { addDays, localToInstants } from "../../modules/appointments/zoned.ts";
import { UUID } from "../../modules/kernel/ids.ts";
import { AccessRepository } from "../../modules/staff/access.repository.ts";
import { CaseAccess } from "../../modules/staff/access.service.ts";
import { readMaybeEncrypted } from "../../privacy/crypto.ts";
import type { SlackApp } from "../app.ts";
import { bookAppointmentButton } from "../blocks/appointment-book.ts";
import { button, md, plain } from "../blocks/common.ts";
import { slackEscape } from "../escape.ts";
import { slackLanguageResolver } from "../i18n.ts";
import { listenerFor } from "../register.ts";

export const APPOINTMENT_ACTIONS = {
  propose: "appt_propose",
  hoursOpen: "appt_hours_open",
  move: "appt_move",
  cancel: "appt_cancel",
  attended: "appt_attended",
  noShow: "appt_no_show",
} as const;

export const APPOINTMENT_VIEWS = {
  hours: "appt_hours",
  propose: "appt_propose_view",
  move: "appt_move_view",
} as const;

export const STAFF_NS = "appointments-staff";
export type StaffLng = "de" | "en";
type T = (key: string, opts?: Record<string, unknown>) => string;
type Block = types.KnownBlock;

export const staffT =
  (i18n: i18n, lng: StaffLng): T =>
  (key, opts) =>
    String(i18n.getFixedT(lng, STAFF_NS)(key, opts as never));

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const FIELD = "v";
const MAX_SLOT_OPTIONS = 60;
const MAX_PROPOSED = 8;

export function staffWhen(d: Date, lng: StaffLng, timeZone: string): string {
  return new Intl.DateTimeFormat(lng === "en" ? "en-GB" : "de-DE", {
    timeZone,
    weekday: "short",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

// ───────────────────────────── builders for App Home and cards ─────────────────────────────

export function consultationHoursButton(i18n: i18n, lng: StaffLng): types.Button {
  return button(staffT(i18n, lng)("home.hours_button"), APPOINTMENT_ACTIONS.hoursOpen, "open");
}

export function consultationHoursBlock(i18n: i18n, lng: StaffLng): Block {
  return { type: "actions", block_id: "appt_hours", elements: [consultationHoursButton(i18n, lng)] };
}

/** `id` = case id or assignment id (the handler resolves either). */
export function proposeAppointmentButton(i18n: i18n, lng: StaffLng, id: string): types.Button {
  return button(staffT(i18n, lng)("buttons.propose"), APPOINTMENT_ACTIONS.propose, id, "primary");
}

export interface AppointmentHomeData {
  upcoming: AppointmentView[];
  awaiting: AppointmentView[];
}

export async function appointmentHomeData(db: DbLike, cmId: string, now: Date): Promise<AppointmentHomeData> {
  const [upcoming, awaiting] = await Promise.all([
    upcomingAppointments(db, cmId, now, 8),
    awaitingAttendance(db, cmId, now, 14, 5),
  ]);
  // an appointment that is running now is both upcoming (not ended) and awaiting: show it once, as awaiting
  const waiting = new Set(awaiting.map((a) => a.id));
  return { upcoming: upcoming.filter((a) => !waiting.has(a.id)), awaiting };
}

const itemText = (a: AppointmentView, t: T, lng: StaffLng, tz: string) =>
  t("home.item", {
    when: staffWhen(a.startsAt, lng, tz),
    mode: t(`mode.${a.mode}`),
    place: a.officeName ? ` · ${slackEscape(a.officeName)}` : "",
    client: slackEscape(a.clientPseudonym),
    ref: slackEscape(a.caseReference),
    kind: t(`kind.${a.kind}`, { defaultValue: a.kind }),
  });

/** At most 2 blocks per appointment: 8 upcoming + 5 awaiting + headings ≤ 30 blocks. */
export function appointmentHomeBlocks(
  i18n: i18n,
  lng: StaffLng,
  data: AppointmentHomeData,
  timeZone: string,
): Block[] {
  const t = staffT(i18n, lng);
  const blocks: Block[] = [{ type: "header", text: plain(t("home.title"), 150) }];
  if (data.awaiting.length) {
    blocks.push({ type: "section", text: md(`*${t("home.awaiting")}*`) });
    for (const a of data.awaiting) {
      blocks.push({ type: "section", text: md(itemText(a, t, lng, timeZone)) });
      blocks.push({
        type: "actions",
        block_id: `appt_att_${a.id}`,
        elements: [
          button(t("buttons.attended"), APPOINTMENT_ACTIONS.attended, a.id, "primary"),
          button(t("buttons.no_show"), APPOINTMENT_ACTIONS.noShow, a.id),
        ],
      });
    }
  }
  blocks.push({ type: "section", text: md(`*${t("home.upcoming")}*`) });
  if (data.upcoming.length === 0) blocks.push({ type: "context", elements: [md(t("home.none"))] });
  for (const a of data.upcoming) {
    blocks.push({ type: "section", text: md(itemText(a, t, lng, timeZone)) });
    blocks.push({
      type: "actions",
      block_id: `appt_up_${a.id}`,
      elements: [
        button(t("buttons.move"), APPOINTMENT_ACTIONS.move, a.id),
        {
          ...button(t("buttons.cancel"), APPOINTMENT_ACTIONS.cancel, a.id, "danger"),
          confirm: {
            title: plain(t("confirm_cancel.title"), 100),
            text: plain(t("confirm_cancel.text"), 300),
            confirm: plain(t("confirm_cancel.confirm"), 30),
            deny: plain(t("confirm_cancel.deny"), 30),
            style: "danger",
          },
        },
      ],
    });
  }
  blocks.push(consultationHoursBlock(i18n, lng));
  return blocks;
}

// ───────────────────────────── modals ─────────────────────────────

const slotOption = (s: Slot, t: T, lng: StaffLng, tz: string): types.PlainTextOption => ({
  text: plain(`${staffWhen(s.startsAt, lng, tz)} · ${t(`mode.${s.mode}`)}`, 75),
  value: String(s.startsAt.getTime()),
});

function modal(
  callbackId: string,
  title: string,
  submit: string | null,
  t: T,
  blocks: Block[],
  meta = "",
): types.ModalView {
  return {
    type: "modal",
    callback_id: callbackId,
    private_metadata: meta,
    title: plain(title, 24),
    ...(submit ? { submit: plain(submit, 24) } : {}),
    close: plain(t("modal.close"), 24),
    blocks,
  };
}

export function hoursModal(args: {
  t: T;
  rules: readonly WeeklyRule[];
  defaultOfficeId: string | null;
  offices: readonly { id: string; name: string }[];
  closures: readonly { id: string; from: Date; to: Date; reason: string | null }[];
  lng: StaffLng;
  timeZone: string;
  slotMinutes: number;
}): types.ModalView {
  const { t } = args;
  const blocks: Block[] = [
    { type: "context", elements: [md(t("hours_modal.intro", { minutes: args.slotMinutes }))] },
    {
      type: "context",
      elements: [
        md(
          t("hours_modal.offices", {
            list: args.offices.map((o) => `\`${o.id}\` ${slackEscape(o.name)}`).join(", "),
          }),
        ),
      ],
    },
  ];
  for (const wd of WEEKDAYS) {
    const initial = formatHoursLines(args.rules, wd, args.defaultOfficeId);
    blocks.push({
      type: "input",
      block_id: `d${wd}`,
      optional: true,
      label: plain(t(`weekday.${wd}`)),
      element: {
        type: "plain_text_input",
        action_id: FIELD,
        multiline: true,
        max_length: 500,
        ...(initial ? { initial_value: initial } : {}),
        placeholder: plain(wd <= 5 ? "09:00-12:00 in_person" : "", 150),
      },
    });
  }
  blocks.push({ type: "divider" });
  blocks.push({ type: "section", text: md(`*${t("hours_modal.closed_title")}*`) });
  blocks.push({
    type: "input",
    block_id: "closed_from",
    optional: true,
    label: plain(t("hours_modal.closed_from")),
    element: { type: "datepicker", action_id: FIELD },
  });
  blocks.push({
    type: "input",
    block_id: "closed_to",
    optional: true,
    label: plain(t("hours_modal.closed_to")),
    element: { type: "datepicker", action_id: FIELD },
  });
  blocks.push({
    type: "input",
    block_id: "closed_reason",
    optional: true,
    label: plain(t("hours_modal.closed_reason")),
    element: { type: "plain_text_input", action_id: FIELD, max_length: 200 },
  });
  if (args.closures.length)
    blocks.push({
      type: "input",
      block_id: "closed_remove",
      optional: true,
      label: plain(t("hours_modal.closed_remove")),
      element: {
        type: "checkboxes",
        action_id: FIELD,
        options: args.closures.slice(0, 10).map((c) => ({
          text: plain(
            `${staffWhen(c.from, args.lng, args.timeZone)} – ${staffWhen(new Date(c.to.getTime() - 1), args.lng, args.timeZone)}${c.reason ? ` (${c.reason})` : ""}`,
            75,
          ),
          value: c.id,
        })),
      },
    });
  return modal(APPOINTMENT_VIEWS.hours, t("hours_modal.title"), t("modal.save"), t, blocks);
}

export function proposeModal(args: {
  t: T;
  caseId: string;
  reference: string;
  pseudonym: string;
  slots: readonly Slot[];
  lng: StaffLng;
  timeZone: string;
}): types.ModalView {
  const { t } = args;
  return modal(
    APPOINTMENT_VIEWS.propose,
    t("propose_modal.title"),
    t("propose_modal.submit"),
    t,
    [
      {
        type: "context",
        elements: [
          md(
            t("propose_modal.intro", {
              client: slackEscape(args.pseudonym),
              ref: slackEscape(args.reference),
            }),
          ),
        ],
      },
      {
        type: "input",
        block_id: "slots",
        optional: true,
        label: plain(t("propose_modal.slots")),
        hint: plain(t("propose_modal.hint", { max: MAX_PROPOSED })),
        element: {
          type: "multi_static_select",
          action_id: FIELD,
          max_selected_items: MAX_PROPOSED,
          placeholder: plain(t("propose_modal.placeholder"), 150),
          options: args.slots
            .slice(0, MAX_SLOT_OPTIONS)
            .map((s) => slotOption(s, t, args.lng, args.timeZone)),
        },
      },
    ],
    args.caseId,
  );
}

export function moveModal(args: {
  t: T;
  appointment: { id: string; startsAt: Date };
  slots: readonly Slot[];
  lng: StaffLng;
  timeZone: string;
}): types.ModalView {
  const { t } = args;
  return modal(
    APPOINTMENT_VIEWS.move,
    t("move_modal.title"),
    t("move_modal.submit"),
    t,
    [
      {
        type: "context",
        elements: [
          md(t("move_modal.intro", { when: staffWhen(args.appointment.startsAt, args.lng, args.timeZone) })),
        ],
      },
      {
        type: "input",
        block_id: "slot",
        label: plain(t("move_modal.slot")),
        element: {
          type: "static_select",
          action_id: FIELD,
          placeholder: plain(t("propose_modal.placeholder"), 150),
          options: args.slots
            .slice(0, MAX_SLOT_OPTIONS)
            .map((s) => slotOption(s, t, args.lng, args.timeZone)),
        },
      },
    ],
    args.appointment.id,
  );
}

/** Error text of a consultation-hours line problem. */
export const problemText = (p: FormProblem, t: T): string =>
  t(`hours_modal.problem.${p.code}`, { line: p.line });

// ───────────────────────────── listeners ─────────────────────────────

type Ack = (response?: Record<string, unknown>) => Promise<void>;
interface ViewStateValue {
  value?: string | null;
  selected_date?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[];
}
export interface AppointmentListenerArgs {
  ack: Ack;
  body: {
    user?: { id?: string };
    trigger_id?: string;
    response_url?: string;
    channel?: { id?: string };
    actions?: { action_id?: string; value?: string }[];
    view?: { private_metadata?: string; state?: { values?: Record<string, Record<string, ViewStateValue>> } };
  };
  client: {
    views: { open(a: { trigger_id: string; view: unknown }): Promise<unknown> };
    chat: {
      postEphemeral(a: { channel: string; user: string; text: string }): Promise<unknown>;
      postMessage(a: { channel: string; text: string; blocks?: unknown[] }): Promise<unknown>;
    };
    users?: { info(a: { user: string; include_locale?: boolean }): Promise<{ user?: { locale?: string } }> };
  };
  respond?: (message: Record<string, unknown>) => Promise<unknown>;
}

const fieldOf = (args: AppointmentListenerArgs, block: string): ViewStateValue | undefined =>
  args.body.view?.state?.values?.[block]?.[FIELD];

export async function tell(args: AppointmentListenerArgs, text: string): Promise<void> {
  const { body, client, respond } = args;
  const user = body.user?.id;
  if (respond && body.response_url) {
    await respond({ response_type: "ephemeral", replace_original: false, text });
  } else if (body.channel?.id && user) {
    await client.chat.postEphemeral({ channel: body.channel.id, user, text });
  } else if (user) {
    await client.chat.postMessage({ channel: user, text });
  }
}

export async function staffOf(app: AppContext, args: AppointmentListenerArgs) {
  const slackUserId = args.body.user?.id;
  const cm = slackUserId
    ? await app.db.caseManager.findUnique({
        where: { slackUserId },
        select: {
          id: true,
          name: true,
          slackUserId: true,
          officeId: true,
          agencyId: true,
          teamLead: true,
          active: true,
        },
      })
    : null;
  const lng = await staffLanguage(app, slackUserId, args.client.users);
  return { cm: cm?.active ? cm : null, lng, t: staffT(app.i18n, lng) };
}

/** The staff member's language from Slack (users.info locale, cached a day); German by default. */
export async function staffLanguage(
  app: AppContext,
  slackUserId: string | undefined,
  users: AppointmentListenerArgs["client"]["users"] | undefined,
): Promise<StaffLng> {
  if (!slackUserId || !users) return "de";
  const resolve = slackLanguageResolver({
    usersInfo: (user) => users.info({ user, include_locale: true }),
    cache: app.redis.client,
    prefix: app.env.ANLAUF_QUEUE_PREFIX,
  });
  return resolve(slackUserId);
}

export async function refreshHome(app: AppContext, slackUserId: string): Promise<void> {
  await app.producer
    .enqueue("slack.deliver", {
      kind: "home",
      refId: slackUserId,
      key: `appt-home.${slackUserId}.${Date.now()}`,
    })
    .catch((e) => app.log.warn({ err: (e as Error).name }, "app home refresh not enqueued"));
}

export async function guard(
  app: AppContext,
  args: AppointmentListenerArgs,
  what: string,
  fn: () => Promise<unknown>,
) {
  try {
    await fn();
  } catch (e) {
    app.log.error(
      { listener: what, err: (e as Error).name, msg: (e as Error).message.slice(0, 200) },
      "appointments listener failed",
    );
    await tell(args, staffT(app.i18n, "de")("errors.generic")).catch(() => {});
  }
}

export async function onHoursOpen(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  await args.ack();
  await guard(app, args, "hours.open", async () => {
    const { cm, t, lng } = await staffOf(app, args);
    if (!cm) return tell(args, t("errors.unknown_user"));
    if (!args.body.trigger_id) return tell(args, t("errors.generic"));
    const now = app.now();
    const [rules, offices, closures] = await Promise.all([
      app.db.availabilityRule.findMany({ where: { cmId: cm.id } }),
      app.db.office.findMany({
        where: { agencyId: cm.agencyId },
        select: { id: true, name: true },
        orderBy: { id: "asc" },
      }),
      app.db.availabilityException
        .findMany({ where: { cmId: cm.id, to: { gt: now } }, orderBy: { from: "asc" }, take: 10 })
        .then((rows) =>
          rows.map((r) => ({
            ...r,
            reason: readMaybeEncrypted(app.cipher, r.reason, {
              table: "AvailabilityException",
              column: "reason",
              row: r.id,
            }),
          })),
        ),
    ]);
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: hoursModal({
        t,
        rules,
        defaultOfficeId: cm.officeId,
        offices,
        closures,
        lng,
        timeZone: appointmentsRuntime(app).timeZone,
        slotMinutes: appointmentsRuntime(app).config.slotMinutes,
      }),
    });
  });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export async function onHoursSubmitted(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  const { cm, t } = await staffOf(app, args);
  if (!cm) return args.ack({ response_action: "errors", errors: { d1: t("errors.unknown_user") } });
  const tz = appointmentsRuntime(app).timeZone;
  // in-person hours are at offices of their own agency
  const offices = await app.db.office.findMany({ where: { agencyId: cm.agencyId }, select: { id: true } });
  const officeIds = new Set(offices.map((o) => o.id));
  const errors: Record<string, string> = {};
  const rules: WeeklyRule[] = [];
  for (const wd of WEEKDAYS) {
    const parsed = parseHoursLines(wd, fieldOf(args, `d${wd}`)?.value ?? "", {
      defaultOfficeId: cm.officeId,
      officeIds,
    });
    if (parsed.problems.length) errors[`d${wd}`] = parsed.problems.map((p) => problemText(p, t)).join(" ");
    rules.push(...parsed.rules);
  }
  const from = fieldOf(args, "closed_from")?.selected_date ?? null;
  const to = fieldOf(args, "closed_to")?.selected_date ?? from;
  let closure: { from: Date; to: Date } | null = null;
  if (from || to) {
    const a = from ? DATE.exec(from) : null;
    const b = to ? DATE.exec(to) : null;
    if (!a) errors.closed_from = t("hours_modal.problem.closed_from");
    else if (!b || `${to}` < `${from}`) errors.closed_to = t("hours_modal.problem.closed_to");
    else {
      const first = { year: Number(a[1]), month: Number(a[2]), day: Number(a[3]) };
      const last = { year: Number(b[1]), month: Number(b[2]), day: Number(b[3]) };
      const start = localToInstants(first, 0, tz)[0] ?? Date.UTC(first.year, first.month - 1, first.day);
      const after = addDays(last, 1);
      const end = localToInstants(after, 0, tz)[0] ?? Date.UTC(after.year, after.month - 1, after.day);
      closure = { from: new Date(start), to: new Date(end) };
    }
  }
  if (Object.keys(errors).length) return args.ack({ response_action: "errors", errors });
  const remove = (fieldOf(args, "closed_remove")?.selected_options ?? []).flatMap((o) =>
    o.value && UUID.test(o.value) ? [o.value] : [],
  );
  const reason = (fieldOf(args, "closed_reason")?.value ?? "").trim().slice(0, 200) || null;
  try {
    await app.db.$transaction(async (tx) => {
      await tx.availabilityRule.deleteMany({ where: { cmId: cm.id } });
      if (rules.length)
        await tx.availabilityRule.createMany({ data: rules.map((r) => ({ ...r, cmId: cm.id })) });
      if (remove.length)
        await tx.availabilityException.deleteMany({ where: { id: { in: remove }, cmId: cm.id } });
      if (closure) {
        // staff free text: encrypted and bound to its row (an @encrypted field)
        const id = randomUUID();
        const stored = reason
          ? app.cipher.encrypt(reason, { table: "AvailabilityException", column: "reason", row: id })
          : null;
        await tx.availabilityException.create({ data: { id, cmId: cm.id, ...closure, reason: stored } });
      }
      await tx.auditLog.create({
        data: {
          actor: `cm:${cm.id}`,
          action: "availability.updated",
          data: { rules: rules.length, closureAdded: closure !== null, closuresRemoved: remove.length },
        },
      });
    });
    await args.ack();
    await refreshHome(app, cm.slackUserId);
  } catch (e) {
    app.log.error({ listener: "hours.submit", err: (e as Error).name }, "appointments listener failed");
    await args.ack({ response_action: "errors", errors: { d1: t("errors.generic") } });
  }
}

/** Resolves the button value (case id or assignment id) to a case this case manager may propose in. */
async function proposableCase(app: AppContext, id: string, cmId: string) {
  if (!UUID.test(id)) return { error: "not_found" as const };
  const asg = await app.db.assignment.findUnique({ where: { id }, select: { caseId: true } });
  const caseId = asg?.caseId ?? id;
  const c = await app.db.case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      cmId: true,
      phase: true,
      referenceCode: true,
      client: { select: { pseudonym: true } },
    },
  });
  if (!c) return { error: "not_found" as const };
  if (c.phase === "closed") return { error: "closed" as const };
  const accepted = await app.db.assignment.findFirst({
    where: { caseId: c.id, cmId, status: "accepted" },
    select: { id: true },
  });
  if (!accepted || c.cmId !== cmId) {
    const pending = await app.db.assignment.findFirst({
      where: { caseId: c.id, cmId, status: "pending" },
      select: { id: true },
    });
    return { error: pending ? ("accept_first" as const) : ("not_yours" as const) };
  }
  return { case: c };
}

export async function onProposeAppointment(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  await args.ack();
  await guard(app, args, "propose.open", async () => {
    const { cm, t, lng } = await staffOf(app, args);
    if (!cm) return tell(args, t("errors.unknown_user"));
    const r = await proposableCase(app, args.body.actions?.[0]?.value ?? "", cm.id);
    if ("error" in r) return tell(args, t(`errors.${r.error}`));
    const rt = appointmentsRuntime(app);
    const slots = await rt.service.freeSlots(cm.id, { limit: MAX_SLOT_OPTIONS });
    if (slots.length === 0) return tell(args, t("errors.no_free_slots", { days: rt.config.horizonDays }));
    if (!args.body.trigger_id) return tell(args, t("errors.generic"));
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: proposeModal({
        t,
        caseId: r.case.id,
        reference: r.case.referenceCode,
        pseudonym: r.case.client.pseudonym,
        slots,
        lng,
        timeZone: rt.timeZone,
      }),
    });
  });
}

export async function onProposeSubmitted(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  const { cm, t } = await staffOf(app, args);
  if (!cm) return args.ack({ response_action: "errors", errors: { slots: t("errors.unknown_user") } });
  const caseId = args.body.view?.private_metadata ?? "";
  const r = await proposableCase(app, caseId, cm.id);
  if ("error" in r) return args.ack({ response_action: "errors", errors: { slots: t(`errors.${r.error}`) } });
  const rt = appointmentsRuntime(app);
  const live = await app.db.appointment.findFirst({
    where: { caseId: r.case.id, status: "booked", startsAt: { gt: app.now() } },
  });
  if (live) return args.ack({ response_action: "errors", errors: { slots: t("errors.already_booked") } });
  const starts = (fieldOf(args, "slots")?.selected_options ?? [])
    .map((o) => Number(o.value))
    .filter((n) => Number.isSafeInteger(n) && n > 0)
    .slice(0, MAX_PROPOSED)
    .map((n) => new Date(n));
  const stamp = app.now().getTime();
  await rt.outbox.offer(r.case.id, "proposed", `propose.${r.case.id}.${stamp}`, starts);
  await args.ack({
    response_action: "update",
    view: modal(APPOINTMENT_VIEWS.propose, t("propose_modal.title"), null, t, [
      {
        type: "section",
        text: md(
          t(starts.length ? "propose_modal.sent" : "propose_modal.sent_auto", { count: starts.length }),
        ),
      },
    ]),
  });
}

/** The appointment, if the one authorization rule lets this member of staff change it. */
async function ownAppointment(app: AppContext, id: string, cm: { slackUserId: string }) {
  const access = await new CaseAccess(new AccessRepository(app.db), app.now).check(
    { slackUserId: cm.slackUserId },
    "appointment.change",
    { appointmentId: id },
  );
  if (!access.ok) return null;
  return app.db.appointment.findUnique({ where: { id } });
}

export async function onMoveOpen(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  await args.ack();
  await guard(app, args, "move.open", async () => {
    const { cm, t, lng } = await staffOf(app, args);
    if (!cm) return tell(args, t("errors.unknown_user"));
    const appt = await ownAppointment(app, args.body.actions?.[0]?.value ?? "", cm);
    if (!appt) return tell(args, t("errors.not_found"));
    if (appt.status !== "booked") return tell(args, t("errors.not_booked"));
    const rt = appointmentsRuntime(app);
    const slots = (
      await rt.service.freeSlots(appt.cmId, { excludeAppointmentId: appt.id, limit: MAX_SLOT_OPTIONS + 1 })
    ).filter((s) => s.startsAt.getTime() !== appt.startsAt.getTime());
    if (slots.length === 0) return tell(args, t("errors.no_free_slots", { days: rt.config.horizonDays }));
    if (!args.body.trigger_id) return tell(args, t("errors.generic"));
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: moveModal({ t, appointment: appt, slots, lng, timeZone: rt.timeZone }),
    });
  });
}

export async function onMoveSubmitted(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  const { cm, t } = await staffOf(app, args);
  if (!cm) return args.ack({ response_action: "errors", errors: { slot: t("errors.unknown_user") } });
  const id = args.body.view?.private_metadata ?? "";
  const start = Number(fieldOf(args, "slot")?.selected_option?.value);
  if (!UUID.test(id) || !Number.isSafeInteger(start))
    return args.ack({ response_action: "errors", errors: { slot: t("errors.not_found") } });
  const res = await appointmentsRuntime(app).service.reschedule({
    appointmentId: id,
    startsAt: new Date(start),
    actor: { kind: "cm", cmId: cm.id },
  });
  if (!res.ok) return args.ack({ response_action: "errors", errors: { slot: t(`errors.${res.reason}`) } });
  await args.ack();
  await refreshHome(app, cm.slackUserId);
}

export async function onCancel(args: AppointmentListenerArgs, app: AppContext): Promise<void> {
  await args.ack();
  await guard(app, args, "cancel", async () => {
    const { cm, t } = await staffOf(app, args);
    if (!cm) return tell(args, t("errors.unknown_user"));
    const id = args.body.actions?.[0]?.value ?? "";
    if (!UUID.test(id)) return tell(args, t("errors.not_found"));
    const res = await appointmentsRuntime(app).service.cancel({
      appointmentId: id,
      actor: { kind: "cm", cmId: cm.id },
    });
    if (!res.ok) return tell(args, t(`errors.${res.reason}`));
    await refreshHome(app, cm.slackUserId);
  });
}

export async function onAttendance(
  args: AppointmentListenerArgs,
  app: AppContext,
  attended: boolean,
): Promise<void> {
  await args.ack();
  await guard(app, args, attended ? "attended" : "no_show", async () => {
    const { cm, t } = await staffOf(app, args);
    if (!cm) return tell(args, t("errors.unknown_user"));
    const id = args.body.actions?.[0]?.value ?? "";
    if (!UUID.test(id)) return tell(args, t("errors.not_found"));
    const res = await appointmentsRuntime(app).service.markAttendance({
      appointmentId: id,
      cmId: cm.id,
      attended,
    });
    if (!res.ok) return tell(args, t(`errors.${res.reason}`));
    if (!attended)
      await tell(
        args,
        `${t("attendance.no_show", { count: res.noShows })}${res.checkInSent ? ` ${t("attendance.checkin_sent")}` : ""}`,
      );
    await refreshHome(app, cm.slackUserId);
  });
}

/** The feature's slack(): registers every appointment listener on the Bolt app. */
export function registerAppointmentsSlack(app: AppContext): (slack: SlackApp) => void {
  return (slack) => {
    const l = listenerFor<AppointmentListenerArgs, AppContext>(app);
    slack.action(APPOINTMENT_ACTIONS.hoursOpen, l(onHoursOpen));
    slack.view(APPOINTMENT_VIEWS.hours, l(onHoursSubmitted));
    slack.action(APPOINTMENT_ACTIONS.propose, l(onProposeAppointment));
    slack.view(APPOINTMENT_VIEWS.propose, l(onProposeSubmitted));
    slack.action(APPOINTMENT_ACTIONS.move, l(onMoveOpen));
    slack.view(APPOINTMENT_VIEWS.move, l(onMoveSubmitted));
    slack.action(APPOINTMENT_ACTIONS.cancel, l(onCancel));
    slack.action(
      APPOINTMENT_ACTIONS.attended,
      l((a, c) => onAttendance(a, c, true)),
    );
    slack.action(
      APPOINTMENT_ACTIONS.noShow,
      l((a, c) => onAttendance(a, c, false)),
    );
  };
}

// ───────────────────────────── DMs to the case manager ─────────────────────────────

/** The DM about an event (the worker of "appointment.staff" posts it). */
export function staffMessage(args: {
  i18n: i18n;
  lng: StaffLng;
  event: StaffEvent;
  timeZone: string;
  caseId: string;
  reference: string;
  pseudonym: string;
  appointment?: { startsAt: Date; mode: string; rescheduleCount: number } | null;
  maxReschedules: number;
  horizonDays: number;
}): { text: string; blocks: Block[] } {
  const t = staffT(args.i18n, args.lng);
  const a = args.appointment;
  const text = t(`dm.${args.event}`, {
    client: slackEscape(args.pseudonym),
    ref: slackEscape(args.reference),
    when: a ? staffWhen(a.startsAt, args.lng, args.timeZone) : "",
    mode: a ? t(`mode.${a.mode}`) : "",
    changes: a?.rescheduleCount ?? 0,
    max: args.maxReschedules,
    days: args.horizonDays,
  });
  const blocks: Block[] = [{ type: "section", text: md(text) }];
  if (args.event === "no_fit" || args.event === "no_slots" || args.event === "cancelled")
    blocks.push({
      type: "actions",
      elements: [
        proposeAppointmentButton(args.i18n, args.lng, args.caseId),
        bookAppointmentButton(t("buttons.book"), args.caseId),
      ],
    });
  return { text, blocks };
}
