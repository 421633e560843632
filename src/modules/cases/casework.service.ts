// The case work after acceptance, one use case per method: read the case file, record the
// assessment with its barriers, agree goals, refer to a partner office (only under that office's
// release from confidentiality), follow referrals up, and close with the goals' outcomes. Each
// change is one transaction with a CaseEvent, an AuditLog entry and — when the caller passes the
// Slack view's id — an idempotency key, so a Slack retry stores nothing twice. Every method asks
// the one authorization rule (staff/authorize.ts) with the case's current scope. Over 400 lines: the
// write-side use cases share one transaction-and-idempotency pattern, kept side by side; the case
// file, the conference and the "about the person" fields have files of their own.
import type { FieldCipher } from "../../privacy/crypto.ts";
import { UUID } from "../kernel/ids.ts";
import type { ClientNotifier } from "../notify/notifier.ts";
import { type AboutField, type AboutInput, AboutService } from "./about.service.ts";
import { type CaseFile, CaseFileService } from "./case-file.service.ts";
import { caseAccess, OPEN_WORK, storeGoal } from "./casework.parts.ts";
import type { CaseworkRepository } from "./casework.repository.ts";
import {
  type AreaInput,
  type AreaValue,
  assessmentGaps,
  checkArea,
  checkGoal,
  checkOutcomes,
  checkReferral,
  type GoalField,
  type GoalInput,
  isReferralStatus,
  nextReferralStatuses,
  type Outcome,
  type OutcomeInput,
  type ReferralField,
  type ReferralInput,
  toChase,
} from "./casework.ts";
import { LIFE_AREAS, type LifeArea, REFERRAL_ANSWERED } from "./codes.ts";
import { ConferenceService } from "./conference.service.ts";
import type { ConferenceField, ConferenceInput } from "./conference.ts";
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
const MONTH = 30.44 * 86_400_000;

export interface CaseworkDeps {
  repo: CaseworkRepository;
  cipher: FieldCipher;
  lifecycle: Pick<CaseLifecycleService, "moveInTx" | "pull" | "closed">;
  clients: ClientNotifier;
  /** ids of the organisation file's referralTargets */
  partners: ReadonlySet<string>;
  /** months until the regular re-assessment after an assessment is completed (org file caseWork) */
  reassessmentMonths?: number;
  now: () => Date;
}

export type { Outcome, Refusal } from "./casework.ts";

/** Phases in which the assessment can be recorded (the first consultation moves on to assessment). */
const ASSESSMENT_PHASES = ["first_consultation", "assessment", "reassessment"];

export type { CaseFile };

export class CaseworkService {
  private readonly file: CaseFileService;
  private readonly conference: ConferenceService;
  private readonly about: AboutService;

  constructor(private readonly deps: CaseworkDeps) {
    this.file = new CaseFileService(deps);
    this.conference = new ConferenceService(deps);
    this.about = new AboutService(deps);
  }

  /** Records a case conference (conference.service.ts). */
  recordConference(
    caseId: string,
    actor: Actor,
    input: ConferenceInput & { idempotencyKey?: string },
  ): Promise<Outcome<ConferenceField>> {
    return this.conference.record(caseId, actor, input);
  }

  /** The case file (case-file.service.ts). */
  caseFile(caseId: string, actor: Actor): Promise<CaseFile | { error: "not_found" | "not_responsible" }> {
    return this.file.caseFile(caseId, actor);
  }

  /**
   * The date of the next contact (monitoring): today up to a year ahead. Overrides the default of
   * last contact + caseWork.nextContactDays until the next change.
   */
  async setNextContact(
    caseId: string,
    actor: Actor,
    input: { date: Date | null; idempotencyKey?: string },
  ): Promise<Outcome<"date">> {
    const now = this.deps.now();
    const today = new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
    if (!input.date) return { ok: false, code: "invalid", errors: { date: "required" } };
    if (input.date < today) return { ok: false, code: "invalid", errors: { date: "in_past" } };
    if (input.date.getTime() > today.getTime() + 366 * 86_400_000)
      return { ok: false, code: "invalid", errors: { date: "too_far_year" } };
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.work");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    const date = input.date;
    return this.deps.repo.transaction(async (repo): Promise<Outcome<"date">> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
        return { ok: true, duplicate: true };
      if (kase.phase === "closed") return { ok: false, code: "wrong_phase" };
      await repo.setNextContact(caseId, date);
      await repo.record(
        { id: caseId, clientId: kase.clientId },
        {
          kind: "monitoring.next_contact_set",
          actor: actorString(actor),
          at: now,
          data: { date: date.toISOString().slice(0, 10) },
        },
      );
      return { ok: true };
    });
  }

  /** Country of origin, residence status, year of arrival (about.service.ts). */
  setAbout(caseId: string, actor: Actor, input: AboutInput): Promise<Outcome<AboutField>> {
    return this.about.set(caseId, actor, input);
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
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.work");
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
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.work");
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
      const id = await storeGoal(repo, this.deps.cipher, { id: caseId, clientId: kase.clientId }, g, {
        actor: who,
        at: now,
      });
      return { ok: true, id };
    });
  }

  /** A referral to a partner office; refused (with the reason next to the field) without that office's consent. */
  async refer(
    caseId: string,
    actor: Actor,
    input: ReferralInput & { idempotencyKey?: string },
  ): Promise<Outcome<ReferralField>> {
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.work");
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
      const goals = new Set((await repo.goals(caseId)).map((g) => g.id));
      const checked = checkReferral(
        input,
        now,
        this.deps.partners,
        await repo.releasedTo(kase.clientId),
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
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.close");
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
    // after the goodbye, so the survey's message is planned behind it in the client's chat
    await this.deps.lifecycle.closed(caseId, reason);
    return { ok: true, phase: "closed" };
  }

  /** App Home: the open cases this case manager holds or stands in for, and the referrals to chase. */
  async home(cmId: string) {
    const now = this.deps.now();
    const deputy = await this.deps.repo.deputisingFor(cmId, now);
    const ids = [cmId, ...deputy];
    const [cases, chase] = await Promise.all([this.deps.repo.openCasesOf(ids), this.toChaseFor(ids)]);
    return { cases: cases.map((c) => ({ ...c, deputised: c.cmId !== cmId })), toChase: chase };
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
