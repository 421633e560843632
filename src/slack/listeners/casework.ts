// Over 400 lines: every case-work modal's submit shares the same parsing, answer and refresh helpers.
// Slack listeners of the case work: open the case file (from the case card, the thread and App
// Home), push the assessment, goal, referral and closure modals from it, take their submissions,
// and update a referral's status from the file. Every listener acks first; modal submissions answer
// with field errors in the modal (never a silent failure) and carry the view id as idempotency key,
// so a Slack retry stores nothing twice. Authorization is the service's: every call re-checks the
// acting staff member against the case (staff/authorize.ts).
import type { i18n, TFunction } from "i18next";
import type { Logger } from "../../lib/logger.ts";
import type { CaseFile, CaseworkService, Outcome } from "../../modules/cases/casework.service.ts";
import type { AreaInput, OutcomeInput } from "../../modules/cases/casework.ts";
import { parseDay } from "../../modules/cases/casework.ts";
import { LIFE_AREAS } from "../../modules/cases/codes.ts";
import type { Actor } from "../../modules/cases/phases.ts";
import { matchCountry } from "../../modules/intake/countries.ts";
import {
  aboutModal,
  areaBlock,
  assessmentModal,
  CASEWORK_IDS,
  caseFileModal,
  closureModal,
  goalModal,
  nextContactModal,
  outcomeBlock,
  type PartnerOption,
  referralModal,
} from "../blocks/casework.ts";
import { conferenceModal } from "../blocks/conference.ts";
import { listenerFor } from "../register.ts";

type Ack = (response?: Record<string, unknown>) => Promise<void>;
type Value = {
  value?: string | null;
  selected_date?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
};

export interface CaseworkBody {
  user?: { id?: string };
  trigger_id?: string;
  actions?: { action_id?: string; value?: string; selected_option?: { value?: string } }[];
  view?: {
    id?: string;
    root_view_id?: string;
    private_metadata?: string;
    state?: { values?: Record<string, Record<string, Value>> };
  };
}

export interface CaseworkClient {
  views: {
    open(a: { trigger_id: string; view: unknown }): Promise<unknown>;
    push(a: { trigger_id: string; view: unknown }): Promise<unknown>;
    update(a: { view_id: string; view: unknown }): Promise<unknown>;
  };
  chat: { postEphemeral?(a: { channel: string; user: string; text: string }): Promise<unknown> };
}

export interface CaseworkArgs {
  ack: Ack;
  body: CaseworkBody;
  client: CaseworkClient;
}

export interface CaseworkDeps {
  casework: CaseworkService;
  actorFor(slackUserId: string, now: Date): Promise<Actor | null>;
  partners: readonly PartnerOption[];
  /** active staff, for the case conference's participants */
  staff?: readonly PartnerOption[];
  i18n: i18n;
  log: Logger;
  languageOf?: (slackUserId: string) => Promise<"de" | "en">;
  now?: () => Date;
}

const nowOf = (d: CaseworkDeps) => (d.now ?? (() => new Date()))();

async function who(deps: CaseworkDeps, userId: string | undefined) {
  const lng = userId && deps.languageOf ? await deps.languageOf(userId) : "de";
  const t = deps.i18n.getFixedT(lng, "casework") as TFunction;
  const actor = userId ? await deps.actorFor(userId, nowOf(deps)) : null;
  return { t, lng, actor };
}

/** A one-screen notice in a modal, for refusals where there is no field to put the error on. */
const notice = (t: TFunction, text: string) => ({
  type: "modal",
  title: { type: "plain_text", text: t("casework:modal.title_notice") },
  close: { type: "plain_text", text: t("casework:modal.close") },
  blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
});

async function loadFile(deps: CaseworkDeps, caseId: string, actor: Actor | null, t: TFunction) {
  if (!actor) return { error: t("casework:refused.not_staff") } as const;
  const f = await deps.casework.caseFile(caseId, actor);
  if ("error" in f) return { error: t(`casework:refused.${f.error}`) } as const;
  return { file: f } as const;
}

/** Button "cw_open" (value: case id) on the case card, the relay thread or App Home. */
export async function onOpenFile(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  await args.ack();
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  const trigger = args.body.trigger_id;
  if (!trigger) return;
  const a = args.body.actions?.[0];
  const r = await loadFile(deps, a?.value ?? a?.selected_option?.value ?? "", actor, t);
  const view = "error" in r ? notice(t, r.error!) : caseFileModal(r.file, deps.partners, t, lng, nowOf(deps));
  // from inside a modal (e.g. a list) push, elsewhere open
  if (args.body.view?.id) await args.client.views.push({ trigger_id: trigger, view });
  else await args.client.views.open({ trigger_id: trigger, view });
}

type Builder = (f: CaseFile, deps: CaseworkDeps, t: TFunction, lng: string) => Record<string, unknown>;
const BUILDERS: Record<string, Builder> = {
  [CASEWORK_IDS.assess]: (f, _d, t) => assessmentModal(f, t),
  [CASEWORK_IDS.goal]: (f, d, t) => goalModal(f, d.partners, t),
  [CASEWORK_IDS.refer]: (f, d, t) => referralModal(f, d.partners, t),
  [CASEWORK_IDS.close]: (f, _d, t) => closureModal(f, t),
  [CASEWORK_IDS.nextContact]: (f, _d, t) => nextContactModal(f, t),
  [CASEWORK_IDS.conference]: (f, d, t) =>
    conferenceModal(f, d.staff ?? [], d.partners, t, nowOf(d).toISOString().slice(0, 10)),
  [CASEWORK_IDS.about]: (f, _d, t, lng) => aboutModal(f, t, lng),
};

/** The work buttons of the case file: push the matching modal on top of it. */
export async function onWorkButton(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  await args.ack();
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  const a = args.body.actions?.[0];
  const trigger = args.body.trigger_id;
  const build = BUILDERS[a?.action_id ?? ""];
  if (!trigger || !build) return;
  const r = await loadFile(deps, a?.value ?? "", actor, t);
  const view = "error" in r ? notice(t, r.error!) : build(r.file, deps, t, lng);
  await args.client.views.push({ trigger_id: trigger, view });
}

/** Opens the closure modal directly (the case card's closure menu, when goals need an outcome). */
export async function openClosure(
  args: CaseworkArgs,
  deps: CaseworkDeps,
  caseId: string,
  reason: string,
): Promise<void> {
  const { t, actor } = await who(deps, args.body.user?.id);
  const trigger = args.body.trigger_id;
  if (!trigger) return;
  const r = await loadFile(deps, caseId, actor, t);
  const view = "error" in r ? notice(t, r.error!) : closureModal(r.file, t, reason);
  await args.client.views.open({ trigger_id: trigger, view });
}

/** Re-renders the case file under a pushed modal after a change, so it never shows stale data. */
async function refreshRoot(
  args: CaseworkArgs,
  deps: CaseworkDeps,
  caseId: string,
  actor: Actor,
  t: TFunction,
  lng: string,
) {
  const root = args.body.view?.root_view_id;
  if (!root || root === args.body.view?.id) return;
  const f = await deps.casework.caseFile(caseId, actor);
  if ("error" in f) return;
  try {
    await args.client.views.update({
      view_id: root,
      view: caseFileModal(f, deps.partners, t, lng, nowOf(deps)),
    });
  } catch (e) {
    // the case file was closed meanwhile: nothing to refresh
    deps.log.debug({ err: (e as Error).name }, "case file not refreshed");
  }
}

const values = (b: CaseworkBody) => b.view?.state?.values ?? {};
const str = (b: CaseworkBody, block: string): string => {
  const v = values(b)[block]?.v;
  return (v?.value ?? v?.selected_option?.value ?? v?.selected_date ?? "").toString();
};
const many = (b: CaseworkBody, block: string): string[] =>
  (values(b)[block]?.v?.selected_options ?? []).flatMap((o) => (o.value ? [o.value] : []));

/** Turns a service outcome into the modal's answer: close, field errors, or a refusal notice. */
async function answer(
  args: CaseworkArgs,
  t: TFunction,
  r: Outcome,
  fieldBlock: (key: string, code: string) => string | undefined,
  fallbackBlock: string,
): Promise<boolean> {
  if (r.ok) {
    await args.ack();
    return true;
  }
  if (r.code === "invalid") {
    const errors: Record<string, string> = {};
    for (const [k, code] of Object.entries(r.errors)) {
      const block = fieldBlock(k, code as string) ?? fallbackBlock;
      errors[block] = t(`casework:error.${code}`, { defaultValue: t("casework:error.invalid") });
    }
    await args.ack({ response_action: "errors", errors });
    return false;
  }
  await args.ack({ response_action: "update", view: notice(t, t(`casework:refused.${r.code}`)) });
  return false;
}

export async function onAssessmentSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const caseId = args.body.view?.private_metadata ?? "";
  const areas: AreaInput[] = LIFE_AREAS.filter((a) => values(args.body)[areaBlock(a, "status")]).map(
    (area) => ({
      area,
      status: str(args.body, areaBlock(area, "status")),
      barriers: many(args.body, areaBlock(area, "barriers")),
      notes: str(args.body, areaBlock(area, "notes")),
    }),
  );
  const complete = many(args.body, CASEWORK_IDS.blocks.complete).includes("complete");
  const r = await deps.casework.saveAssessment(caseId, actor, {
    areas,
    complete,
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  const firstStatus = areaBlock(LIFE_AREAS[0], "status");
  const ok = await answer(
    args,
    t,
    r,
    (k) => {
      const [area, field] = k.split(".");
      return area && field ? areaBlock(area, field as "status" | "barriers" | "notes") : undefined;
    },
    firstStatus,
  );
  if (ok) await refreshRoot(args, deps, caseId, actor, t, lng);
}

const GOAL_FIELDS: Record<string, string> = {
  text: CASEWORK_IDS.blocks.goalText,
  area: CASEWORK_IDS.blocks.goalArea,
  steps: CASEWORK_IDS.blocks.goalSteps,
  responsible: CASEWORK_IDS.blocks.goalResponsible,
  partner: CASEWORK_IDS.blocks.goalPartner,
  due: CASEWORK_IDS.blocks.goalDue,
};

export async function onGoalSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const caseId = args.body.view?.private_metadata ?? "";
  const I = CASEWORK_IDS.blocks;
  const dueRaw = str(args.body, I.goalDue);
  const dueDate = parseDay(dueRaw);
  if (dueRaw && !dueDate)
    return args.ack({ response_action: "errors", errors: { [I.goalDue]: t("casework:error.bad_date") } });
  const r = await deps.casework.addGoal(caseId, actor, {
    text: str(args.body, I.goalText),
    area: str(args.body, I.goalArea),
    steps: str(args.body, I.goalSteps),
    responsible: str(args.body, I.goalResponsible),
    partnerId: str(args.body, I.goalPartner),
    dueDate,
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  if (await answer(args, t, r, (k) => GOAL_FIELDS[k], I.goalText))
    await refreshRoot(args, deps, caseId, actor, t, lng);
}

/** The next-contact modal: a date from today to a year ahead, then the case file is refreshed. */
export async function onNextContactSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const caseId = args.body.view?.private_metadata ?? "";
  const block = CASEWORK_IDS.blocks.nextContact;
  const r = await deps.casework.setNextContact(caseId, actor, {
    date: parseDay(str(args.body, block)),
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  if (await answer(args, t, r, () => block, block)) await refreshRoot(args, deps, caseId, actor, t, lng);
}

const CONF_FIELDS: Record<string, string> = {
  held: CASEWORK_IDS.blocks.confHeld,
  staff: CASEWORK_IDS.blocks.confStaff,
  partners: CASEWORK_IDS.blocks.confPartners,
  roles: CASEWORK_IDS.blocks.confRoles,
  topics: CASEWORK_IDS.blocks.confTopics,
  decisions: CASEWORK_IDS.blocks.confDecisions,
  goal: CASEWORK_IDS.blocks.confGoalText,
};

/** The case conference modal: recorded with its optional first goal, then the case file is refreshed. */
export async function onConferenceSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const caseId = args.body.view?.private_metadata ?? "";
  const I = CASEWORK_IDS.blocks;
  const dueRaw = str(args.body, I.confGoalDue);
  const dueDate = parseDay(dueRaw);
  if (dueRaw && !dueDate)
    return args.ack({ response_action: "errors", errors: { [I.confGoalDue]: t("casework:error.bad_date") } });
  const goalText = str(args.body, I.confGoalText);
  const r = await deps.casework.recordConference(caseId, actor, {
    heldOn: parseDay(str(args.body, I.confHeld)),
    staffIds: many(args.body, I.confStaff),
    partnerIds: many(args.body, I.confPartners),
    roles: many(args.body, I.confRoles),
    topics: many(args.body, I.confTopics),
    decisions: str(args.body, I.confDecisions),
    goal: goalText.trim()
      ? {
          text: goalText,
          area: str(args.body, I.confGoalArea),
          steps: "",
          responsible: str(args.body, I.confGoalResponsible) || "client",
          partnerId: "",
          dueDate,
        }
      : null,
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  if (await answer(args, t, r, (k) => CONF_FIELDS[k], I.confHeld))
    await refreshRoot(args, deps, caseId, actor, t, lng);
}

/**
 * The "about the person" modal: a typed country wins over the menu and must name one country (as in
 * the bot's matcher), else the field says which ones it may mean; then the case file is refreshed.
 */
export async function onAboutSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const caseId = args.body.view?.private_metadata ?? "";
  const I = CASEWORK_IDS.blocks;
  const typed = str(args.body, I.aboutCountryText).trim();
  let originCountry: string | null = str(args.body, I.aboutCountry) || null;
  if (typed) {
    const m = matchCountry(typed);
    if (!m.code) {
      const text = m.candidates.length
        ? t("casework:about.country_ambiguous", { candidates: m.candidates.join(", ") })
        : t("casework:about.country_unknown");
      return args.ack({ response_action: "errors", errors: { [I.aboutCountryText]: text } });
    }
    originCountry = m.code;
  }
  const yearRaw = str(args.body, I.aboutYear).trim();
  const arrivalYear = yearRaw ? Number(yearRaw) : null;
  const r = await deps.casework.setAbout(caseId, actor, {
    originCountry,
    residenceStatus: str(args.body, I.aboutStatus) || null,
    // a number input Slack did not check (an old client): not a year, said so in the field
    arrivalYear: arrivalYear === null || Number.isFinite(arrivalYear) ? arrivalYear : Number.NaN,
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  const fields: Record<string, string> = {
    country: typed ? I.aboutCountryText : I.aboutCountry,
    status: I.aboutStatus,
    year: I.aboutYear,
  };
  if (await answer(args, t, r, (k) => fields[k], I.aboutYear))
    await refreshRoot(args, deps, caseId, actor, t, lng);
}

const REF_FIELDS: Record<string, string> = {
  partner: CASEWORK_IDS.blocks.refPartner,
  purpose: CASEWORK_IDS.blocks.refPurpose,
  note: CASEWORK_IDS.blocks.refNote,
  expected: CASEWORK_IDS.blocks.refExpected,
  goal: CASEWORK_IDS.blocks.refGoal,
};

export async function onReferralSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const caseId = args.body.view?.private_metadata ?? "";
  const I = CASEWORK_IDS.blocks;
  const expRaw = str(args.body, I.refExpected);
  const expectedBy = parseDay(expRaw);
  if (expRaw && !expectedBy)
    return args.ack({ response_action: "errors", errors: { [I.refExpected]: t("casework:error.bad_date") } });
  const r = await deps.casework.refer(caseId, actor, {
    partnerId: str(args.body, I.refPartner),
    purpose: str(args.body, I.refPurpose),
    note: str(args.body, I.refNote),
    goalId: str(args.body, I.refGoal),
    expectedBy,
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  if (await answer(args, t, r, (k) => REF_FIELDS[k], I.refPartner))
    await refreshRoot(args, deps, caseId, actor, t, lng);
}

export async function onClosureSubmitted(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor)
    return args.ack({ response_action: "update", view: notice(t, t("casework:refused.not_staff")) });
  const [caseId = "", phase = ""] = (args.body.view?.private_metadata ?? "").split("|");
  const outcomes: OutcomeInput[] = Object.keys(values(args.body)).flatMap((block) => {
    const m = /^cw_outcome_(.+)_outcome$/.exec(block);
    if (!m?.[1]) return [];
    const goalId = m[1];
    return [
      { goalId, outcome: str(args.body, block), reason: str(args.body, outcomeBlock(goalId, "reason")) },
    ];
  });
  const r = await deps.casework.close(caseId, actor, {
    reason: str(args.body, CASEWORK_IDS.blocks.closeReason),
    outcomes,
    ...(phase ? { expectedFrom: phase } : {}),
    ...(args.body.view?.id ? { idempotencyKey: `slack.view.${args.body.view.id}` } : {}),
  });
  const ok = await answer(
    args,
    t,
    r,
    (k, code) =>
      k === "reason"
        ? CASEWORK_IDS.blocks.closeReason
        : outcomeBlock(k, code.startsWith("reason") || code === "unknown_reason" ? "reason" : "outcome"),
    CASEWORK_IDS.blocks.closeReason,
  );
  if (ok) await refreshRoot(args, deps, caseId, actor, t, lng);
}

/** The overflow of a referral in the case file (value "<referralId>|<status or chased>"). */
export async function onReferralStatus(args: CaseworkArgs, deps: CaseworkDeps): Promise<void> {
  await args.ack();
  const { t, lng, actor } = await who(deps, args.body.user?.id);
  if (!actor) return;
  const [id = "", status = ""] = (args.body.actions?.[0]?.selected_option?.value ?? "").split("|");
  const r = await deps.casework.updateReferral(id, actor, status);
  const viewId = args.body.view?.id;
  if (!viewId) return;
  if (!r.ok) {
    await args.client.views.update({ view_id: viewId, view: notice(t, t(`casework:refused.${r.code}`)) });
    return;
  }
  const f = r.caseId ? await deps.casework.caseFile(r.caseId, actor) : null;
  if (f && !("error" in f))
    await args.client.views.update({
      view_id: viewId,
      view: caseFileModal(f, deps.partners, t, lng, nowOf(deps)),
    });
}

export function registerCaseworkListeners(
  app: {
    action(id: string | RegExp, fn: (args: unknown) => Promise<void>): unknown;
    view(id: string, fn: (args: unknown) => Promise<void>): unknown;
  },
  deps: CaseworkDeps,
): void {
  const l = listenerFor<CaseworkArgs, CaseworkDeps>(deps);
  app.action(CASEWORK_IDS.open, l(onOpenFile));
  for (const id of [
    CASEWORK_IDS.assess,
    CASEWORK_IDS.goal,
    CASEWORK_IDS.refer,
    CASEWORK_IDS.close,
    CASEWORK_IDS.nextContact,
    CASEWORK_IDS.conference,
    CASEWORK_IDS.about,
  ])
    app.action(id, l(onWorkButton));
  app.action(CASEWORK_IDS.referralStatus, l(onReferralStatus));
  app.view(CASEWORK_IDS.views.assessment, l(onAssessmentSubmitted));
  app.view(CASEWORK_IDS.views.goal, l(onGoalSubmitted));
  app.view(CASEWORK_IDS.views.referral, l(onReferralSubmitted));
  app.view(CASEWORK_IDS.views.closure, l(onClosureSubmitted));
  app.view(CASEWORK_IDS.views.nextContact, l(onNextContactSubmitted));
  app.view(CASEWORK_IDS.views.conference, l(onConferenceSubmitted));
  app.view(CASEWORK_IDS.views.about, l(onAboutSubmitted));
}
