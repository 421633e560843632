// The case work after acceptance, one use case per method: read the case file, record the
// assessment with its barriers, agree goals, refer to a partner office (only under that office's
// release from confidentiality), follow referrals up, and close with the goals' outcomes. Each
// change is one transaction with a CaseEvent, an AuditLog entry and — when the caller passes the
// Slack view's id — an idempotency key, so a Slack retry stores nothing twice. Every method asks
// the one authorization rule (staff/authorize.ts) with the case's current scope.
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { ClientNotifier } from "../notify/notifier.ts";
import type { CaseworkRepository } from "./casework.repository.ts";
import {
  type AreaInput,
  type AreaValue,
  assessmentGaps,
  checkArea,
  checkGoal,
  checkOutcomes,
  checkReferral,
  type FieldErrors,
  type GoalField,
  type GoalInput,
  isReferralStatus,
  nextReferralStatuses,
  type OutcomeInput,
  type ReferralField,
  type ReferralInput,
  toChase,
} from "./casework.ts";
import {
  LIFE_AREAS,
  type LifeArea,
  REFERRAL_ANSWERED,
  type ReferralStatusCode,
  TOPIC_AREAS,
} from "./codes.ts";
import type { CaseLifecycleService } from "./lifecycle.service.ts";
import {
  type Actor,
  actorString,
  GOAL_PHASES,
  isStaffClosureReason,
  mayOnCase,
  type StaffClosureReason,
} from "./phases.ts";

/** The client's goodbye at closure, in their language (locales/<lng>/casework.json). */
export const GOODBYE_TEMPLATE = "casework:goodbye";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONTH = 30.44 * 86_400_000;

export interface CaseworkDeps {
  repo: CaseworkRepository;
  cipher: FieldCipher;
  lifecycle: Pick<CaseLifecycleService, "moveInTx" | "pull">;
  clients: ClientNotifier;
  /** ids of the organisation file's referralTargets */
  partners: ReadonlySet<string>;
  /** months until the regular re-assessment after an assessment is completed (org file caseWork) */
  reassessmentMonths?: number;
  now: () => Date;
}

export type Refusal = "not_found" | "not_responsible" | "wrong_phase" | "stale";
export type Outcome<F extends string = string> =
  | { ok: true; id?: string; duplicate?: boolean; phase?: string }
  | { ok: false; code: Refusal }
  | { ok: false; code: "invalid"; errors: FieldErrors<F> | Record<string, string> };

/** Phases in which the assessment can be recorded (the first consultation moves on to assessment). */
const ASSESSMENT_PHASES = ["first_consultation", "assessment", "reassessment"];
const OPEN_WORK = ["first_consultation", ...GOAL_PHASES];

export interface CaseFile {
  id: string;
  referenceCode: string;
  phase: string;
  cmName: string | null;
  pseudonym: string;
  displayName: string | null;
  phone: string | null;
  locale: string;
  originCountry: string | null;
  persons: number;
  household: { kind: string; adults: number; children: number; birthYears: number[] };
  districtId: string;
  topics: string[];
  urgency: string[];
  languages: string[];
  contactModes: string[];
  consents: { purpose: string; partnerId: string | null; granted: boolean; at: Date }[];
  assessment: {
    kind: string;
    completedAt: Date | null;
    areas: { area: string; status: string; barriers: string[]; notes: string | null }[];
  } | null;
  /** the areas the assessment starts from: what the person named at intake, then the rest */
  areaOrder: LifeArea[];
  goals: {
    id: string;
    text: string;
    area: string | null;
    steps: string | null;
    responsible: string | null;
    partnerId: string | null;
    dueDate: Date | null;
    status: string;
    outcome: string | null;
  }[];
  referrals: {
    id: string;
    partnerId: string;
    purpose: string;
    status: ReferralStatusCode;
    sentAt: Date;
    expectedBy: Date;
    overdue: boolean;
  }[];
  nextAppointments: { startsAt: Date; mode: string }[];
  nextContactAt: Date | null;
  reassessmentDueAt: Date | null;
  lastContactAt: Date | null;
  events: { kind: string; actor: string; at: Date; toPhase: string | null }[];
  /** partner offices the client released confidentiality towards (per-office consent) */
  coveredPartners: string[];
  may: { work: boolean; close: boolean };
}

export class CaseworkService {
  constructor(private readonly deps: CaseworkDeps) {}

  private decrypt(v: string | null): string | null {
    if (!v) return null;
    try {
      return this.deps.cipher.decrypt(v);
    } catch {
      return "⚠";
    }
  }

  private async authorized(caseId: string, actor: Actor, action: "case.read" | "case.work" | "case.close") {
    if (!UUID.test(caseId)) return null;
    const scope = await this.deps.repo.scope(caseId);
    if (!scope) return null;
    return { scope, ok: mayOnCase(actor, action, scope) };
  }

  /** Everything a case manager needs on one screen, decrypted; recorded as a read of personal data. */
  async caseFile(
    caseId: string,
    actor: Actor,
  ): Promise<CaseFile | { error: "not_found" | "not_responsible" }> {
    const auth = await this.authorized(caseId, actor, "case.read");
    if (!auth) return { error: "not_found" };
    if (!auth.ok) return { error: "not_responsible" };
    const c = await this.deps.repo.caseFile(caseId);
    if (!c) return { error: "not_found" };
    const now = this.deps.now();
    await this.deps.repo.record(
      { id: c.id, clientId: c.clientId },
      { kind: "case.file_read", actor: actorString(actor), at: now, data: {} },
    );
    const latest = new Map<string, (typeof c.client.consents)[number]>();
    for (const k of c.client.consents) latest.set(`${k.purpose}:${k.partnerId ?? ""}`, k);
    const consents = [...latest.values()].map((k) => ({
      purpose: k.purpose,
      partnerId: k.partnerId,
      granted: k.granted && !k.withdrawnAt,
      at: k.withdrawnAt ?? k.decidedAt,
    }));
    const named = c.intake.topics.flatMap((t) => TOPIC_AREAS[t as keyof typeof TOPIC_AREAS] ?? []);
    const areaOrder = [...new Set([...named, ...LIFE_AREAS])];
    const a = c.assessments[0];
    const overdue = new Set(toChase(c.referrals, now).map((r) => r.id));
    return {
      id: c.id,
      referenceCode: c.referenceCode,
      phase: c.phase,
      cmName: c.cm?.name ?? null,
      pseudonym: c.client.pseudonym,
      displayName: this.decrypt(c.client.displayName),
      phone: this.decrypt(c.client.phone),
      locale: c.client.locale,
      originCountry: c.client.originCountry,
      persons: c.persons,
      household: {
        kind: c.intake.household,
        adults: c.intake.adults,
        children: c.intake.children,
        birthYears: c.client.household.flatMap((h) => (h.birthYear ? [h.birthYear] : [])),
      },
      districtId: c.districtId,
      topics: c.intake.topics,
      urgency: c.intake.urgency,
      languages: c.intake.languages,
      contactModes: c.intake.contactModes,
      consents,
      assessment: a
        ? {
            kind: a.kind,
            completedAt: a.completedAt,
            areas: a.areas.map((x) => ({
              area: x.area,
              status: x.status,
              barriers: x.barriers,
              notes: this.decrypt(x.notes),
            })),
          }
        : null,
      areaOrder,
      goals: c.goals.map((g) => ({
        id: g.id,
        text: this.decrypt(g.text) ?? "",
        area: g.area,
        steps: this.decrypt(g.steps),
        responsible: g.responsible,
        partnerId: g.partnerId,
        dueDate: g.dueDate,
        status: g.status,
        outcome: g.outcome,
      })),
      referrals: c.referrals.map((r) => ({
        id: r.id,
        partnerId: r.partnerId,
        purpose: r.purpose,
        status: r.status,
        sentAt: r.sentAt,
        expectedBy: r.expectedBy,
        overdue: overdue.has(r.id),
      })),
      nextAppointments: c.appointments,
      nextContactAt: c.nextContactAt,
      reassessmentDueAt: c.reassessmentDueAt,
      lastContactAt: c.lastContactAt,
      events: c.events,
      coveredPartners: consents
        .filter((k) => k.purpose === "partner_sharing" && k.granted && k.partnerId)
        .map((k) => k.partnerId!),
      may: {
        work: mayOnCase(actor, "case.work", auth.scope),
        close: mayOnCase(actor, "case.close", auth.scope),
      },
    };
  }

  /**
   * Stores the assessment's areas (all areas of the modal at once). `complete` closes the assessment:
   * every area needs a status and every need a barrier; the case moves on to the goal agreement and
   * the re-assessment is due in `reassessmentMonths`. Saving in the first consultation moves the
   * case into assessment.
   */
  async saveAssessment(
    caseId: string,
    actor: Actor,
    input: { areas: AreaInput[]; complete: boolean; idempotencyKey?: string },
  ): Promise<Outcome> {
    const values: AreaValue[] = [];
    const errors: Record<string, string> = {};
    for (const a of input.areas) {
      const r = checkArea(a);
      if (!r.ok) for (const [f, code] of Object.entries(r.errors)) errors[`${a.area}.${f}`] = code as string;
      else if (r.value) values.push(r.value);
    }
    if (input.complete) {
      const gaps = assessmentGaps(values, LIFE_AREAS);
      for (const m of gaps.missing) errors[`${m}.status`] ??= "status_required";
      for (const m of gaps.needWithoutBarrier) errors[`${m}.barriers`] ??= "barrier_required";
    }
    if (Object.keys(errors).length) return { ok: false, code: "invalid", errors };
    const auth = await this.authorized(caseId, actor, "case.work");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    const now = this.deps.now();
    const who = actorString(actor);
    return this.deps.repo.transaction(async (repo): Promise<Outcome> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      // a retry of a submission already stored may find the case moved on: answer it as done
      if (input.idempotencyKey && (await repo.seen(input.idempotencyKey)))
        return { ok: true, duplicate: true };
      if (!ASSESSMENT_PHASES.includes(kase.phase)) return { ok: false, code: "wrong_phase" };
      if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
        return { ok: true, duplicate: true, phase: kase.phase };
      const kind = kase.phase === "reassessment" ? "reassessment" : "initial";
      const assessment =
        (await repo.openAssessment(caseId)) ?? (await repo.startAssessment(caseId, kind, who, now));
      const given = new Set(values.map((v) => v.area));
      for (const v of values)
        await repo.putArea(assessment.id, {
          ...v,
          notes: v.notes ? this.deps.cipher.encrypt(v.notes) : null,
        });
      for (const a of input.areas)
        if (!given.has(a.area as LifeArea)) await repo.dropArea(assessment.id, a.area);
      const c = { id: caseId, clientId: kase.clientId };
      await repo.record(c, {
        kind: "assessment.saved",
        actor: who,
        at: now,
        data: {
          assessmentId: assessment.id,
          areas: values.map((v) => v.area),
          barriers: values.reduce((n, v) => n + v.barriers.length, 0),
        },
      });
      let phase = kase.phase;
      if (phase === "first_consultation") {
        await repo.setPhase(caseId, "assessment");
        await repo.record(c, {
          kind: "case.phase_changed",
          actor: who,
          at: now,
          data: {},
          fromPhase: phase,
          toPhase: "assessment",
        });
        phase = "assessment";
      }
      if (input.complete) {
        await repo.completeAssessment(assessment.id, now);
        const due = new Date(now.getTime() + (this.deps.reassessmentMonths ?? 6) * MONTH);
        await repo.setPhase(caseId, "goal_agreement", { reassessmentDueAt: due });
        await repo.record(c, {
          kind: "assessment.completed",
          actor: who,
          at: now,
          data: { assessmentId: assessment.id, kind },
        });
        await repo.record(c, {
          kind: "case.phase_changed",
          actor: who,
          at: now,
          data: {},
          fromPhase: phase,
          toPhase: "goal_agreement",
        });
        phase = "goal_agreement";
      }
      return { ok: true, id: assessment.id, phase };
    });
  }

  async addGoal(
    caseId: string,
    actor: Actor,
    input: GoalInput & { idempotencyKey?: string },
  ): Promise<Outcome<GoalField>> {
    const now = this.deps.now();
    const checked = checkGoal(input, now, this.deps.partners);
    if (!checked.ok) return { ok: false, code: "invalid", errors: checked.errors };
    const auth = await this.authorized(caseId, actor, "case.work");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    const g = checked.value;
    const who = actorString(actor);
    return this.deps.repo.transaction(async (repo): Promise<Outcome<GoalField>> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      // a retry of a submission already stored may find the case moved on: answer it as done
      if (input.idempotencyKey && (await repo.seen(input.idempotencyKey)))
        return { ok: true, duplicate: true };
      if (!(GOAL_PHASES as readonly string[]).includes(kase.phase)) return { ok: false, code: "wrong_phase" };
      if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
        return { ok: true, duplicate: true };
      const created = await repo.createGoal({
        caseId,
        text: this.deps.cipher.encrypt(g.text),
        area: g.area,
        steps: g.steps ? this.deps.cipher.encrypt(g.steps) : null,
        responsible: g.responsible,
        partnerId: g.partnerId,
        dueDate: g.dueDate,
        createdAt: now,
      });
      await repo.record(
        { id: caseId, clientId: kase.clientId },
        {
          kind: "goal.added",
          actor: who,
          at: now,
          data: { goalId: created.id, area: g.area, responsible: g.responsible, partnerId: g.partnerId },
        },
      );
      return { ok: true, id: created.id };
    });
  }

  /** A referral to a partner office; refused (with the reason next to the field) without that office's consent. */
  async refer(
    caseId: string,
    actor: Actor,
    input: ReferralInput & { idempotencyKey?: string },
  ): Promise<Outcome<ReferralField>> {
    const auth = await this.authorized(caseId, actor, "case.work");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    const now = this.deps.now();
    const who = actorString(actor);
    return this.deps.repo.transaction(async (repo): Promise<Outcome<ReferralField>> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      // a retry of a submission already stored may find the case moved on: answer it as done
      if (input.idempotencyKey && (await repo.seen(input.idempotencyKey)))
        return { ok: true, duplicate: true };
      if (!OPEN_WORK.includes(kase.phase)) return { ok: false, code: "wrong_phase" };
      const covered = await repo.partnerStates(kase.clientId);
      const goals = new Set((await repo.goals(caseId)).map((g) => g.id));
      const checked = checkReferral(
        input,
        now,
        this.deps.partners,
        (p) => {
          const s = covered.get(p);
          return !!s && s.granted && !s.withdrawnAt;
        },
        goals,
      );
      if (!checked.ok) return { ok: false, code: "invalid", errors: checked.errors };
      if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
        return { ok: true, duplicate: true };
      const r = checked.value;
      const created = await repo.createReferral({
        caseId,
        partnerId: r.partnerId,
        purpose: r.purpose,
        note: r.note ? this.deps.cipher.encrypt(r.note) : null,
        goalId: r.goalId,
        sentAt: now,
        expectedBy: r.expectedBy,
        createdBy: who,
      });
      await repo.record(
        { id: caseId, clientId: kase.clientId },
        {
          kind: "referral.sent",
          actor: who,
          at: now,
          data: {
            referralId: created.id,
            partnerId: r.partnerId,
            purpose: r.purpose,
            expectedBy: r.expectedBy.toISOString(),
          },
        },
      );
      return { ok: true, id: created.id };
    });
  }

  /** A partner's answer (or its absence), or a chase (`status` "chased"). Repeating a status is a no-op. */
  async updateReferral(
    referralId: string,
    actor: Actor,
    status: string,
  ): Promise<Outcome & { caseId?: string }> {
    if (!UUID.test(referralId)) return { ok: false, code: "not_found" };
    const now = this.deps.now();
    const who = actorString(actor);
    return this.deps.repo.transaction(async (repo) => {
      const r = await repo.referral(referralId);
      if (!r) return { ok: false, code: "not_found" } as const;
      const scope = await repo.scope(r.caseId);
      if (!scope || !mayOnCase(actor, "case.work", scope))
        return { ok: false, code: "not_responsible" } as const;
      if (r.case.phase === "closed") return { ok: false, code: "wrong_phase" } as const;
      const c = { id: r.caseId, clientId: r.case.clientId };
      if (status === "chased") {
        if (r.status !== "sent") return { ok: false, code: "stale" } as const;
        await repo.updateReferral(referralId, { chasedAt: now });
        await repo.record(c, {
          kind: "referral.chased",
          actor: who,
          at: now,
          data: { referralId, partnerId: r.partnerId },
        });
        return { ok: true, caseId: r.caseId };
      }
      if (!isReferralStatus(status)) return { ok: false, code: "stale" } as const;
      if (r.status === status) return { ok: true, duplicate: true, caseId: r.caseId };
      if (!nextReferralStatuses(r.status).includes(status)) return { ok: false, code: "stale" } as const;
      const answered = REFERRAL_ANSWERED.includes(status) && !r.answeredAt;
      await repo.updateReferral(referralId, {
        status,
        statusAt: now,
        ...(answered ? { answeredAt: now } : {}),
      });
      await repo.record(c, {
        kind: "referral.status",
        actor: who,
        at: now,
        data: { referralId, partnerId: r.partnerId, from: r.status, to: status },
      });
      return { ok: true, caseId: r.caseId };
    });
  }

  /**
   * Closes a case with a reason and an outcome for every goal that has none yet, in one transaction
   * with the phase move (which frees the slot); then pulls the wait list and says goodbye to the
   * client in their language, with how to come back.
   */
  async close(
    caseId: string,
    actor: Actor,
    input: { reason: string; outcomes: OutcomeInput[]; expectedFrom?: string; idempotencyKey?: string },
  ): Promise<Outcome> {
    if (!isStaffClosureReason(input.reason))
      return { ok: false, code: "invalid", errors: { reason: "required" } };
    const auth = await this.authorized(caseId, actor, "case.close");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    const reason = input.reason as StaffClosureReason;
    const now = this.deps.now();
    const who = actorString(actor);
    const r = await this.deps.repo
      .transaction(async (repo, tx) => {
        const kase = await repo.lockCase(caseId);
        if (!kase) return { ok: false, code: "not_found" } as const;
        // a retry of a closure already stored finds the case closed: answer it as done, not as stale
        if (input.idempotencyKey && (await repo.seen(input.idempotencyKey)))
          return { ok: true, duplicate: true } as const;
        if (input.expectedFrom && input.expectedFrom !== kase.phase)
          return { ok: false, code: "stale" } as const;
        const pending = (await repo.goals(caseId)).filter((g) => g.outcome === null);
        const checked = checkOutcomes(
          pending.map((g) => g.id),
          input.outcomes,
        );
        if (!checked.ok) return { ok: false, code: "invalid", errors: checked.errors } as const;
        if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
          return { ok: true, duplicate: true } as const;
        for (const o of checked.value)
          await repo.setGoalOutcome(o.goalId, {
            outcome: o.outcome,
            reason: o.reason,
            at: now,
            status: o.outcome === "reached" ? "achieved" : o.outcome === "dropped" ? "dropped" : "open",
          });
        const moved = await this.deps.lifecycle.moveInTx(tx, caseId, "closed", actor, now, { reason });
        if (!moved.ok) throw new ClosureRefused(moved.code);
        if (checked.value.length)
          await repo.record(
            { id: caseId, clientId: kase.clientId },
            {
              kind: "goal.outcomes",
              actor: who,
              at: now,
              data: {
                // "<goalId>:<outcome>:<reason>": codes only
                outcomes: checked.value.map((o) => [o.goalId, o.outcome, o.reason ?? ""].join(":")),
              },
            },
          );
        return {
          ok: true,
          freedCmId: moved.freedCmId,
          clientId: kase.clientId,
          referenceCode: kase.referenceCode,
        } as const;
      })
      .catch((e: unknown) => {
        if (e instanceof ClosureRefused)
          return { ok: false, code: e.code === "stale" ? "stale" : "not_responsible" } as const;
        throw e;
      });
    if (!r.ok || "duplicate" in r) return r as Outcome;
    if (r.freedCmId) await this.deps.lifecycle.pull(r.freedCmId, now);
    if (reason !== "withdrawn")
      await this.deps.clients.notify(
        r.clientId,
        GOODBYE_TEMPLATE,
        { referenceCode: r.referenceCode },
        { key: `case.goodbye.${caseId}` },
      );
    return { ok: true, phase: "closed" };
  }

  /** Referrals to chase on the cases this staff member holds or stands in for (App Home). */
  async toChaseFor(cmIds: readonly string[]) {
    const list = await this.deps.repo.awaitingFor(cmIds);
    return toChase(list, this.deps.now()).map((r) => ({
      id: r.id,
      caseId: r.caseId,
      referenceCode: r.case.referenceCode,
      partnerId: r.partnerId,
      purpose: r.purpose,
      expectedBy: r.expectedBy,
    }));
  }
}

/** A refused phase move inside the closure transaction: rolls the outcomes back with it. */
class ClosureRefused extends Error {
  constructor(readonly code: string) {
    super(`closure refused: ${code}`);
  }
}
