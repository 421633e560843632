// The in-memory half of a batch: given the claimed cases in wait-list order and the team with exact
// loads (counted under the case managers' locks), decide one case after the other with the same
// ranking as the per-case path (rankCandidates), counting each offer into the chosen person's load
// before the next case is ranked. So the result is what the per-case path would decide for the same
// cases in the same order with the same clock, one transaction at a time.
import {
  type CaseForMatch,
  type DecisionRecord,
  decisionRecordOf,
  type HouseholdOffer,
  matchClientFrom,
} from "./decision-record.ts";
import { freeSlotsOf, type TeamMember, teamMember } from "./load.repository.ts";
import { agencyLoadsOf, rankCandidates } from "./pick-assignee.ts";
import type { MatchPolicy } from "./types.ts";

export interface PlannedOffer {
  caseId: string;
  clientId: string;
  cmId: string;
  score: number;
  record: DecisionRecord;
}

export interface BatchPlan {
  offers: PlannedOffer[];
  /** claimed cases nobody eligible had room for (no decision record, as in the per-case pull) */
  noCandidate: string[];
  /** claimed cases not ranked because the team had no free slot left */
  notTried: string[];
  freeSlotsBefore: number;
  freeSlotsAfter: number;
}

export function planBatch(
  cases: readonly CaseForMatch[],
  team: readonly TeamMember[],
  history: ReadonlyMap<string, readonly HouseholdOffer[]>,
  ctx: { now: Date; policy: MatchPolicy; trigger: string; attempt?: number },
): BatchPlan {
  // a working copy: the members belong to the team cache and must not change under it
  const work = [...team];
  const index = new Map<string, number>();
  for (let i = 0; i < work.length; i++) index.set(work[i]!.id, i);
  const freeSlotsBefore = freeSlotsOf(work);
  let free = freeSlotsBefore;
  const plan: BatchPlan = { offers: [], noCandidate: [], notTried: [], freeSlotsBefore, freeSlotsAfter: 0 };

  for (const row of cases) {
    if (free <= 0) {
      plan.notTried.push(row.id);
      continue;
    }
    const client = matchClientFrom(row, history.get(row.clientId) ?? []);
    const ranking = rankCandidates(client, work, {
      now: ctx.now,
      policy: ctx.policy,
      agencyLoads: agencyLoadsOf(work),
    });
    const chosen = ranking.chosen;
    if (!chosen) {
      plan.noCandidate.push(row.id);
      continue;
    }
    const i = index.get(chosen.cmId)!;
    const m = work[i]!;
    // rebuilt, not mutated: same hidden class as every other member (see teamMember)
    work[i] = teamMember(
      m,
      { openCases: m.openCases + 1, openPersons: m.openPersons + row.persons },
      m.absences,
      m.absentNow,
      m.loadVersion,
    );
    // the chosen person had a free case slot (the ranking checks it), so the team has one less
    if (m.active && !m.absentNow) free--;
    plan.offers.push({
      caseId: row.id,
      clientId: row.clientId,
      cmId: chosen.cmId,
      score: chosen.score,
      record: decisionRecordOf({
        caseId: row.id,
        trigger: ctx.trigger,
        client,
        ranking,
        fullUnderLock: [],
        policy: ctx.policy,
        attempt: ctx.attempt ?? 0,
        now: ctx.now,
        chosenCmId: chosen.cmId,
      }),
    });
  }
  plan.freeSlotsAfter = free;
  return plan;
}
