// What the daily monitoring needs from Postgres: the cases in work, their open goals with due dates,
// the referrals still awaiting an answer, staff and absences. The only monitoring file that touches
// Prisma.
import type { Db } from "../../db/client.ts";
import { NoticeRoutingRepository } from "../staff/notice-routing.repository.ts";
import { REFERRAL_AWAITING } from "./codes.ts";
import {
  type AbsenceLike,
  type ChaseItem,
  digestScope,
  type MonitoredCase,
  type StaffLike,
} from "./monitoring.ts";
import { WORK_PHASES } from "./phases.ts";

export interface MonitoredCaseRow extends MonitoredCase {
  clientId: string;
}
export interface StaffRow extends StaffLike {
  name: string;
  slackUserId: string;
}
export interface MonitoringSnapshot {
  cases: MonitoredCaseRow[];
  referrals: ChaseItem[];
  staff: StaffRow[];
  absences: AbsenceLike[];
}

export class MonitoringRepository {
  constructor(private readonly db: Db) {}

  /**
   * Everything in work, or with `forStaffId` only the cases that can reach that person's digest
   * (digestScope): the deliverer reads one digest per job and must not load the whole office each time.
   */
  async snapshot(now: Date, forStaffId?: string): Promise<MonitoringSnapshot> {
    const work = { in: [...WORK_PHASES] };
    // the same staff and absences the staff-notice rule reads (one query for both)
    const { staff, absences } = await new NoticeRoutingRepository(this.db).inputs(now);
    const cmFilter =
      forStaffId === undefined ? { not: null } : { in: [...digestScope(forStaffId, staff, absences, now)] };
    const [cases, referrals] = await Promise.all([
      this.db.case.findMany({
        where: { phase: work, cmId: cmFilter },
        select: {
          id: true,
          clientId: true,
          referenceCode: true,
          cmId: true,
          phase: true,
          openedAt: true,
          lastContactAt: true,
          nextContactAt: true,
          reassessmentDueAt: true,
          silentCheckInAt: true,
          goals: { where: { status: "open", dueDate: { not: null } }, select: { dueDate: true } },
          assignments: {
            where: { status: "accepted" },
            orderBy: { decidedAt: "desc" },
            take: 1,
            select: { decidedAt: true },
          },
        },
      }),
      this.db.referral.findMany({
        where: { status: { in: [...REFERRAL_AWAITING] }, case: { phase: work, cmId: cmFilter } },
        select: {
          id: true,
          caseId: true,
          partnerId: true,
          status: true,
          expectedBy: true,
          chasedAt: true,
          case: { select: { referenceCode: true } },
        },
      }),
    ]);
    return {
      cases: cases.map((c) => ({
        id: c.id,
        clientId: c.clientId,
        referenceCode: c.referenceCode,
        cmId: c.cmId as string,
        phase: c.phase,
        startedAt: c.assignments[0]?.decidedAt ?? c.openedAt,
        lastContactAt: c.lastContactAt,
        nextContactAt: c.nextContactAt,
        reassessmentDueAt: c.reassessmentDueAt,
        silentCheckInAt: c.silentCheckInAt,
        goalDueDates: c.goals.flatMap((g) => (g.dueDate ? [g.dueDate] : [])),
      })),
      referrals: referrals.map((r) => ({
        id: r.id,
        caseId: r.caseId,
        referenceCode: r.case.referenceCode,
        partnerId: r.partnerId,
        status: r.status,
        expectedBy: r.expectedBy,
        chasedAt: r.chasedAt,
      })),
      staff,
      absences,
    };
  }

  /** the check-in was sent for this silence; a later contact (lastContactAt) starts the next one */
  async markCheckedIn(caseId: string, at: Date): Promise<void> {
    await this.db.case.update({ where: { id: caseId }, data: { silentCheckInAt: at } });
  }
}
