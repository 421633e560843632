// Staff replies in a case thread (a message event with thread_ts): handed to the ThreadActions port,
// which checks who may write, the client's slack_relay consent, and relays. Refusals are told to the
// writer only (ephemeral in the thread).
import type { ListenerClient, ListenerDeps } from "./common.ts";
import { who } from "./common.ts";

export interface MessageEvent {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
}

export async function onThreadMessage(
  { event, client }: { event: MessageEvent; client: ListenerClient },
  deps: ListenerDeps,
): Promise<void> {
  // only plain human replies inside a thread; edits, joins, bots (including ourselves) are ignored
  if (event.subtype || event.bot_id || !event.user || !event.thread_ts || !event.ts || !event.channel) return;
  if (event.ts === event.thread_ts) return;
  const text = (event.text ?? "").trim();
  if (!text) return;
  const { member, t } = await who(deps, event.user);
  if (!member) return;
  const r = await deps.ports.threads.staffReply({
    channel: event.channel,
    threadTs: event.thread_ts,
    ts: event.ts,
    text,
    by: member,
  });
  const say = (key: string) =>
    client.chat.postEphemeral({
      channel: event.channel!,
      user: event.user!,
      thread_ts: event.thread_ts!,
      text: t(key),
    });
  switch (r.outcome) {
    case "relayed":
      return void (await say("thread.relayed"));
    case "no_consent":
      return void (await say("thread.not_relayed_no_consent"));
    case "erased":
      return void (await say("thread.not_relayed_erased"));
    case "not_allowed":
      return void (await say("thread.not_relayed_not_allowed"));
    default:
      return;
  }
}
