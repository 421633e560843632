// The survey's rows: invitations (with the case), anonymous responses and the invited tally (without).
import type { Db } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import {
  type InviteFacts,
  MANAGED_PHASES,
  monthOf,
  type SurveyAnswer,
  type SurveyKind,
  sixMonthsCutoff,
} from "./survey.ts";

export interface InvitationRow {
  id: string;
  caseId: string;
  clientId: string;
  kind: SurveyKind;
  expiresAt: Date;
  answered: boolean;
}

export interface InviteContext {
  facts: InviteFacts;
  clientId: string;
  existing: InvitationRow | null;
}

export class SurveyRepository {
  constructor(private readonly db: Db) {}

  /** What decideInvite needs of a case, or null when there is no such case. */
  async inviteContext(caseId: string, kind: SurveyKind): Promise<InviteContext | null> {
    const c = await this.db.case.findUnique({
      where: { id: caseId },
      select: {
        phase: true,
        closureReason: true,
        openedAt: true,
        clientId: true,
        client: {
          select: {
            telegramChatId: true,
            erasedAt: true,
            consents: {
              where: { purpose: "case_management" },
              orderBy: { decidedAt: "desc" },
              take: 1,
              select: { granted: true, withdrawnAt: true },
            },
          },
        },
        surveyInvitations: { where: { kind }, select: { id: true, expiresAt: true, answered: true } },
      },
    });
    if (!c) return null;
    const last = await this.db.surveyInvitation.findFirst({
      where: { case: { clientId: c.clientId }, NOT: { caseId, kind } },
      orderBy: { sentAt: "desc" },
      select: { sentAt: true },
    });
    const consent = c.client.consents[0];
    const inv = c.surveyInvitations[0];
    return {
      clientId: c.clientId,
      existing: inv ? { ...inv, caseId, clientId: c.clientId, kind } : null,
      facts: {
        kind,
        phase: c.phase,
        closureReason: c.closureReason,
        openedAt: c.openedAt,
        reachable: c.client.telegramChatId !== null && c.client.erasedAt === null,
        consented: !!consent?.granted && consent.withdrawnAt === null,
        alreadyInvited: !!inv,
        lastInvitedAt: last?.sentAt ?? null,
      },
    };
  }

  /**
   * Stores the invitation and counts it in the invited tally, in one transaction. Null when another
   * run stored it first (unique per case and kind).
   */
  async createInvitation(
    caseId: string,
    kind: SurveyKind,
    sentAt: Date,
    expiresAt: Date,
  ): Promise<{ id: string } | null> {
    const c = await this.db.case.findUnique({
      where: { id: caseId },
      select: { regionId: true, cm: { select: { agencyId: true } } },
    });
    if (!c) return null;
    const cell = { month: monthOf(sentAt), kind, regionId: c.regionId, agencyId: c.cm?.agencyId ?? "" };
    try {
      return await inTx(this.db, async (tx) => {
        const inv = await tx.surveyInvitation.create({
          data: { caseId, kind, sentAt, expiresAt },
          select: { id: true },
        });
        // one statement, so two invitations of the same cell at once both count
        await tx.$executeRaw`
          INSERT INTO "SurveyInvitedTally" (month, kind, "regionId", "agencyId", count)
          VALUES (${cell.month}, ${cell.kind}::"SurveyKind", ${cell.regionId}, ${cell.agencyId}, 1)
          ON CONFLICT (month, kind, "regionId", "agencyId")
          DO UPDATE SET count = "SurveyInvitedTally".count + 1`;
        return inv;
      });
    } catch (e) {
      if ((e as { code?: string }).code === "P2002") return null;
      throw e;
    }
  }

  async invitation(id: string): Promise<InvitationRow | null> {
    const r = await this.db.surveyInvitation.findUnique({
      where: { id },
      select: {
        id: true,
        caseId: true,
        kind: true,
        expiresAt: true,
        answered: true,
        case: { select: { clientId: true } },
      },
    });
    if (!r) return null;
    const { case: c, ...inv } = r;
    return { ...inv, clientId: c.clientId };
  }

  /**
   * Marks the invitation answered and writes the anonymous response, in one transaction; false when
   * it was answered already or has expired (a double tap, a race of two taps).
   */
  async answer(
    id: string,
    answers: readonly [SurveyAnswer, SurveyAnswer, SurveyAnswer],
    now: Date,
  ): Promise<boolean> {
    return inTx(this.db, async (tx) => {
      const marked = await tx.surveyInvitation.updateMany({
        where: { id, answered: false, expiresAt: { gt: now } },
        data: { answered: true },
      });
      if (marked.count !== 1) return false;
      const inv = await tx.surveyInvitation.findUniqueOrThrow({
        where: { id },
        select: {
          kind: true,
          sentAt: true,
          case: { select: { regionId: true, cm: { select: { agencyId: true } } } },
        },
      });
      const [useful, understood, recommend] = answers;
      await tx.surveyResponse.create({
        data: {
          month: monthOf(inv.sentAt),
          kind: inv.kind,
          regionId: inv.case.regionId,
          agencyId: inv.case.cm?.agencyId ?? "",
          useful,
          understood,
          recommend,
        },
      });
      return true;
    });
  }

  /**
   * Open cases in case management, opened six months before `now` or earlier, not yet asked, whose
   * client can be asked (decideInvite decides again, on the latest consent).
   */
  async dueSixMonths(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.case.findMany({
      where: {
        phase: { in: [...MANAGED_PHASES] },
        openedAt: { lte: sixMonthsCutoff(now) },
        surveyInvitations: { none: { kind: "six_months" } },
        // who cannot be asked is left out here, so they do not take the places of those who can
        client: {
          telegramChatId: { not: null },
          erasedAt: null,
          consents: { some: { purpose: "case_management", granted: true, withdrawnAt: null } },
        },
      },
      orderBy: { openedAt: "asc" },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }
}
