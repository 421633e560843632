// Rebalancing proposal for the weekly case-manager meeting: the fewest case moves that bring
// every available case manager within ±tolerance of their FTE-fair share. A proposal only:
// moving a family to another person is a human decision, so this never moves anything itself.
//
// Minimality. Let over_i = ⌈load_i − fair_i − tol⌉⁺ (cases CM i must give away) and under_i =
// ⌈fair_i − tol − load_i⌉⁺ (cases CM i must receive). One move lowers Σ over by at most 1 and
// Σ under by at most 1, so max(Σ over, Σ under) is a lower bound. The greedy below reaches
// it when nothing is pinned and regions do not bind: it pairs over → under while both exist
// (each such move lowers both sums), then moves the rest of the excess to someone with room
// (exists for tol ≥ 1: Σ(load − fair) = 0, so someone is below fair), or fills the rest of the
// deficits from someone with slack; no move ever pushes anyone out of tolerance. Pins and
// regions can make the bound unreachable; what is left is reported as unresolved.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const EPS = 1e-9;

/** No move when an appointment is this close: the client would meet a stranger. */
export const APPOINTMENT_PIN_MS = 48 * HOUR_MS;
/** No move after recent contact: the relationship is active right now. */
export const CONTACT_PIN_MS = 7 * DAY_MS;

export interface RebalanceCm {
  readonly id: string;
  readonly fte: number;
  /** Case capacity (see capacityOf); receivers never go above it. */
  readonly capacity: number;
  readonly active: boolean;
  readonly absent: boolean;
  readonly regionIds?: readonly string[];
}

export interface RebalanceCase {
  readonly id: string;
  readonly cmId: string;
  readonly persons: number;
  readonly nextAppointmentAt?: Date;
  readonly lastContactAt?: Date;
  readonly regionId?: string;
}

export interface RebalancePolicy {
  /** Allowed deviation from the fair share, in cases. Below 1 may be unreachable in whole cases. */
  readonly fairShareTolerance: number;
  readonly regionBound: boolean;
}

export const DEFAULT_REBALANCE_POLICY: RebalancePolicy = { fairShareTolerance: 1, regionBound: false };

export interface RebalanceInput {
  readonly cms: readonly RebalanceCm[];
  readonly cases: readonly RebalanceCase[];
  readonly policy?: Partial<RebalancePolicy>;
  readonly now: Date;
}

export const MOVE_REASONS = [
  /** From someone above tolerance to someone below it. */
  "over_to_under",
  /** From someone above tolerance to someone within it who has room. */
  "relieve_over",
  /** From someone within tolerance who has slack to someone below it. */
  "fill_under",
] as const;
export type MoveReason = (typeof MOVE_REASONS)[number];

export interface Move {
  readonly caseId: string;
  readonly fromCmId: string;
  readonly toCmId: string;
  readonly reason: MoveReason;
}

export interface CmLoadRow {
  readonly cmId: string;
  readonly cases: number;
  readonly persons: number;
  /** null for case managers outside the pool (inactive, absent, no FTE). */
  readonly fairShare: number | null;
  /** cases − fairShare; null outside the pool. */
  readonly deviation: number | null;
}

export interface RebalanceResult {
  readonly moves: readonly Move[];
  readonly before: readonly CmLoadRow[];
  readonly after: readonly CmLoadRow[];
  /** Pool members still outside ±tolerance after the moves. */
  readonly unresolved: readonly string[];
  /** max(Σ over, Σ under): no solution can have fewer moves. */
  readonly lowerBound: number;
  /** Cases of pool members that may not move now (appointment or recent contact). */
  readonly pinnedCaseIds: readonly string[];
}

interface Slot {
  readonly cm: RebalanceCm;
  readonly index: number;
  readonly inPool: boolean;
  fair: number;
  load: number;
  persons: number;
  /** Cases that may still move, least disruptive first; moved cases are removed. */
  movable: RebalanceCase[];
}

export function proposeRebalance(input: RebalanceInput): RebalanceResult {
  const policy = { ...DEFAULT_REBALANCE_POLICY, ...input.policy };
  const tol = policy.fairShareTolerance;
  const { slots, pinnedCaseIds } = buildSlots(input);
  const pool = slots.filter((s) => s.inPool);
  const before = rowsOf(slots);
  const lowerBound = lowerBoundOf(pool, tol);

  const canTake = (receiver: Slot, c: RebalanceCase): boolean =>
    !policy.regionBound || (c.regionId !== undefined && receiver.cm.regionIds?.includes(c.regionId) === true);
  const moves: Move[] = [];
  const move = (from: Slot, to: Slot, reason: MoveReason): boolean => {
    const i = from.movable.findIndex((c) => canTake(to, c));
    if (i < 0) return false;
    const [c] = from.movable.splice(i, 1);
    from.load--;
    from.persons -= c!.persons;
    to.load++;
    to.persons += c!.persons;
    moves.push({ caseId: c!.id, fromCmId: from.cm.id, toCmId: to.cm.id, reason });
    return true;
  };

  // Each iteration makes exactly one move or stops; every case moves at most once.
  for (;;) {
    const over = sortedBy(
      pool.filter((s) => s.load - s.fair > tol + EPS),
      (s) => s.load - s.fair,
    );
    const under = sortedBy(
      pool.filter((s) => s.fair - s.load > tol + EPS),
      (s) => s.fair - s.load,
    );
    if (over.length === 0 && under.length === 0) break;
    if (over.length > 0 && relieveOne(over, under, pool, tol, move)) continue;
    if (under.length > 0 && fillOne(under, pool, tol, move)) continue;
    break;
  }

  const unresolved = pool.filter((s) => Math.abs(s.load - s.fair) > tol + EPS).map((s) => s.cm.id);
  return { moves, before, after: rowsOf(slots), unresolved, lowerBound, pinnedCaseIds };
}

type MoveFn = (from: Slot, to: Slot, reason: MoveReason) => boolean;

/**
 * Most-over first to the most-under who can take one of its cases; only when no such pair
 * exists, to someone within tolerance who has room (a move that lowers just one of the sums).
 */
function relieveOne(over: Slot[], under: Slot[], pool: Slot[], tol: number, move: MoveFn): boolean {
  for (const from of over) {
    for (const to of under) if (hasCapacity(to) && move(from, to, "over_to_under")) return true;
  }
  const withRoom = sortedBy(
    pool.filter((s) => s.load + 1 <= s.fair + tol + EPS && s.fair - s.load <= tol + EPS),
    (s) => s.fair - s.load,
  );
  for (const from of over) {
    for (const to of withRoom) if (hasCapacity(to) && move(from, to, "relieve_over")) return true;
  }
  return false;
}

/** Most-under first; from whoever has the most slack and stays within tolerance. */
function fillOne(under: Slot[], pool: Slot[], tol: number, move: MoveFn): boolean {
  const donors = sortedBy(
    pool.filter((s) => s.load - 1 >= s.fair - tol - EPS && s.load - s.fair <= tol + EPS),
    (s) => s.load - s.fair,
  );
  for (const to of under) {
    if (!hasCapacity(to)) continue;
    for (const from of donors) if (move(from, to, "fill_under")) return true;
  }
  return false;
}

const hasCapacity = (s: Slot): boolean => s.load + 1 <= s.cm.capacity;

function buildSlots(input: RebalanceInput): { slots: Slot[]; pinnedCaseIds: string[] } {
  const slots: Slot[] = input.cms.map((cm, index) => ({
    cm,
    index,
    inPool: cm.active && !cm.absent && cm.fte > 0,
    fair: 0,
    load: 0,
    persons: 0,
    movable: [],
  }));
  const byId = new Map(slots.map((s) => [s.cm.id, s]));
  const pinnedCaseIds: string[] = [];
  for (const c of input.cases) {
    const s = byId.get(c.cmId);
    if (!s) continue; // a case of someone not in the input cannot be balanced; the caller filters
    s.load++;
    s.persons += c.persons;
    if (!s.inPool) continue;
    if (isPinned(c, input.now)) pinnedCaseIds.push(c.id);
    else s.movable.push(c);
  }
  for (const s of slots) s.movable.sort(leastDisruptiveFirst);

  const pool = slots.filter((s) => s.inPool);
  const total = pool.reduce((n, s) => n + s.load, 0);
  const fte = pool.reduce((n, s) => n + s.cm.fte, 0);
  for (const s of pool) s.fair = fte > 0 ? (total * s.cm.fte) / fte : 0;
  return { slots, pinnedCaseIds };
}

/** Appointment within the next 48 h, or contact within the last 7 days (a future contact date counts). */
export function isPinned(c: Pick<RebalanceCase, "nextAppointmentAt" | "lastContactAt">, now: Date): boolean {
  const t = now.getTime();
  const appt = c.nextAppointmentAt?.getTime();
  if (appt !== undefined && appt >= t && appt <= t + APPOINTMENT_PIN_MS) return true;
  const contact = c.lastContactAt?.getTime();
  return contact !== undefined && contact >= t - CONTACT_PIN_MS;
}

/** Never contacted (a fresh case) first, then longest since last contact, then id. */
function leastDisruptiveFirst(a: RebalanceCase, b: RebalanceCase): number {
  const ta = a.lastContactAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const tb = b.lastContactAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function lowerBoundOf(pool: readonly Slot[], tol: number): number {
  let over = 0;
  let under = 0;
  for (const s of pool) {
    over += Math.max(0, Math.ceil(s.load - s.fair - tol - EPS));
    under += Math.max(0, Math.ceil(s.fair - tol - s.load - EPS));
  }
  return Math.max(over, under);
}

/** Descending by key, ties by id (deterministic). */
function sortedBy(xs: Slot[], key: (s: Slot) => number): Slot[] {
  return xs
    .map((s) => ({ s, k: key(s) }))
    .sort((a, b) => b.k - a.k || (a.s.cm.id < b.s.cm.id ? -1 : a.s.cm.id > b.s.cm.id ? 1 : 0))
    .map((x) => x.s);
}

function rowsOf(slots: readonly Slot[]): CmLoadRow[] {
  return slots.map((s) => ({
    cmId: s.cm.id,
    cases: s.load,
    persons: s.persons,
    fairShare: s.inPool ? s.fair : null,
    deviation: s.inPool ? s.load - s.fair : null,
  }));
}
