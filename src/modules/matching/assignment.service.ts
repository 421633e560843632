// Atomic assignment of waiting cases to case managers, and everything that happens to an offer
// afterwards (accept, decline, expire) or to a case that ends (close).
// Over 400 lines because an offer's whole life shares one lock order, one decision record and one set
// of side effects; the batched path (pull, sweep) lives in batch-assign.service.ts.
//
// Concurrency. Several worker processes run this at once. Two row locks make it safe, always taken
// in the same order (case, then case manager):
//   1. the case row (SELECT … FOR UPDATE): only one transaction decides about a case; whoever comes
//      second sees it is no longer waiting and stops. The partial unique index "one pending per
//      case" is the database's own backstop.
//   2. the chosen case manager's row: capacity is re-counted under this lock, so two transactions
//      that picked the same person with one free slot serialise and the second one re-ranks
//      without them. In READ COMMITTED every statement sees what was committed before it started,
//      so the count after the lock includes the other side's new case.
// A re-rank may lock a second case manager while holding the first; two such transactions can
// deadlock. Postgres aborts one of them and `inTx` runs it again from the start.
//
// Invariant: every change of a case manager's open load (offer, decline, expiry, close, move) and of
// their absences bumps CaseManager.loadVersion in the same transaction. The team cache files load
// figures under the version they were counted at; when the locked row still shows that version the
// figures are exact and need no recount. Code outside this module that changes Case.cmId or moves
// a case out of an open phase must go through these services (or bump loadVersion itself); a
// missed bump that lowers a load only makes the check conservative.
//
// Round trips of an offer in the common case: BEGIN, lock case (+ what changed in the team), earlier
// offers of the household, lock case manager, one statement with every write, COMMIT.
//
// Side effects outside the database (delayed expiry job, Slack card, client message) happen after
// the commit and are best effort: the periodic sweep expires overdue offers and assigns waiting cases
// even when a job was lost.
import type { Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { AssignmentStatus } from "../kernel/enums.ts";
import { UUID } from "../kernel/ids.ts";
import {
  BatchAssigner,
  type BatchOptions,
  type BatchResult,
  DEFAULT_BATCH_SIZE,
} from "./batch-assign.service.ts";
import { capacityOf, isAbsent } from "./capacity.ts";
import { recordDecision } from "./decision.repository.ts";
import { type DecisionRecord, decisionRecordOf, matchClientFrom } from "./decision-record.ts";
import type { MatchingDeps } from "./deps.ts";
import { OPEN_PHASES, type TeamMember } from "./load.repository.ts";
import { agencyLoadsOf, rankCandidates } from "./pick-assignee.ts";
import { matchPolicyOf } from "./policy.ts";
import { TeamCache, type TeamStateColumns } from "./team-cache.repository.ts";
import type { MatchClient, MatchPolicy, RankedCandidate, RankingResult } from "./types.ts";
import { uuid7 } from "./uuid7.ts";

const HOUR_MS = 3_600_000;

export const ASSIGN_TRIGGERS = [
  "triaged",
  "declined",
  "expired",
  "sweep",
  "capacity_freed",
  "manual",
] as const;
export type AssignTrigger = (typeof ASSIGN_TRIGGERS)[number];

export { DECISION_MAX_EXCLUSIONS, DECISION_TOP_CANDIDATES } from "./decision-record.ts";

export type AssignResult =
  | { ok: true; assignmentId: string; cmId: string; decisionId: string; deadlineAt: Date }
  | { ok: false; reason: "not_found" | "not_waiting" | "no_candidate"; decisionId?: string };

export type DecideFailure = "not_found" | "not_yours" | "already_decided" | "not_due";
export type DecideResult =
  | { ok: true; caseId: string; attempt?: number }
  | { ok: false; reason: DecideFailure; status?: AssignmentStatus };

export interface AssignOptions {
  /** case managers who must not get this case (added to those who declined or let it expire) */
  excludeCmIds?: readonly string[];
  /** the job's attempt counter, kept in the decision record */
  attempt?: number;
  /** store a decision record when nobody is eligible (default true; the batched pull stores none either) */
  recordNoCandidate?: boolean;
  /** who asked ("system", "cm:<id>", "cli"); default "system" */
  actor?: string;
}

export interface PullResult {
  assigned: number;
  considered: number;
  freeSlotsBefore: number;
}

interface LockedCase {
  id: string;
  phase: string;
  clientId: string;
  districtId: string;
  regionId: string;
  persons: number;
  referenceCode: string;
  languages: string[];
  topics: string[];
}

/** first word of a name: what the client is told ("Yasin"), never the full name */
export const firstNameOf = (name: string): string => name.trim().split(/\s+/)[0] ?? name;

export class AssignmentService {
  readonly policy: MatchPolicy;
  /** the team with loads, kept between decisions (see TeamCache for why that is safe) */
  readonly teamCache: TeamCache;
  private readonly batch: BatchAssigner;
  /** where batches spend their time (bench) */
  get batchTimings(): Readonly<BatchAssigner["timings"]> {
    return this.batch.timings;
  }
  /** decisions where the chosen person's load had to be counted again under the lock */
  recounts = 0;

  constructor(private readonly deps: MatchingDeps) {
    this.policy = matchPolicyOf(deps.org.policy, deps.options);
    this.teamCache = new TeamCache(this.policy);
    this.batch = new BatchAssigner(deps, this.policy, this.teamCache);
  }

  // ───────────────────────────── assign ─────────────────────────────

  async assign(caseId: string, trigger: AssignTrigger, opts: AssignOptions = {}): Promise<AssignResult> {
    if (!UUID.test(caseId)) return { ok: false, reason: "not_found" };
    const now = this.deps.now();
    const result = await inTx(this.deps.db, (tx) => this.assignInTx(tx, caseId, trigger, opts, now));
    if (result.ok) await this.afterOffer(result.assignmentId, result.deadlineAt, now);
    return result;
  }

  private async assignInTx(
    tx: Tx,
    caseId: string,
    trigger: AssignTrigger,
    opts: AssignOptions,
    now: Date,
  ): Promise<AssignResult> {
    // statement 1: lock the case, and (for free, same round trip) what changed in the team
    const locked = await tx.$queryRaw<(LockedCase & TeamStateColumns)[]>`
      SELECT c.id, c.phase::text AS phase, c."clientId", c."districtId", c."regionId", c.persons,
             c."referenceCode", i.languages, i.topics, ${this.teamCache.stateColumns(now)}
      FROM "Case" c JOIN "Intake" i ON i.id = c."intakeId"
      WHERE c.id = ${caseId}::uuid
      FOR UPDATE OF c`;
    const row = locked[0];
    if (!row) return { ok: false, reason: "not_found" };
    if (row.phase !== "waiting") return { ok: false, reason: "not_waiting" };
    let team: TeamMember[] = await this.teamCache.absorb(tx, now, row);
    // statement 2, after the lock: earlier offers of this case (declines) and of this household
    const client = await this.matchClientOf(tx, row, opts.excludeCmIds ?? []);
    const fullUnderLock: string[] = [];

    let ranking: RankingResult;
    let chosen: RankedCandidate | null;
    for (;;) {
      ranking = rankCandidates(client, team, { now, policy: this.policy, agencyLoads: agencyLoadsOf(team) });
      chosen = ranking.chosen;
      if (!chosen) break;
      const cmId = chosen.cmId;
      const cmRows = await tx.$queryRaw<
        { active: boolean; fte: number; capacityOverride: number | null; loadVersion: number }[]
      >`
        SELECT active, fte, "capacityOverride", "loadVersion" FROM "CaseManager" WHERE id = ${cmId} FOR UPDATE`;
      const cm = cmRows[0];
      // FOR UPDATE returns the newest row version, so its loadVersion tells whether anyone changed
      // this person's load (or absences) since our figures were counted. If not, they are exact.
      const member = team.find((m) => m.id === cmId);
      let load: { openCases: number; openPersons: number };
      let absences: { from: Date; to: Date }[];
      if (cm && member && member.loadVersion === cm.loadVersion) {
        load = { openCases: member.openCases, openPersons: member.openPersons };
        absences = [...member.absences];
      } else {
        // a new statement after the lock: its snapshot includes whatever the previous holder committed
        const [fresh] = await tx.$queryRaw<{ cases: number; persons: number; absent: boolean }[]>`
          SELECT count(*)::int AS cases, coalesce(sum(persons), 0)::int AS persons,
                 EXISTS (SELECT 1 FROM "Absence" WHERE "cmId" = ${cmId} AND "from" <= ${now}::timestamp AND "to" > ${now}::timestamp) AS absent
          FROM "Case" WHERE "cmId" = ${cmId} AND phase::text = ANY(${[...OPEN_PHASES]}::text[])`;
        load = { openCases: fresh?.cases ?? 0, openPersons: fresh?.persons ?? 0 };
        absences = fresh?.absent ? [{ from: now, to: new Date(now.getTime() + 1) }] : [];
        this.recounts++;
      }
      const override = cm?.capacityOverride == null ? undefined : { cases: cm.capacityOverride };
      const cap = cm
        ? capacityOf({ fte: cm.fte, ...(override ? { capacityOverride: override } : {}) }, this.policy)
        : null;
      const fits =
        cm?.active === true &&
        cap !== null &&
        !isAbsent(absences, now) &&
        load.openCases + 1 <= cap.cases &&
        (!this.policy.usePersons || load.openPersons + client.persons <= cap.persons);
      if (fits) break;
      // someone else filled the slot (or the person was deactivated) since we read the team:
      // rank again with the fresh figures; the lock stays until commit, so they stay full for us
      fullUnderLock.push(cmId);
      team = team.map((m) =>
        m.id === cmId
          ? {
              ...m,
              active: cm?.active ?? false,
              fte: cm?.fte ?? m.fte,
              openCases: load.openCases,
              openPersons: load.openPersons,
              absences,
              ...(override ? { capacityOverride: override } : {}),
            }
          : m,
      );
    }

    if (!chosen) {
      if (opts.recordNoCandidate === false) return { ok: false, reason: "no_candidate" };
      const decisionId = await recordDecision(
        tx,
        this.decisionData(caseId, trigger, client, ranking, fullUnderLock, opts, now, null),
      );
      await tx.auditLog.create({
        data: {
          actor: opts.actor ?? "system",
          action: "assignment.no_candidate",
          caseId,
          clientId: row.clientId,
          data: { decisionId, trigger, eligible: 0, excluded: ranking.excluded.length },
        },
      });
      return { ok: false, reason: "no_candidate", decisionId };
    }

    const cmId = chosen.cmId;
    const deadlineAt = new Date(now.getTime() + this.deps.org.policy.acceptanceDeadlineHours * HOUR_MS);
    const decisionId = uuid7(now.getTime());
    const assignmentId = uuid7(now.getTime());
    const d = this.decisionData(caseId, trigger, client, ranking, fullUnderLock, opts, now, cmId);
    const actor = opts.actor ?? "system";
    // every write of the offer in one statement (one round trip): the decision record, the
    // assignment, the case, its wait-list entry, the case history, the audit log, the load version
    await tx.$executeRaw`
      WITH d AS (
        INSERT INTO "AssignmentDecision" (id, "caseId", trigger, "chosenCmId", inputs, candidates, excluded, at)
        VALUES (${decisionId}::uuid, ${caseId}::uuid, ${trigger}, ${cmId}, ${JSON.stringify(d.inputs)}::jsonb,
                ${JSON.stringify(d.candidates)}::jsonb, ${JSON.stringify(d.excluded)}::jsonb, ${now}::timestamp)
      ), a AS (
        INSERT INTO "Assignment" (id, "caseId", "cmId", "decisionId", status, "createdAt", "deadlineAt")
        VALUES (${assignmentId}::uuid, ${caseId}::uuid, ${cmId}, ${decisionId}::uuid, 'pending', ${now}::timestamp, ${deadlineAt}::timestamp)
      ), c AS (
        UPDATE "Case" SET phase = 'pending_acceptance', "cmId" = ${cmId} WHERE id = ${caseId}::uuid RETURNING "intakeId"
      ), w AS (
        UPDATE "WaitlistEntry" SET status = 'assigned', "leftAt" = ${now}::timestamp
        WHERE "intakeId" IN (SELECT "intakeId" FROM c) AND status = 'waiting'
      ), e AS (
        INSERT INTO "CaseEvent" (id, "caseId", kind, "fromPhase", "toPhase", actor, at, data)
        VALUES (${uuid7(now.getTime())}::uuid, ${caseId}::uuid, 'assignment.offered', 'waiting', 'pending_acceptance',
                ${actor}, ${now}::timestamp, ${JSON.stringify({ assignmentId, cmId, trigger })}::jsonb)
      ), l AS (
        INSERT INTO "AuditLog" (at, actor, action, "caseId", "clientId", data)
        VALUES (${now}::timestamp, ${actor}, 'assignment.offered', ${caseId}::uuid, ${row.clientId}::uuid,
                ${JSON.stringify({ assignmentId, cmId, decisionId, trigger, score: chosen.score })}::jsonb)
      )
      UPDATE "CaseManager" SET "loadVersion" = "loadVersion" + 1 WHERE id = ${cmId}`;
    return { ok: true, assignmentId, cmId, decisionId, deadlineAt };
  }

  /** statement 2, after the case lock: earlier offers of this case (declines) and of this household */
  private async matchClientOf(
    tx: Tx,
    row: LockedCase,
    extraExcluded: readonly string[],
  ): Promise<MatchClient> {
    const history = await tx.assignment.findMany({
      where: { case: { clientId: row.clientId } },
      select: { caseId: true, cmId: true, status: true },
    });
    return matchClientFrom(row, history, extraExcluded);
  }

  private decisionData(
    caseId: string,
    trigger: AssignTrigger,
    client: MatchClient,
    ranking: RankingResult,
    fullUnderLock: readonly string[],
    opts: AssignOptions,
    now: Date,
    chosenCmId: string | null,
  ): DecisionRecord {
    return decisionRecordOf({
      caseId,
      trigger,
      client,
      ranking,
      fullUnderLock,
      policy: this.policy,
      attempt: opts.attempt ?? 0,
      now,
      chosenCmId,
    });
  }

  private async afterOffer(assignmentId: string, deadlineAt: Date, now: Date, refresh = true): Promise<void> {
    const { jobs, staff, log } = this.deps;
    await this.bestEffort("schedule expiry", () =>
      jobs.enqueue(
        "matching.expire",
        { assignmentId },
        { delay: Math.max(0, deadlineAt.getTime() - now.getTime()) },
      ),
    );
    await this.bestEffort("offer card", () => staff.assignmentOffered(assignmentId));
    if (refresh)
      await this.bestEffort("wait-list refresh", () =>
        jobs.enqueue("waitlist.refresh", { at: now.getTime() }),
      );
    log.debug({ assignmentId }, "assignment offered");
  }

  private async bestEffort(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log.warn(
        { what, err: (e as Error).name, msg: (e as Error).message },
        "side effect failed; the sweep catches up",
      );
    }
  }

  // ───────────────────────────── decisions on an offer ─────────────────────────────

  /** The case manager takes the case: the offer becomes an accepted assignment, the case starts. */
  async accept(assignmentId: string, cmId: string): Promise<DecideResult> {
    const now = this.deps.now();
    const r = await this.decide(assignmentId, { cmId, now, action: "accept" });
    if (!r.ok) return r;
    await this.bestEffort("cancel expiry", () => this.deps.jobs.cancel("matching.expire", { assignmentId }));
    await this.bestEffort("offer card", () => this.deps.staff.assignmentChanged(assignmentId));
    await this.bestEffort("client message", () =>
      this.tellClientAssigned(assignmentId, "assignment.accepted"),
    );
    // the appointments feature offers the client the case manager's next free slots
    await this.bestEffort("appointment offer", () =>
      this.deps.jobs.enqueue("appointment.offer", {
        caseId: r.caseId,
        reason: "assigned",
        starts: [],
        key: `assigned.${assignmentId}`,
      }),
    );
    await this.bestEffort("wait-list refresh", () =>
      this.deps.jobs.enqueue("waitlist.refresh", { at: now.getTime() }),
    );
    return r;
  }

  /** The case manager cannot take it: back on the wait list, offered to someone else. */
  async decline(assignmentId: string, cmId: string, reason?: string): Promise<DecideResult> {
    const now = this.deps.now();
    const r = await this.decide(assignmentId, {
      cmId,
      now,
      action: "decline",
      ...(reason ? { reason } : {}),
    });
    if (r.ok) await this.afterReturn(assignmentId, r, "declined", cmId, now);
    return r;
  }

  /** The acceptance deadline passed without a decision: treated like a decline (the job or the sweep calls it). */
  async expire(assignmentId: string): Promise<DecideResult> {
    const now = this.deps.now();
    const r = await this.decide(assignmentId, { now, action: "expire" });
    if (r.ok) await this.afterReturn(assignmentId, r, "expired", null, now);
    return r;
  }

  private async afterReturn(
    assignmentId: string,
    r: { caseId: string; attempt?: number },
    trigger: "declined" | "expired",
    cmId: string | null,
    now: Date,
  ): Promise<void> {
    const { jobs } = this.deps;
    if (trigger === "declined")
      await this.bestEffort("cancel expiry", () => jobs.cancel("matching.expire", { assignmentId }));
    await this.bestEffort("offer card", () => this.deps.staff.assignmentChanged(assignmentId));
    await this.bestEffort("reassign", () =>
      jobs.enqueue("matching.assign", { caseId: r.caseId, trigger, attempt: r.attempt ?? 1 }),
    );
    // the slot the offer held is free again for other waiting cases
    await this.bestEffort("pull", () =>
      jobs.enqueue("matching.pull", {
        reason: "offer_returned",
        ...(cmId ? { cmId } : {}),
        at: now.getTime(),
      }),
    );
  }

  private async decide(
    assignmentId: string,
    a: { action: "accept" | "decline" | "expire"; cmId?: string; reason?: string; now: Date },
  ): Promise<DecideResult> {
    if (!UUID.test(assignmentId)) return { ok: false, reason: "not_found" };
    const { db } = this.deps;
    const head = await db.assignment.findUnique({ where: { id: assignmentId }, select: { caseId: true } });
    if (!head) return { ok: false, reason: "not_found" };
    const caseId = head.caseId;
    return inTx(db, async (tx): Promise<DecideResult> => {
      // lock order: case, then the assignment (the same order as assign and close)
      const cases = await tx.$queryRaw<{ phase: string; clientId: string }[]>`
        SELECT phase::text AS phase, "clientId" FROM "Case" WHERE id = ${caseId}::uuid FOR UPDATE`;
      const kase = cases[0];
      const rows = await tx.$queryRaw<{ status: AssignmentStatus; cmId: string; deadlineAt: Date }[]>`
        SELECT status::text AS status, "cmId", "deadlineAt" FROM "Assignment" WHERE id = ${assignmentId}::uuid FOR UPDATE`;
      const asg = rows[0];
      if (!kase || !asg) return { ok: false, reason: "not_found" };
      if (a.cmId !== undefined && asg.cmId !== a.cmId) return { ok: false, reason: "not_yours" };
      if (asg.status !== "pending") return { ok: false, reason: "already_decided", status: asg.status };
      if (a.action === "expire" && new Date(asg.deadlineAt).getTime() > a.now.getTime())
        return { ok: false, reason: "not_due", status: asg.status };

      const actor = a.action === "expire" ? "system" : `cm:${asg.cmId}`;
      if (a.action === "accept") {
        await tx.assignment.update({
          where: { id: assignmentId },
          data: { status: "accepted", decidedAt: a.now },
        });
        await tx.case.update({ where: { id: caseId }, data: { phase: "first_consultation" } });
        await tx.caseEvent.create({
          data: {
            caseId,
            kind: "assignment.accepted",
            fromPhase: "pending_acceptance",
            toPhase: "first_consultation",
            actor,
            at: a.now,
            data: { assignmentId, cmId: asg.cmId },
          },
        });
        await tx.auditLog.create({
          data: {
            actor,
            action: "assignment.accepted",
            caseId,
            clientId: kase.clientId,
            data: { assignmentId, cmId: asg.cmId },
          },
        });
        return { ok: true, caseId };
      }

      const status = a.action === "decline" ? "declined" : "expired";
      const declineReason =
        a.action === "decline" && a.reason && this.deps.cipher ? this.deps.cipher.encrypt(a.reason) : null;
      await tx.assignment.update({
        where: { id: assignmentId },
        data: { status, decidedAt: a.now, declineReason },
      });
      await tx.case.update({ where: { id: caseId }, data: { phase: "waiting", cmId: null } });
      // back on the wait list with the original enqueuedAt: the time waited keeps counting
      await tx.waitlistEntry.updateMany({
        where: { intake: { case: { id: caseId } }, status: "assigned" },
        data: { status: "waiting", leftAt: null },
      });
      await tx.caseEvent.create({
        data: {
          caseId,
          kind: `assignment.${status}`,
          fromPhase: "pending_acceptance",
          toPhase: "waiting",
          actor,
          at: a.now,
          data: { assignmentId, cmId: asg.cmId },
        },
      });
      await tx.auditLog.create({
        data: {
          actor,
          action: `assignment.${status}`,
          caseId,
          clientId: kase.clientId,
          data: { assignmentId, cmId: asg.cmId, reasonGiven: Boolean(a.reason) },
        },
      });
      await tx.$executeRaw`UPDATE "CaseManager" SET "loadVersion" = "loadVersion" + 1 WHERE id = ${asg.cmId}`;
      const attempt = await tx.assignment.count({
        where: { caseId, status: { in: ["declined", "expired"] } },
      });
      return { ok: true, caseId, attempt };
    });
  }

  /** Tells the client who accompanies them now (first name and agency only). */
  async tellClientAssigned(
    assignmentId: string,
    template: "assignment.accepted" | "assignment.moved",
  ): Promise<void> {
    const a = await this.deps.db.assignment.findUnique({
      where: { id: assignmentId },
      select: {
        case: { select: { clientId: true, referenceCode: true } },
        cm: { select: { name: true, agency: { select: { name: true } } } },
      },
    });
    if (!a) return;
    await this.deps.clients.notify(
      a.case.clientId,
      template,
      {
        referenceCode: a.case.referenceCode,
        cmFirstName: firstNameOf(a.cm.name),
        agencyName: a.cm.agency.name,
      },
      { key: `${template}.${assignmentId}` },
    );
  }

  // ───────────────────────────── batches: pull and sweep ─────────────────────────────

  /**
   * Up to `limit` waiting cases in wait-list order, placed in one transaction (batch-assign.service.ts).
   * The offers' side effects run here after the commit, as for a single assign, with one wait-list
   * refresh for the whole batch.
   */
  async assignBatch(
    limit: number = DEFAULT_BATCH_SIZE,
    trigger: AssignTrigger = "sweep",
    opts: BatchOptions = {},
  ): Promise<BatchResult> {
    const r = await this.batch.run(limit, trigger, opts);
    if (r.offers.length > 0) {
      const now = this.deps.now();
      for (const o of r.offers) await this.afterOffer(o.assignmentId, o.deadlineAt, now, false);
      await this.bestEffort("wait-list refresh", () =>
        this.deps.jobs.enqueue("waitlist.refresh", { at: now.getTime() }),
      );
    }
    return r;
  }

  /**
   * Capacity became free somewhere (or the sweep runs): offer the waiting cases in wait-list order to
   * whoever has room, batch after batch, until nobody has room or nobody waiting fits. Cases a batch
   * found no candidate for are not claimed again in this run, so the run ends.
   */
  async pull(
    trigger: AssignTrigger = "capacity_freed",
    opts: { actor?: string; batchSize?: number; maxBatches?: number } = {},
  ): Promise<PullResult> {
    const total: PullResult = { assigned: 0, considered: 0, freeSlotsBefore: -1 };
    const skip: string[] = [];
    const size = opts.batchSize ?? DEFAULT_BATCH_SIZE;
    for (let i = 0; i < (opts.maxBatches ?? 10_000); i++) {
      const r = await this.assignBatch(size, trigger, {
        skipCaseIds: skip,
        ...(opts.actor ? { actor: opts.actor } : {}),
      });
      if (total.freeSlotsBefore < 0) total.freeSlotsBefore = r.freeSlotsBefore;
      total.assigned += r.offers.length;
      total.considered += r.claimed;
      skip.push(...r.noCandidate);
      if (r.claimed === 0 || r.freeSlotsAfter <= 0) break;
      if (r.offers.length === 0 && r.noCandidate.length === 0) break;
    }
    if (total.freeSlotsBefore < 0) total.freeSlotsBefore = 0;
    return total;
  }

  /** Pending offers whose deadline passed (the sweep expires them when a delayed job was lost). */
  async overdueAssignmentIds(): Promise<string[]> {
    const rows = await this.deps.db.assignment.findMany({
      where: { status: "pending", deadlineAt: { lte: this.deps.now() } },
      select: { id: true },
      orderBy: { deadlineAt: "asc" },
    });
    return rows.map((r) => r.id);
  }
}
