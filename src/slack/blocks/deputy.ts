// The deputy's surfaces (issue 11.8): the Reply button under the copy of a client message, the Reply
// modal, and the deputy field of the absence modal. Pure builders.
import { MAX_RELAY_CHARS } from "../relay.ts";
import { type Block, button, context, plain, type T } from "./common.ts";
import { FIELD, type ModalView, type Option, select } from "./modals.ts";

export const DEPUTY_IDS = {
  /** button under the deputy's copy; value = case id */
  reply: "deputy.reply",
  /** the Reply modal; private_metadata = case id */
  replyView: "deputy.reply_modal",
} as const;

export const deputyReplyActions = (caseId: string, t: T): Block => ({
  type: "actions",
  block_id: "deputy",
  elements: [button(t("deputy.reply"), DEPUTY_IDS.reply, caseId, "primary")],
});

/** `forName` and `ref` are escaped by the caller; the deputy's text is typed into a plain input. */
export function deputyReplyModal(
  caseId: string,
  a: { ref: string; forName: string; firstName: string; asDeputy: boolean },
  t: T,
): ModalView {
  return {
    type: "modal",
    callback_id: DEPUTY_IDS.replyView,
    private_metadata: caseId,
    title: plain(t("deputy.modal_title"), 24),
    submit: plain(t("deputy.modal_send"), 24),
    close: plain(t("modal.cancel"), 24),
    blocks: [
      context(
        t(a.asDeputy ? "deputy.modal_intro" : "deputy.modal_intro_lead", {
          name: a.forName,
          ref: a.ref,
          first: a.firstName,
        }),
      ),
      {
        type: "input",
        block_id: "text",
        label: plain(t("deputy.modal_text")),
        hint: plain(t("deputy.modal_hint")),
        element: {
          type: "plain_text_input",
          action_id: FIELD,
          multiline: true,
          max_length: MAX_RELAY_CHARS,
        },
      },
    ],
  };
}

/** The optional deputy select of the absence modal; nothing when there is nobody to choose. */
export function deputyField(options: readonly Option[], t: T): Block[] {
  if (options.length === 0) return [];
  const field = select("deputy", t("deputy.field"), options, t("modal.choose"));
  return [{ ...field, optional: true, hint: plain(t("deputy.field_hint")) } as Block];
}
