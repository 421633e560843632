// Batched assignment (issue 14.1): one transaction places up to N waiting cases. The sweep and the
// "capacity freed" pull use it; single triggers (triaged, declined, expired) keep the per-case path
// in assignment.service.ts, whose latency per case is lower.
//
// One batch, four round trips:
//   1. claim up to N waiting cases in wait-list order, FOR UPDATE SKIP LOCKED: parallel runners take
//      disjoint batches, and a case that a per-case assign or a decline holds is simply left out.
//   2. lock every active case manager's row in id order (one statement, always the same order).
//      Every change of a load or an absence bumps loadVersion and so needs that row lock (see the
//      header of assignment.service.ts), so from here until commit nobody can change the loads.
//   3. read what changed in the team (the team cache's fragment) and the claimed households' earlier
//      offers. This statement starts after the locks, so its snapshot holds everything committed by
//      whoever held them before: the loads are exact, no re-check is needed before writing.
//   4. after deciding in memory (batch-plan.ts, the same rankCandidates), one statement writes every
//      decision record, offer, case, wait-list entry, case event, audit entry and loadVersion bump.
// Locking the whole team serialises batches against each other and against per-case assigns for a
// few milliseconds; per batch of 100 that is far cheaper than 100 per-case transactions. Lock
// order: cases, then case managers, as on the per-case path. A per-case assign that re-ranks to a
// second case manager can still deadlock with a batch; Postgres aborts one and inTx runs it again.

import { inTx } from "../../db/tx.ts";
import { orderWaitlist } from "../waitlist/priority.ts";
import {
  claimWaiting,
  lockActiveTeam,
  type OfferRow,
  teamStateAndHistory,
  writeOffers,
} from "./batch-assign.repository.ts";
import { planBatch } from "./batch-plan.ts";
import type { MatchingDeps } from "./deps.ts";
import { freeSlotsOf } from "./load.repository.ts";
import type { TeamCache } from "./team-cache.repository.ts";
import type { MatchPolicy } from "./types.ts";
import { uuid7 } from "./uuid7.ts";

const HOUR_MS = 3_600_000;

/** Cases per batch when the caller does not say: ~10 ms of ranking against 1,000 case managers. */
export const DEFAULT_BATCH_SIZE = 50;

export interface BatchOptions {
  /** who asked ("system", "cm:<id>", "cli"); default "system" */
  actor?: string;
  /** cases this run already found no candidate for: not claimed again */
  skipCaseIds?: readonly string[];
}

export interface BatchOffer {
  caseId: string;
  assignmentId: string;
  cmId: string;
  decisionId: string;
  deadlineAt: Date;
}

export interface BatchResult {
  claimed: number;
  /** committed offers; their side effects (expiry job, Slack card) are the caller's, after commit */
  offers: BatchOffer[];
  noCandidate: string[];
  freeSlotsBefore: number;
  freeSlotsAfter: number;
}

export class BatchAssigner {
  /** milliseconds spent per step, summed over all batches (bench) */
  readonly timings = { claim: 0, lock: 0, state: 0, plan: 0, write: 0, total: 0 };

  constructor(
    private readonly deps: MatchingDeps,
    private readonly policy: MatchPolicy,
    private readonly teamCache: TeamCache,
  ) {}

  async run(limit: number, trigger: string, opts: BatchOptions = {}): Promise<BatchResult> {
    const now = this.deps.now();
    const { org } = this.deps;
    const start = performance.now();
    let t = start;
    const lap = (step: "claim" | "lock" | "state" | "plan" | "write") => {
      const n = performance.now();
      this.timings[step] += n - t;
      t = n;
    };
    const result = await inTx(this.deps.db, async (tx): Promise<BatchResult> => {
      t = performance.now();
      const claimed = await claimWaiting(
        tx,
        limit,
        {
          now,
          agingPointsPerDay: org.policy.agingPointsPerDay,
          ...(org.policy.starvationGuardDays !== undefined
            ? { starvationGuardDays: org.policy.starvationGuardDays }
            : {}),
        },
        opts.skipCaseIds ?? [],
      );
      if (claimed.length === 0) {
        // nothing to place; the free slots only inform the caller (no lock needed for that)
        const free = freeSlotsOf(await this.teamCache.team(tx, now));
        return { claimed: 0, offers: [], noCandidate: [], freeSlotsBefore: free, freeSlotsAfter: free };
      }
      lap("claim");
      await lockActiveTeam(tx);
      lap("lock");
      const { state, history } = await teamStateAndHistory(
        tx,
        this.teamCache.stateColumns(now),
        claimed.map((c) => c.clientId),
      );
      const team = await this.teamCache.absorb(tx, now, state);
      lap("state");
      // the exact wait-list order (the SQL order only chose which cases to claim)
      const ordered = orderWaitlist(
        claimed.map((c) => ({ ...c, id: c.entryId, caseId: c.id })),
        now,
        {
          agingPointsPerDay: org.policy.agingPointsPerDay,
          ...(org.policy.starvationGuardDays !== undefined
            ? { starvationGuardDays: org.policy.starvationGuardDays }
            : {}),
        },
      ).map((c) => ({ ...c, id: c.caseId }));
      const plan = planBatch(ordered, team, history, { now, policy: this.policy, trigger });

      const actor = opts.actor ?? "system";
      const deadlineAt = new Date(now.getTime() + org.policy.acceptanceDeadlineHours * HOUR_MS);
      const ms = now.getTime();
      const rows: OfferRow[] = plan.offers.map((o) => {
        const assignmentId = uuid7(ms);
        const decisionId = uuid7(ms);
        return {
          caseId: o.caseId,
          clientId: o.clientId,
          cmId: o.cmId,
          decisionId,
          assignmentId,
          eventId: uuid7(ms),
          inputs: JSON.stringify(o.record.inputs),
          candidates: JSON.stringify(o.record.candidates),
          excluded: JSON.stringify(o.record.excluded),
          eventData: JSON.stringify({ assignmentId, cmId: o.cmId, trigger }),
          auditData: JSON.stringify({ assignmentId, cmId: o.cmId, decisionId, trigger, score: o.score }),
        };
      });
      lap("plan");
      await writeOffers(tx, rows, { trigger, actor, now, deadlineAt });
      lap("write");
      return {
        claimed: claimed.length,
        offers: rows.map((r) => ({
          caseId: r.caseId,
          assignmentId: r.assignmentId,
          cmId: r.cmId,
          decisionId: r.decisionId,
          deadlineAt,
        })),
        noCandidate: plan.noCandidate,
        freeSlotsBefore: plan.freeSlotsBefore,
        freeSlotsAfter: plan.freeSlotsAfter,
      };
    });
    this.timings.total += performance.now() - start;
    return result;
  }
}
