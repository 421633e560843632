// Moves a case through its phases and keeps its development plan. Every move is one transaction:
// the case row (locked), a timestamped CaseEvent and an AuditLog entry. A closure frees the case
// manager's slot, so the wait list is pulled (job "matching.pull") once the transaction committed.
import type { Db, Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { Logger } from "../../lib/logger.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import { AuditRepository } from "../audit/audit.repository.ts";
import type { CasePhase, ClosureReason, GoalStatus } from "../kernel/enums.ts";
import { UUID } from "../kernel/ids.ts";
import { AccessRepository } from "../staff/access.repository.ts";
import type { CaseScope } from "../staff/authorize.ts";
import { enqueueInvite } from "../survey/survey.service.ts";
import { closureInvites } from "../survey/survey.ts";
import {
  type Actor,
  actorString,
  checkTransition,
  goalsEditableIn,
  holdsCapacity,
  mayOnCase,
  type TransitionRefusal,
} from "./phases.ts";

export type JobSink = Pick<Producer<Jobs>, "enqueue">;

export interface LifecycleDeps {
  db: Db;
  jobs: JobSink;
  cipher: FieldCipher;
  log: Logger;
  now: () => Date;
}

export type MoveRefusal = TransitionRefusal | "not_found" | "stale";
export type MoveResult =
  | { ok: true; caseId: string; from: CasePhase; to: CasePhase; freedCmId: string | null }
  | { ok: false; code: MoveRefusal; phase?: CasePhase };

export type GoalRefusal = "not_found" | "not_responsible" | "not_in_goal_phase" | "invalid";
export type GoalResult = { ok: true; goalId: string } | { ok: false; code: GoalRefusal };

export interface GoalView {
  id: string;
  text: string;
  dueDate: Date | null;
  status: GoalStatus;
  /** recorded at closure (casework.service.ts); null while the goal is being worked on */
  outcome: string | null;
  createdAt: Date;
}

export interface CaseView {
  id: string;
  referenceCode: string;
  phase: CasePhase;
  cmId: string | null;
  persons: number;
  districtId: string;
  openedAt: Date;
  closedAt: Date | null;
  closureReason: ClosureReason | null;
  goals: GoalView[];
  /** what the authorization rule knows of the case (for the buttons a viewer is shown) */
  scope: CaseScope;
}

export const GOAL_TEXT_MAX = 500;

/** The staff member behind a Slack user id, as an Actor (null: not staff, or inactive). */
export async function actorForSlackUser(db: Db | Tx, slackUserId: string, now: Date): Promise<Actor | null> {
  const staff = await new AccessRepository(db).actorBySlackUser(slackUserId, now);
  return staff?.active ? { kind: "cm", staff } : null;
}

const NO_SCOPE: CaseScope = { cmId: null, agencyId: null };
const scopeOf = async (db: Db | Tx, caseId: string): Promise<CaseScope> =>
  (await new AccessRepository(db).caseScope(caseId)) ?? NO_SCOPE;

export class CaseLifecycleService {
  private readonly audit: AuditRepository;

  constructor(private readonly deps: LifecycleDeps) {
    this.audit = new AuditRepository(deps.db);
  }

  /**
   * Moves a case to `to`. `expectedFrom` (the phase the staff member saw) turns a double click or a
   * stale button into a harmless "stale" instead of a second move.
   */
  async move(
    caseId: string,
    to: CasePhase,
    actor: Actor,
    opts: { reason?: ClosureReason; expectedFrom?: CasePhase } = {},
  ): Promise<MoveResult> {
    if (!UUID.test(caseId)) return { ok: false, code: "not_found" };
    const now = this.deps.now();
    const r = await inTx(this.deps.db, async (tx) => this.moveInTx(tx, caseId, to, actor, now, opts));
    if (r.ok && r.freedCmId) await this.pull(r.freedCmId, now);
    if (r.ok && to === "closed") await this.closed(caseId, opts.reason);
    return r;
  }

  /** After a closure committed: the client's survey (job "survey.invite", which decides and sends). */
  async closed(caseId: string, reason: ClosureReason | null | undefined): Promise<void> {
    if (closureInvites(reason)) await enqueueInvite(this.deps, caseId, "closure");
  }

  /** The move inside a caller's transaction (erasure closes cases as part of its own transaction). */
  async moveInTx(
    tx: Tx,
    caseId: string,
    to: CasePhase,
    actor: Actor,
    now: Date,
    opts: { reason?: ClosureReason; expectedFrom?: CasePhase } = {},
  ): Promise<MoveResult> {
    const rows = await tx.$queryRaw<{ phase: CasePhase; cmId: string | null; clientId: string }[]>`
      SELECT phase::text AS phase, "cmId", "clientId" FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
    const kase = rows[0];
    if (!kase) return { ok: false, code: "not_found" };
    if (opts.expectedFrom && opts.expectedFrom !== kase.phase)
      return { ok: false, code: "stale", phase: kase.phase };
    const check = checkTransition({
      from: kase.phase,
      to,
      actor,
      kase: await scopeOf(tx, caseId),
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    if (!check.ok) return { ok: false, code: check.code, phase: kase.phase };
    if (kase.phase === "closed") {
      const c = await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { closureReason: true } });
      if (c.closureReason === "erased") return { ok: false, code: "already_closed", phase: kase.phase };
    }

    const who = actorString(actor);
    const extra: Record<string, string | number | null> = {};
    if (to === "closed") {
      await tx.case.update({
        where: { id: caseId },
        data: { phase: "closed", closedAt: now, closureReason: opts.reason ?? null },
      });
      const pending = await tx.assignment.findFirst({
        where: { caseId, status: "pending" },
        select: { id: true },
      });
      if (pending) {
        await tx.assignment.update({
          where: { id: pending.id },
          data: { status: "revoked", decidedAt: now },
        });
        extra.revokedAssignmentId = pending.id;
      }
      const w = await tx.waitlistEntry.updateMany({
        where: { intake: { case: { id: caseId } }, status: "waiting" },
        data: { status: "withdrawn", leftAt: now },
      });
      if (w.count) extra.waitlistWithdrawn = w.count;
      const a = await tx.appointment.updateMany({
        where: { caseId, status: "booked", startsAt: { gt: now } },
        data: { status: "cancelled", cancelledAt: now, cancelledBy: who },
      });
      if (a.count) extra.appointmentsCancelled = a.count;
    } else if (kase.phase === "closed") {
      await tx.case.update({
        where: { id: caseId },
        data: { phase: to, closedAt: null, closureReason: null },
      });
    } else {
      await tx.case.update({ where: { id: caseId }, data: { phase: to } });
    }
    const kind =
      to === "closed" ? "case.closed" : kase.phase === "closed" ? "case.reopened" : "case.phase_changed";
    const data = { ...(opts.reason ? { reason: opts.reason } : {}), ...extra };
    await tx.caseEvent.create({
      data: { caseId, kind, fromPhase: kase.phase, toPhase: to, actor: who, at: now, data },
    });
    await this.audit.record(
      {
        actor: who,
        action: kind,
        caseId,
        clientId: kase.clientId,
        at: now,
        data: { fromPhase: kase.phase, toPhase: to, cmId: kase.cmId, ...data },
      },
      tx,
    );
    const freed = to === "closed" && holdsCapacity(kase.phase) ? kase.cmId : null;
    const taken = kase.phase === "closed" ? kase.cmId : null;
    for (const cmId of [freed, taken])
      if (cmId)
        await tx.$executeRaw`UPDATE "CaseManager" SET "loadVersion" = "loadVersion" + 1 WHERE id = ${cmId}`;
    return { ok: true, caseId, from: kase.phase, to, freedCmId: freed };
  }

  /** Capacity was freed: let the dispatcher offer the slot to the wait list. */
  async pull(cmId: string, now: Date): Promise<void> {
    try {
      await this.deps.jobs.enqueue("matching.pull", { reason: "case_closed", cmId, at: now.getTime() });
    } catch (e) {
      // the periodic sweep pulls as well; a lost enqueue delays, it does not lose the slot
      this.deps.log.warn({ cmId, err: (e as Error).name }, "could not enqueue matching.pull");
    }
  }

  // ───────────────────────────── goals (development plan) ─────────────────────────────

  async addGoal(
    caseId: string,
    actor: Actor,
    goal: { text: string; dueDate?: Date | null },
  ): Promise<GoalResult> {
    const text = goal.text.trim();
    if (!text || text.length > GOAL_TEXT_MAX) return { ok: false, code: "invalid" };
    if (!UUID.test(caseId)) return { ok: false, code: "not_found" };
    const now = this.deps.now();
    return inTx(this.deps.db, async (tx): Promise<GoalResult> => {
      const kase = await tx.case.findUnique({
        where: { id: caseId },
        select: { phase: true, cmId: true, clientId: true },
      });
      if (!kase) return { ok: false, code: "not_found" };
      if (!mayOnCase(actor, "case.work", await scopeOf(tx, caseId)))
        return { ok: false, code: "not_responsible" };
      if (!goalsEditableIn(kase.phase)) return { ok: false, code: "not_in_goal_phase" };
      const g = await tx.goal.create({
        data: { caseId, text: this.deps.cipher.encrypt(text), dueDate: goal.dueDate ?? null, createdAt: now },
        select: { id: true },
      });
      const who = actorString(actor);
      await tx.caseEvent.create({
        data: { caseId, kind: "goal.added", actor: who, at: now, data: { goalId: g.id } },
      });
      await this.audit.record(
        {
          actor: who,
          action: "goal.added",
          caseId,
          clientId: kase.clientId,
          at: now,
          data: { goalId: g.id },
        },
        tx,
      );
      return { ok: true, goalId: g.id };
    });
  }

  async setGoalStatus(goalId: string, actor: Actor, status: GoalStatus): Promise<GoalResult> {
    if (!UUID.test(goalId)) return { ok: false, code: "not_found" };
    const now = this.deps.now();
    return inTx(this.deps.db, async (tx): Promise<GoalResult> => {
      const g = await tx.goal.findUnique({
        where: { id: goalId },
        select: { status: true, caseId: true, case: { select: { phase: true, cmId: true, clientId: true } } },
      });
      if (!g) return { ok: false, code: "not_found" };
      if (!mayOnCase(actor, "case.work", await scopeOf(tx, g.caseId)))
        return { ok: false, code: "not_responsible" };
      if (!goalsEditableIn(g.case.phase)) return { ok: false, code: "not_in_goal_phase" };
      if (g.status === status) return { ok: true, goalId };
      await tx.goal.update({ where: { id: goalId }, data: { status } });
      const who = actorString(actor);
      const data = { goalId, from: g.status, to: status };
      await tx.caseEvent.create({
        data: { caseId: g.caseId, kind: "goal.status", actor: who, at: now, data },
      });
      await this.audit.record(
        { actor: who, action: "goal.status", caseId: g.caseId, clientId: g.case.clientId, at: now, data },
        tx,
      );
      return { ok: true, goalId };
    });
  }

  /** A case with its decrypted goals, for staff. Recorded in the audit log as a read of personal data. */
  async view(caseId: string, actor: Actor): Promise<CaseView | { error: "not_found" | "not_responsible" }> {
    if (!UUID.test(caseId)) return { error: "not_found" };
    const c = await this.deps.db.case.findUnique({
      where: { id: caseId },
      include: { goals: { orderBy: { createdAt: "asc" } } },
    });
    if (!c) return { error: "not_found" };
    const scope = await scopeOf(this.deps.db, caseId);
    if (!mayOnCase(actor, "case.read", scope)) return { error: "not_responsible" };
    await this.audit.record({
      actor: actorString(actor),
      action: "case.read",
      caseId,
      clientId: c.clientId,
      at: this.deps.now(),
      data: { goals: c.goals.length },
    });
    return {
      id: c.id,
      referenceCode: c.referenceCode,
      phase: c.phase,
      cmId: c.cmId,
      persons: c.persons,
      districtId: c.districtId,
      openedAt: c.openedAt,
      closedAt: c.closedAt,
      closureReason: c.closureReason,
      scope,
      goals: c.goals.map((g) => ({
        id: g.id,
        text: this.decryptOr(g.text),
        dueDate: g.dueDate,
        status: g.status,
        outcome: g.outcome,
        createdAt: g.createdAt,
      })),
    };
  }

  private decryptOr(stored: string): string {
    if (!stored) return "";
    try {
      return this.deps.cipher.decrypt(stored);
    } catch {
      return "⚠";
    }
  }
}
