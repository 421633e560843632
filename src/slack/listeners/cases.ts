// Staff move a case and keep its development plan in Slack. Pure Block Kit builders (the case card
// with phase buttons, closure menu and goal list; the goal modal) and listener functions of
// ({ ack, body, client, respond }, deps) that Bolt, the Slack feature or a test can call. Action ids
// start with "case_". Who may do what is decided by phases.ts (the responsible case manager or a
// team lead); every read of the goals is audited by the service.

import type { i18n, TFunction } from "i18next";
import type { Db } from "../../db/client.ts";
import type { Logger } from "../../lib/logger.ts";
import {
  actorForSlackUser,
  type CaseLifecycleService,
  type CaseView,
  GOAL_TEXT_MAX,
} from "../../modules/cases/lifecycle.service.ts";
import {
  type Actor,
  isStaffClosureReason,
  mayClose,
  mayOnCase,
  nextPhases,
  STAFF_CLOSURE_REASONS,
  type StaffClosureReason,
} from "../../modules/cases/phases.ts";
import type { CasePhase, GoalStatus } from "../../modules/kernel/enums.ts";
import { CASEWORK_IDS } from "../blocks/casework.ts";
import { QUICK_REPLY_IDS } from "../blocks/quick-reply.ts";
import { slackEscape } from "../escape.ts";
import { listenerFor } from "../register.ts";

export const CASE_ACTIONS = {
  view: "case_view",
  move: "case_move",
  close: "case_close",
  reopen: "case_reopen",
  goalAdd: "case_goal_add",
  goalStatus: "case_goal_status",
} as const;
export const CASE_VIEWS = { goal: "case_goal_modal" } as const;
const GOAL_TEXT_BLOCK = "case_goal_text";
const GOAL_DUE_BLOCK = "case_goal_due";

type Block = Record<string, unknown>;
const SEP = "|";

const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const plain = (text: string) => ({ type: "plain_text", text: text.slice(0, 75), emoji: true });

export function caseCardBlocks(view: CaseView, actor: Actor, t: TFunction): Block[] {
  const blocks: Block[] = [
    { type: "header", text: plain(t("cases:card.title", { referenceCode: view.referenceCode })) },
    {
      type: "section",
      text: mrkdwn(
        [
          t("cases:card.phase", { phase: t(`cases:phase.${view.phase}`) }),
          t("cases:card.persons", { count: view.persons }),
          ...(view.closureReason
            ? [t("cases:card.closed_because", { reason: t(`cases:closure.${view.closureReason}`) })]
            : []),
        ].join(" · "),
      ),
    },
  ];
  const buttons: Block[] = nextPhases(view.phase, actor, view.scope).map((to) => ({
    type: "button",
    action_id: `${CASE_ACTIONS.move}_${to}`,
    text: plain(
      view.phase === "closed"
        ? t("cases:card.reopen")
        : t("cases:card.move_to", { phase: t(`cases:phase.${to}`) }),
    ),
    value: [view.id, view.phase, to].join(SEP),
  }));
  if (mayClose(view.phase, actor, view.scope))
    buttons.push({
      type: "static_select",
      action_id: CASE_ACTIONS.close,
      placeholder: plain(t("cases:card.close")),
      options: STAFF_CLOSURE_REASONS.map((r) => ({
        text: plain(t(`cases:closure.${r}`)),
        value: [view.id, view.phase, r].join(SEP),
      })),
    });
  if (view.phase !== "closed" && view.phase !== "waiting" && mayOnCase(actor, "thread.use", view.scope))
    buttons.push({
      type: "button",
      action_id: QUICK_REPLY_IDS.open,
      text: plain(t("quickreply:button")),
      value: view.id,
    });
  if (mayOnCase(actor, "case.read", view.scope))
    buttons.unshift({
      type: "button",
      action_id: CASEWORK_IDS.open,
      text: plain(t("cases:card.open_file")),
      style: "primary",
      value: view.id,
    });
  if (buttons.length)
    blocks.push({ type: "actions", block_id: `case_actions_${view.id}`, elements: buttons.slice(0, 25) });

  blocks.push({ type: "divider" }, { type: "section", text: mrkdwn(`*${t("cases:card.goals")}*`) });
  const editable =
    view.phase !== "closed" && view.phase !== "waiting" && mayOnCase(actor, "case.work", view.scope);
  if (view.goals.length === 0) blocks.push({ type: "context", elements: [mrkdwn(t("cases:card.no_goals"))] });
  // 50 blocks per message: header, status, actions, divider, title, add = 6; the rest for goals
  for (const g of view.goals.slice(0, 40)) {
    const due = g.dueDate
      ? ` (${t("cases:card.goal_due", { date: g.dueDate.toISOString().slice(0, 10) })})`
      : "";
    const line: Block = {
      type: "section",
      text: mrkdwn(
        t("cases:card.goal_line", { status: t(`cases:goal_status.${g.status}`), text: slackEscape(g.text) }) +
          due,
      ),
    };
    if (editable) {
      const next: GoalStatus[] = g.status === "open" ? ["achieved", "dropped"] : ["open"];
      line.accessory = {
        type: "overflow",
        action_id: CASE_ACTIONS.goalStatus,
        options: next.map((s) => ({
          text: plain(
            t(
              s === "achieved"
                ? "cases:card.goal_achieved"
                : s === "dropped"
                  ? "cases:card.goal_dropped"
                  : "cases:card.goal_reopen",
            ),
          ),
          value: [g.id, s].join(SEP),
        })),
      };
    }
    blocks.push(line);
  }
  if (editable)
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: CASE_ACTIONS.goalAdd,
          text: plain(t("cases:card.add_goal")),
          value: view.id,
        },
      ],
    });
  return blocks;
}

export function goalModal(caseId: string, t: TFunction): Block {
  return {
    type: "modal",
    callback_id: CASE_VIEWS.goal,
    private_metadata: caseId,
    title: plain(t("cases:modal.goal_title")),
    submit: plain(t("cases:modal.submit")),
    close: plain(t("cases:modal.cancel")),
    blocks: [
      {
        type: "input",
        block_id: GOAL_TEXT_BLOCK,
        label: plain(t("cases:modal.goal_text")),
        element: { type: "plain_text_input", action_id: "text", multiline: true, max_length: GOAL_TEXT_MAX },
      },
      {
        type: "input",
        block_id: GOAL_DUE_BLOCK,
        optional: true,
        label: plain(t("cases:modal.goal_due")),
        element: { type: "datepicker", action_id: "due" },
      },
    ],
  };
}

// ───────────────────────────── listeners ─────────────────────────────

export type Ack = (response?: Record<string, unknown>) => Promise<void>;
export type Respond = (message: Record<string, unknown>) => Promise<unknown>;

export interface CaseListenerClient {
  views: { open(a: { trigger_id: string; view: unknown }): Promise<unknown> };
  chat: {
    postEphemeral(a: { channel: string; user: string; text: string; blocks?: unknown[] }): Promise<unknown>;
  };
}

export interface CaseInteractionBody {
  user?: { id?: string };
  trigger_id?: string;
  response_url?: string;
  channel?: { id?: string };
  actions?: { action_id?: string; value?: string; selected_option?: { value?: string } }[];
  view?: {
    private_metadata?: string;
    state?: {
      values?: Record<string, Record<string, { value?: string | null; selected_date?: string | null }>>;
    };
  };
}

export interface CaseListenerArgs {
  ack: Ack;
  body: CaseInteractionBody;
  client: CaseListenerClient;
  respond?: Respond;
}

export interface CaseListenerDeps {
  db: Db;
  lifecycle: CaseLifecycleService;
  i18n: i18n;
  log: Logger;
  /** the staff member's language (default German) */
  languageOf?: (slackUserId: string) => Promise<"de" | "en">;
  now?: () => Date;
  /** opens the closure modal, which asks for the outcome of every goal (listeners/casework.ts) */
  closeWithOutcomes?: (args: CaseListenerArgs, caseId: string, reason: string) => Promise<void>;
}

async function whoIs(deps: CaseListenerDeps, userId: string | undefined) {
  const lng = userId && deps.languageOf ? await deps.languageOf(userId) : "de";
  const t = deps.i18n.getFixedT(lng, "cases");
  const actor = userId ? await actorForSlackUser(deps.db, userId, (deps.now ?? (() => new Date()))()) : null;
  return { t, actor };
}

async function tell(args: CaseListenerArgs, text: string, blocks?: Block[]): Promise<void> {
  const { body, respond, client } = args;
  if (respond && body.response_url) {
    await respond({
      response_type: "ephemeral",
      replace_original: false,
      text,
      ...(blocks ? { blocks } : {}),
    });
    return;
  }
  if (body.channel?.id && body.user?.id)
    await client.chat.postEphemeral({
      channel: body.channel.id,
      user: body.user.id,
      text,
      ...(blocks ? { blocks } : {}),
    });
}

/** Refreshes the card the click came from (when Slack gave a response_url). */
async function refreshCard(
  args: CaseListenerArgs,
  deps: CaseListenerDeps,
  caseId: string,
  actor: Actor,
  t: TFunction,
) {
  if (!args.respond || !args.body.response_url) return;
  const view = await deps.lifecycle.view(caseId, actor);
  if ("error" in view) return;
  await args.respond({
    replace_original: true,
    text: t("cases:card.title", { referenceCode: view.referenceCode }),
    blocks: caseCardBlocks(view, actor, t),
  });
}

/** Shows the case card to the clicking staff member (e.g. from a "case_view" button elsewhere). */
export async function onCaseView(args: CaseListenerArgs, deps: CaseListenerDeps): Promise<void> {
  await args.ack();
  const { t, actor } = await whoIs(deps, args.body.user?.id);
  if (!actor) return tell(args, t("cases:result.refused.not_staff"));
  const caseId = args.body.actions?.[0]?.value ?? "";
  const view = await deps.lifecycle.view(caseId, actor);
  if ("error" in view) return tell(args, t(`cases:result.refused.${view.error}`));
  await tell(
    args,
    t("cases:card.title", { referenceCode: view.referenceCode }),
    caseCardBlocks(view, actor, t),
  );
}

async function move(
  args: CaseListenerArgs,
  deps: CaseListenerDeps,
  value: string | undefined,
): Promise<void> {
  const { t, actor } = await whoIs(deps, args.body.user?.id);
  if (!actor) return tell(args, t("cases:result.refused.not_staff"));
  const [caseId = "", from = "", target = ""] = (value ?? "").split(SEP);
  const closing = isStaffClosureReason(target);
  const r = await deps.lifecycle.move(caseId, closing ? "closed" : (target as CasePhase), actor, {
    expectedFrom: from as CasePhase,
    ...(closing ? { reason: target as StaffClosureReason } : {}),
  });
  if (!r.ok)
    return tell(
      args,
      t(`cases:result.refused.${r.code}`, { phase: r.phase ? t(`cases:phase.${r.phase}`) : "" }),
    );
  const c = await deps.db.case.findUnique({ where: { id: caseId }, select: { referenceCode: true } });
  const referenceCode = c?.referenceCode ?? "";
  await refreshCard(args, deps, caseId, actor, t);
  await tell(
    args,
    closing
      ? t("cases:result.closed", { referenceCode, reason: t(`cases:closure.${target}`) })
      : t("cases:result.moved", { referenceCode, phase: t(`cases:phase.${r.to}`) }),
  );
}

/** A phase button (action id "case_move_<phase>", value "<caseId>|<from>|<to>"). */
export async function onCaseMove(args: CaseListenerArgs, deps: CaseListenerDeps): Promise<void> {
  await args.ack();
  await move(args, deps, args.body.actions?.[0]?.value);
}

/** The closure menu (value "<caseId>|<from>|<reason>"). */
export async function onCaseClose(args: CaseListenerArgs, deps: CaseListenerDeps): Promise<void> {
  await args.ack();
  const value = args.body.actions?.[0]?.selected_option?.value;
  if (deps.closeWithOutcomes && args.body.trigger_id) {
    // goals without an outcome: the closure asks for them (the committee counts goals reached)
    const [caseId = "", , reason = ""] = (value ?? "").split(SEP);
    const { actor } = await whoIs(deps, args.body.user?.id);
    const view = actor ? await deps.lifecycle.view(caseId, actor) : null;
    if (view && !("error" in view) && view.goals.some((g) => g.outcome === null))
      return deps.closeWithOutcomes(args, caseId, reason);
  }
  await move(args, deps, value);
}

export async function onGoalAddOpen(args: CaseListenerArgs, deps: CaseListenerDeps): Promise<void> {
  await args.ack();
  const { t, actor } = await whoIs(deps, args.body.user?.id);
  if (!actor) return tell(args, t("cases:result.refused.not_staff"));
  const caseId = args.body.actions?.[0]?.value ?? "";
  if (!args.body.trigger_id) return;
  await args.client.views.open({ trigger_id: args.body.trigger_id, view: goalModal(caseId, t) });
}

export async function onGoalSubmitted(args: CaseListenerArgs, deps: CaseListenerDeps): Promise<void> {
  const { t, actor } = await whoIs(deps, args.body.user?.id);
  const values = args.body.view?.state?.values ?? {};
  const text = values[GOAL_TEXT_BLOCK]?.text?.value ?? "";
  const dueRaw = values[GOAL_DUE_BLOCK]?.due?.selected_date ?? null;
  if (!actor)
    return args.ack({
      response_action: "errors",
      errors: { [GOAL_TEXT_BLOCK]: t("cases:result.refused.not_staff") },
    });
  const caseId = args.body.view?.private_metadata ?? "";
  const r = await deps.lifecycle.addGoal(caseId, actor, {
    text,
    dueDate: dueRaw && /^\d{4}-\d{2}-\d{2}$/.test(dueRaw) ? new Date(`${dueRaw}T00:00:00Z`) : null,
  });
  if (!r.ok)
    return args.ack({
      response_action: "errors",
      errors: { [GOAL_TEXT_BLOCK]: t(`cases:result.refused.${r.code}`) },
    });
  await args.ack();
}

/** The overflow menu of a goal (value "<goalId>|<status>"). */
export async function onGoalStatus(args: CaseListenerArgs, deps: CaseListenerDeps): Promise<void> {
  await args.ack();
  const { t, actor } = await whoIs(deps, args.body.user?.id);
  if (!actor) return tell(args, t("cases:result.refused.not_staff"));
  const [goalId = "", status = ""] = (args.body.actions?.[0]?.selected_option?.value ?? "").split(SEP);
  if (status !== "open" && status !== "achieved" && status !== "dropped") return;
  const r = await deps.lifecycle.setGoalStatus(goalId, actor, status);
  if (!r.ok) return tell(args, t(`cases:result.refused.${r.code}`));
  const g = await deps.db.goal.findUnique({ where: { id: goalId }, select: { caseId: true } });
  if (g) await refreshCard(args, deps, g.caseId, actor, t);
}

/** Registers the listeners on a Bolt app (regex on "case_move_*" for the phase buttons). */
export function registerCaseListeners(
  app: {
    action(id: string | RegExp, fn: (args: unknown) => Promise<void>): unknown;
    view(id: string, fn: (args: unknown) => Promise<void>): unknown;
  },
  deps: CaseListenerDeps,
): void {
  const l = listenerFor<CaseListenerArgs, CaseListenerDeps>(deps);
  app.action(CASE_ACTIONS.view, l(onCaseView));
  app.action(new RegExp(`^${CASE_ACTIONS.move}_`), l(onCaseMove));
  app.action(CASE_ACTIONS.close, l(onCaseClose));
  app.action(CASE_ACTIONS.goalAdd, l(onGoalAddOpen));
  app.action(CASE_ACTIONS.goalStatus, l(onGoalStatus));
  app.view(CASE_VIEWS.goal, l(onGoalSubmitted));
}
