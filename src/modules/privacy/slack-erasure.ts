// Which Slack messages an erasure has to clean up (issue 15.9), decided from the references stored
// with the case: the bot's own copies of what the client wrote are deleted (relayed messages in the
// case thread, the deputy's DM copies); the assignment cards and the thread root stay as the case
// manager's record of their work and are overwritten with a neutral text, because deleting the root
// would leave its replies (staff's own messages) orphaned and the card is what staff search for.

export type SlackCleanupAction = "delete" | "update";
export type SlackCleanupSource = "relayed" | "deputy_copy" | "card" | "thread";

export interface SlackRef {
  channel: string | null;
  ts: string | null;
}

export interface CaseSlackRefs {
  /** every assignment card of the case (accepted, declined, moved, …) */
  cards: SlackRef[];
  /** Case.threadChannel / threadTs */
  thread: SlackRef;
  /** client → staff messages the bot posted; channel null for rows stored before it was recorded */
  relayed: SlackRef[];
  /** the deputy copies (IdempotencyKey "slack.deputy_copy.<id>" results) */
  deputyCopies: SlackRef[];
}

export interface SlackCleanup {
  action: SlackCleanupAction;
  source: SlackCleanupSource;
  channel: string;
  ts: string;
}

const known = (r: SlackRef): r is { channel: string; ts: string } => !!r.channel && !!r.ts;
const at = (channel: string, ts: string) => `${channel}\u0000${ts}`;

/**
 * Deletes before updates, each (channel, ts) once. A relayed message whose channel was not recorded
 * is looked for in every channel it can have been posted to (the case's thread and its cards' DMs):
 * Slack answers message_not_found where it is not, which counts as done. A relayed message stored with
 * the thread's own ts (a post that returned no ts) is the root, which is updated, not deleted.
 */
export function planSlackErasure(refs: CaseSlackRefs): SlackCleanup[] {
  const updates: SlackCleanup[] = [];
  const seen = new Set<string>();
  const add = (list: SlackCleanup[], c: SlackCleanup) => {
    const k = at(c.channel, c.ts);
    if (seen.has(k)) return;
    seen.add(k);
    list.push(c);
  };
  for (const card of refs.cards.filter(known))
    add(updates, { action: "update", source: "card", channel: card.channel, ts: card.ts });
  if (known(refs.thread))
    add(updates, { action: "update", source: "thread", channel: refs.thread.channel, ts: refs.thread.ts });

  const threadChannels = [
    ...new Set([refs.thread.channel, ...refs.cards.map((c) => c.channel)].filter((c): c is string => !!c)),
  ];
  const deletes: SlackCleanup[] = [];
  for (const m of refs.relayed) {
    if (!m.ts) continue;
    for (const channel of m.channel ? [m.channel] : threadChannels)
      add(deletes, { action: "delete", source: "relayed", channel, ts: m.ts });
  }
  for (const copy of refs.deputyCopies.filter(known))
    add(deletes, { action: "delete", source: "deputy_copy", channel: copy.channel, ts: copy.ts });
  return [...deletes, ...updates];
}

/** Slack errors after which trying again cannot help: the message is gone or not ours to change. */
const DONE_ERRORS: Record<string, "not_found" | "refused"> = {
  message_not_found: "not_found",
  channel_not_found: "not_found",
  thread_not_found: "not_found",
  is_archived: "refused",
  cant_delete_message: "refused",
  cant_update_message: "refused",
  edit_window_closed: "refused",
  not_in_channel: "refused",
};

/** The outcome a Slack error code means for one clean-up, or null: retry later. */
export function cleanupOutcomeOfError(code: string | undefined): "not_found" | "refused" | null {
  return (code && DONE_ERRORS[code]) || null;
}

/** The audit counts of a case's finished clean-up (ids and codes only). */
export function slackErasureCounts(rows: { action: string; outcome: string | null }[]): {
  deleted: number;
  updated: number;
  notFound: number;
  refused: number;
} {
  const n = (o: string) => rows.filter((r) => r.outcome === o).length;
  return { deleted: n("deleted"), updated: n("updated"), notFound: n("not_found"), refused: n("refused") };
}
