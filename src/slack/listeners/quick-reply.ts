// Slack listeners of the quick replies: the case card's button and the message shortcut in a case
// thread open the modal; choosing a reply or changing a parameter re-renders it with the preview
// (views.update); the submission sends through the QuickReplyService (one rule, consent, stored once
// per view id, audited) and notes the German text in the case thread. Every listener acks first;
// wrong input and refusals come back as field errors in the modal, never silently.
import type { i18n } from "i18next";
import type { Logger } from "../../lib/logger.ts";
import { type ParamKind, type QuickReplyInput, quickReply } from "../../modules/cases/quick-replies.ts";
import type { QuickReplyService } from "../../modules/cases/quick-reply.service.ts";
import type { T } from "../blocks/common.ts";
import {
  modalCase,
  QUICK_REPLY_ACTION,
  QUICK_REPLY_IDS,
  type QuickReplyPreview,
  quickReplyModal,
  quickReplyNotice,
  readInput,
  type ViewValues,
} from "../blocks/quick-reply.ts";
import { listenerFor } from "../register.ts";

type Ack = (response?: Record<string, unknown>) => Promise<void>;

export interface QuickReplyBody {
  type?: string;
  user?: { id?: string };
  trigger_id?: string;
  actions?: { action_id?: string; value?: string }[];
  channel?: { id?: string };
  message?: { ts?: string; thread_ts?: string };
  view?: { id?: string; hash?: string; private_metadata?: string; state?: { values?: ViewValues } };
}

export interface QuickReplyClient {
  views: {
    open(a: { trigger_id: string; view: unknown }): Promise<unknown>;
    update(a: { view_id: string; hash?: string; view: unknown }): Promise<unknown>;
  };
  chat: { postMessage(a: { channel: string; thread_ts?: string; text: string }): Promise<unknown> };
}

export interface QuickReplyArgs {
  ack: Ack;
  body: QuickReplyBody;
  client: QuickReplyClient;
}

export interface QuickReplyDeps {
  quickReplies: Pick<QuickReplyService, "target" | "preview" | "send">;
  /** the case whose thread this is (the case's own thread or the accepted card in the DM) */
  caseByThread(channel: string, threadTs: string): Promise<string | null>;
  languageOf?: (slackUserId: string) => Promise<"de" | "en">;
  i18n: i18n;
  log: Logger;
}

async function staffTextOf(deps: QuickReplyDeps, userId: string | undefined): Promise<T> {
  const lng = userId && deps.languageOf ? await deps.languageOf(userId) : "de";
  const t = deps.i18n.getFixedT(lng);
  return (key, opts) => String(t(key, opts as never));
}

async function open(args: QuickReplyArgs, deps: QuickReplyDeps, caseId: string | null): Promise<void> {
  const user = args.body.user?.id ?? "";
  const trigger = args.body.trigger_id;
  if (!trigger) return;
  const t = await staffTextOf(deps, user);
  const r = caseId ? await deps.quickReplies.target(caseId, user) : null;
  const view = !r
    ? quickReplyNotice(t("quickreply:refused.no_case"), t)
    : r.ok
      ? quickReplyModal({
          caseId: caseId!,
          referenceCode: r.referenceCode,
          input: { replyId: "" },
          preview: { kind: "none" },
          t,
        })
      : quickReplyNotice(t(`quickreply:error.${r.code}`), t);
  await args.client.views.open({ trigger_id: trigger, view });
}

/** Button "qr_open" on the case card (value: case id). */
export async function onQuickReplyOpen(args: QuickReplyArgs, deps: QuickReplyDeps): Promise<void> {
  await args.ack();
  await open(args, deps, args.body.actions?.[0]?.value ?? "");
}

/** The message shortcut "Quick reply" on any message of a case thread. */
export async function onQuickReplyShortcut(args: QuickReplyArgs, deps: QuickReplyDeps): Promise<void> {
  await args.ack();
  const channel = args.body.channel?.id;
  const ts = args.body.message?.thread_ts ?? args.body.message?.ts;
  await open(args, deps, channel && ts ? await deps.caseByThread(channel, ts) : null);
}

/** The reply menu or a parameter changed: show its fields and the preview. */
export async function onQuickReplyChange(args: QuickReplyArgs, deps: QuickReplyDeps): Promise<void> {
  await args.ack();
  const user = args.body.user?.id ?? "";
  const viewId = args.body.view?.id;
  const { caseId, referenceCode } = modalCase(args.body.view?.private_metadata);
  if (!viewId) return;
  const t = await staffTextOf(deps, user);
  const input = readInput(args.body.view?.state?.values);
  const r = await deps.quickReplies.preview(caseId, user, input);
  let view: Record<string, unknown>;
  if (r.ok || r.code === "invalid") {
    const preview: QuickReplyPreview = r.ok
      ? {
          kind: "text",
          language: t(`quickreply:language.${r.locale}`),
          clientText: r.clientMessage,
          germanText: r.germanText,
          blocked: r.blocked,
        }
      : input.replyId
        ? { kind: "incomplete" }
        : { kind: "none" };
    view = quickReplyModal({
      caseId,
      referenceCode,
      input,
      preview,
      t,
    });
  } else view = quickReplyNotice(t(`quickreply:error.${r.code}`), t);
  try {
    await args.client.views.update({
      view_id: viewId,
      ...(args.body.view?.hash ? { hash: args.body.view.hash } : {}),
      view,
    });
  } catch (e) {
    // a newer change already updated the modal (hash mismatch), or it was closed: nothing to do
    deps.log.debug({ err: (e as Error).name }, "quick reply modal not updated");
  }
}

function fieldErrors(input: QuickReplyInput, errors: Partial<Record<ParamKind | "reply", string>>, t: T) {
  const out: Record<string, string> = {};
  for (const [k, code] of Object.entries(errors)) {
    if (k === "reply") out[QUICK_REPLY_IDS.replyBlock] = t(`quickreply:error.reply_${code}`);
    // a parameter the modal does not show (yet): the reply menu says the modal must be refreshed
    else if (quickReply(input.replyId)?.params.includes(k as ParamKind))
      out[QUICK_REPLY_IDS.paramBlock(k as ParamKind)] = t(`quickreply:error.${code}`);
    else out[QUICK_REPLY_IDS.replyBlock] = t("quickreply:error.invalid");
  }
  return out;
}

export async function onQuickReplySubmitted(args: QuickReplyArgs, deps: QuickReplyDeps): Promise<void> {
  const user = args.body.user?.id ?? "";
  const t = await staffTextOf(deps, user);
  const viewId = args.body.view?.id;
  const { caseId } = modalCase(args.body.view?.private_metadata);
  const input = readInput(args.body.view?.state?.values);
  if (!viewId)
    return args.ack({
      response_action: "errors",
      errors: { [QUICK_REPLY_IDS.replyBlock]: t("quickreply:error.invalid") },
    });
  const r = await deps.quickReplies.send(caseId, user, input, viewId);
  if (!r.ok) {
    const errors =
      r.code === "invalid"
        ? fieldErrors(input, r.errors, t)
        : { [QUICK_REPLY_IDS.replyBlock]: t(`quickreply:error.${r.code}`) };
    return args.ack({ response_action: "errors", errors });
  }
  await args.ack();
  // the record in the thread, once: a retried submission was noted the first time
  if (r.duplicate || !r.thread) return;
  await args.client.chat
    .postMessage({
      channel: r.thread.channel,
      thread_ts: r.thread.ts,
      text: t("quickreply:sent_thread", {
        user,
        language: t(`quickreply:language.${r.locale}`),
        text: r.germanText.replace(/\n+/g, " "),
      }),
    })
    .catch((e: unknown) => deps.log.warn({ err: (e as Error).name }, "quick reply not noted in thread"));
}

export function registerQuickReplyListeners(
  app: {
    action(id: string | RegExp, fn: (args: unknown) => Promise<void>): unknown;
    view(id: string, fn: (args: unknown) => Promise<void>): unknown;
    shortcut(id: string, fn: (args: unknown) => Promise<void>): unknown;
  },
  deps: QuickReplyDeps,
): void {
  const l = listenerFor<QuickReplyArgs, QuickReplyDeps>(deps);
  app.action(QUICK_REPLY_IDS.open, l(onQuickReplyOpen));
  app.action(QUICK_REPLY_ACTION, l(onQuickReplyChange));
  app.shortcut(QUICK_REPLY_IDS.shortcut, l(onQuickReplyShortcut));
  app.view(QUICK_REPLY_IDS.view, l(onQuickReplySubmitted));
}
