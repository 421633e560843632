// Modals: decline with a reason, absences, capacity, reassigning a case. Pure builders; the
// submission handlers read the values back with the ids exported here.
import type { types } from "@slack/bolt";
import { type Block, clip, context, isoDay, plain, type T } from "./common.ts";

export const VIEWS = {
  decline: "asg.decline_modal",
  absence: "absence.add",
  capacity: "capacity.set",
  reassign: "case.reassign",
} as const;

/** block ids = field names; every input uses action id "v" */
export const FIELD = "v";

export interface Option {
  value: string;
  label: string;
}

export type ModalView = types.ModalView;

const MAX_OPTIONS = 100;

const option = (o: Option): types.PlainTextOption => ({
  text: plain(o.label, 75),
  value: clip(o.value, 150),
});

export function select(
  blockId: string,
  label: string,
  options: readonly Option[],
  placeholder: string,
  initial?: string,
): Block {
  const opts = options.slice(0, MAX_OPTIONS).map(option);
  const init = initial ? opts.find((o) => o.value === initial) : undefined;
  return {
    type: "input",
    block_id: blockId,
    label: plain(label, 2000),
    element: {
      type: "static_select",
      action_id: FIELD,
      placeholder: plain(placeholder, 150),
      options: opts,
      ...(init ? { initial_option: init } : {}),
    },
  };
}

function modal(
  callbackId: string,
  title: string,
  submit: string,
  t: T,
  blocks: Block[],
  meta = "",
): ModalView {
  return {
    type: "modal",
    callback_id: callbackId,
    private_metadata: meta,
    title: plain(title, 24),
    submit: plain(submit, 24),
    close: plain(t("modal.cancel"), 24),
    blocks,
  };
}

export function declineModal(assignmentId: string, referenceCode: string, t: T): ModalView {
  return modal(
    VIEWS.decline,
    t("modal.decline.title"),
    t("modal.decline.submit"),
    t,
    [
      context(t("modal.decline.intro", { ref: referenceCode })),
      {
        type: "input",
        block_id: "reason",
        label: plain(t("modal.decline.reason")),
        hint: plain(t("modal.decline.hint")),
        element: {
          type: "plain_text_input",
          action_id: FIELD,
          multiline: true,
          min_length: 3,
          max_length: 500,
        },
      },
    ],
    assignmentId,
  );
}

/**
 * `people` has one entry for a case manager (themself) and the team for a lead; `deputyBlocks` is the
 * optional deputy field (blocks/deputy.ts).
 */
export function absenceModal(
  people: readonly Option[],
  selfId: string,
  now: Date,
  t: T,
  deputyBlocks: readonly Block[] = [],
): ModalView {
  const blocks: Block[] = [];
  if (people.length > 1) blocks.push(select("cm", t("modal.absence.who"), people, t("modal.choose"), selfId));
  blocks.push(
    {
      type: "input",
      block_id: "from",
      label: plain(t("modal.absence.from")),
      element: { type: "datepicker", action_id: FIELD, initial_date: isoDay(now) },
    },
    {
      type: "input",
      block_id: "to",
      label: plain(t("modal.absence.to")),
      hint: plain(t("modal.absence.to_hint")),
      element: { type: "datepicker", action_id: FIELD, initial_date: isoDay(now) },
    },
    {
      type: "input",
      block_id: "note",
      optional: true,
      label: plain(t("modal.absence.note")),
      hint: plain(t("modal.absence.note_hint")),
      element: { type: "plain_text_input", action_id: FIELD, max_length: 200 },
    },
    ...deputyBlocks,
  );
  return modal(
    VIEWS.absence,
    t("modal.absence.title"),
    t("modal.save"),
    t,
    blocks,
    people.length > 1 ? "" : selfId,
  );
}

export function capacityModal(people: readonly Option[], t: T): ModalView {
  return modal(VIEWS.capacity, t("modal.capacity.title"), t("modal.save"), t, [
    select("cm", t("modal.capacity.who"), people, t("modal.choose")),
    {
      type: "input",
      block_id: "cases",
      optional: true,
      label: plain(t("modal.capacity.cases")),
      hint: plain(t("modal.capacity.hint")),
      element: {
        type: "number_input",
        action_id: FIELD,
        is_decimal_allowed: false,
        min_value: "0",
        max_value: "500",
      },
    },
  ]);
}

export function reassignModal(cases: readonly Option[], people: readonly Option[], t: T): ModalView {
  if (cases.length === 0)
    return {
      type: "modal",
      title: plain(t("modal.reassign.title"), 24),
      close: plain(t("modal.close"), 24),
      blocks: [context(t("modal.reassign.no_cases"))],
    };
  return modal(VIEWS.reassign, t("modal.reassign.title"), t("modal.reassign.submit"), t, [
    select("case", t("modal.reassign.case"), cases, t("modal.choose")),
    select("cm", t("modal.reassign.to"), people, t("modal.choose")),
    {
      type: "input",
      block_id: "reason",
      label: plain(t("modal.reassign.reason")),
      hint: plain(t("modal.reassign.hint")),
      element: { type: "plain_text_input", action_id: FIELD, min_length: 3, max_length: 300 },
    },
  ]);
}

/** Reads a submitted value (`state.values[block][v]`) as text, whatever the element type. */
export function fieldValue(state: unknown, blockId: string): string | undefined {
  const v = (state as { values?: Record<string, Record<string, Record<string, unknown>>> } | undefined)
    ?.values?.[blockId]?.[FIELD];
  if (!v) return undefined;
  const sel = v.selected_option as { value?: unknown } | undefined | null;
  const raw = sel?.value ?? v.selected_date ?? v.value;
  return typeof raw === "string" ? raw : undefined;
}
