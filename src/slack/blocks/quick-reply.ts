// Block Kit for the quick reply modal, pure: the catalogue in the staff member's language (de, en),
// the chosen reply's parameters, and the preview of exactly what the client reads in their language
// with the German back-translation. Every input dispatches its changes, so the listener re-renders
// the preview with views.update. Ids live in QUICK_REPLY_IDS (listeners and tests share them).
import {
  DAY_CHOICES,
  DOCUMENT_CODES,
  type ParamKind,
  QUICK_REPLIES,
  type QuickReplyInput,
  quickReply,
} from "../../modules/cases/quick-replies.ts";
import { slackEscape as esc } from "../escape.ts";
import { clip, type T } from "./common.ts";

type B = Record<string, unknown>;

export const QUICK_REPLY_IDS = {
  /** the case card's button (value: case id) */
  open: "qr_open",
  /** the message shortcut on a message in a case thread */
  shortcut: "qr_shortcut",
  view: "qr_modal",
  /** the reply menu; parameters are qr_param_<kind> in blocks qr_p_<kind> */
  pick: "qr_pick",
  replyBlock: "qr_reply",
  paramAction: (k: ParamKind) => `qr_param_${k}`,
  paramBlock: (k: ParamKind) => `qr_p_${k}`,
} as const;

/** Any action inside the modal that changes what the preview shows. */
export const QUICK_REPLY_ACTION = /^qr_(pick|param_\w+)$/;

export type QuickReplyPreview =
  | { kind: "text"; language: string; clientText: string; germanText: string; blocked: string | null }
  | { kind: "incomplete" }
  | { kind: "none" };

const plain = (text: string, max = 150) => ({ type: "plain_text", text: clip(text, max), emoji: true });
const md = (text: string) => ({ type: "mrkdwn", text: clip(text, 3000) });
const opt = (text: string, value: string) => ({ text: plain(text, 75), value });
/** our own text, quoted line by line as the client will see its lines */
const quote = (text: string) =>
  esc(text)
    .split("\n")
    .map((l) => `> ${l}`)
    .join("\n");

function paramBlock(k: ParamKind, input: QuickReplyInput, t: T): B {
  const action_id = QUICK_REPLY_IDS.paramAction(k);
  let element: B;
  if (k === "count") {
    const options = DAY_CHOICES.map((n) => opt(t("quickreply:days_option", { count: n }), String(n)));
    const initial = options.find((o) => o.value === input.count);
    element = { type: "static_select", action_id, options, ...(initial ? { initial_option: initial } : {}) };
  } else if (k === "date") {
    element = { type: "datepicker", action_id, ...(input.date ? { initial_date: input.date } : {}) };
  } else if (k === "time") {
    element = { type: "timepicker", action_id, ...(input.time ? { initial_time: input.time } : {}) };
  } else {
    const options = DOCUMENT_CODES.map((c) => opt(t(`quickreply:doc.${c}`), c));
    const initial = options.filter((o) => input.documents?.includes(o.value));
    element = {
      type: "multi_static_select",
      action_id,
      options,
      ...(initial.length ? { initial_options: initial } : {}),
    };
  }
  return {
    type: "input",
    block_id: QUICK_REPLY_IDS.paramBlock(k),
    dispatch_action: true,
    label: plain(t(`quickreply:param.${k}`)),
    element,
  };
}

function previewBlocks(p: QuickReplyPreview, t: T): B[] {
  if (p.kind === "none") return [];
  if (p.kind === "incomplete") return [{ type: "context", elements: [md(t("quickreply:preview_missing"))] }];
  const blocks: B[] = [
    {
      type: "section",
      text: md(`${t("quickreply:preview_client", { language: p.language })}\n${quote(p.clientText)}`),
    },
    { type: "section", text: md(`${t("quickreply:preview_german")}\n${quote(p.germanText)}`) },
  ];
  if (p.blocked) blocks.push({ type: "context", elements: [md(`⚠️ ${t(`quickreply:error.${p.blocked}`)}`)] });
  return blocks;
}

export function quickReplyModal(a: {
  caseId: string;
  referenceCode: string;
  input: QuickReplyInput;
  preview: QuickReplyPreview;
  t: T;
}): B {
  const { t, input } = a;
  const options = QUICK_REPLIES.map((r) => opt(t(`quickreply:label.${r.id}`), r.id));
  const chosen = quickReply(input.replyId);
  const initial = options.find((o) => o.value === chosen?.id);
  const blocks: B[] = [
    { type: "section", text: md(t("quickreply:intro", { referenceCode: esc(a.referenceCode) })) },
    {
      type: "input",
      block_id: QUICK_REPLY_IDS.replyBlock,
      dispatch_action: true,
      label: plain(t("quickreply:pick")),
      element: {
        type: "static_select",
        action_id: QUICK_REPLY_IDS.pick,
        placeholder: plain(t("quickreply:pick_placeholder")),
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    },
    ...(chosen?.params ?? []).map((k) => paramBlock(k, input, t)),
  ];
  const preview = previewBlocks(a.preview, t);
  if (preview.length) blocks.push({ type: "divider" }, ...preview);
  return {
    type: "modal",
    callback_id: QUICK_REPLY_IDS.view,
    private_metadata: `${a.caseId}|${a.referenceCode}`,
    title: plain(t("quickreply:title"), 24),
    submit: plain(t("quickreply:send"), 24),
    close: plain(t("quickreply:cancel"), 24),
    blocks,
  };
}

/** The modal's case (re-authorized on every use) and its reference code (shown only). */
export function modalCase(metadata: string | undefined): { caseId: string; referenceCode: string } {
  const [caseId = "", referenceCode = ""] = (metadata ?? "").split("|");
  return { caseId, referenceCode };
}

/** A one-screen notice instead of the modal (refusals before there is a field to show them on). */
export const quickReplyNotice = (text: string, t: T): B => ({
  type: "modal",
  title: plain(t("quickreply:title"), 24),
  close: plain(t("quickreply:cancel"), 24),
  blocks: [{ type: "section", text: md(text) }],
});

type Value = {
  value?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
};
export type ViewValues = Record<string, Record<string, Value>>;

/** What the modal holds right now (a submission's or a dispatched action's view state). */
export function readInput(values: ViewValues | undefined): QuickReplyInput {
  const v = (block: string, action: string) => values?.[block]?.[action];
  const param = (k: ParamKind) => v(QUICK_REPLY_IDS.paramBlock(k), QUICK_REPLY_IDS.paramAction(k));
  const docs = param("documents")?.selected_options ?? [];
  return {
    replyId: v(QUICK_REPLY_IDS.replyBlock, QUICK_REPLY_IDS.pick)?.selected_option?.value ?? "",
    count: param("count")?.selected_option?.value ?? "",
    date: param("date")?.selected_date ?? "",
    time: param("time")?.selected_time ?? "",
    documents: docs.flatMap((o) => (o.value ? [o.value] : [])),
  };
}
