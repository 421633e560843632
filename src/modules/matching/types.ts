// Plain data shared by capacity, matching, rebalancing and the simulation. No logic here, so
// the org-file loader, the dispatcher and the report can import it without pulling code along.
import type { SpokenLanguage, Topic } from "../intake/answers.ts";

/** Half-open interval [from, to): the loader turns an inclusive last day into the next midnight. */
export interface Absence {
  readonly from: Date;
  readonly to: Date;
}

/** Caseload standard per full-time position (KIM NRW: 26 cases, about 80 persons). */
export interface CapacityPolicy {
  readonly casesPerFte: number;
  readonly personsPerFte: number;
}

export interface MatchPolicy extends CapacityPolicy {
  /** Also treat persons as a hard limit (families count by head), not only cases. */
  readonly usePersons: boolean;
  /** Case managers may only take clients from regions they are responsible for (Kreis Warendorf). */
  readonly regionBound: boolean;
}

/** Either limit can be set by the team lead, e.g. for someone working in. */
export interface CapacityOverride {
  readonly cases?: number;
  readonly persons?: number;
}

export interface Capacity {
  readonly cases: number;
  readonly persons: number;
}

export interface Load {
  readonly openCases: number;
  readonly openPersons: number;
}

export interface MatchClient {
  readonly id: string;
  readonly districtId: string;
  readonly regionId: string;
  readonly languages: readonly SpokenLanguage[];
  readonly topics: readonly Topic[];
  readonly persons: number;
  /** Case managers who earlier accompanied this household: continuity is worth a lot. */
  readonly previousCmIds: readonly string[];
  /** Case managers who declined this client or let the offer time out. */
  readonly excludeCmIds: readonly string[];
}

export interface MatchCandidate extends Load {
  readonly id: string;
  readonly agencyId: string;
  readonly active: boolean;
  readonly fte: number;
  readonly capacityOverride?: CapacityOverride;
  readonly absences: readonly Absence[];
  readonly languages: readonly SpokenLanguage[];
  /** Regions this case manager is responsible for (only enforced when the policy is region-bound). */
  readonly regionIds: readonly string[];
  /** Districts where this case manager is the fixed local contact person. */
  readonly localDistrictIds: readonly string[];
  readonly topics: readonly Topic[];
  /** Regions the employing agency is contracted for; undefined = no restriction. */
  readonly agencyRegionIds?: readonly string[];
}

/** Current load of an agency (city social office, DRK, AWO, ...) across all its case managers. */
export interface AgencyLoad {
  readonly fte: number;
  readonly openCases: number;
}

export const EXCLUSION_REASONS = [
  "inactive",
  "declined_or_timed_out",
  "absent",
  "region_not_responsible",
  "agency_not_serving_region",
  "no_case_capacity",
  "no_person_capacity",
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface MatchWeights {
  /** A shared language other than German: the client can talk without an interpreter. */
  readonly language: number;
  /** German is shared and the client speaks German: better than nothing, less than the own language. */
  readonly germanOnly: number;
  readonly localDistrict: number;
  /** Multiplied by the share of the client's topics the case manager has expertise in. */
  readonly topics: number;
  readonly continuity: number;
  /** Multiplied by (fair share − open cases) / capacity of the case manager. */
  readonly shortfall: number;
  /** Same for the agency, so agencies carry their FTE-share of the load. */
  readonly agencyShortfall: number;
}

/** Weighted contributions; they add up to the score. */
export interface ScoreParts {
  readonly language: number;
  readonly localDistrict: number;
  readonly topics: number;
  readonly continuity: number;
  readonly shortfall: number;
  readonly agencyShortfall: number;
}

/** The raw facts behind the parts, kept so a "why assigned" record can be stored and explained. */
export interface MatchFacts {
  /** The shared language that counted (non-German preferred), or null. */
  readonly sharedLanguage: SpokenLanguage | null;
  readonly localContact: boolean;
  readonly topicShare: number;
  readonly continuity: boolean;
  readonly openCases: number;
  readonly fairShare: number;
  readonly shortfall: number;
  /** null when no load is known for the agency. */
  readonly agencyShortfall: number | null;
  readonly freeCases: number;
  readonly freePersons: number;
}

export interface RankedCandidate {
  readonly cmId: string;
  readonly agencyId: string;
  readonly score: number;
  readonly parts: ScoreParts;
  readonly facts: MatchFacts;
}

export interface Exclusion {
  readonly cmId: string;
  readonly reason: ExclusionReason;
}

export interface RankingResult {
  readonly chosen: RankedCandidate | null;
  readonly ranked: readonly RankedCandidate[];
  readonly excluded: readonly Exclusion[];
}
