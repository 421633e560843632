// "Book appointment": the case manager enters a time agreed with the client (e.g. on the phone) —
// a free slot of the consultation hours, or for a home visit any time of those hours with the
// address. Pure builders: the button (assignment card, DMs), the modal, the confirmation view, and
// where each refusal is shown (a field error under the input it concerns).
import type { types } from "@slack/bolt";
import type { Slot } from "../../modules/appointments/slots.ts";
import type { BookingRefusal } from "../../modules/appointments/staff-booking.service.ts";
import {
  ADDRESS_MAX,
  BOOKING_KINDS,
  type BookingKind,
  FORM_MODES,
  type FormField,
} from "../../modules/appointments/staff-booking.ts";
import { slackEscape } from "../escape.ts";
import { type Block, button, context, md, plain, type T } from "./common.ts";

export const BOOK_ACTION = "appt_book";
export const BOOK_VIEW = "appt_book_view";
export const BOOK_FIELD = "v";
/** A Slack static select holds at most 100 options. */
const MAX_OPTIONS = 100;

/** `value` = case id or the id of an assignment card's offer (the handler resolves either). */
export const bookAppointmentButton = (label: string, value: string): types.Button =>
  button(label, BOOK_ACTION, value);

export interface BookModalInput {
  t: T;
  caseId: string;
  reference: string;
  pseudonym: string;
  slots: readonly Slot[];
  offices: readonly { id: string; name: string }[];
  defaultKind: BookingKind;
  horizonDays: number;
  /** a start as the case manager reads it (their language, the municipality's zone) */
  when: (d: Date) => string;
}

/** What the modal carries to its submission: the case, and whether the optional blocks exist. */
export interface BookMeta {
  caseId: string;
  slots: boolean;
  offices: boolean;
}

export const bookMeta = (m: BookMeta): string => JSON.stringify({ c: m.caseId, s: m.slots, o: m.offices });

export function readBookMeta(raw: string | undefined): BookMeta | null {
  try {
    const v = JSON.parse(raw ?? "") as { c?: unknown; s?: unknown; o?: unknown };
    return typeof v.c === "string" ? { caseId: v.c, slots: v.s === true, offices: v.o === true } : null;
  } catch {
    return null;
  }
}

const option = (text: string, value: string): types.PlainTextOption => ({ text: plain(text, 75), value });

function input(
  blockId: FormField,
  label: string,
  element: Record<string, unknown>,
  extra: { optional?: boolean; hint?: string } = {},
): Block {
  return {
    type: "input",
    block_id: blockId,
    label: plain(label, 2000),
    ...(extra.optional ? { optional: true } : {}),
    ...(extra.hint ? { hint: plain(extra.hint, 2000) } : {}),
    element: { action_id: BOOK_FIELD, ...element },
  } as Block;
}

export function bookModal(a: BookModalInput): types.ModalView {
  const { t } = a;
  const modes = FORM_MODES.map((m) => option(t(m === "slot" ? "book_modal.mode_slot" : `mode.${m}`), m));
  const kinds = BOOKING_KINDS.map((k) => option(t(`kind.${k}`), k));
  const blocks: Block[] = [
    context(t("book_modal.intro", { client: slackEscape(a.pseudonym), ref: slackEscape(a.reference) })),
    input("mode", t("book_modal.mode"), { type: "radio_buttons", options: modes, initial_option: modes[0] }),
  ];
  if (a.slots.length)
    blocks.push(
      input(
        "slot",
        t("book_modal.slot"),
        {
          type: "static_select",
          placeholder: plain(t("propose_modal.placeholder"), 150),
          options: a.slots
            .slice(0, MAX_OPTIONS)
            .map((s) =>
              option(`${a.when(s.startsAt)} · ${t(`mode.${s.mode}`)}`, String(s.startsAt.getTime())),
            ),
        },
        { optional: true, hint: t("book_modal.slot_hint") },
      ),
    );
  else blocks.push(context(t("book_modal.no_slots", { days: a.horizonDays })));
  if (a.offices.length)
    blocks.push(
      input(
        "office",
        t("book_modal.office"),
        { type: "static_select", options: a.offices.slice(0, MAX_OPTIONS).map((o) => option(o.name, o.id)) },
        { optional: true, hint: t("book_modal.office_hint") },
      ),
    );
  blocks.push(
    input("kind", t("book_modal.kind"), {
      type: "radio_buttons",
      options: kinds,
      initial_option: kinds.find((k) => k.value === a.defaultKind),
    }),
    { type: "divider" },
    { type: "section", text: md(`*${t("book_modal.visit_title")}*\n${t("book_modal.visit_intro")}`) },
    input("date", t("book_modal.date"), { type: "datepicker" }, { optional: true }),
    input("time", t("book_modal.time"), { type: "timepicker" }, { optional: true }),
    input(
      "address",
      t("book_modal.address"),
      { type: "plain_text_input", multiline: true, max_length: ADDRESS_MAX },
      { optional: true, hint: t("book_modal.address_hint") },
    ),
  );
  return {
    type: "modal",
    callback_id: BOOK_VIEW,
    private_metadata: bookMeta({
      caseId: a.caseId,
      slots: a.slots.length > 0,
      offices: a.offices.length > 0,
    }),
    title: plain(t("book_modal.title"), 24),
    submit: plain(t("book_modal.submit"), 24),
    close: plain(t("modal.close"), 24),
    blocks,
  };
}

/** The view after a booking: what was booked and what happens next. */
export function bookedView(t: T, text: string): types.ModalView {
  return {
    type: "modal",
    callback_id: BOOK_VIEW,
    title: plain(t("book_modal.title"), 24),
    close: plain(t("modal.close"), 24),
    blocks: [{ type: "section", text: md(text) }],
  };
}

/** The input a refusal of the service is shown under (only blocks the modal has). */
export function refusalField(
  reason: BookingRefusal,
  fromList: boolean,
  meta: Pick<BookMeta, "slots" | "offices">,
): FormField {
  const time: FormField = fromList && meta.slots ? "slot" : fromList ? "mode" : "time";
  switch (reason) {
    case "slot_taken":
    case "slot_unavailable":
    case "past":
      return time;
    case "outside_hours":
    case "absent":
      return "time";
    case "office_missing":
      return meta.offices ? "office" : "mode";
    default:
      return "mode";
  }
}

/** A form error for a block the modal does not have goes under the first input. */
export const shownField = (field: FormField, meta: Pick<BookMeta, "slots" | "offices">): FormField =>
  (field === "slot" && !meta.slots) || (field === "office" && !meta.offices) ? "mode" : field;
