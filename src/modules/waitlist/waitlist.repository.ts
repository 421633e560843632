// The wait list as stored: waiting entries with their case, in effective-priority order, plus the
// figures an honest position and ETA need (recent throughput, free capacity now).
import type { Organisation } from "../../config/org.schema.ts";
import type { Db, Tx } from "../../db/client.ts";
import type { SpokenLanguage, Topic } from "../intake/answers.ts";
import { freeSlotsOf, loadTeam, type TeamMember } from "../matching/load.repository.ts";
import { matchPolicyOf } from "../matching/policy.ts";
import { estimateWait, measureThroughput, type WaitEstimate } from "./eta.ts";
import { effectivePriority, orderWaitlist } from "./priority.ts";

const DAY_MS = 86_400_000;
/** Throughput is measured over this many days. */
export const THROUGHPUT_WINDOW_DAYS = 28;

export interface WaitingRow {
  /** WaitlistEntry id */
  readonly id: string;
  readonly clientId: string;
  readonly intakeId: string;
  readonly caseId: string;
  readonly referenceCode: string;
  readonly regionId: string;
  readonly districtId: string;
  readonly persons: number;
  readonly languages: readonly SpokenLanguage[];
  readonly topics: readonly Topic[];
  readonly basePriority: number;
  readonly urgent: boolean;
  readonly enqueuedAt: Date;
  readonly lastNotifiedPosition: number | null;
  readonly lastNotifiedEta: string | null;
}

export interface PositionedRow extends WaitingRow {
  readonly effectivePriority: number;
  /** 1-based, within its group (the whole list, or its region when case managers are region-bound) */
  readonly position: number;
  readonly total: number;
  readonly estimate: WaitEstimate;
}

export interface GroupFigures {
  readonly key: string;
  readonly waiting: number;
  readonly throughputPerDay: number | null;
  readonly freeSlots: number;
}

export interface WaitlistSnapshot {
  readonly now: Date;
  readonly rows: readonly PositionedRow[];
  readonly groups: readonly GroupFigures[];
  readonly byEntryId: ReadonlyMap<string, PositionedRow>;
}

type Client = Db | Tx;

export const waitlistPolicyOf = (org: Organisation) => ({
  agingPointsPerDay: org.policy.agingPointsPerDay,
  starvationGuardDays: org.policy.starvationGuardDays,
});

/** Waiting entries whose case is waiting too, in effective-priority order (highest first). */
export async function waitingInOrder(db: Client, org: Organisation, now: Date): Promise<WaitingRow[]> {
  const entries = await db.waitlistEntry.findMany({
    where: { status: "waiting", intake: { case: { phase: "waiting" } } },
    select: {
      id: true,
      clientId: true,
      intakeId: true,
      basePriority: true,
      urgent: true,
      enqueuedAt: true,
      lastNotifiedPosition: true,
      lastNotifiedEta: true,
      intake: {
        select: {
          referenceCode: true,
          languages: true,
          topics: true,
          case: { select: { id: true, regionId: true, districtId: true, persons: true } },
        },
      },
    },
  });
  const rows: WaitingRow[] = [];
  for (const e of entries) {
    const c = e.intake.case;
    if (!c) continue;
    rows.push({
      id: e.id,
      clientId: e.clientId,
      intakeId: e.intakeId,
      caseId: c.id,
      referenceCode: e.intake.referenceCode,
      regionId: c.regionId,
      districtId: c.districtId,
      persons: c.persons,
      languages: e.intake.languages as SpokenLanguage[],
      topics: e.intake.topics as Topic[],
      basePriority: e.basePriority,
      urgent: e.urgent,
      enqueuedAt: e.enqueuedAt,
      lastNotifiedPosition: e.lastNotifiedPosition,
      lastNotifiedEta: e.lastNotifiedEta,
    });
  }
  return orderWaitlist(rows, now, waitlistPolicyOf(org));
}

/**
 * Positions and ETAs for everyone waiting. A city has one list; a region-bound county has one per
 * region (a client in Ahlen waits for Ahlen's case managers), with that region's throughput and
 * free slots (a case manager serving several regions counts a share of their slots in each).
 */
export async function waitlistSnapshot(
  db: Client,
  org: Organisation,
  now: Date,
  team?: readonly TeamMember[],
): Promise<WaitlistSnapshot> {
  const policy = matchPolicyOf(org.policy);
  const grouped = org.policy.regionBound;
  const windowStart = new Date(now.getTime() - THROUGHPUT_WINDOW_DAYS * DAY_MS);
  const [ordered, members, left, first] = await Promise.all([
    waitingInOrder(db, org, now),
    team ? Promise.resolve(team) : loadTeam(db, now, policy),
    db.waitlistEntry.findMany({
      where: { status: "assigned", leftAt: { gt: windowStart, lte: now } },
      select: { leftAt: true, intake: { select: { case: { select: { regionId: true } } } } },
    }),
    db.waitlistEntry.aggregate({ _min: { enqueuedAt: true } }),
  ]);
  const historyStart = first._min.enqueuedAt ?? now;
  const keyOf = (regionId: string | undefined) => (grouped ? (regionId ?? "?") : "all");

  const leftByGroup = new Map<string, Date[]>();
  for (const l of left) {
    if (!l.leftAt) continue;
    const k = keyOf(l.intake.case?.regionId);
    let list = leftByGroup.get(k);
    if (!list) {
      list = [];
      leftByGroup.set(k, list);
    }
    list.push(l.leftAt);
  }
  const freeByGroup = new Map<string, number>();
  if (grouped) {
    for (const m of members) {
      if (!m.active || m.absentNow || m.regionIds.length === 0) continue;
      const free = Math.max(0, m.capacity.cases - m.openCases) / m.regionIds.length;
      for (const r of m.regionIds) freeByGroup.set(r, (freeByGroup.get(r) ?? 0) + free);
    }
  } else {
    freeByGroup.set("all", freeSlotsOf(members));
  }

  const rowsByGroup = new Map<string, WaitingRow[]>();
  for (const r of ordered) {
    const k = keyOf(r.regionId);
    let list = rowsByGroup.get(k);
    if (!list) {
      list = [];
      rowsByGroup.set(k, list);
    }
    list.push(r);
  }
  const figures = new Map<string, GroupFigures>();
  const keys = new Set([...rowsByGroup.keys(), ...(grouped ? org.regions.map((r) => r.id) : ["all"])]);
  for (const k of keys) {
    figures.set(k, {
      key: k,
      waiting: rowsByGroup.get(k)?.length ?? 0,
      throughputPerDay: measureThroughput(
        leftByGroup.get(k) ?? [],
        now,
        THROUGHPUT_WINDOW_DAYS,
        historyStart,
      ),
      freeSlots: Math.floor(freeByGroup.get(k) ?? 0),
    });
  }

  const positioned: PositionedRow[] = [];
  const groupPos = new Map<string, number>();
  for (const r of ordered) {
    const k = keyOf(r.regionId);
    const position = (groupPos.get(k) ?? 0) + 1;
    groupPos.set(k, position);
    const f = figures.get(k)!;
    positioned.push({
      ...r,
      effectivePriority: effectivePriority(r, now, org.policy.agingPointsPerDay),
      position,
      total: f.waiting,
      estimate: estimateWait({
        position,
        throughputPerDay: f.throughputPerDay,
        freeSlotsNow: f.freeSlots,
        now,
      }),
    });
  }
  return {
    now,
    rows: positioned,
    groups: [...figures.values()],
    byEntryId: new Map(positioned.map((p) => [p.id, p])),
  };
}

/** How an ETA is stored in WaitlistEntry.lastNotifiedEta: "low-high" in days, or "unknown". */
export function etaToString(e: WaitEstimate): string {
  return e.etaDays ? `${e.etaDays.low}-${e.etaDays.high}` : "unknown";
}

/** The estimate the client was last told, rebuilt from the stored figures (null: never told). */
export function lastToldEstimate(position: number | null, eta: string | null): WaitEstimate | null {
  if (position === null) return null;
  const m = eta ? /^(\d+)-(\d+)$/.exec(eta) : null;
  const etaDays = m ? { low: Number(m[1]), high: Number(m[2]) } : null;
  return { position, etaDays, basis: etaDays ? "throughput" : "unknown", bucket: "unknown", dates: null };
}

/** Template params describing a wait estimate (etaLow/etaHigh only when known). */
export function estimateParams(
  row: Pick<PositionedRow, "position" | "total" | "estimate">,
): Record<string, number | string> {
  const e = row.estimate;
  return {
    position: row.position,
    total: row.total,
    etaBucket: e.bucket,
    ...(e.etaDays ? { etaLow: e.etaDays.low, etaHigh: e.etaDays.high } : {}),
  };
}
