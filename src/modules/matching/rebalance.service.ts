// Rebalancing for the weekly case-manager meeting: `propose` stores a proposal computed by the pure
// proposeRebalance; a person applies or dismisses it in a separate, audited step.
//
// Applying re-validates every move under locks (the world moved on since the proposal: cases closed,
// appointments were booked, capacity changed) and skips stale moves instead of failing the whole
// proposal. A moved case keeps its phase and history. The old assignment becomes status "moved";
// the new case manager gets a new assignment with status "accepted" straight away: the move was
// agreed in the meeting with them, and a pending offer that could be declined would send a case that
// is already being worked on back to the wait list.

import { inTx } from "../../db/tx.ts";
import { UUID } from "../kernel/ids.ts";
import type { AssignmentService } from "./assignment.service.ts";
import { capacityOf, isAbsent } from "./capacity.ts";
import type { MatchingDeps } from "./deps.ts";
import { ACTIVE_PHASES, loadTeam, OPEN_PHASES, openLoadOf } from "./load.repository.ts";
import { matchPolicyOf } from "./policy.ts";
import { storeProposal } from "./rebalance.repository.ts";
import {
  isPinned,
  type Move,
  proposeRebalance,
  type RebalanceCase,
  type RebalanceResult,
} from "./rebalance.ts";

export type SkipReason = "case_changed" | "pinned" | "receiver_unavailable" | "receiver_full";

export interface AppliedMove extends Move {
  readonly oldAssignmentId: string | null;
  readonly newAssignmentId: string;
}

export type ApplyResult =
  | {
      ok: true;
      status: "applied" | "stale";
      applied: AppliedMove[];
      skipped: { move: Move; reason: SkipReason }[];
    }
  | { ok: false; reason: "not_found" | "not_open" };

export type DismissResult = { ok: true } | { ok: false; reason: "not_found" | "not_open" };

export class RebalanceService {
  constructor(
    private readonly deps: MatchingDeps,
    private readonly assignments?: Pick<AssignmentService, "tellClientAssigned">,
  ) {}

  /**
   * Reads loads and cases now and stores a proposal (status open). Pending offers count toward the
   * load but never move (they are passed as pinned).
   */
  async propose(createdBy: string): Promise<{ id: string; result: RebalanceResult }> {
    const { db, org } = this.deps;
    const now = this.deps.now();
    const policy = matchPolicyOf(org.policy, this.deps.options);
    const team = await loadTeam(db, now, policy, { includeInactive: true });
    const cases = await db.case.findMany({
      where: { cmId: { not: null }, phase: { in: [...OPEN_PHASES] } },
      orderBy: { id: "asc" },
      select: {
        id: true,
        cmId: true,
        persons: true,
        phase: true,
        regionId: true,
        lastContactAt: true,
        appointments: {
          where: { status: "booked", startsAt: { gte: now } },
          orderBy: { startsAt: "asc" },
          take: 1,
          select: { startsAt: true },
        },
      },
    });
    const input: RebalanceCase[] = cases.map((c) => {
      const next = c.appointments[0]?.startsAt;
      const contact = c.phase === "pending_acceptance" ? now : (c.lastContactAt ?? undefined);
      return {
        id: c.id,
        cmId: c.cmId!,
        persons: c.persons,
        regionId: c.regionId,
        ...(next ? { nextAppointmentAt: next } : {}),
        ...(contact ? { lastContactAt: contact } : {}),
      };
    });
    const result = proposeRebalance({
      cms: team.map((m) => ({
        id: m.id,
        fte: m.fte,
        capacity: m.capacity.cases,
        active: m.active,
        absent: m.absentNow,
        regionIds: m.regionIds,
      })),
      cases: input,
      policy: { fairShareTolerance: org.policy.fairShareTolerance, regionBound: org.policy.regionBound },
      now,
    });
    const id = await storeProposal(db, { createdBy, now, result, tolerance: org.policy.fairShareTolerance });
    return { id, result };
  }

  async apply(proposalId: string, actor: string): Promise<ApplyResult> {
    if (!UUID.test(proposalId)) return { ok: false, reason: "not_found" };
    const { db, org } = this.deps;
    const proposal = await db.rebalanceProposal.findUnique({
      where: { id: proposalId },
      select: { status: true, moves: true },
    });
    if (!proposal) return { ok: false, reason: "not_found" };
    if (proposal.status !== "open") return { ok: false, reason: "not_open" };
    const policy = matchPolicyOf(org.policy, this.deps.options);
    const moves = proposal.moves as unknown as Move[];
    const applied: AppliedMove[] = [];
    const skipped: { move: Move; reason: SkipReason }[] = [];

    for (const move of moves) {
      const now = this.deps.now();
      const r = await inTx(db, async (tx): Promise<AppliedMove | SkipReason> => {
        const rows = await tx.$queryRaw<
          { phase: string; cmId: string | null; clientId: string; lastContactAt: Date | null }[]
        >`
          SELECT phase::text AS phase, "cmId", "clientId", "lastContactAt" FROM "Case" WHERE id = ${move.caseId}::uuid FOR UPDATE`;
        const kase = rows[0];
        if (
          !kase ||
          kase.cmId !== move.fromCmId ||
          !(ACTIVE_PHASES as readonly string[]).includes(kase.phase)
        )
          return "case_changed";
        const next = await tx.appointment.findFirst({
          where: { caseId: move.caseId, status: "booked", startsAt: { gte: now } },
          orderBy: { startsAt: "asc" },
          select: { startsAt: true },
        });
        if (
          isPinned(
            {
              ...(next ? { nextAppointmentAt: next.startsAt } : {}),
              ...(kase.lastContactAt ? { lastContactAt: new Date(kase.lastContactAt) } : {}),
            },
            now,
          )
        )
          return "pinned";
        const cms = await tx.$queryRaw<{ active: boolean; fte: number; capacityOverride: number | null }[]>`
          SELECT active, fte, "capacityOverride" FROM "CaseManager" WHERE id = ${move.toCmId} FOR UPDATE`;
        const to = cms[0];
        if (!to?.active) return "receiver_unavailable";
        const absences = await tx.absence.findMany({
          where: { cmId: move.toCmId, from: { lte: now }, to: { gt: now } },
          select: { from: true, to: true },
        });
        if (isAbsent(absences, now)) return "receiver_unavailable";
        const cap = capacityOf(
          {
            fte: to.fte,
            ...(to.capacityOverride === null ? {} : { capacityOverride: { cases: to.capacityOverride } }),
          },
          policy,
        );
        const load = await openLoadOf(tx, move.toCmId);
        if (load.openCases + 1 > cap.cases) return "receiver_full";

        const old = await tx.assignment.findFirst({
          where: { caseId: move.caseId, cmId: move.fromCmId, status: "accepted" },
          orderBy: { createdAt: "desc" },
          select: { id: true },
        });
        if (old)
          await tx.assignment.update({ where: { id: old.id }, data: { status: "moved", decidedAt: now } });
        const created = await tx.assignment.create({
          data: {
            caseId: move.caseId,
            cmId: move.toCmId,
            status: "accepted",
            createdAt: now,
            deadlineAt: now,
            decidedAt: now,
          },
          select: { id: true },
        });
        await tx.case.update({ where: { id: move.caseId }, data: { cmId: move.toCmId } });
        await tx.caseEvent.create({
          data: {
            caseId: move.caseId,
            kind: "case.moved",
            fromPhase: kase.phase,
            toPhase: kase.phase,
            actor,
            at: now,
            data: { proposalId, fromCmId: move.fromCmId, toCmId: move.toCmId, reason: move.reason },
          },
        });
        await tx.auditLog.create({
          data: {
            actor,
            action: "rebalance.move",
            caseId: move.caseId,
            clientId: kase.clientId,
            at: now,
            data: {
              proposalId,
              fromCmId: move.fromCmId,
              toCmId: move.toCmId,
              reason: move.reason,
              oldAssignmentId: old?.id ?? null,
              newAssignmentId: created.id,
            },
          },
        });
        await tx.$executeRaw`UPDATE "CaseManager" SET "loadVersion" = "loadVersion" + 1 WHERE id IN (${move.toCmId}, ${move.fromCmId})`;
        return { ...move, oldAssignmentId: old?.id ?? null, newAssignmentId: created.id };
      });
      if (typeof r === "string") skipped.push({ move, reason: r });
      else applied.push(r);
    }

    const status = applied.length > 0 || moves.length === 0 ? "applied" : "stale";
    const now = this.deps.now();
    const closed = await db.$transaction(async (tx) => {
      const n = await tx.rebalanceProposal.updateMany({
        where: { id: proposalId, status: "open" },
        data: { status, decidedAt: now, decidedBy: actor },
      });
      if (n.count === 0) return false;
      await tx.auditLog.create({
        data: {
          actor,
          action: "rebalance.applied",
          at: now,
          data: {
            proposalId,
            status,
            applied: applied.map((m) => m.caseId),
            skipped: skipped.map((s) => ({ caseId: s.move.caseId, reason: s.reason })),
          },
        },
      });
      return true;
    });
    if (!closed)
      this.deps.log.warn({ proposalId }, "proposal was decided concurrently; moves above were still applied");

    for (const m of applied) {
      await this.bestEffort(() =>
        m.oldAssignmentId ? this.deps.staff.assignmentChanged(m.oldAssignmentId) : Promise.resolve(),
      );
      await this.bestEffort(() => this.deps.staff.assignmentChanged(m.newAssignmentId));
      if (this.assignments) {
        const svc = this.assignments;
        await this.bestEffort(() => svc.tellClientAssigned(m.newAssignmentId, "assignment.moved"));
      }
    }
    return { ok: true, status, applied, skipped };
  }

  async dismiss(proposalId: string, actor: string): Promise<DismissResult> {
    if (!UUID.test(proposalId)) return { ok: false, reason: "not_found" };
    const now = this.deps.now();
    return this.deps.db.$transaction(async (tx): Promise<DismissResult> => {
      const p = await tx.rebalanceProposal.findUnique({
        where: { id: proposalId },
        select: { status: true },
      });
      if (!p) return { ok: false, reason: "not_found" };
      const n = await tx.rebalanceProposal.updateMany({
        where: { id: proposalId, status: "open" },
        data: { status: "dismissed", decidedAt: now, decidedBy: actor },
      });
      if (n.count === 0) return { ok: false, reason: "not_open" };
      await tx.auditLog.create({
        data: { actor, action: "rebalance.dismissed", at: now, data: { proposalId } },
      });
      return { ok: true };
    });
  }

  private async bestEffort(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log.warn({ err: (e as Error).name }, "notification after rebalancing failed");
    }
  }
}
