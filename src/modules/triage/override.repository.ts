// Storage of a staff triage override: the intake's outcome, case and wait-list entry as the pure
// decision (override.ts) needs them, and the writes each effect makes. The only file of the override
// that touches Prisma; `transaction` hands the service a repository bound to one transaction, so the
// outcome, the case, the entry, the event, the audit row and the idempotency key commit together.
import type { Db, Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import { IdempotencyRepository } from "../audit/idempotency.repository.ts";
import { AccessRepository, LATEST_CM_CONSENT } from "../staff/access.repository.ts";
import type { CaseScope } from "../staff/authorize.ts";
import type { OverrideState } from "./override.ts";
import type { TriageRoute } from "./triage.ts";

/** Event and audit data: ids and codes only, never personal values. */
export type OverrideData = Record<string, string | number | boolean | null>;

export interface OverrideSubject {
  state: OverrideState;
  outcomeId: string;
  breakdown: Record<string, unknown>;
  intake: { id: string; clientId: string; referenceCode: string; persons: number; districtId: string };
  submittedAt: Date;
  caseId: string | null;
  entryId: string | null;
  /** offers the case had so far: the next matching.assign attempt */
  assignments: number;
}

export class TriageOverrideRepository {
  constructor(private readonly db: Db | Tx) {}

  transaction<T>(fn: (repo: TriageOverrideRepository) => Promise<T>): Promise<T> {
    return inTx(this.db as Db, (tx) => fn(new TriageOverrideRepository(tx)));
  }

  async intakeIdByReference(referenceCode: string): Promise<string | null> {
    const row = await this.db.intake.findUnique({ where: { referenceCode }, select: { id: true } });
    return row?.id ?? null;
  }

  async intakeIdOfCase(caseId: string): Promise<string | null> {
    const row = await this.db.case.findUnique({ where: { id: caseId }, select: { intakeId: true } });
    return row?.intakeId ?? null;
  }

  scope(intakeId: string): Promise<{ scope: CaseScope; caseId: string | null } | null> {
    return new AccessRepository(this.db).intakeScope(intakeId);
  }

  /** Locks the intake and its case, so a concurrent offer (which locks the case) waits or wins first. */
  async lockIntake(intakeId: string): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Intake" WHERE id = ${intakeId}::uuid FOR UPDATE`;
    if (rows.length === 0) return false;
    await this.db.$queryRaw`SELECT id FROM "Case" WHERE "intakeId" = ${intakeId}::uuid FOR UPDATE`;
    return true;
  }

  /** False when the key was used before: a Slack retry of a submission already stored. */
  claim(key: string, now: Date): Promise<boolean> {
    return new IdempotencyRepository(this.db).claim(key, "triage.override", now);
  }

  seen(key: string): Promise<boolean> {
    return new IdempotencyRepository(this.db).seen(key);
  }

  async subject(intakeId: string): Promise<OverrideSubject | null> {
    const i = await this.db.intake.findUnique({
      where: { id: intakeId },
      select: {
        id: true,
        clientId: true,
        referenceCode: true,
        adults: true,
        children: true,
        districtId: true,
        submittedAt: true,
        triage: true,
        waitlistEntry: { select: { id: true, status: true, urgent: true } },
        case: {
          select: {
            id: true,
            phase: true,
            cmId: true,
            closureReason: true,
            _count: { select: { assignments: true } },
          },
        },
        client: { select: { consents: LATEST_CM_CONSENT } },
      },
    });
    if (!i?.triage) return null;
    const others = await this.db.case.count({
      where: { clientId: i.clientId, phase: { not: "closed" }, intakeId: { not: i.id } },
    });
    const consent = i.client.consents[0];
    const breakdown = (i.triage.breakdown ?? {}) as Record<string, unknown>;
    const entry = i.waitlistEntry;
    return {
      state: {
        route: i.triage.route,
        referralTarget: i.triage.referralTarget,
        urgent: entry?.status === "waiting" ? entry.urgent : breakdown.urgent === true,
        priority: i.triage.priority,
        case: i.case ? { phase: i.case.phase, cmId: i.case.cmId, closureReason: i.case.closureReason } : null,
        waiting: entry?.status === "waiting",
        otherOpenCase: others > 0,
        consentWithdrawn: !consent?.granted || consent.withdrawnAt !== null,
      },
      outcomeId: i.triage.id,
      breakdown,
      intake: {
        id: i.id,
        clientId: i.clientId,
        referenceCode: i.referenceCode,
        persons: i.adults + i.children,
        districtId: i.districtId,
      },
      submittedAt: i.submittedAt,
      caseId: i.case?.id ?? null,
      entryId: entry?.id ?? null,
      assignments: i.case?._count.assignments ?? 0,
    };
  }

  async updateOutcome(
    id: string,
    o: { route: TriageRoute; referralTarget: string | null; priority: number; breakdown: object },
  ): Promise<void> {
    await this.db.triageOutcome.update({ where: { id }, data: o });
  }

  async regionOfDistrict(districtId: string): Promise<string | null> {
    const d = await this.db.district.findUnique({ where: { id: districtId }, select: { regionId: true } });
    return d?.regionId ?? null;
  }

  async openCase(s: OverrideSubject, regionId: string, now: Date): Promise<string> {
    const kase = await this.db.case.create({
      data: {
        clientId: s.intake.clientId,
        intakeId: s.intake.id,
        referenceCode: s.intake.referenceCode,
        phase: "waiting",
        persons: s.intake.persons,
        districtId: s.intake.districtId,
        regionId,
        openedAt: now,
      },
      select: { id: true },
    });
    return kase.id;
  }

  async reopenCase(caseId: string): Promise<void> {
    await this.db.case.update({
      where: { id: caseId },
      data: { phase: "waiting", cmId: null, closedAt: null, closureReason: null },
    });
  }

  async closeAsReferred(caseId: string, now: Date): Promise<void> {
    await this.db.case.update({
      where: { id: caseId },
      data: { phase: "closed", closedAt: now, closureReason: "referred" },
    });
  }

  /** The intake's entry waits (again), or is created; returns its id. */
  async enterWaitlist(
    s: OverrideSubject,
    e: { basePriority: number; urgent: boolean; enqueuedAt: Date },
  ): Promise<string> {
    const data = { ...e, status: "waiting" as const, leftAt: null };
    if (s.entryId) {
      await this.db.waitlistEntry.update({
        where: { id: s.entryId },
        data: { ...data, lastNotifiedPosition: null, lastNotifiedEta: null },
      });
      return s.entryId;
    }
    const row = await this.db.waitlistEntry.create({
      data: { ...data, clientId: s.intake.clientId, intakeId: s.intake.id },
      select: { id: true },
    });
    return row.id;
  }

  async leaveWaitlist(entryId: string, now: Date): Promise<void> {
    await this.db.waitlistEntry.update({
      where: { id: entryId },
      data: { status: "withdrawn", leftAt: now, lastNotifiedPosition: null, lastNotifiedEta: null },
    });
  }

  async reorder(entryId: string, e: { basePriority: number; urgent: boolean }): Promise<void> {
    await this.db.waitlistEntry.update({ where: { id: entryId }, data: e });
  }

  async event(
    e: { id: string; caseId: string; fromPhase: string; toPhase: string; actor: string; at: Date },
    data: OverrideData,
  ): Promise<void> {
    await this.db.caseEvent.create({ data: { ...e, kind: "triage.overridden", data } });
  }

  async audit(
    a: { actor: string; caseId: string | null; clientId: string; at: Date },
    data: OverrideData,
  ): Promise<void> {
    await this.db.auditLog.create({ data: { ...a, action: "triage.overridden", data } });
  }
}
