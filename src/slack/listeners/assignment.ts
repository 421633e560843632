// Accept / Decline / Propose appointment on the assignment card. The service decides under locks
// (only the offered case manager, only a pending offer); the listener explains refusals privately
// and changes nothing else. The card itself is refreshed by the delivery worker.
import { caseDetailsModal } from "../blocks/assignment-card.ts";
import { declineModal, fieldValue, VIEWS } from "../blocks/modals.ts";
import type { DecisionFailure } from "../ports.ts";
import {
  actionValue,
  guarded,
  type ListenerArgs,
  type ListenerDeps,
  submitWithin,
  tellPrivately,
  UUID,
  unknownUserText,
  who,
} from "./common.ts";

const failureKey = (r: DecisionFailure): string => `errors.${r}`;

export async function onAccept(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "accept", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    const id = actionValue(args.body);
    if (!UUID.test(id)) return tellPrivately(args, t("errors.not_found"));
    const r = await deps.ports.assignments.accept(id, member.id);
    if (!r.ok) return tellPrivately(args, t(failureKey(r.reason)));
  });
}

export async function onDeclineClicked(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "decline.open", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    const id = actionValue(args.body);
    if (!UUID.test(id)) return tellPrivately(args, t("errors.not_found"));
    // check early so nobody writes a reason for an offer they cannot decline; the service checks again
    const card = await deps.ports.queries.assignmentCard(id, deps.ports.now());
    if (!card) return tellPrivately(args, t("errors.not_found"));
    if (card.cm.id !== member.id) return tellPrivately(args, t("errors.not_yours"));
    if (card.status !== "pending") return tellPrivately(args, t("errors.already_decided"));
    if (!args.body.trigger_id) return tellPrivately(args, t("errors.generic"));
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: declineModal(id, card.case.referenceCode, t),
    });
  });
}

/** view_submission of the decline modal: refusals are shown in the modal, nothing changes. */
export async function onDeclineSubmitted(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  const { member, t } = await who(deps, args.body.user?.id);
  if (!member) return args.ack({ response_action: "errors", errors: { reason: unknownUserText(deps) } });
  const id = args.body.view?.private_metadata ?? "";
  const reason = (fieldValue(args.body.view?.state, "reason") ?? "").trim();
  if (reason.length < 3)
    return args.ack({ response_action: "errors", errors: { reason: t("errors.reason_required") } });
  if (!UUID.test(id))
    return args.ack({ response_action: "errors", errors: { reason: t("errors.not_found") } });
  await submitWithin(args, deps, "decline.submit", t, async () => {
    const r = await deps.ports.assignments.decline(id, member.id, reason.slice(0, 500));
    return r.ok ? null : { block: "reason", text: t(failureKey(r.reason)) };
  });
}

/**
 * "Details" on the card: what the card withholds, in a modal for the clicking member of staff only.
 * The query asks the one rule about the clicker (not the card's addressee) and audits the look.
 */
export async function onDetails(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "details", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    const id = actionValue(args.body);
    if (!UUID.test(id)) return tellPrivately(args, t("errors.not_found"));
    const r = await deps.ports.queries.caseDetails(id, member, deps.ports.now());
    if (!r.ok)
      return tellPrivately(args, t(r.code === "not_found" ? "errors.not_found" : "errors.not_allowed"));
    if (!args.body.trigger_id) return tellPrivately(args, t("errors.generic"));
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: caseDetailsModal(r.details, t) });
  });
}

/** Delegated to the appointments feature when it is there (it acks itself); else "comes later". */
export async function onProposeAppointment(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  if (deps.ports.appointments) return deps.ports.appointments.propose(args);
  await args.ack();
  await guarded(args, deps, "propose", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    await tellPrivately(args, t("card.propose_later"));
  });
}

export const ASSIGNMENT_VIEWS = { decline: VIEWS.decline } as const;
