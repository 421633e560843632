// What every listener gets, and the shared steps: who is this, in which language, and how to answer
// privately. Listeners are plain functions of ({ ack, body, client, respond }, deps), so unit tests
// call them with fakes and Bolt only wires them up (register.ts).
import type { i18n } from "i18next";
import type { Logger } from "../../lib/logger.ts";
import type { StaffActor } from "../../modules/staff/authorize.ts";
import type { T } from "../blocks/common.ts";
import { type StaffLanguage, staffT } from "../i18n.ts";
import type { SlackPorts } from "../ports.ts";

export { UUID } from "../../modules/kernel/ids.ts";

export type Ack = (response?: Record<string, unknown>) => Promise<void>;
export type Respond = (message: Record<string, unknown>) => Promise<unknown>;

/** The Web API methods listeners call directly (answers to a click must be immediate). */
export interface ListenerClient {
  views: { open(a: { trigger_id: string; view: unknown }): Promise<unknown> };
  chat: {
    postEphemeral(a: { channel: string; user: string; text: string; thread_ts?: string }): Promise<unknown>;
    postMessage(a: { channel: string; text: string }): Promise<unknown>;
  };
}

export interface InteractionBody {
  user?: { id?: string };
  trigger_id?: string;
  response_url?: string;
  actions?: { action_id?: string; value?: string }[];
  channel?: { id?: string };
  container?: { type?: string };
  view?: { private_metadata?: string; state?: unknown; callback_id?: string };
}

export interface ListenerArgs<B = InteractionBody> {
  ack: Ack;
  body: B;
  client: ListenerClient;
  respond?: Respond;
}

export interface ListenerDeps {
  ports: SlackPorts;
  i18n: i18n;
  log: Logger;
}

export interface Who {
  member: StaffActor | null;
  lng: StaffLanguage;
  t: T;
}

export async function who(deps: ListenerDeps, slackUserId: string | undefined): Promise<Who> {
  const member = slackUserId ? await deps.ports.directory.bySlackUser(slackUserId) : null;
  const lng = slackUserId && member ? await deps.ports.directory.languageOf(slackUserId) : "de";
  return { member: member?.active ? member : null, lng, t: staffT(deps.i18n, lng) };
}

/** Unknown (or deactivated) Slack users get the same polite refusal everywhere, in German and English. */
export function unknownUserText(deps: ListenerDeps): string {
  return `${staffT(deps.i18n, "de")("errors.unknown_user")}\n\n${staffT(deps.i18n, "en")("errors.unknown_user")}`;
}

/**
 * Answers only the clicking person: through response_url when Slack gave one (messages, commands),
 * else as an ephemeral message in the channel, else (App Home) as a small modal.
 */
export async function tellPrivately(args: ListenerArgs, text: string): Promise<void> {
  const { body, client, respond } = args;
  if (respond && body.response_url) {
    await respond({ response_type: "ephemeral", replace_original: false, text });
    return;
  }
  const user = body.user?.id;
  const channel = body.channel?.id;
  if (channel && user) {
    await client.chat.postEphemeral({ channel, user, text });
    return;
  }
  if (body.trigger_id) {
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        title: { type: "plain_text", text: "KIM" },
        blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
      },
    });
    return;
  }
  if (user) await client.chat.postMessage({ channel: user, text });
}

export const actionValue = (body: InteractionBody): string => body.actions?.[0]?.value ?? "";

/** Runs a listener body and turns a crash into the generic error, so the user is never left guessing. */
export async function guarded(
  args: ListenerArgs,
  deps: ListenerDeps,
  what: string,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn();
  } catch (e) {
    deps.log.error(
      { listener: what, err: (e as Error).name, msg: (e as Error).message },
      "slack listener failed",
    );
    const w = await who(deps, args.body.user?.id).catch(() => null);
    await tellPrivately(args, (w?.t ?? staffT(deps.i18n, "de"))("errors.generic")).catch(() => {});
  }
}

/** Slack waits 3 s for the answer to a view submission; keep a margin for the network. */
export const ACK_BUDGET_MS = 2500;

export type Refusal = { block: string; text: string } | null;

/**
 * Answers a view submission with the outcome of `decide` (null = done, close the modal; else the
 * field and text of the refusal, shown in the modal). When `decide` takes longer than the budget,
 * the modal is closed in time and a refusal, if any, follows as a direct message.
 */
export async function submitWithin(
  args: ListenerArgs,
  deps: ListenerDeps,
  what: string,
  t: T,
  decide: () => Promise<Refusal>,
  budgetMs = ACK_BUDGET_MS,
): Promise<boolean> {
  const outcome = decide().catch((e: unknown): Refusal => {
    deps.log.error({ listener: what, err: (e as Error).name }, "slack listener failed");
    return { block: "", text: t("errors.generic") };
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((r) => {
    timer = setTimeout(() => r("late"), budgetMs);
  });
  const first = await Promise.race([outcome, late]);
  clearTimeout(timer);
  if (first === "late") {
    await args.ack();
    const refusal = await outcome;
    const user = args.body.user?.id;
    if (refusal && user) await args.client.chat.postMessage({ channel: user, text: refusal.text });
    return refusal === null;
  }
  if (first) {
    await args.ack({
      response_action: "errors",
      errors: { [first.block || firstBlockOf(args)]: first.text },
    });
    return false;
  }
  await args.ack();
  return true;
}

/** The first input block of the submitted view: where a general error is shown. */
function firstBlockOf(args: ListenerArgs): string {
  const values = (args.body.view?.state as { values?: Record<string, unknown> } | undefined)?.values;
  return Object.keys(values ?? {})[0] ?? "v";
}
