// App Home events and the supervision actions behind its buttons and modals: absences (own, or the
// team's for a lead), capacity, reassigning a case, approving or dismissing a rebalance proposal.
// Every action checks the role and scope of the clicking person first (identity.ts).
import { authorize } from "../../modules/staff/authorize.ts";
import {
  canDecideRebalance,
  canEditAbsence,
  canProposeRebalance,
  canSupervise,
  isLead,
  type StaffMember,
  supervisionScope,
} from "../../modules/staff/identity.ts";
import { type T, TIME_ZONE } from "../blocks/common.ts";
import { deputyField } from "../blocks/deputy.ts";
import { absenceModal, capacityModal, fieldValue, type Option, reassignModal } from "../blocks/modals.ts";
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
import { chosenDeputy, deputyOptions } from "./deputy.ts";

export interface HomeOpenedArgs {
  event: { user?: string; tab?: string };
}

export async function onHomeOpened({ event }: HomeOpenedArgs, deps: ListenerDeps): Promise<void> {
  if (event.tab && event.tab !== "home") return;
  if (!event.user) return;
  await deps.ports.outbox.refreshHome(event.user);
}

async function refreshAfter(deps: ListenerDeps, ...slackUserIds: (string | undefined)[]): Promise<void> {
  for (const u of new Set(slackUserIds)) if (u) await deps.ports.outbox.refreshHome(u);
}

/** People a lead may edit, as select options ("Name · 12/26"). */
async function teamOptions(deps: ListenerDeps, member: StaffMember): Promise<Option[]> {
  const loads = await deps.ports.queries.loads(supervisionScope(member), deps.ports.now());
  return loads.map((l) => ({ value: l.cmId, label: `${l.name} · ${l.openCases}/${l.capacity}` }));
}

const errorsAck = (args: ListenerArgs, block: string, text: string) =>
  args.ack({ response_action: "errors", errors: { [block]: text } });

// ───────────────────────────── absences ─────────────────────────────

export async function onAbsenceOpen(args: ListenerArgs, deps: ListenerDeps, forTeam: boolean): Promise<void> {
  await args.ack();
  await guarded(args, deps, "absence.open", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    if (forTeam && !isLead(member)) return tellPrivately(args, t("errors.lead_only"));
    if (!args.body.trigger_id) return tellPrivately(args, t("errors.generic"));
    const people = forTeam ? await teamOptions(deps, member) : [{ value: member.id, label: member.name }];
    const deputies = deputyField(await deputyOptions(deps, member, forTeam), t);
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: absenceModal(people, member.id, deps.ports.now(), t, deputies),
    });
  });
}

/** Midnight at the start of a "YYYY-MM-DD" day in Berlin, as a Date. */
export function berlinMidnight(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // no rolling over: 2026-02-31 is not a date
  if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== day) return null;
  // the offset of Berlin at that moment (+1 h or +2 h), read from Intl
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: TIME_ZONE,
    timeZoneName: "shortOffset",
  }).formatToParts(new Date(utc));
  const off = /GMT([+-]\d+)(?::(\d+))?/.exec(parts.find((p) => p.type === "timeZoneName")?.value ?? "");
  const minutes = off ? Number(off[1]) * 60 + Math.sign(Number(off[1])) * Number(off[2] ?? 0) : 0;
  return new Date(utc - minutes * 60_000);
}

/** "YYYY-MM-DD" of the following calendar day ("" when not a date). */
export function nextDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return "";
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1)).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
const MAX_ABSENCE_DAYS = 366;

export async function onAbsenceSubmitted(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  const { member, t } = await who(deps, args.body.user?.id);
  if (!member) return errorsAck(args, "from", unknownUserText(deps));
  const state = args.body.view?.state;
  const cmId = args.body.view?.private_metadata || fieldValue(state, "cm") || "";
  const target = await deps.ports.directory.byId(cmId);
  if (!target?.active) return errorsAck(args, "cm", t("errors.not_found"));
  if (!canEditAbsence(member, target)) return errorsAck(args, "cm", t("errors.not_allowed"));
  const from = berlinMidnight(fieldValue(state, "from") ?? "");
  // the modal asks for the last day of absence; stored half-open [from, midnight after the last day)
  const to = berlinMidnight(nextDay(fieldValue(state, "to") ?? ""));
  if (!from) return errorsAck(args, "from", t("errors.invalid_date"));
  if (!to) return errorsAck(args, "to", t("errors.invalid_date"));
  if (to.getTime() <= from.getTime()) return errorsAck(args, "to", t("errors.to_before_from"));
  if (to.getTime() - from.getTime() > MAX_ABSENCE_DAYS * DAY_MS)
    return errorsAck(args, "to", t("errors.too_long"));
  const note = (fieldValue(state, "note") ?? "").trim().slice(0, 200);
  const deputy = await chosenDeputy(deps, member, target, state, t);
  if ("error" in deputy) return errorsAck(args, "deputy", deputy.error);
  const done = await submitWithin(args, deps, "absence.submit", t, async () => {
    const r = await deps.ports.capacity.addAbsence(
      target.id,
      from,
      to,
      member.id,
      note || undefined,
      deputy.deputyId,
    );
    return r.ok
      ? null
      : { block: "from", text: t(`errors.${r.reason === "invalid" ? "invalid_date" : r.reason}`) };
  });
  if (done) await refreshAfter(deps, member.slackUserId, target.slackUserId);
}

export async function onAbsenceRemove(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "absence.remove", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    const id = actionValue(args.body);
    const owner = UUID.test(id) ? await deps.ports.queries.absenceOwner(id) : null;
    if (!owner) return tellPrivately(args, t("errors.not_found"));
    if (!canEditAbsence(member, { id: owner.cmId, agencyId: owner.agencyId }))
      return tellPrivately(args, t("errors.not_allowed"));
    const r = await deps.ports.capacity.endAbsence(id, member.id);
    if (!r.ok) return tellPrivately(args, t(`errors.${r.reason === "invalid" ? "generic" : r.reason}`));
    const target = await deps.ports.directory.byId(owner.cmId);
    await refreshAfter(deps, member.slackUserId, target?.slackUserId);
  });
}

// ───────────────────────────── capacity ─────────────────────────────

export async function onCapacityOpen(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "capacity.open", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    if (!isLead(member)) return tellPrivately(args, t("errors.lead_only"));
    if (!args.body.trigger_id) return tellPrivately(args, t("errors.generic"));
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: capacityModal(await teamOptions(deps, member), t),
    });
  });
}

/** "" or "auto" → null (back to FTE), else an integer 0…500; undefined when invalid. */
export function parseCapacity(raw: string | undefined): number | null | undefined {
  const s = (raw ?? "").trim().toLowerCase();
  if (s === "" || s === "auto") return null;
  if (!/^\d{1,3}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 500 ? n : undefined;
}

export async function setCapacityChecked(
  deps: ListenerDeps,
  member: StaffMember,
  cmId: string,
  cases: number | null,
  t: T,
): Promise<{ ok: true; text: string } | { ok: false; text: string }> {
  if (!isLead(member)) return { ok: false, text: t("errors.lead_only") };
  const target = await deps.ports.directory.byId(cmId);
  if (!target?.active) return { ok: false, text: t("errors.not_found") };
  if (!canSupervise(member, target)) return { ok: false, text: t("errors.not_allowed") };
  const r = await deps.ports.capacity.setCapacity(target.id, cases, member.id);
  if (!r.ok) return { ok: false, text: t(`errors.${r.reason === "invalid" ? "invalid_number" : r.reason}`) };
  await refreshAfter(deps, member.slackUserId, target.slackUserId);
  return { ok: true, text: t("capacity.done", { name: target.name, before: r.before, after: r.after }) };
}

export async function onCapacitySubmitted(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  const { member, t } = await who(deps, args.body.user?.id);
  if (!member) return errorsAck(args, "cm", unknownUserText(deps));
  const state = args.body.view?.state;
  const cases = parseCapacity(fieldValue(state, "cases"));
  if (cases === undefined) return errorsAck(args, "cases", t("errors.invalid_number"));
  await submitWithin(args, deps, "capacity.submit", t, async () => {
    const r = await setCapacityChecked(deps, member, fieldValue(state, "cm") ?? "", cases, t);
    return r.ok ? null : { block: "cm", text: r.text };
  });
}

// ───────────────────────────── reassign ─────────────────────────────

export async function onReassignOpen(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "reassign.open", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    if (!isLead(member)) return tellPrivately(args, t("errors.lead_only"));
    if (!args.body.trigger_id) return tellPrivately(args, t("errors.generic"));
    const scope = supervisionScope(member);
    const [cases, people] = await Promise.all([
      deps.ports.queries.openCases(scope, 100),
      teamOptions(deps, member),
    ]);
    const names = new Map(people.map((p) => [p.value, p.label.split(" · ")[0] ?? p.value]));
    const caseOptions = cases.map((c) => ({
      value: c.caseId,
      label: `${c.referenceCode} · ${names.get(c.cmId ?? "") ?? c.cmId ?? "–"}`,
    }));
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: reassignModal(caseOptions, people, t),
    });
  });
}

export async function onReassignSubmitted(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  const { member, t } = await who(deps, args.body.user?.id);
  if (!member) return errorsAck(args, "case", unknownUserText(deps));
  if (!isLead(member)) return errorsAck(args, "case", t("errors.lead_only"));
  const state = args.body.view?.state;
  const caseId = fieldValue(state, "case") ?? "";
  const toCmId = fieldValue(state, "cm") ?? "";
  const reason = (fieldValue(state, "reason") ?? "").trim();
  if (reason.length < 3) return errorsAck(args, "reason", t("errors.reason_required"));
  const done = await submitWithin(args, deps, "reassign.submit", t, async () => {
    const kase = await deps.ports.queries.caseById(caseId);
    if (!kase) return { block: "case", text: t("errors.not_found") };
    if (!authorize(member, "case.reassign", kase).ok) return { block: "case", text: t("errors.not_allowed") };
    const target = await deps.ports.directory.byId(toCmId);
    if (!target?.active) return { block: "cm", text: t("errors.not_found") };
    if (!canSupervise(member, target)) return { block: "cm", text: t("errors.not_allowed") };
    const r = await deps.ports.reassign.reassign(kase.caseId, target.id, member.id, reason.slice(0, 300));
    if (r.ok) return null;
    const block = r.reason === "target_inactive" || r.reason === "same_cm" ? "cm" : "case";
    return { block, text: t(`errors.reassign_${r.reason}`) };
  });
  if (done) await refreshAfter(deps, member.slackUserId);
}

// ───────────────────────────── rebalance ─────────────────────────────

export async function onRebalanceDecision(
  args: ListenerArgs,
  deps: ListenerDeps,
  decision: "apply" | "dismiss",
): Promise<void> {
  await args.ack();
  await guarded(args, deps, `rebalance.${decision}`, async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    if (!isLead(member)) return tellPrivately(args, t("errors.lead_only"));
    const id = actionValue(args.body);
    const current = await deps.ports.rebalance.current();
    // only the open proposal can be decided; an old button refers to one that moved on
    if (!current || current.id !== id) return tellPrivately(args, t("errors.proposal_gone"));
    if (!canDecideRebalance(member, current.agencyIds)) return tellPrivately(args, t("errors.not_allowed"));
    if (decision === "apply") {
      const r = await deps.ports.rebalance.apply(id, member.id);
      if (!r.ok) return tellPrivately(args, t("errors.proposal_gone"));
      await tellPrivately(args, t("rebalance.applied", { moved: r.moved, total: current.moves.length }));
    } else {
      const r = await deps.ports.rebalance.dismiss(id, member.id);
      if (!r.ok) return tellPrivately(args, t("errors.proposal_gone"));
      await tellPrivately(args, t("rebalance.dismissed"));
    }
    await refreshAfter(deps, member.slackUserId);
  });
}

export async function onRebalancePropose(args: ListenerArgs, deps: ListenerDeps): Promise<void> {
  await args.ack();
  await guarded(args, deps, "rebalance.propose", async () => {
    const { member, t } = await who(deps, args.body.user?.id);
    if (!member) return tellPrivately(args, unknownUserText(deps));
    if (!canProposeRebalance(member)) return tellPrivately(args, t("errors.lead_only"));
    const p = await deps.ports.rebalance.propose(member.id);
    if (!p) await tellPrivately(args, t("rebalance.even"));
    await refreshAfter(deps, member.slackUserId);
  });
}
