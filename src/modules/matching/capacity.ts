// Caseload capacity of one case manager, derived from their position size (FTE).
import type { Absence, Capacity, CapacityOverride, CapacityPolicy, Load } from "./types.ts";

/** KIM NRW standard: 26 cases, about 80 persons per full-time case manager. */
export const DEFAULT_CAPACITY_POLICY: CapacityPolicy = { casesPerFte: 26, personsPerFte: 80 };

// Half up, with a tiny epsilon because e.g. 0.15 × 30 is 4.499999… in binary floating point.
const roundHalfUp = (x: number): number => Math.floor(x + 0.5 + 1e-9);

/**
 * Capacity = fte × standard, rounded half up, at least 1 for any positive fte.
 * Rounding to nearest (rather than flooring) keeps the sum over part-time positions close to
 * the sum of their FTE (2.5 FTE split into halves must not lose a case per person); the
 * minimum of 1 keeps a small position usable. An override replaces either figure as given.
 */
export function capacityOf(
  cm: { readonly fte: number; readonly capacityOverride?: CapacityOverride },
  policy: CapacityPolicy,
): Capacity {
  return {
    cases: cm.capacityOverride?.cases ?? capacityFromFte(cm.fte, policy.casesPerFte),
    persons: cm.capacityOverride?.persons ?? capacityFromFte(cm.fte, policy.personsPerFte),
  };
}

/** One figure of {@link capacityOf} without allocating; for hot loops. */
export function capacityFromFte(fte: number, perFte: number): number {
  return fte > 0 && Number.isFinite(fte) ? Math.max(1, roundHalfUp(fte * perFte)) : 0;
}

/** True when `now` falls in any absence [from, to). Invalid ranges (to ≤ from) never match. */
export function isAbsent(absences: readonly Absence[], now: Date): boolean {
  const t = now.getTime();
  for (let i = 0; i < absences.length; i++) {
    const a = absences[i]!;
    if (a.from.getTime() <= t && t < a.to.getTime()) return true;
  }
  return false;
}

export interface FreeCapacity {
  /** May be negative when a case manager is over their limit (e.g. after an FTE reduction). */
  readonly cases: number;
  readonly persons: number;
  /** Room for one more case of `forPersons` persons; persons only count when `usePersons`. */
  readonly hasRoom: boolean;
}

/**
 * Free capacity. With `usePersons` a family must fit completely (open persons + family ≤
 * limit): the persons figure is then a hard limit, not a guideline, so big families may wait
 * longer; the triage household weight is what compensates for that.
 */
export function freeCapacity(
  cm: { readonly fte: number; readonly capacityOverride?: CapacityOverride },
  load: Load,
  policy: CapacityPolicy,
  usePersons: boolean,
  forPersons = 1,
): FreeCapacity {
  const cap = capacityOf(cm, policy);
  const cases = cap.cases - load.openCases;
  const persons = cap.persons - load.openPersons;
  return { cases, persons, hasRoom: cases >= 1 && (!usePersons || persons >= forPersons) };
}
