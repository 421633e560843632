// The statements of one batch of assignments (see batch-assign.service.ts for the order and why it
// is safe). Each function is one round trip inside the caller's transaction.
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { HouseholdOffer } from "./decision-record.ts";
import type { TeamStateColumns } from "./team-cache.repository.ts";

const DAY_MS = 86_400_000;

export interface ClaimedCase {
  id: string;
  clientId: string;
  districtId: string;
  regionId: string;
  persons: number;
  languages: string[];
  topics: string[];
  /** the wait-list entry, for orderWaitlist */
  entryId: string;
  basePriority: number;
  urgent: boolean;
  enqueuedAt: Date;
}

export interface ClaimOrder {
  now: Date;
  agingPointsPerDay: number;
  starvationGuardDays?: number;
}

/**
 * Up to `limit` waiting cases in wait-list order, locked. SKIP LOCKED passes over cases another
 * transaction holds (a parallel batch, a per-case assign, a decline), so parallel runners take
 * disjoint batches instead of queueing behind each other. The ORDER BY is orderWaitlist's key in SQL
 * (lane, then rounded base + ageing, then enqueuedAt, then id); the caller sorts the claimed rows
 * again with orderWaitlist itself, so float details can only move a case across a batch boundary.
 */
export async function claimWaiting(
  tx: Tx,
  limit: number,
  order: ClaimOrder,
  skipCaseIds: readonly string[],
): Promise<ClaimedCase[]> {
  const { now } = order;
  const lane =
    order.starvationGuardDays === undefined
      ? Prisma.sql`0`
      : Prisma.sql`CASE WHEN w.urgent OR w."enqueuedAt" <= ${new Date(now.getTime() - order.starvationGuardDays * DAY_MS)}::timestamp THEN 1 ELSE 0 END`;
  // the intake (languages, topics) is joined only to the claimed rows, not to everyone waiting
  return tx.$queryRaw<ClaimedCase[]>`
    WITH claimed AS (
      SELECT c.id, c."clientId", c."districtId", c."regionId", c.persons, c."intakeId",
             w.id AS "entryId", w."basePriority", w.urgent, w."enqueuedAt"
      FROM "WaitlistEntry" w
      JOIN "Case" c ON c."intakeId" = w."intakeId"
      WHERE w.status = 'waiting' AND c.phase = 'waiting' AND c.id <> ALL(${[...skipCaseIds]}::uuid[])
      ORDER BY ${lane} DESC,
               round((w."basePriority" + ${order.agingPointsPerDay}::float8
                      * greatest(0, extract(epoch FROM (${now}::timestamp - w."enqueuedAt"))::float8 * 1000) / ${DAY_MS}::float8)::numeric, 6) DESC,
               w."enqueuedAt", w.id
      LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    )
    SELECT k.id, k."clientId", k."districtId", k."regionId", k.persons, i.languages, i.topics,
           k."entryId", k."basePriority", k.urgent, k."enqueuedAt"
    FROM claimed k JOIN "Intake" i ON i.id = k."intakeId"`;
}

/**
 * Locks every active case manager's row, in id order (one statement, so always the same order:
 * two batches cannot deadlock on each other). FOR NO KEY UPDATE conflicts with the per-case
 * assigner's FOR UPDATE and with every loadVersion bump, but not with the foreign-key checks of
 * rows that merely point at a case manager.
 */
export async function lockActiveTeam(tx: Tx): Promise<number> {
  const rows = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (
      SELECT id FROM "CaseManager" WHERE active ORDER BY id FOR NO KEY UPDATE
    ) locked`;
  return rows[0]?.n ?? 0;
}

/**
 * What changed in the team (the team cache's fragment) and the earlier offers of the claimed
 * households, in one statement. Run after lockActiveTeam: its snapshot then holds every committed
 * change of a locked person's load, and nobody can change it before we commit.
 */
export async function teamStateAndHistory(
  tx: Tx,
  stateColumns: Prisma.Sql,
  clientIds: readonly string[],
): Promise<{ state: TeamStateColumns; history: Map<string, HouseholdOffer[]> }> {
  const [row] = await tx.$queryRaw<(TeamStateColumns & { hist: [string, string, string, string][] })[]>`
    SELECT ${stateColumns},
      (SELECT coalesce(json_agg(json_build_array(c."clientId", a."caseId", a."cmId", a.status::text)), '[]'::json)
         FROM "Assignment" a JOIN "Case" c ON c.id = a."caseId"
         WHERE c."clientId" = ANY(${[...clientIds]}::uuid[])) AS hist`;
  if (!row) throw new Error("team state: no row");
  const history = new Map<string, HouseholdOffer[]>();
  for (const [clientId, caseId, cmId, status] of row.hist) {
    let list = history.get(clientId);
    if (!list) {
      list = [];
      history.set(clientId, list);
    }
    list.push({ caseId, cmId, status });
  }
  return { state: row, history };
}

export interface OfferRow {
  caseId: string;
  clientId: string;
  cmId: string;
  decisionId: string;
  assignmentId: string;
  eventId: string;
  /** JSON text of the decision record's parts and of the event and audit data */
  inputs: string;
  candidates: string;
  excluded: string;
  eventData: string;
  auditData: string;
}

/**
 * Every write of a batch in one statement, one multi-row INSERT or UPDATE per table: decision
 * records, offers, cases, wait-list entries, case history, audit log, and one loadVersion bump per
 * case manager who got something (a version only has to change, not count).
 */
export async function writeOffers(
  tx: Tx,
  rows: readonly OfferRow[],
  a: { trigger: string; actor: string; now: Date; deadlineAt: Date },
): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <K extends keyof OfferRow>(k: K) => rows.map((r) => r[k]);
  return tx.$executeRaw`
    WITH x AS (
      SELECT * FROM unnest(
        ${col("caseId")}::uuid[], ${col("clientId")}::uuid[], ${col("cmId")}::text[],
        ${col("decisionId")}::uuid[], ${col("assignmentId")}::uuid[], ${col("eventId")}::uuid[],
        ${col("inputs")}::text[], ${col("candidates")}::text[], ${col("excluded")}::text[],
        ${col("eventData")}::text[], ${col("auditData")}::text[]
      ) AS t("caseId", "clientId", "cmId", "decisionId", "assignmentId", "eventId",
             inputs, candidates, excluded, "eventData", "auditData")
    ), d AS (
      INSERT INTO "AssignmentDecision" (id, "caseId", trigger, "chosenCmId", inputs, candidates, excluded, at)
      SELECT "decisionId", "caseId", ${a.trigger}, "cmId", inputs::jsonb, candidates::jsonb, excluded::jsonb, ${a.now}::timestamp
      FROM x
    ), o AS (
      INSERT INTO "Assignment" (id, "caseId", "cmId", "decisionId", status, "createdAt", "deadlineAt")
      SELECT "assignmentId", "caseId", "cmId", "decisionId", 'pending', ${a.now}::timestamp, ${a.deadlineAt}::timestamp
      FROM x
    ), c AS (
      UPDATE "Case" k SET phase = 'pending_acceptance', "cmId" = x."cmId"
      FROM x WHERE k.id = x."caseId"
      RETURNING k."intakeId"
    ), w AS (
      UPDATE "WaitlistEntry" SET status = 'assigned', "leftAt" = ${a.now}::timestamp
      WHERE "intakeId" IN (SELECT "intakeId" FROM c) AND status = 'waiting'
    ), e AS (
      INSERT INTO "CaseEvent" (id, "caseId", kind, "fromPhase", "toPhase", actor, at, data)
      SELECT "eventId", "caseId", 'assignment.offered', 'waiting', 'pending_acceptance', ${a.actor}, ${a.now}::timestamp, "eventData"::jsonb
      FROM x
    ), l AS (
      INSERT INTO "AuditLog" (at, actor, action, "caseId", "clientId", data)
      SELECT ${a.now}::timestamp, ${a.actor}, 'assignment.offered', "caseId", "clientId", "auditData"::jsonb
      FROM x
    )
    UPDATE "CaseManager" SET "loadVersion" = "loadVersion" + 1
    WHERE id IN (SELECT DISTINCT "cmId" FROM x)`;
}
