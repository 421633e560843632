// The intake.triage job: decide referral or case management for one submitted intake, store the
// outcome, and for case management open the case and put it on the wait list.
//
// Idempotent: the intake row is locked and an existing TriageOutcome means "done", so a retried or
// doubled job changes nothing and sends nothing. The client message and the assignment job go out
// after the commit; should the process die in between, the wait-list refresh still tells a waiting
// client where they stand (nothing was told yet), and the sweep offers the case.
import type { Organisation } from "../../config/org.schema.ts";
import type { Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { ExistingSupport, Topic, UrgencySignal } from "../intake/answers.ts";
import { EXISTING_SUPPORT, TOPICS, URGENCY_SIGNALS } from "../intake/answers.ts";
import { UUID } from "../kernel/ids.ts";
import type { MatchingDeps } from "../matching/deps.ts";
import { estimateParams, etaToString, waitlistSnapshot } from "../waitlist/waitlist.repository.ts";
import { triageRulesFromOrg } from "./rules.ts";
import { type TriageOutcome, type TriageRules, triage } from "./triage.ts";

export type TriageRunResult =
  | { status: "referral"; intakeId: string; targetId: string; reasonCode: string }
  | { status: "waitlisted"; intakeId: string; caseId: string; entryId: string }
  | { status: "already_triaged"; intakeId: string }
  /** case management, but the client has an open case already: noted, no second case */
  | { status: "already_open"; intakeId: string; caseId: string }
  | { status: "not_found"; intakeId: string };

const only = <T extends string>(allowed: readonly T[], xs: readonly string[]): T[] =>
  xs.filter((x): x is T => (allowed as readonly string[]).includes(x));

/** The region a district belongs to; an unknown district falls back to the first region. */
export function regionOfDistrict(org: Organisation, districtId: string): string {
  for (const r of org.regions) if (r.districts.some((d) => d.id === districtId)) return r.id;
  return org.regions[0]!.id;
}

export class TriageService {
  readonly rules: TriageRules;

  constructor(private readonly deps: MatchingDeps) {
    this.rules = triageRulesFromOrg(deps.org.triage);
  }

  async run(intakeId: string): Promise<TriageRunResult> {
    if (!UUID.test(intakeId)) return { status: "not_found", intakeId };
    const now = this.deps.now();
    const result = await inTx(this.deps.db, (tx) => this.decide(tx, intakeId, now));
    if (result.status === "referral") await this.afterReferral(result, now);
    if (result.status === "waitlisted") await this.afterWaitlisted(result, now);
    return result;
  }

  private async decide(tx: Tx, intakeId: string, now: Date): Promise<TriageRunResult> {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "Intake" WHERE id = ${intakeId}::uuid FOR UPDATE`;
    if (locked.length === 0) return { status: "not_found", intakeId };
    const intake = await tx.intake.findUniqueOrThrow({
      where: { id: intakeId },
      include: { triage: { select: { id: true } } },
    });
    if (intake.triage) return { status: "already_triaged", intakeId };

    const outcome: TriageOutcome = triage(
      {
        adults: intake.adults,
        children: intake.children,
        topics: only<Topic>(TOPICS, intake.topics),
        urgency: only<UrgencySignal>(URGENCY_SIGNALS, intake.urgency),
        existingSupport: only<ExistingSupport>(EXISTING_SUPPORT, intake.existingSupport),
      },
      this.rules,
      now,
    );
    await tx.triageOutcome.create({
      data: {
        intakeId,
        route: outcome.route,
        referralTarget: outcome.referralTarget ?? null,
        reasonCode: outcome.reasonCode,
        notes: [...outcome.notes],
        priority: Math.round(outcome.priority),
        breakdown: { ...outcome.priorityBreakdown, urgent: outcome.urgent, exactPriority: outcome.priority },
        decidedAt: now,
      },
    });
    await tx.auditLog.create({
      data: {
        actor: "system",
        action: "triage.decided",
        clientId: intake.clientId,
        data: {
          intakeId,
          route: outcome.route,
          reasonCode: outcome.reasonCode,
          priority: outcome.priority,
          ...(outcome.referralTarget ? { referralTarget: outcome.referralTarget } : {}),
        },
      },
    });

    if (outcome.route === "referral") {
      return {
        status: "referral",
        intakeId,
        targetId: outcome.referralTarget ?? "unknown",
        reasonCode: outcome.reasonCode,
      };
    }

    const open = await tx.case.findFirst({
      where: { clientId: intake.clientId, phase: { not: "closed" } },
      select: { id: true },
    });
    if (open) {
      await tx.auditLog.create({
        data: {
          actor: "system",
          action: "triage.open_case_exists",
          clientId: intake.clientId,
          caseId: open.id,
          data: { intakeId },
        },
      });
      return { status: "already_open", intakeId, caseId: open.id };
    }

    const kase = await tx.case.create({
      data: {
        clientId: intake.clientId,
        intakeId,
        referenceCode: intake.referenceCode,
        phase: "waiting",
        persons: intake.adults + intake.children,
        districtId: intake.districtId,
        regionId: regionOfDistrict(this.deps.org, intake.districtId),
        openedAt: now,
      },
      select: { id: true },
    });
    const entry = await tx.waitlistEntry.create({
      data: {
        clientId: intake.clientId,
        intakeId,
        basePriority: Math.round(outcome.priority),
        urgent: outcome.urgent,
        enqueuedAt: intake.submittedAt < now ? intake.submittedAt : now,
      },
      select: { id: true },
    });
    await tx.caseEvent.create({
      data: {
        caseId: kase.id,
        kind: "case.opened",
        toPhase: "waiting",
        actor: "system",
        at: now,
        data: { reasonCode: outcome.reasonCode, priority: outcome.priority, notes: [...outcome.notes] },
      },
    });
    return { status: "waitlisted", intakeId, caseId: kase.id, entryId: entry.id };
  }

  private async afterReferral(
    r: Extract<TriageRunResult, { status: "referral" }>,
    _now: Date,
  ): Promise<void> {
    await this.announceReferral(r, `triage.${r.intakeId}`);
  }

  /** Tells the client where to turn instead, in their language (also after a staff override). */
  async announceReferral(r: { intakeId: string; targetId: string; reasonCode: string }, key: string) {
    const intake = await this.deps.db.intake.findUnique({
      where: { id: r.intakeId },
      select: { clientId: true, referenceCode: true },
    });
    if (!intake) return;
    await this.bestEffort("client message", () =>
      this.deps.clients.notify(
        intake.clientId,
        "triage.referral",
        { referenceCode: intake.referenceCode, targetId: r.targetId, reasonCode: r.reasonCode },
        { key },
      ),
    );
  }

  private async afterWaitlisted(
    r: Extract<TriageRunResult, { status: "waitlisted" }>,
    now: Date,
  ): Promise<void> {
    await this.announceWaitlisted(r, now, { key: `triage.${r.intakeId}`, attempt: 0 });
  }

  /**
   * Tells a newly waiting client where they stand and offers the case (also after a staff override,
   * with a key and an attempt of its own so neither collides with the first triage's).
   */
  async announceWaitlisted(
    r: { intakeId: string; caseId: string; entryId: string },
    now: Date,
    o: { key: string; attempt: number },
  ): Promise<void> {
    const { db, org, jobs, clients } = this.deps;
    await this.bestEffort("client message", async () => {
      const snapshot = await waitlistSnapshot(db, org, now);
      const row = snapshot.byEntryId.get(r.entryId);
      if (!row) return; // already offered by a fast worker: the acceptance message follows
      await clients.notify(
        row.clientId,
        "triage.waitlisted",
        { referenceCode: row.referenceCode, ...estimateParams(row) },
        { key: o.key },
      );
      await db.waitlistEntry.update({
        where: { id: r.entryId },
        data: { lastNotifiedPosition: row.position, lastNotifiedEta: etaToString(row.estimate) },
      });
    });
    await this.bestEffort("assign", () =>
      jobs.enqueue("matching.assign", { caseId: r.caseId, trigger: "triaged", attempt: o.attempt }),
    );
  }

  /** Submitted intakes without an outcome (a lost job); the sweep triages them. */
  async pendingIntakeIds(olderThanMs = 60_000): Promise<string[]> {
    const cutoff = new Date(this.deps.now().getTime() - olderThanMs);
    const rows = await this.deps.db.intake.findMany({
      where: { triage: null, submittedAt: { lte: cutoff } },
      select: { id: true },
      orderBy: { submittedAt: "asc" },
    });
    return rows.map((r) => r.id);
  }

  private async bestEffort(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log.warn({ what, err: (e as Error).name }, "side effect after triage failed");
    }
  }
}
