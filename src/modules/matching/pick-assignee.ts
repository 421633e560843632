// Who should accompany this client? Hard filters decide who may; a weighted score decides who
// should. Every ranked candidate carries its score parts and the facts behind them, so the
// dispatcher can store a "why assigned" record and a team lead can read it back.
//
// Called once per wait-list entry with the whole team as candidates: the loops below avoid
// per-candidate allocations except the result objects themselves.
import type { SpokenLanguage, Topic } from "../intake/answers.ts";
import { capacityFromFte, DEFAULT_CAPACITY_POLICY, isAbsent } from "./capacity.ts";
import type {
  AgencyLoad,
  Exclusion,
  ExclusionReason,
  MatchCandidate,
  MatchClient,
  MatchPolicy,
  MatchWeights,
  RankedCandidate,
  RankingResult,
} from "./types.ts";

export const DEFAULT_MATCH_POLICY: MatchPolicy = {
  ...DEFAULT_CAPACITY_POLICY,
  usePersons: false,
  regionBound: false,
};

/**
 * Continuity first (the household already trusts that person and their file is known), then
 * language (a shared language saves an interpreter in every meeting), then load fairness. Shortfall is a fraction of capacity (−1…1), so a weight of 4 means
 * "25 % of capacity below fair share" is worth as much as a local contact. A language match
 * (3) therefore wins unless the matching case manager is ~75 % of capacity more loaded.
 */
export const DEFAULT_MATCH_WEIGHTS: MatchWeights = {
  language: 3,
  germanOnly: 1,
  localDistrict: 1.5,
  topics: 1,
  continuity: 3.5,
  shortfall: 4,
  agencyShortfall: 1,
};

export interface RankContext {
  readonly now: Date;
  readonly policy: MatchPolicy;
  readonly weights?: MatchWeights;
  /** Load per agency id across the whole agency; see {@link agencyLoadsOf}. */
  readonly agencyLoads?: Readonly<Record<string, AgencyLoad>>;
}

/** The first hard filter a candidate fails, or null when they may take the client. */
export function exclusionReason(
  client: MatchClient,
  c: MatchCandidate,
  now: Date,
  policy: MatchPolicy,
): ExclusionReason | null {
  if (!c.active) return "inactive";
  if (client.excludeCmIds.includes(c.id)) return "declined_or_timed_out";
  return filterAfterExcluded(client, c, now, policy);
}

function filterAfterExcluded(
  client: MatchClient,
  c: MatchCandidate,
  now: Date,
  policy: MatchPolicy,
): ExclusionReason | null {
  if (isAbsent(c.absences, now)) return "absent";
  if (policy.regionBound && !c.regionIds.includes(client.regionId)) return "region_not_responsible";
  if (c.agencyRegionIds !== undefined && !c.agencyRegionIds.includes(client.regionId)) {
    return "agency_not_serving_region";
  }
  const capCases = c.capacityOverride?.cases ?? capacityFromFte(c.fte, policy.casesPerFte);
  if (c.openCases + 1 > capCases) return "no_case_capacity";
  if (policy.usePersons) {
    const capPersons = c.capacityOverride?.persons ?? capacityFromFte(c.fte, policy.personsPerFte);
    if (c.openPersons + client.persons > capPersons) return "no_person_capacity";
  }
  return null;
}

/**
 * Rank everyone who may take the client, best first (score desc, then id: deterministic).
 * Fair share is computed over all active candidates, absent ones included (their open cases
 * still are theirs): fairShare_i = Σ open × fte_i / Σ fte, shortfall_i = (fairShare_i −
 * open_i) / capacity_i, as in weighted round robin.
 */
export function rankCandidates(
  client: MatchClient,
  candidates: readonly MatchCandidate[],
  ctx: RankContext,
): RankingResult {
  const { now, policy } = ctx;
  const w = ctx.weights ?? DEFAULT_MATCH_WEIGHTS;
  const excludedIds = client.excludeCmIds.length > 0 ? new Set(client.excludeCmIds) : null;
  const clientTopics = distinctTopics(client.topics);
  const clientSpeaksGerman = client.languages.includes("de");
  const agencyShortfalls = agencyShortfallsOf(ctx.agencyLoads, policy.casesPerFte);

  let teamOpen = 0;
  let teamFte = 0;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (!c.active || !(c.fte > 0)) continue;
    teamOpen += c.openCases;
    teamFte += c.fte;
  }
  const openPerFte = teamFte > 0 ? teamOpen / teamFte : 0;

  const ranked: RankedCandidate[] = [];
  const excluded: Exclusion[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    const reason = !c.active
      ? "inactive"
      : excludedIds?.has(c.id)
        ? "declined_or_timed_out"
        : filterAfterExcluded(client, c, now, policy);
    if (reason !== null) {
      excluded.push({ cmId: c.id, reason });
      continue;
    }

    const capCases = c.capacityOverride?.cases ?? capacityFromFte(c.fte, policy.casesPerFte);
    const capPersons = c.capacityOverride?.persons ?? capacityFromFte(c.fte, policy.personsPerFte);
    const sharedLanguage = sharedLanguageOf(client.languages, c.languages, clientSpeaksGerman);
    const localContact = c.localDistrictIds.includes(client.districtId);
    const topicShare = clientTopics.length === 0 ? 0 : countIn(clientTopics, c.topics) / clientTopics.length;
    const continuity = client.previousCmIds.includes(c.id);
    const fairShare = openPerFte * c.fte;
    const shortfall = capCases > 0 ? (fairShare - c.openCases) / capCases : 0;
    const agencyShortfall = agencyShortfalls.get(c.agencyId) ?? null;

    const language = sharedLanguage === null ? 0 : sharedLanguage === "de" ? w.germanOnly : w.language;
    const parts = {
      language,
      localDistrict: localContact ? w.localDistrict : 0,
      topics: w.topics * topicShare,
      continuity: continuity ? w.continuity : 0,
      shortfall: w.shortfall * shortfall,
      agencyShortfall: w.agencyShortfall * (agencyShortfall ?? 0),
    };
    const raw =
      parts.language +
      parts.localDistrict +
      parts.topics +
      parts.continuity +
      parts.shortfall +
      parts.agencyShortfall;
    ranked.push({
      cmId: c.id,
      agencyId: c.agencyId,
      // rounded so that mathematically equal scores tie and fall to the id, not to float noise
      score: Math.round(raw * 1e9) / 1e9,
      parts,
      facts: {
        sharedLanguage,
        localContact,
        topicShare,
        continuity,
        openCases: c.openCases,
        fairShare,
        shortfall,
        agencyShortfall,
        freeCases: capCases - c.openCases,
        freePersons: capPersons - c.openPersons,
      },
    });
  }
  ranked.sort(byScoreThenId);
  return { chosen: ranked[0] ?? null, ranked, excluded };
}

/** Per-agency totals from a candidate list, for callers that hold the whole team. */
export function agencyLoadsOf(candidates: readonly MatchCandidate[]): Record<string, AgencyLoad> {
  const out: Record<string, { fte: number; openCases: number }> = {};
  for (const c of candidates) {
    if (!c.active) continue;
    const a = out[c.agencyId];
    if (a) {
      a.fte += c.fte;
      a.openCases += c.openCases;
    } else {
      out[c.agencyId] = { fte: c.fte, openCases: c.openCases };
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Baselines for the simulation. Same hard filters, no soft preferences.

export interface BaselineContext {
  readonly client: MatchClient;
  readonly now: Date;
  readonly policy: MatchPolicy;
}

/** Sequence number (or time) of each case manager's last assignment; the caller records picks. */
export interface RoundRobinState {
  readonly lastPickedAt: ReadonlyMap<string, number>;
}

/** FIFO round robin: the eligible case manager who was picked longest ago (never = first), then id. */
export function pickRoundRobin(
  candidates: readonly MatchCandidate[],
  state: RoundRobinState,
  ctx: BaselineContext,
): MatchCandidate | null {
  let best: MatchCandidate | null = null;
  let bestAt = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (exclusionReason(ctx.client, c, ctx.now, ctx.policy) !== null) continue;
    const at = state.lastPickedAt.get(c.id) ?? Number.NEGATIVE_INFINITY;
    if (best === null || at < bestAt || (at === bestAt && c.id < best.id)) {
      best = c;
      bestAt = at;
    }
  }
  return best;
}

/** The eligible case manager with the fewest open cases (absolute, not per FTE), then id. */
export function pickFewestOpen(
  candidates: readonly MatchCandidate[],
  ctx: BaselineContext,
): MatchCandidate | null {
  let best: MatchCandidate | null = null;
  for (const c of candidates) {
    if (exclusionReason(ctx.client, c, ctx.now, ctx.policy) !== null) continue;
    if (best === null || c.openCases < best.openCases || (c.openCases === best.openCases && c.id < best.id)) {
      best = c;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Explanation

const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  inactive: "inactive",
  declined_or_timed_out: "declined or let the offer time out",
  absent: "absent",
  region_not_responsible: "not responsible for the region",
  agency_not_serving_region: "agency does not serve the region",
  no_case_capacity: "no free case slot",
  no_person_capacity: "no room for the household's persons",
};

/** Short English lines for the team lead (the stored record keeps the numbers). */
export function explainRanking(result: RankingResult): string[] {
  const lines: string[] = [];
  const { chosen, ranked, excluded } = result;
  if (chosen === null) {
    lines.push(`No eligible case manager among ${excluded.length}.`);
  } else {
    lines.push(
      `Assigned to ${chosen.cmId} (${chosen.agencyId}), score ${fmt(chosen.score)}: ${reasonsOf(chosen)}.`,
    );
    const runnerUp = ranked[1];
    if (runnerUp) {
      lines.push(
        `Runner-up ${runnerUp.cmId} (${runnerUp.agencyId}), score ${fmt(runnerUp.score)}: ${reasonsOf(runnerUp)}.`,
      );
    }
    if (ranked.length > 2) lines.push(`${ranked.length - 2} more eligible.`);
  }
  const counts = new Map<ExclusionReason, number>();
  for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  if (counts.size > 0) {
    const parts = [...counts].map(([reason, n]) => `${n} ${EXCLUSION_TEXT[reason]}`);
    lines.push(`Not eligible: ${parts.join(", ")}.`);
  }
  return lines;
}

function reasonsOf(r: RankedCandidate): string {
  const f = r.facts;
  const p = r.parts;
  const out: string[] = [];
  if (f.sharedLanguage === null) out.push("no shared language");
  else if (f.sharedLanguage === "de") out.push(`shares German only (${signed(p.language)})`);
  else out.push(`speaks ${f.sharedLanguage} with the client (${signed(p.language)})`);
  if (f.continuity) out.push(`accompanied this household before (${signed(p.continuity)})`);
  if (f.localContact) out.push(`local contact for the district (${signed(p.localDistrict)})`);
  if (f.topicShare > 0)
    out.push(`expertise in ${Math.round(f.topicShare * 100)} % of topics (${signed(p.topics)})`);
  const gap = f.fairShare - f.openCases;
  const gapText = gap >= 0 ? `${fmt(gap)} cases below` : `${fmt(-gap)} cases above`;
  out.push(`${f.openCases} open, ${gapText} FTE-fair share (${signed(p.shortfall)})`);
  if (f.agencyShortfall !== null && p.agencyShortfall !== 0) {
    out.push(
      `agency ${f.agencyShortfall >= 0 ? "below" : "above"} its fair share (${signed(p.agencyShortfall)})`,
    );
  }
  return out.join("; ");
}

const fmt = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);
const signed = (x: number): string => (x >= 0 ? `+${fmt(x)}` : `−${fmt(-x)}`);

// ---------------------------------------------------------------------------------------
// Helpers

function byScoreThenId(a: RankedCandidate, b: RankedCandidate): number {
  return b.score - a.score || (a.cmId < b.cmId ? -1 : a.cmId > b.cmId ? 1 : 0);
}

/** A non-German shared language in the client's order; German only when nothing else is shared. */
function sharedLanguageOf(
  clientLangs: readonly SpokenLanguage[],
  cmLangs: readonly SpokenLanguage[],
  clientSpeaksGerman: boolean,
): SpokenLanguage | null {
  for (let i = 0; i < clientLangs.length; i++) {
    const l = clientLangs[i]!;
    if (l !== "de" && cmLangs.includes(l)) return l;
  }
  return clientSpeaksGerman && cmLangs.includes("de") ? "de" : null;
}

function countIn(xs: readonly Topic[], ys: readonly Topic[]): number {
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (ys.includes(xs[i]!)) n++;
  return n;
}

function distinctTopics(topics: readonly Topic[]): readonly Topic[] {
  return topics.length <= 1 ? topics : [...new Set(topics)];
}

function agencyShortfallsOf(
  loads: Readonly<Record<string, AgencyLoad>> | undefined,
  casesPerFte: number,
): Map<string, number> {
  const out = new Map<string, number>();
  if (!loads) return out;
  let open = 0;
  let fte = 0;
  for (const id in loads) {
    const a = loads[id]!;
    if (!(a.fte > 0)) continue;
    open += a.openCases;
    fte += a.fte;
  }
  if (fte <= 0) return out;
  for (const id in loads) {
    const a = loads[id]!;
    if (!(a.fte > 0)) continue;
    out.set(id, ((open * a.fte) / fte - a.openCases) / (a.fte * casesPerFte));
  }
  return out;
}
