// Changes to a case manager's capacity: the team lead's override and absences. Audited; whenever
// capacity grows, the wait list is pulled (matching.pull).

import { randomUUID } from "node:crypto";
import { inTx } from "../../db/tx.ts";
import { UUID } from "../kernel/ids.ts";
import { capacityOf } from "./capacity.ts";
import type { MatchingDeps } from "./deps.ts";
import { openLoadOf } from "./load.repository.ts";
import { matchPolicyOf } from "./policy.ts";

export type CapacityFailure = "not_found" | "not_team_lead" | "not_allowed" | "invalid";
export type CapacityResult<T = object> = ({ ok: true } & T) | { ok: false; reason: CapacityFailure };

export class CapacityService {
  constructor(private readonly deps: MatchingDeps) {}

  private async isTeamLead(cmId: string): Promise<boolean> {
    const by = await this.deps.db.caseManager.findUnique({
      where: { id: cmId },
      select: { teamLead: true, active: true },
    });
    return by?.teamLead === true && by.active;
  }

  /**
   * Sets (or with null clears) the case capacity of `cmId`, replacing fte × casesPerFte. Only an
   * active team lead may do this. Lowering below the current load takes nothing away: the person
   * just gets no new cases until they are below it.
   */
  async setCapacityOverride(
    cmId: string,
    cases: number | null,
    byCmId: string,
  ): Promise<CapacityResult<{ before: number; after: number; openCases: number }>> {
    if (cases !== null && (!Number.isInteger(cases) || cases < 0 || cases > 500))
      return { ok: false, reason: "invalid" };
    if (!(await this.isTeamLead(byCmId))) return { ok: false, reason: "not_team_lead" };
    const policy = matchPolicyOf(this.deps.org.policy);
    const now = this.deps.now();
    const r = await inTx(this.deps.db, async (tx) => {
      const rows = await tx.$queryRaw<{ fte: number; capacityOverride: number | null }[]>`
        SELECT fte, "capacityOverride" FROM "CaseManager" WHERE id = ${cmId} FOR UPDATE`;
      const cm = rows[0];
      if (!cm) return null;
      const capOf = (override: number | null) =>
        capacityOf(
          { fte: cm.fte, ...(override === null ? {} : { capacityOverride: { cases: override } }) },
          policy,
        ).cases;
      const before = capOf(cm.capacityOverride);
      const after = capOf(cases);
      await tx.caseManager.update({
        where: { id: cmId },
        data: { capacityOverride: cases, loadVersion: { increment: 1 } },
      });
      const load = await openLoadOf(tx, cmId);
      await tx.auditLog.create({
        data: {
          actor: `cm:${byCmId}`,
          action: "capacity.override",
          at: now,
          data: { cmId, from: cm.capacityOverride, to: cases, capacityBefore: before, capacityAfter: after },
        },
      });
      return { before, after, openCases: load.openCases };
    });
    if (!r) return { ok: false, reason: "not_found" };
    if (r.after > r.before && r.after > r.openCases) await this.pull("capacity_raised", cmId, now);
    return { ok: true, ...r };
  }

  /**
   * Records an absence [from, to): no new offers meanwhile. The case manager themself or a team lead
   * may record it. A pull is scheduled for its end.
   */
  async addAbsence(
    cmId: string,
    from: Date,
    to: Date,
    byCmId: string,
    note?: string,
    /** checked by the caller (staff/deputy.ts deputyProblem) */
    deputyId?: string | null,
  ): Promise<CapacityResult<{ absenceId: string }>> {
    if (!(to.getTime() > from.getTime())) return { ok: false, reason: "invalid" };
    if (byCmId !== cmId && !(await this.isTeamLead(byCmId))) return { ok: false, reason: "not_allowed" };
    const cm = await this.deps.db.caseManager.findUnique({ where: { id: cmId }, select: { id: true } });
    if (!cm) return { ok: false, reason: "not_found" };
    const now = this.deps.now();
    // the note is encrypted and bound to its row (an @encrypted field); without a cipher it is not kept
    const id = randomUUID();
    const stored =
      note && this.deps.cipher
        ? this.deps.cipher.encrypt(note, { table: "Absence", column: "note", row: id })
        : null;
    const absence = await this.deps.db.$transaction(async (tx) => {
      const a = await tx.absence.create({
        data: { id, cmId, from, to, note: stored, deputyId: deputyId ?? null, createdBy: `cm:${byCmId}` },
        select: { id: true },
      });
      await tx.caseManager.update({ where: { id: cmId }, data: { loadVersion: { increment: 1 } } });
      await tx.auditLog.create({
        data: {
          actor: `cm:${byCmId}`,
          action: "absence.added",
          at: now,
          data: {
            cmId,
            absenceId: a.id,
            from: from.toISOString(),
            to: to.toISOString(),
            deputyId: deputyId ?? null,
          },
        },
      });
      return a;
    });
    if (to.getTime() > now.getTime()) await this.pull("absence_ended", cmId, to);
    return { ok: true, absenceId: absence.id };
  }

  /** Ends an absence now (back early); the wait list is pulled at once. */
  async endAbsence(absenceId: string, byCmId: string): Promise<CapacityResult> {
    if (!UUID.test(absenceId)) return { ok: false, reason: "not_found" };
    const a = await this.deps.db.absence.findUnique({
      where: { id: absenceId },
      select: { cmId: true, from: true, to: true },
    });
    if (!a) return { ok: false, reason: "not_found" };
    if (byCmId !== a.cmId && !(await this.isTeamLead(byCmId))) return { ok: false, reason: "not_allowed" };
    const now = this.deps.now();
    if (a.to.getTime() > now.getTime()) {
      await this.deps.db.$transaction([
        // an absence that has not started yet is removed by making it empty
        this.deps.db.absence.update({
          where: { id: absenceId },
          data: { to: a.from.getTime() > now.getTime() ? a.from : now },
        }),
        this.deps.db.caseManager.update({ where: { id: a.cmId }, data: { loadVersion: { increment: 1 } } }),
        this.deps.db.auditLog.create({
          data: {
            actor: `cm:${byCmId}`,
            action: "absence.ended",
            at: now,
            data: { cmId: a.cmId, absenceId },
          },
        }),
      ]);
    }
    await this.pull("absence_ended", a.cmId, now);
    return { ok: true };
  }

  private async pull(reason: "capacity_raised" | "absence_ended", cmId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - this.deps.now().getTime());
    try {
      await this.deps.jobs.enqueue(
        "matching.pull",
        { reason, cmId, at: at.getTime() },
        delay > 0 ? { delay } : {},
      );
    } catch (e) {
      this.deps.log.warn(
        { cmId, reason, err: (e as Error).name },
        "pull not scheduled; the sweep catches up",
      );
    }
  }
}
