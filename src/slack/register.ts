// Wires the listener functions to Bolt. Nothing else happens here: every listener is a plain function
// of ({ ack, body, client, respond }, deps), tested without Bolt.
import type { SlackApp } from "./app.ts";
import { ACTIONS } from "./blocks/assignment-card.ts";
import { DEPUTY_IDS } from "./blocks/deputy.ts";
import { HOME_ACTIONS } from "./blocks/home.ts";
import { VIEWS } from "./blocks/modals.ts";
import { TRIAGE_IDS } from "./blocks/triage-override.ts";
import {
  onAccept,
  onDeclineClicked,
  onDeclineSubmitted,
  onDetails,
  onProposeAppointment,
} from "./listeners/assignment.ts";
import type { ListenerArgs, ListenerDeps } from "./listeners/common.ts";
import { onDeputyReplyOpen, onDeputyReplySubmitted } from "./listeners/deputy.ts";
import { type CommandArgs, onKim } from "./listeners/kim.ts";
import {
  onAbsenceOpen,
  onAbsenceRemove,
  onAbsenceSubmitted,
  onCapacityOpen,
  onCapacitySubmitted,
  onHomeOpened,
  onReassignOpen,
  onReassignSubmitted,
  onRebalanceDecision,
  onRebalancePropose,
} from "./listeners/team.ts";
import { type MessageEvent, onThreadMessage } from "./listeners/threads.ts";
import { onTriageOpen, onTriageSubmitted, type TriageArgs } from "./listeners/triage.ts";

export const KIM_COMMAND = "/kim";

/**
 * Binds a plain listener function to its dependencies for Bolt. Bolt's argument types are far wider
 * than what the listeners read; each listener declares the narrow shape it uses.
 */
export const listenerFor =
  <A, D>(deps: D) =>
  (fn: (args: A, deps: D) => Promise<void>) =>
  async (args: unknown): Promise<void> =>
    fn(args as A, deps);

export function registerListeners(app: SlackApp, deps: ListenerDeps): void {
  const l = listenerFor<ListenerArgs, ListenerDeps>(deps);

  app.action(ACTIONS.accept, l(onAccept));
  app.action(ACTIONS.decline, l(onDeclineClicked));
  app.action(ACTIONS.propose, l(onProposeAppointment));
  app.action(ACTIONS.details, l(onDetails));
  app.view(VIEWS.decline, l(onDeclineSubmitted));

  app.action(
    HOME_ACTIONS.absenceAdd,
    l((a, d) => onAbsenceOpen(a, d, false)),
  );
  app.action(
    HOME_ACTIONS.teamAbsenceOpen,
    l((a, d) => onAbsenceOpen(a, d, true)),
  );
  app.action(HOME_ACTIONS.absenceRemove, l(onAbsenceRemove));
  app.view(VIEWS.absence, l(onAbsenceSubmitted));
  app.action(HOME_ACTIONS.capacityOpen, l(onCapacityOpen));
  app.view(VIEWS.capacity, l(onCapacitySubmitted));
  app.action(HOME_ACTIONS.reassignOpen, l(onReassignOpen));
  app.view(VIEWS.reassign, l(onReassignSubmitted));
  app.action(
    HOME_ACTIONS.rebalanceApprove,
    l((a, d) => onRebalanceDecision(a, d, "apply")),
  );
  app.action(
    HOME_ACTIONS.rebalanceDismiss,
    l((a, d) => onRebalanceDecision(a, d, "dismiss")),
  );
  app.action(HOME_ACTIONS.rebalancePropose, l(onRebalancePropose));

  const tl = listenerFor<TriageArgs, ListenerDeps>(deps);
  app.action(TRIAGE_IDS.open, tl(onTriageOpen));
  app.view(TRIAGE_IDS.view, tl(onTriageSubmitted));
  app.action(DEPUTY_IDS.reply, l(onDeputyReplyOpen));
  app.view(DEPUTY_IDS.replyView, l(onDeputyReplySubmitted));

  app.command(KIM_COMMAND, async (args) => onKim(args as unknown as CommandArgs, deps));

  app.event("app_home_opened", async ({ event }) => onHomeOpened({ event }, deps));
  app.event("message", async ({ event, client }) =>
    onThreadMessage(
      { event: event as MessageEvent, client: client as unknown as ListenerArgs["client"] },
      deps,
    ),
  );

  app.error(async (e) => {
    deps.log.error({ err: e.name, code: (e as { code?: string }).code }, "slack app error");
  });
}
