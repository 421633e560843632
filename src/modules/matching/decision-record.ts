// What the per-case assigner and the batch assigner share without touching the database: who the
// client is for the ranking (household rules: declines and expiries of this case exclude, earlier
// accepted cases of the household give continuity), and the "why assigned" record of a decision.
// One definition, so a record written by a batch reads exactly like one written case by case.
import type { SpokenLanguage, Topic } from "../intake/answers.ts";
import type { Exclusion, MatchClient, MatchPolicy, RankingResult } from "./types.ts";

/** How many ranked candidates a decision record keeps with all their score parts. */
export const DECISION_TOP_CANDIDATES = 10;
/** How many exclusions a decision record lists one by one (all are counted by reason). */
export const DECISION_MAX_EXCLUSIONS = 100;

/** The case as the ranking needs it. */
export interface CaseForMatch {
  id: string;
  clientId: string;
  districtId: string;
  regionId: string;
  persons: number;
  languages: readonly string[];
  topics: readonly string[];
}

/** One earlier offer of the household (any case of the same client). */
export interface HouseholdOffer {
  caseId: string;
  cmId: string;
  status: string;
}

export function matchClientFrom(
  row: CaseForMatch,
  history: readonly HouseholdOffer[],
  extraExcluded: readonly string[] = [],
): MatchClient {
  const excluded = new Set(extraExcluded);
  const previous = new Set<string>();
  for (const h of history) {
    if (h.caseId === row.id && (h.status === "declined" || h.status === "expired")) excluded.add(h.cmId);
    if (h.caseId !== row.id && (h.status === "accepted" || h.status === "moved")) previous.add(h.cmId);
  }
  return {
    id: row.id,
    districtId: row.districtId,
    regionId: row.regionId,
    languages: row.languages as SpokenLanguage[],
    topics: row.topics as Topic[],
    persons: row.persons,
    previousCmIds: [...previous],
    excludeCmIds: [...excluded],
  };
}

export interface DecisionRecord {
  caseId: string;
  trigger: string;
  chosenCmId: string | null;
  at: Date;
  inputs: Record<string, unknown>;
  candidates: Record<string, unknown>;
  excluded: Record<string, unknown>;
}

export function decisionRecordOf(a: {
  caseId: string;
  trigger: string;
  client: MatchClient;
  ranking: RankingResult;
  /** case managers found full only under the lock (always empty for a batch: it counts under lock) */
  fullUnderLock: readonly string[];
  policy: MatchPolicy;
  attempt: number;
  now: Date;
  chosenCmId: string | null;
}): DecisionRecord {
  const { client, ranking } = a;
  const byReason: Record<string, number> = {};
  for (const e of ranking.excluded) byReason[e.reason] = (byReason[e.reason] ?? 0) + 1;
  // the interesting exclusions first (declined, absent, region), capacity last
  const order = (e: Exclusion) =>
    e.reason === "no_case_capacity" || e.reason === "no_person_capacity" ? 1 : 0;
  const items = [...ranking.excluded].sort((x, y) => order(x) - order(y)).slice(0, DECISION_MAX_EXCLUSIONS);
  return {
    caseId: a.caseId,
    trigger: a.trigger,
    chosenCmId: a.chosenCmId,
    at: a.now,
    inputs: {
      client: {
        districtId: client.districtId,
        regionId: client.regionId,
        languages: [...client.languages],
        topics: [...client.topics],
        persons: client.persons,
        previousCmIds: [...client.previousCmIds],
        excludeCmIds: [...client.excludeCmIds],
      },
      policy: { ...a.policy },
      attempt: a.attempt,
      now: a.now.toISOString(),
      fullUnderLock: [...a.fullUnderLock],
    },
    candidates: {
      total: ranking.ranked.length,
      top: ranking.ranked.slice(0, DECISION_TOP_CANDIDATES).map((r) => ({
        cmId: r.cmId,
        agencyId: r.agencyId,
        score: r.score,
        parts: { ...r.parts },
        facts: { ...r.facts },
      })),
    },
    excluded: { total: ranking.excluded.length, byReason, items: items.map((e) => ({ ...e })) },
  };
}
