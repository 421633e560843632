// A team lead moves one open case to another case manager ("Reassign" in Slack). Follows the rules of
// the rebalance service's moves: one transaction that locks the case and then the receiving case
// manager, the old accepted assignment becomes "moved", the receiver gets an accepted assignment
// straight away (a supervision decision, not an offer), the case keeps its phase, a CaseEvent and an
// AuditLog row record it. Unlike a rebalance move, a lead's reassignment is not refused for a near
// appointment or recent contact (the lead decides, e.g. for a long illness), nor for a full receiver.
// The free-text reason may mention the client: it is stored encrypted in the CaseEvent only.
// Who may reassign is checked by the caller (identity.ts: canSupervise for both sides).
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { Logger } from "../../lib/logger.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import { UUID } from "../kernel/ids.ts";
import { ACTIVE_PHASES } from "../matching/load.repository.ts";
import type { StaffNotifier } from "../notify/notifier.ts";

export type ReassignResult =
  | { ok: true; oldAssignmentId: string | null; newAssignmentId: string; fromCmId: string }
  | { ok: false; reason: "not_found" | "closed" | "same_cm" | "target_inactive" | "not_assigned" };

export interface ReassignDeps {
  db: Db;
  cipher: FieldCipher;
  staff: StaffNotifier;
  log: Logger;
  now: () => Date;
  /** tells the client who accompanies them now (AssignmentService.tellClientAssigned) */
  tellClient?: (assignmentId: string) => Promise<void>;
}

export class ReassignService {
  constructor(private readonly deps: ReassignDeps) {}

  async reassign(caseId: string, toCmId: string, byCmId: string, reason: string): Promise<ReassignResult> {
    if (!UUID.test(caseId)) return { ok: false, reason: "not_found" };
    const now = this.deps.now();
    const actor = `cm:${byCmId}`;
    const r = await inTx(this.deps.db, async (tx): Promise<ReassignResult> => {
      const rows = await tx.$queryRaw<{ phase: string; cmId: string | null; clientId: string }[]>`
        SELECT phase::text AS phase, "cmId", "clientId" FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
      const kase = rows[0];
      if (!kase) return { ok: false, reason: "not_found" };
      if (kase.phase === "closed") return { ok: false, reason: "closed" };
      if (!kase.cmId || !(ACTIVE_PHASES as readonly string[]).includes(kase.phase))
        return { ok: false, reason: "not_assigned" };
      if (kase.cmId === toCmId) return { ok: false, reason: "same_cm" };
      const to = (
        await tx.$queryRaw<{ active: boolean }[]>`
        SELECT active FROM "CaseManager" WHERE id = ${toCmId} FOR UPDATE`
      )[0];
      if (!to?.active) return { ok: false, reason: "target_inactive" };
      const fromCmId = kase.cmId;
      const old = await tx.assignment.findFirst({
        where: { caseId, cmId: fromCmId, status: "accepted" },
        orderBy: { createdAt: "desc" },
        select: { id: true },
      });
      if (old)
        await tx.assignment.update({ where: { id: old.id }, data: { status: "moved", decidedAt: now } });
      const created = await tx.assignment.create({
        data: { caseId, cmId: toCmId, status: "accepted", createdAt: now, deadlineAt: now, decidedAt: now },
        select: { id: true },
      });
      // the relay thread follows the case to the new case manager's card
      await tx.case.update({
        where: { id: caseId },
        data: { cmId: toCmId, threadChannel: null, threadTs: null },
      });
      // the reason is bound to its event row (v2, crypto.ts): a copy elsewhere does not verify
      const eventId = randomUUID();
      await tx.caseEvent.create({
        data: {
          id: eventId,
          caseId,
          kind: "case.reassigned",
          fromPhase: kase.phase,
          toPhase: kase.phase,
          actor,
          at: now,
          data: {
            fromCmId,
            toCmId,
            reasonEnc: this.deps.cipher.encrypt(reason, {
              table: "CaseEvent",
              column: "data.reasonEnc",
              row: eventId,
            }),
          },
        },
      });
      await tx.auditLog.create({
        data: {
          actor,
          action: "case.reassigned",
          caseId,
          clientId: kase.clientId,
          at: now,
          data: {
            fromCmId,
            toCmId,
            oldAssignmentId: old?.id ?? null,
            newAssignmentId: created.id,
            reasonGiven: reason.length > 0,
          },
        },
      });
      await tx.$executeRaw`UPDATE "CaseManager" SET "loadVersion" = "loadVersion" + 1 WHERE id IN (${toCmId}, ${fromCmId})`;
      return { ok: true, oldAssignmentId: old?.id ?? null, newAssignmentId: created.id, fromCmId };
    });
    if (!r.ok) return r;
    const best = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (e) {
        this.deps.log.warn({ what, err: (e as Error).name }, "side effect after reassignment failed");
      }
    };
    if (r.oldAssignmentId) {
      const id = r.oldAssignmentId;
      await best("old card", () => this.deps.staff.assignmentChanged(id));
    }
    await best("new card", () => this.deps.staff.assignmentOffered(r.newAssignmentId));
    if (this.deps.tellClient) {
      const tell = this.deps.tellClient;
      await best("client", () => tell(r.newAssignmentId));
    }
    return r;
  }
}
