// A case manager books a client's appointment directly (after a phone call, at the door): the pure
// part. `readBookingForm` turns the modal's raw values into a request or field errors; `slotVerdict`
// asks the slot engine whether a listed slot is still free; `visitVerdict` checks a home visit at
// any minute of the case manager's consultation hours (home visits are never on the weekly grid, the
// case manager agrees the time with the client). The service re-runs both inside its transaction.
import {
  type Booking,
  type ContactMode,
  collidingBookings,
  findSlot,
  type Interval,
  type Slot,
  type SlotPolicy,
  type WeeklyRule,
} from "./slots.ts";
import { isoWeekday, type LocalDate, localDateOf, localMinuteOf, localToInstants } from "./zoned.ts";

/** What an address may hold: a street, a house number, a floor or a name on the bell. */
export const ADDRESS_MAX = 200;

export const BOOKING_KINDS = ["first_consultation", "follow_up"] as const;
export type BookingKind = (typeof BOOKING_KINDS)[number];

/** "slot" = the mode the consultation hours give the chosen slot. */
export const FORM_MODES = ["slot", "in_person", "phone", "video", "home_visit"] as const;
export type FormMode = (typeof FORM_MODES)[number];

/** The modal's values as Slack sends them (everything may be missing or crafted). */
export interface BookingForm {
  mode?: string | null;
  /** epoch ms of a listed slot */
  slot?: string | null;
  office?: string | null;
  kind?: string | null;
  /** YYYY-MM-DD, home visits */
  date?: string | null;
  /** HH:MM, home visits */
  time?: string | null;
  address?: string | null;
}

export type FormField = "mode" | "slot" | "office" | "kind" | "date" | "time" | "address";
export type FormError =
  | "mode_missing"
  | "kind_missing"
  | "slot_missing"
  | "slot_invalid"
  | "visit_only"
  | "date_missing"
  | "date_invalid"
  | "time_missing"
  | "time_invalid"
  | "past"
  | "office_visit"
  | "address_missing"
  | "address_too_long"
  | "address_visit_only";

export interface BookingRequest {
  mode: FormMode;
  startsAt: Date;
  /** true: a listed slot; false: a home visit at a time of the case manager's choosing */
  fromList: boolean;
  officeId: string | null;
  kind: BookingKind;
  /** one line, home visits only */
  address: string | null;
}

export type FormResult =
  | { ok: true; request: BookingRequest }
  | { ok: false; errors: Partial<Record<FormField, FormError>> };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

const blank = (s: string | null | undefined): s is null | undefined | "" => !s || s.trim() === "";

/** Lines and runs of spaces become one line ("Musterstraße 1, 2. OG"), so it stays one unit in RTL. */
export const oneLine = (s: string): string =>
  s
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join(", ");

function localDate(s: string): LocalDate | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(d.year, d.month - 1, d.day));
  return check.getUTCMonth() === d.month - 1 && check.getUTCDate() === d.day ? d : null;
}

/**
 * Validates the modal. A home visit takes date + time (any minute) or a listed slot; every other mode
 * takes a listed slot only. The address belongs to home visits and nowhere else. Whether an office
 * is one of the case manager's agency the service checks.
 */
export function readBookingForm(form: BookingForm, ctx: { timeZone: string; now: Date }): FormResult {
  const errors: Partial<Record<FormField, FormError>> = {};
  const mode = FORM_MODES.find((m) => m === form.mode);
  if (!mode) errors.mode = "mode_missing";
  const kind = BOOKING_KINDS.find((k) => k === form.kind);
  if (!kind) errors.kind = "kind_missing";
  const visit = mode === "home_visit";
  const local = !blank(form.date) || !blank(form.time);

  let startsAt: Date | null = null;
  let fromList = false;
  if (local && !visit) errors.date = "visit_only";
  else if (local) {
    const date = blank(form.date) ? null : localDate(form.date.trim());
    const time = blank(form.time) ? null : TIME.exec(form.time.trim());
    if (blank(form.date)) errors.date = "date_missing";
    else if (!date) errors.date = "date_invalid";
    if (blank(form.time)) errors.time = "time_missing";
    else if (!time) errors.time = "time_invalid";
    if (date && time) {
      const at = localToInstants(date, Number(time[1]) * 60 + Number(time[2]), ctx.timeZone)[0];
      if (at === undefined) errors.time = "time_invalid";
      else startsAt = new Date(at);
    }
  } else if (blank(form.slot)) {
    if (mode) errors.slot = "slot_missing";
  } else {
    const ms = Number(form.slot);
    if (!Number.isSafeInteger(ms) || ms <= 0) errors.slot = "slot_invalid";
    else {
      startsAt = new Date(ms);
      fromList = true;
    }
  }
  if (startsAt && startsAt.getTime() <= ctx.now.getTime()) errors[fromList ? "slot" : "time"] = "past";

  const officeId = blank(form.office) ? null : form.office.trim();
  if (officeId && (mode === "phone" || mode === "video" || visit)) errors.office = "office_visit";

  const address = blank(form.address) ? null : oneLine(form.address);
  if (visit && !address) errors.address = "address_missing";
  else if (address && !visit) errors.address = "address_visit_only";
  else if (address && address.length > ADDRESS_MAX) errors.address = "address_too_long";

  if (Object.keys(errors).length || !mode || !kind || !startsAt) return { ok: false, errors };
  return { ok: true, request: { mode, startsAt, fromList, officeId, kind, address } };
}

/** The calendar of one case manager around a start, as the repository loads it. */
export interface CalendarAround {
  rules: readonly WeeklyRule[];
  exceptions: readonly Interval[];
  absences: readonly Interval[];
  bookings: readonly Booking[];
}

export type SlotRefusal = "slot_taken" | "slot_unavailable";

/**
 * Is there a free slot exactly at `startsAt`? "slot_taken" (someone booked it meanwhile) is told apart
 * from "slot_unavailable" (never was one, or the hours changed): the first deserves an apology.
 */
export function slotVerdict(
  cal: CalendarAround,
  policy: SlotPolicy,
  now: Date,
  startsAt: Date,
): { ok: true; slot: Slot } | { ok: false; reason: SlotRefusal } {
  const slot = findSlot({ ...cal, policy, now }, startsAt);
  if (slot) return { ok: true, slot };
  const asIfFree = findSlot({ ...cal, bookings: [], policy, now }, startsAt);
  const taken =
    asIfFree &&
    collidingBookings(cal.bookings, asIfFree.startsAt, asIfFree.endsAt, policy.bufferMinutes).length > 0;
  return { ok: false, reason: taken ? "slot_taken" : "slot_unavailable" };
}

export type VisitRefusal = "past" | "outside_hours" | "absent" | "slot_taken";

/**
 * A home visit of `slotMinutes` from `startsAt`: inside one block of the weekly hours (any mode: it is
 * the case manager's working time), not on a holiday, closure or absence, and clear of every other
 * booking by the buffer. Lead time does not apply: the case manager agreed the time with the client.
 */
export function visitVerdict(
  cal: CalendarAround,
  policy: Pick<SlotPolicy, "slotMinutes" | "bufferMinutes" | "timeZone">,
  now: Date,
  startsAt: Date,
): { ok: true; slot: Slot } | { ok: false; reason: VisitRefusal } {
  const start = startsAt.getTime();
  const end = start + policy.slotMinutes * 60_000;
  if (start <= now.getTime()) return { ok: false, reason: "past" };
  const day = isoWeekday(localDateOf(startsAt, policy.timeZone));
  const from = localMinuteOf(startsAt, policy.timeZone);
  const inside = cal.rules.some(
    (r) => r.weekday === day && r.fromMin <= from && from + policy.slotMinutes <= r.toMin,
  );
  if (!inside) return { ok: false, reason: "outside_hours" };
  const blocked = [...cal.exceptions, ...cal.absences].some(
    (i) => i.from.getTime() < end && start < i.to.getTime(),
  );
  if (blocked) return { ok: false, reason: "absent" };
  const slot: Slot = { startsAt, endsAt: new Date(end), mode: "home_visit", officeId: null };
  if (collidingBookings(cal.bookings, slot.startsAt, slot.endsAt, policy.bufferMinutes).length)
    return { ok: false, reason: "slot_taken" };
  return { ok: true, slot };
}

/** The mode and office an appointment gets: the chosen mode, or the one the hours give the slot. */
export function placeOf(
  request: Pick<BookingRequest, "mode" | "officeId">,
  slot: Pick<Slot, "mode" | "officeId">,
  ownOfficeId: string | null,
): { mode: ContactMode; officeId: string | null } | { error: "office_missing" } {
  const mode = request.mode === "slot" ? slot.mode : request.mode;
  if (mode !== "in_person") return { mode, officeId: null };
  const officeId = request.officeId ?? (slot.mode === "in_person" ? slot.officeId : null) ?? ownOfficeId;
  return officeId ? { mode, officeId } : { error: "office_missing" };
}
