// The deputy during an absence (issue 11.8): Reply from the DM copy of a client message (button →
// modal → the staff → client relay, authorized by the one rule, once per view, audited in relay.ts, a
// record in the case thread), the deputy field of the absence modal, and `/kim deputy` for a lead who
// picks the deputy of an absence that has none (or changes it).
import { firstNameOf } from "../../modules/matching/assignment.service.ts";
import { authorize } from "../../modules/staff/authorize.ts";
import { deputyProblem } from "../../modules/staff/deputy.ts";
import { type StaffMember, supervisionScope } from "../../modules/staff/identity.ts";
import { fmtDate, type T } from "../blocks/common.ts";
import { deputyReplyModal } from "../blocks/deputy.ts";
import { fieldValue, type Option } from "../blocks/modals.ts";
import { INERT, slackEscape } from "../escape.ts";
import { staffT } from "../i18n.ts";
import type { StaffReplyResult } from "../ports.ts";
import {
  actionValue,
  guarded,
  type InteractionBody,
  type ListenerArgs,
  type ListenerDeps,
  type Refusal,
  submitWithin,
  tellPrivately,
  UUID,
  unknownUserText,
  who,
} from "./common.ts";

// ───────────────────────────── Reply from the copy ─────────────────────────────

export async function onDeputyReplyOpen(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "deputy.reply.open", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    const caseId = actionValue(args.body);
    const target = UUID.test(caseId) ? await deps.ports.queries.caseById(caseId) : null;
    if (!target) return tellPrivately(args, t("errors.not_found"));
    const d = authorize(member, "thread.use", target);
    if (!d.ok) return tellPrivately(args, t("deputy.not_allowed"));
    if (!target.relayConsent) return tellPrivately(args, t("deputy.no_consent"));
    if (!args.body.trigger_id) return tellPrivately(args, t("errors.generic"));
    const cm = target.cmId ? await deps.ports.directory.byId(target.cmId) : null;
    const view = deputyReplyModal(
      caseId,
      {
        ref: slackEscape(target.referenceCode),
        forName: slackEscape(cm?.name ?? "–"),
        firstName: slackEscape(firstNameOf(member.name)),
        asDeputy: d.via === "deputy",
      },
      t,
    );
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
  });
}

type ReplyBody = InteractionBody & { view?: InteractionBody["view"] & { id?: string } };
type RecordClient = ListenerArgs["client"] & {
  chat: {
    postMessage(a: {
      channel: string;
      text: string;
      thread_ts?: string;
      parse?: "none";
      link_names?: boolean;
    }): Promise<unknown>;
  };
};

const refusalOf = (r: StaffReplyResult, t: T): Refusal => {
  switch (r.outcome) {
    case "relayed":
    case "duplicate":
      return null;
    case "not_allowed":
      return { block: "text", text: t("deputy.not_allowed") };
    case "no_consent":
      return { block: "text", text: t("deputy.no_consent") };
    default:
      return { block: "text", text: t("errors.not_found") };
  }
};

export async function onDeputyReplySubmitted(
  args: ListenerArgs<ReplyBody>,
  deps: ListenerDeps,
): Promise<void> {
  const errors = (text: string) => args.ack({ response_action: "errors", errors: { text } });
  const { member, t } = await who(deps, args.body.user?.id);
  if (!member) return errors(unknownUserText(deps));
  const caseId = args.body.view?.private_metadata ?? "";
  const viewId = args.body.view?.id ?? "";
  const text = (fieldValue(args.body.view?.state, "text") ?? "").trim();
  if (!text) return errors(t("deputy.text_required"));
  if (!UUID.test(caseId) || !/^[\w-]{1,64}$/.test(viewId)) return errors(t("errors.not_found"));
  let outcome: StaffReplyResult["outcome"] | null = null;
  const done = await submitWithin(args, deps, "deputy.reply", t, async () => {
    const r = await deps.ports.threads.caseReply({ caseId, viewId, text, by: member });
    outcome = r.outcome;
    return refusalOf(r, t);
  });
  if (done && outcome === "relayed")
    await keepRecord(args.client as RecordClient, deps, caseId, member, text);
}

/** The case thread stays the case's record: what the deputy wrote appears there too. */
async function keepRecord(
  client: RecordClient,
  deps: ListenerDeps,
  caseId: string,
  by: StaffMember,
  text: string,
): Promise<void> {
  try {
    const thread = await deps.ports.threads.threadOf(caseId);
    if (!thread) return;
    const target = await deps.ports.queries.caseById(caseId);
    const cm = target?.cmId ? await deps.ports.directory.byId(target.cmId) : null;
    const lng =
      cm && thread.channel.startsWith("D") ? await deps.ports.directory.languageOf(cm.slackUserId) : "de";
    await client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.ts,
      text: staffT(deps.i18n, lng)("deputy.record", { name: slackEscape(by.name), text: slackEscape(text) }),
      ...INERT,
    });
  } catch (e) {
    // the client has the message; a missing record line is logged, not an error for the deputy
    deps.log.warn({ caseId, err: (e as Error).name }, "deputy reply not recorded in the case thread");
  }
}

// ───────────────────────────── naming the deputy ─────────────────────────────

/** Colleagues to offer as deputy: one's own agency, or a lead's team. */
export async function deputyOptions(
  deps: ListenerDeps,
  member: StaffMember,
  forTeam: boolean,
): Promise<Option[]> {
  const scope = forTeam ? supervisionScope(member) : [member.agencyId];
  const loads = await deps.ports.queries.loads(scope, deps.ports.now());
  return loads
    .filter((l) => l.active && (forTeam || l.cmId !== member.id))
    .map((l) => ({ value: l.cmId, label: l.name }));
}

/** The deputy chosen in the absence modal: its id, or the refusal for the "deputy" field. */
export async function chosenDeputy(
  deps: ListenerDeps,
  member: StaffMember,
  absent: { id: string; agencyId: string; active: boolean },
  state: unknown,
  t: T,
): Promise<{ deputyId: string | null } | { error: string }> {
  const raw = fieldValue(state, "deputy");
  if (!raw) return { deputyId: null };
  const deputy = await deps.ports.directory.byId(raw);
  const problem = deputyProblem(member, absent, deputy);
  return problem ? { error: t(`deputy.problem.${problem}`) } : { deputyId: raw };
}

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

async function person(deps: ListenerDeps, raw: string) {
  const m = MENTION.exec(raw);
  return m ? deps.ports.directory.bySlackUser(m[1]!) : deps.ports.directory.byId(raw);
}

/** `/kim deputy <@absent> <@deputy|none>`: the deputy of the current, else the next absence. */
export async function kimDeputy(
  rest: readonly string[],
  member: StaffMember,
  t: T,
  lng: string,
  deps: ListenerDeps,
): Promise<string> {
  if (rest.length < 2 || !deps.ports.deputies) return t("deputy.usage");
  const absent = await person(deps, rest[0]!);
  if (!absent) return t("deputy.problem.not_found");
  const none = rest[1]!.toLowerCase() === "none";
  const deputy = none ? null : await person(deps, rest[1]!);
  if (!none && !deputy) return t("deputy.problem.not_found");
  const r = await deps.ports.deputies.setForCurrent(absent.id, deputy?.id ?? null, member);
  if (!r.ok) return t(`deputy.problem.${r.code}`);
  if (!r.changed) return t("deputy.unchanged");
  for (const u of new Set([member.slackUserId, absent.slackUserId, deputy?.slackUserId]))
    if (u) await deps.ports.outbox.refreshHome(u);
  const period = {
    name: slackEscape(absent.name),
    from: fmtDate(r.absence.from, lng),
    // stored half-open: the last day is the one before `to`
    to: fmtDate(new Date(r.absence.to.getTime() - 1), lng),
  };
  return deputy
    ? t("deputy.set", { ...period, deputy: slackEscape(deputy.name) })
    : t("deputy.cleared", period);
}
