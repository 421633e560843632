// The weekly team digest in figures: intakes, assignments, the wait list and how evenly the load is
// spread. Pure; the Slack worker reads the counts from the database and renders the result.

export interface DigestLoad {
  readonly name: string;
  readonly agencyName: string;
  readonly openCases: number;
  readonly capacity: number;
}

export interface DigestInput {
  readonly from: Date;
  readonly to: Date;
  readonly newIntakes: number;
  readonly referrals: number;
  readonly offered: number;
  readonly accepted: number;
  readonly declined: number;
  readonly expired: number;
  readonly closed: number;
  readonly waiting: number;
  readonly urgentWaiting: number;
  readonly oldestWaitingSince: Date | null;
  readonly loads: readonly DigestLoad[];
}

export interface AgencySpread {
  readonly agencyName: string;
  readonly openCases: number;
  readonly capacity: number;
  /** open / capacity, 0…n */
  readonly utilisation: number;
}

export interface DigestFigures extends DigestInput {
  readonly oldestWaitingDays: number | null;
  /** utilisation (open / capacity) of the least and most loaded case manager */
  readonly minUtilisation: number;
  readonly maxUtilisation: number;
  /** percentage points between them: the "even distribution" the weekly meeting looks at */
  readonly spreadPoints: number;
  readonly overCapacity: readonly string[];
  readonly agencies: readonly AgencySpread[];
  readonly acceptanceRate: number | null;
}

const DAY_MS = 86_400_000;

export function digestFigures(input: DigestInput): DigestFigures {
  const utils = input.loads.filter((l) => l.capacity > 0).map((l) => l.openCases / l.capacity);
  const minU = utils.length ? Math.min(...utils) : 0;
  const maxU = utils.length ? Math.max(...utils) : 0;
  const byAgency = new Map<string, { open: number; cap: number }>();
  for (const l of input.loads) {
    const a = byAgency.get(l.agencyName) ?? { open: 0, cap: 0 };
    a.open += l.openCases;
    a.cap += l.capacity;
    byAgency.set(l.agencyName, a);
  }
  const decided = input.accepted + input.declined + input.expired;
  return {
    ...input,
    oldestWaitingDays: input.oldestWaitingSince
      ? Math.floor((input.to.getTime() - input.oldestWaitingSince.getTime()) / DAY_MS)
      : null,
    minUtilisation: minU,
    maxUtilisation: maxU,
    spreadPoints: Math.round((maxU - minU) * 100),
    overCapacity: input.loads.filter((l) => l.openCases > l.capacity).map((l) => l.name),
    agencies: [...byAgency].map(([agencyName, a]) => ({
      agencyName,
      openCases: a.open,
      capacity: a.cap,
      utilisation: a.cap > 0 ? a.open / a.cap : 0,
    })),
    acceptanceRate: decided > 0 ? input.accepted / decided : null,
  };
}

/** The digest covers the 7 days before `at`; its key names the day it was made (Berlin time). */
export function digestPeriod(at: Date): { from: Date; to: Date } {
  return { from: new Date(at.getTime() - 7 * DAY_MS), to: at };
}
