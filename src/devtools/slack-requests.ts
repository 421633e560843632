// Requests as Slack sends them to /slack/events: signed form bodies carrying block actions and view
// submissions. Shared by the integration tests and the offline demo, which act the way staff do.
import { randomUUID } from "node:crypto";
import { slackSignature } from "../slack/guard.ts";

export interface SignedOptions {
  ts?: number;
  contentType?: string;
}

/** The headers Slack signs a request with (v0 HMAC over timestamp and body). */
export function signSlackRequest(
  secret: string,
  body: string,
  o: SignedOptions = {},
): Record<string, string> {
  const ts = o.ts ?? Math.floor(Date.now() / 1000);
  return {
    "content-type": o.contentType ?? "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": slackSignature(secret, ts, body),
  };
}

export const interactionBody = (payload: unknown): string =>
  `payload=${encodeURIComponent(JSON.stringify(payload))}`;

const TEAM = { id: "TANLAUF", domain: "anlauf" };
const person = (id: string) => ({ id, username: id, team_id: "TANLAUF" });

export function blockAction(args: {
  user: string;
  actionId: string;
  value: string;
  channel?: string;
  messageTs?: string;
  responseUrl?: string;
  /** the modal the button sits in (its view id): the container is that view */
  viewId?: string;
  /** an overflow menu's choice instead of a button */
  selected?: string;
}): Record<string, unknown> {
  const action = args.selected
    ? {
        type: "overflow",
        action_id: args.actionId,
        block_id: "asg",
        selected_option: { value: args.selected },
      }
    : { type: "button", action_id: args.actionId, block_id: "asg", value: args.value };
  return {
    type: "block_actions",
    team: TEAM,
    user: person(args.user),
    api_app_id: "AANLAUF",
    token: "legacy",
    trigger_id: `trig-${randomUUID()}`,
    container: args.channel
      ? {
          type: "message",
          message_ts: args.messageTs ?? "1.0",
          channel_id: args.channel,
          is_ephemeral: false,
        }
      : { type: "view", view_id: args.viewId ?? "V1" },
    ...(args.channel ? { channel: { id: args.channel, name: "directmessage" } } : {}),
    ...(args.messageTs ? { message: { ts: args.messageTs, type: "message", text: "card" } } : {}),
    ...(args.viewId ? { view: { id: args.viewId, type: "modal", root_view_id: args.viewId } } : {}),
    ...(args.responseUrl ? { response_url: args.responseUrl } : {}),
    actions: [{ ...action, action_ts: "1.1" }],
  };
}

export function viewSubmission(args: {
  user: string;
  callbackId: string;
  privateMetadata?: string;
  /** block id → the value of its one input (action id "v") */
  values: Record<string, Record<string, unknown>>;
  viewId?: string;
  /** the modal underneath (the case file), refreshed after a change */
  rootViewId?: string;
}): Record<string, unknown> {
  return {
    type: "view_submission",
    team: TEAM,
    user: person(args.user),
    api_app_id: "AANLAUF",
    token: "legacy",
    trigger_id: `trig-${randomUUID()}`,
    view: {
      id: args.viewId ?? "V123",
      ...(args.rootViewId ? { root_view_id: args.rootViewId } : {}),
      team_id: "TANLAUF",
      type: "modal",
      callback_id: args.callbackId,
      private_metadata: args.privateMetadata ?? "",
      state: { values: Object.fromEntries(Object.entries(args.values).map(([k, v]) => [k, { v }])) },
      hash: "h",
    },
  };
}
