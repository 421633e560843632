// Slack listeners of the staff triage override: the case file's "Change triage" button, "/kim triage
// <reference code>" for intakes referred elsewhere (no case yet) and the modal's submission. Every
// listener acks first; the submission answers with field errors in the modal and carries the view id
// as idempotency key, so a Slack retry changes nothing twice. The service asks the one authorization
// rule (staff/authorize.ts, action case.triage) for both the modal and the change.

import type { StaffActor } from "../../modules/staff/authorize.ts";
import type { OverrideRequest } from "../../modules/triage/override.ts";
import type { T } from "../blocks/common.ts";
import {
  TRIAGE_FIELD_BLOCKS,
  TRIAGE_IDS,
  triageNotice,
  triageOverrideModal,
} from "../blocks/triage-override.ts";
import type { SlackPorts } from "../ports.ts";
import { type ListenerArgs, type ListenerDeps, who } from "./common.ts";

type Port = NonNullable<SlackPorts["triage"]>;
type Value = {
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
};

export interface TriageBody {
  user?: { id?: string };
  trigger_id?: string;
  actions?: { value?: string }[];
  view?: {
    id?: string;
    private_metadata?: string;
    state?: { values?: Record<string, Record<string, Value>> };
  };
}

interface TriageClient {
  views: {
    open(a: { trigger_id: string; view: unknown }): Promise<unknown>;
    push?(a: { trigger_id: string; view: unknown }): Promise<unknown>;
  };
}

export type TriageArgs = Omit<ListenerArgs, "body" | "client"> & { body: TriageBody; client: TriageClient };

/** The modal, or the notice of why not, for one intake. */
async function modalFor(port: Port, intakeId: string | null, member: StaffActor, t: T) {
  if (!intakeId) return triageNotice(t, t("triage-staff:refused.not_found"));
  const s = await port.summary(intakeId, member);
  return "error" in s
    ? triageNotice(t, t(`triage-staff:refused.${s.error}`))
    : triageOverrideModal(s, port.partners, t);
}

/** Button "tr_open" (value: case id) in the case file: pushes the modal on top of it. */
export async function onTriageOpen(args: TriageArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  const trigger = args.body.trigger_id;
  const port = deps.ports.triage;
  if (!trigger || !port) return;
  const { member, t } = await who(deps, args.body.user?.id);
  const view = member
    ? await modalFor(port, await port.intakeIdOfCase(args.body.actions?.[0]?.value ?? ""), member, t)
    : triageNotice(t, t("errors.unknown_user"));
  if (args.body.view?.id && args.client.views.push)
    await args.client.views.push({ trigger_id: trigger, view });
  else await args.client.views.open({ trigger_id: trigger, view });
}

/** "/kim triage <reference code>": opens the modal; the answer text goes back to the command. */
export async function openTriageFromCommand(
  deps: ListenerDeps,
  client: TriageClient,
  triggerId: string | undefined,
  referenceCode: string | undefined,
  member: StaffActor,
  t: T,
): Promise<string> {
  const port = deps.ports.triage;
  if (!port) return t("errors.generic");
  if (!referenceCode || !triggerId) return t("triage-staff:usage");
  const intakeId = await port.intakeIdOf(referenceCode.slice(0, 40));
  await client.views.open({ trigger_id: triggerId, view: await modalFor(port, intakeId, member, t) });
  return t("triage-staff:opened");
}

const fieldOf = (b: TriageBody, block: string): Value | undefined => b.view?.state?.values?.[block]?.v;
const str = (b: TriageBody, block: string): string => {
  const v = fieldOf(b, block);
  return (v?.value ?? v?.selected_option?.value ?? "").toString().trim();
};

/** The submitted form as the decision takes it; a priority that is no number stays NaN (refused). */
export function requestOf(b: TriageBody): OverrideRequest {
  const I = TRIAGE_IDS.blocks;
  const priority = str(b, I.priority);
  return {
    route: str(b, I.route),
    referralTarget: str(b, I.target) || null,
    urgent: (fieldOf(b, I.urgent)?.selected_options ?? []).some((o) => o.value === "urgent"),
    priority: priority === "" ? null : /^-?\d+$/.test(priority) ? Number(priority) : Number.NaN,
    reason: str(b, I.reason),
    note: str(b, I.note),
  };
}

export async function onTriageSubmitted(args: TriageArgs, deps: ListenerDeps): Promise<void> {
  const { member, t } = await who(deps, args.body.user?.id);
  const port = deps.ports.triage;
  if (!member || !port)
    return args.ack({ response_action: "update", view: triageNotice(t, t("errors.unknown_user")) });
  const r = await port.override(args.body.view?.private_metadata ?? "", member, {
    ...requestOf(args.body),
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  if (r.ok) return args.ack();
  if (r.code === "invalid") {
    const errors: Record<string, string> = {};
    for (const [field, code] of Object.entries(r.errors))
      errors[TRIAGE_FIELD_BLOCKS[field] ?? TRIAGE_IDS.blocks.route] = t(`triage-staff:error.${code}`);
    return args.ack({ response_action: "errors", errors });
  }
  return args.ack({ response_action: "update", view: triageNotice(t, t(`triage-staff:refused.${r.code}`)) });
}
