// Storage of the case work after acceptance: assessments with their areas, goals of the goal
// agreement, referrals to partner offices, the events and audit entries of each change, and the
// case file the Slack modal shows. The only case-work file that touches Prisma; `transaction` hands
// the service a repository bound to one transaction, so a change, its CaseEvent, its AuditLog entry
// and its idempotency key commit together or not at all.
import type { Db, Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { GoalOutcome, GoalStatus, ReferralStatus } from "../../generated/prisma/enums.ts";
import { AuditRepository } from "../audit/audit.repository.ts";
import { IdempotencyRepository } from "../audit/idempotency.repository.ts";
import { PartnerConsentRepository } from "../privacy/partner-consent.repository.ts";
import { AccessRepository } from "../staff/access.repository.ts";
import type { CaseScope } from "../staff/authorize.ts";

export type CaseworkTx = Tx;
/** Event and audit data: ids and codes only, never personal values. */
export type AuditData = Record<string, string | number | boolean | string[] | null>;

export interface LockedCase {
  id: string;
  phase: string;
  cmId: string | null;
  clientId: string;
  referenceCode: string;
}

export interface StoredArea {
  area: string;
  status: string;
  barriers: string[];
  notes: string | null;
}

export class CaseworkRepository {
  constructor(private readonly db: Db | Tx) {}

  /** Runs `fn` in one transaction (retried on deadlocks) with a repository bound to it. */
  transaction<T>(fn: (repo: CaseworkRepository, tx: CaseworkTx) => Promise<T>): Promise<T> {
    return inTx(this.db as Db, (tx) => fn(new CaseworkRepository(tx), tx));
  }

  scope(caseId: string): Promise<CaseScope | null> {
    return new AccessRepository(this.db).caseScope(caseId);
  }

  async lockCase(caseId: string): Promise<LockedCase | null> {
    const rows = await this.db.$queryRaw<LockedCase[]>`
      SELECT id::text AS id, phase::text AS phase, "cmId", "clientId"::text AS "clientId", "referenceCode"
      FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
    return rows[0] ?? null;
  }

  /** False when the key was used before: a Slack retry of a submission already stored. */
  claim(key: string, now: Date): Promise<boolean> {
    return new IdempotencyRepository(this.db).claim(key, "casework", now);
  }

  seen(key: string): Promise<boolean> {
    return new IdempotencyRepository(this.db).seen(key);
  }

  async record(
    c: { id: string; clientId: string },
    e: {
      kind: string;
      actor: string;
      at: Date;
      data: AuditData;
      fromPhase?: string;
      toPhase?: string;
    },
  ): Promise<void> {
    const data = e.data;
    await this.db.caseEvent.create({
      data: {
        caseId: c.id,
        kind: e.kind,
        actor: e.actor,
        at: e.at,
        data,
        ...(e.fromPhase ? { fromPhase: e.fromPhase, toPhase: e.toPhase ?? null } : {}),
      },
    });
    await new AuditRepository(this.db as Db).record(
      { actor: e.actor, action: e.kind, caseId: c.id, clientId: c.clientId, at: e.at, data },
      this.db as Tx,
    );
  }

  /** What the person told about themselves (intake 12.1), as a case manager corrected or added it. */
  async setClientAbout(
    clientId: string,
    about: {
      originCountry: string | null;
      residenceStatus: string | null;
      arrivalYear: number | null;
      arrivedBefore?: null;
    },
  ): Promise<void> {
    await this.db.client.update({ where: { id: clientId }, data: about });
  }

  async setNextContact(caseId: string, at: Date): Promise<void> {
    await this.db.case.update({ where: { id: caseId }, data: { nextContactAt: at } });
  }

  async setPhase(
    caseId: string,
    phase: string,
    extra: { reassessmentDueAt?: Date | null } = {},
  ): Promise<void> {
    await this.db.case.update({
      where: { id: caseId },
      data: { phase: phase as never, ...extra },
    });
  }

  // ───────────── assessment ─────────────

  openAssessment(caseId: string) {
    return this.db.assessment.findFirst({
      where: { caseId, completedAt: null },
      orderBy: { startedAt: "desc" },
      include: { areas: true },
    });
  }

  latestAssessment(caseId: string) {
    return this.db.assessment.findFirst({
      where: { caseId },
      orderBy: { startedAt: "desc" },
      include: { areas: true },
    });
  }

  async startAssessment(caseId: string, kind: "initial" | "reassessment", by: string, now: Date) {
    return this.db.assessment.create({
      data: { caseId, kind, createdBy: by, startedAt: now },
      include: { areas: true },
    });
  }

  async putArea(assessmentId: string, a: StoredArea): Promise<void> {
    await this.db.assessmentArea.upsert({
      where: { assessmentId_area: { assessmentId, area: a.area } },
      create: { assessmentId, ...a },
      update: { status: a.status, barriers: a.barriers, notes: a.notes },
    });
  }

  async dropArea(assessmentId: string, area: string): Promise<void> {
    await this.db.assessmentArea.deleteMany({ where: { assessmentId, area } });
  }

  async completeAssessment(id: string, now: Date): Promise<void> {
    await this.db.assessment.update({ where: { id }, data: { completedAt: now } });
  }

  // ───────────── goals ─────────────

  goals(caseId: string) {
    return this.db.goal.findMany({ where: { caseId }, orderBy: { createdAt: "asc" } });
  }

  createGoal(g: {
    caseId: string;
    text: string;
    area: string;
    steps: string | null;
    responsible: "client" | "case_manager" | "partner";
    partnerId: string | null;
    dueDate: Date | null;
    createdAt: Date;
  }) {
    return this.db.goal.create({ data: g, select: { id: true } });
  }

  async setGoalOutcome(
    goalId: string,
    o: { outcome: GoalOutcome; reason: string | null; status: GoalStatus; at: Date },
  ): Promise<void> {
    await this.db.goal.update({
      where: { id: goalId },
      data: { outcome: o.outcome, outcomeReason: o.reason, outcomeAt: o.at, status: o.status },
    });
  }

  // ───────────── referrals ─────────────

  partnerCovers(clientId: string, partnerId: string): Promise<boolean> {
    return new PartnerConsentRepository(this.db).covers(clientId, partnerId);
  }

  partnerStates(clientId: string) {
    return new PartnerConsentRepository(this.db).states(clientId);
  }

  /** Whether the client's current release covers an office (granted and not withdrawn), read once. */
  async releasedTo(clientId: string): Promise<(partnerId: string) => boolean> {
    const states = await this.partnerStates(clientId);
    return (p) => {
      const s = states.get(p);
      return !!s && s.granted && !s.withdrawnAt;
    };
  }

  createReferral(r: {
    caseId: string;
    partnerId: string;
    purpose: string;
    note: string | null;
    goalId: string | null;
    sentAt: Date;
    expectedBy: Date;
    createdBy: string;
  }) {
    return this.db.referral.create({
      data: { ...r, statusAt: r.sentAt, createdAt: r.sentAt },
      select: { id: true },
    });
  }

  referral(id: string) {
    return this.db.referral.findUnique({
      where: { id },
      include: { case: { select: { id: true, clientId: true, phase: true, referenceCode: true } } },
    });
  }

  async updateReferral(
    id: string,
    data: { status?: ReferralStatus; statusAt?: Date; answeredAt?: Date; chasedAt?: Date },
  ): Promise<void> {
    await this.db.referral.update({ where: { id }, data });
  }

  referrals(caseId: string) {
    return this.db.referral.findMany({ where: { caseId }, orderBy: { sentAt: "asc" } });
  }

  /** Referrals still waiting for the partner on the open cases of these case managers. */
  awaitingFor(cmIds: readonly string[]) {
    return this.db.referral.findMany({
      where: { status: "sent", case: { cmId: { in: [...cmIds] }, phase: { not: "closed" } } },
      include: { case: { select: { referenceCode: true, cmId: true } } },
      orderBy: { expectedBy: "asc" },
      take: 200,
    });
  }

  /** Colleagues whose absence names this case manager as deputy at `now`. */
  async deputisingFor(cmId: string, now: Date): Promise<string[]> {
    const rows = await this.db.absence.findMany({
      where: { deputyId: cmId, from: { lte: now }, to: { gt: now } },
      select: { cmId: true },
    });
    return [...new Set(rows.map((r) => r.cmId))];
  }

  /** Open cases of these case managers (App Home's case picker). */
  openCasesOf(cmIds: readonly string[]) {
    return this.db.case.findMany({
      where: { cmId: { in: [...cmIds] }, phase: { notIn: ["closed", "waiting", "pending_acceptance"] } },
      select: { id: true, referenceCode: true, phase: true, cmId: true },
      orderBy: { openedAt: "asc" },
      take: 100,
    });
  }

  // ───────────── case conference ─────────────

  /** ids of the staff who can sit in a conference (active members of the organisation) */
  async activeStaffIds(): Promise<Set<string>> {
    const rows = await this.db.caseManager.findMany({ where: { active: true }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  createConference(c: {
    caseId: string;
    heldAt: Date;
    participants: unknown[];
    topics: string[];
    decisions: string | null;
    createdBy: string;
    createdAt: Date;
  }) {
    return this.db.caseConference.create({
      data: { ...c, participants: c.participants as never },
      select: { id: true },
    });
  }

  // ───────────── the case file ─────────────

  caseFile(caseId: string) {
    return this.db.case.findUnique({
      where: { id: caseId },
      include: {
        intake: true,
        cm: { select: { id: true, name: true } },
        client: {
          select: {
            id: true,
            pseudonym: true,
            locale: true,
            displayName: true,
            phone: true,
            originCountry: true,
            residenceStatus: true,
            arrivalYear: true,
            arrivedBefore: true,
            household: { select: { role: true, birthYear: true } },
            consents: {
              orderBy: { decidedAt: "asc" },
              select: { purpose: true, partnerId: true, granted: true, withdrawnAt: true, decidedAt: true },
            },
          },
        },
        goals: { orderBy: { createdAt: "asc" } },
        referrals: { orderBy: { sentAt: "asc" } },
        conferences: { orderBy: { heldAt: "desc" }, take: 5 },
        assessments: { orderBy: { startedAt: "desc" }, take: 1, include: { areas: true } },
        appointments: {
          where: { status: "booked" },
          orderBy: { startsAt: "asc" },
          take: 3,
          select: { startsAt: true, mode: true },
        },
        events: {
          orderBy: { at: "desc" },
          take: 15,
          select: { kind: true, actor: true, at: true, toPhase: true },
        },
      },
    });
  }
}
