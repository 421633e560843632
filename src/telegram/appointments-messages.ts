// What the client reads in Telegram about appointments: offers with one button per slot, the
// confirmation (place, mode, what to bring, .ics), reminders, changes and the check-in. Texts come from
// locales/<lng>/appointments.json; dates and times are rendered by Intl in the municipality's zone.
// Buttons carry signed callback data (src/telegram/callback-data.ts): ids are packed as base64url
// and times as epoch minutes in base 36 to stay within Telegram's 64 bytes.
import { InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import type { AppContext } from "../app/feature.ts";
import type { AppointmentsRuntime } from "../app/runtime/appointments.ts";
import { directed } from "../i18n/bidi.ts";
import type { DbLike } from "../modules/appointments/appointments.repository.ts";
import { formatSlotShort, formatWhen } from "../modules/appointments/format.ts";
import { buildIcs } from "../modules/appointments/ics.ts";
import type { ContactMode, Slot } from "../modules/appointments/slots.ts";
import { type FieldCipher, readMaybeEncrypted } from "../privacy/crypto.ts";

export const CALLBACK_PREFIX = "ap";

// ── compact ids for callback data ──
export const packUuid = (id: string): string =>
  Buffer.from(id.replace(/-/g, ""), "hex").toString("base64url");
export function unpackUuid(s: string | undefined): string | null {
  if (!s || !/^[A-Za-z0-9_-]{22}$/.test(s)) return null;
  const h = Buffer.from(s, "base64url").toString("hex");
  if (h.length !== 32) return null;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
export const packTime = (d: Date): string => Math.round(d.getTime() / 60_000).toString(36);
export function unpackTime(s: string | undefined): Date | null {
  if (!s || !/^[0-9a-z]{1,9}$/.test(s)) return null;
  return new Date(Number.parseInt(s, 36) * 60_000);
}

export const MODE_ICON: Record<ContactMode, string> = {
  in_person: "📍",
  phone: "📞",
  video: "💻",
  home_visit: "🏠",
};

/** The appointment texts take the same direction marks as every client text (i18n/bidi.ts). */
export const bidi = (locale: string, text: string): string => directed(text, locale);

export function appointmentsT(app: AppContext, locale: string): TFunction {
  return app.i18n.getFixedT(locale, "appointments");
}

export interface Rendered {
  text: string;
  keyboard?: InlineKeyboard;
}

export type OfferMode =
  | { kind: "book"; caseId: string }
  | { kind: "move"; appointmentId: string; caseId: string };

/** One button per slot (+ "later times" and "none fit"), or a plain text when nothing is free. */
export function renderOffer(args: {
  rt: AppointmentsRuntime;
  t: TFunction;
  locale: string;
  slots: readonly Slot[];
  mode: OfferMode;
  intro: string;
  cmName: string;
}): Rendered {
  const { rt, t, locale, slots, mode } = args;
  const codec = rt.codec();
  if (slots.length === 0) return { text: t("offer.none_free", { name: args.cmName }) };
  const kb = new InlineKeyboard();
  for (const s of slots) {
    const label = `${formatSlotShort(s.startsAt, locale, rt.timeZone)} · ${MODE_ICON[s.mode]}`;
    const payload =
      mode.kind === "book"
        ? `${CALLBACK_PREFIX}:b:${packUuid(mode.caseId)}:${packTime(s.startsAt)}`
        : `${CALLBACK_PREFIX}:m:${packUuid(mode.appointmentId)}:${packTime(s.startsAt)}`;
    kb.text(label, codec.encode(payload)).row();
  }
  const last = slots[slots.length - 1]!;
  kb.text(
    t("offer.later"),
    codec.encode(
      `${CALLBACK_PREFIX}:n:${packUuid(mode.kind === "book" ? mode.caseId : mode.appointmentId)}:${mode.kind === "book" ? "b" : "m"}${packTime(last.startsAt)}`,
    ),
  ).row();
  if (mode.kind === "book")
    kb.text(t("offer.none_fit"), codec.encode(`${CALLBACK_PREFIX}:x:${packUuid(mode.caseId)}`)).row();
  const modes = [...new Set(slots.map((s) => s.mode))];
  const legend = modes.map((m) => `${MODE_ICON[m]} ${t(`mode.${m}`)}`).join(" · ");
  return { text: `${args.intro}\n\n${legend}`, keyboard: kb };
}

export function manageKeyboard(rt: AppointmentsRuntime, t: TFunction, appointmentId: string): InlineKeyboard {
  const codec = rt.codec();
  const id = packUuid(appointmentId);
  return new InlineKeyboard()
    .text(t("buttons.reschedule"), codec.encode(`${CALLBACK_PREFIX}:r:${id}`))
    .text(t("buttons.cancel"), codec.encode(`${CALLBACK_PREFIX}:c:${id}`));
}

export function showTimesKeyboard(rt: AppointmentsRuntime, t: TFunction, caseId: string): InlineKeyboard {
  return new InlineKeyboard().text(
    t("buttons.show_times"),
    rt.codec().encode(`${CALLBACK_PREFIX}:o:${packUuid(caseId)}`),
  );
}

/** With a cipher, a home visit's address comes decrypted as `visitAddress` (null when unreadable). */
export async function loadAppointmentDetails(db: DbLike, appointmentId: string, cipher?: FieldCipher) {
  const appt = await db.appointment.findUnique({
    where: { id: appointmentId },
    include: {
      cm: { select: { name: true, slackUserId: true, officeId: true } },
      case: {
        select: {
          id: true,
          referenceCode: true,
          clientId: true,
          client: { select: { locale: true, telegramChatId: true, erasedAt: true, pseudonym: true } },
        },
      },
    },
  });
  if (!appt) return null;
  const office = appt.officeId
    ? await db.office.findUnique({
        where: { id: appt.officeId },
        select: { name: true, street: true, postcode: true, city: true },
      })
    : null;
  const visitAddress =
    cipher && appt.mode === "home_visit"
      ? readMaybeEncrypted(cipher, appt.address, { table: "Appointment", column: "address", row: appt.id })
      : null;
  return { ...appt, office, visitAddress };
}
export type AppointmentDetails = NonNullable<Awaited<ReturnType<typeof loadAppointmentDetails>>>;

/** Date, time, who, where/how: the lines every message about one appointment shares. */
export function detailLines(
  rt: AppointmentsRuntime,
  t: TFunction,
  locale: string,
  d: AppointmentDetails,
): string[] {
  const lines = [
    t("confirmed.when", { when: formatWhen(d.startsAt, locale, rt.timeZone) }),
    t("confirmed.with", { name: d.cm.name }),
  ];
  const place = placeKey(d);
  lines.push(
    d.office && place === "in_person"
      ? t("confirmed.in_person", {
          office: d.office.name,
          street: d.office.street,
          postcode: d.office.postcode,
          city: d.office.city,
        })
      : d.visitAddress && place === "home_visit"
        ? t("confirmed.home_visit_at", { address: d.visitAddress })
        : t(`confirmed.${place}`),
  );
  return lines;
}

/**
 * Which place text an appointment gets. An in-person appointment whose office is unknown must not
 * read like a phone call (the client would wait at home): it says the address will follow.
 */
export function placeKey(d: Pick<AppointmentDetails, "mode" | "office">): string {
  if (d.mode === "in_person") return d.office ? "in_person" : "in_person_no_office";
  return d.mode;
}

export type ConfirmationTitle = "title" | "title_booked_by_staff" | "title_moved_by_staff";

/** The confirmation after booking or a move (by the client, or by staff with another title). */
export function renderConfirmation(
  rt: AppointmentsRuntime,
  t: TFunction,
  locale: string,
  d: AppointmentDetails,
  title: ConfirmationTitle,
): Rendered {
  const bring = d.mode === "in_person" ? t("confirmed.bring_in_person") : t("confirmed.bring_remote");
  const text = [
    t(`confirmed.${title}`),
    "",
    ...detailLines(rt, t, locale, d),
    "",
    t("confirmed.bring_title"),
    bring,
    "",
    t("confirmed.free"),
    t("confirmed.change"),
  ].join("\n");
  return { text, keyboard: manageKeyboard(rt, t, d.id) };
}

export function renderReminder(
  rt: AppointmentsRuntime,
  t: TFunction,
  locale: string,
  d: AppointmentDetails,
  now: Date,
): Rendered {
  const minutes = Math.max(0, Math.round((d.startsAt.getTime() - now.getTime()) / 60_000));
  const head =
    minutes >= 90
      ? t("reminder.in_hours", { count: Math.round(minutes / 60) })
      : t("reminder.in_minutes", { count: minutes });
  const text = [head, "", ...detailLines(rt, t, locale, d), "", t("reminder.cant_come")].join("\n");
  return { text, keyboard: manageKeyboard(rt, t, d.id) };
}

export function renderCurrent(
  rt: AppointmentsRuntime,
  t: TFunction,
  locale: string,
  d: AppointmentDetails,
): Rendered {
  return {
    text: [t("current.title"), "", ...detailLines(rt, t, locale, d)].join("\n"),
    keyboard: manageKeyboard(rt, t, d.id),
  };
}

/** The .ics of an appointment in the client's language. */
export function icsFor(t: TFunction, d: AppointmentDetails, now: Date): string {
  const place = placeKey(d);
  const location =
    d.office && place === "in_person"
      ? `${d.office.name}, ${d.office.street}, ${d.office.postcode} ${d.office.city}`
      : d.visitAddress && place === "home_visit"
        ? d.visitAddress
        : t(`ics.${place}`);
  const cancelled = d.status === "cancelled";
  return buildIcs({
    uid: `${d.id}@anlauf`,
    // a cancellation must outrank the last version the calendar holds (RFC 5546)
    sequence: d.rescheduleCount + (cancelled ? 1 : 0),
    start: d.startsAt,
    end: d.endsAt,
    stamp: now,
    summary: t("ics.summary", { name: d.cm.name }),
    location,
    description: `${t("confirmed.bring_title")}\n${d.mode === "in_person" ? t("confirmed.bring_in_person") : t("confirmed.bring_remote")}`,
    status: cancelled ? "CANCELLED" : "CONFIRMED",
  });
}
