// Loads what the one authorization rule (authorize.ts) needs: the acting member of staff with the
// colleagues they deputise for right now, and a case's or an appointment's scope (responsible case
// manager, their agency, the client's consent state). access.service.ts asks the rule.
import type { Db, Tx } from "../../db/client.ts";
import { UUID } from "../kernel/ids.ts";
import { type CaseScope, deputyForAt, type StaffActor } from "./authorize.ts";
import type { AgencyKind } from "./identity.ts";

const actorSelect = {
  id: true,
  name: true,
  slackUserId: true,
  agencyId: true,
  teamLead: true,
  coordinator: true,
  active: true,
  regionIds: true,
  agency: { select: { kind: true } },
} as const;

/** The client's latest decision on consent to case management (a Prisma include of Client.consents). */
export const LATEST_CM_CONSENT = {
  where: { purpose: "case_management" },
  orderBy: { decidedAt: "desc" },
  take: 1,
  select: { granted: true, withdrawnAt: true },
} as const;

export class AccessRepository {
  constructor(private readonly db: Db | Tx) {}

  async actorBySlackUser(slackUserId: string, now: Date): Promise<StaffActor | null> {
    const row = await this.db.caseManager.findUnique({ where: { slackUserId }, select: actorSelect });
    return row ? this.withDeputies(row, now) : null;
  }

  async actorById(cmId: string, now: Date): Promise<StaffActor | null> {
    const row = await this.db.caseManager.findUnique({ where: { id: cmId }, select: actorSelect });
    return row ? this.withDeputies(row, now) : null;
  }

  private async withDeputies(
    row: {
      id: string;
      name: string;
      slackUserId: string;
      agencyId: string;
      teamLead: boolean;
      coordinator: boolean;
      active: boolean;
      regionIds: string[];
      agency: { kind: string };
    },
    now: Date,
  ): Promise<StaffActor> {
    const absences = row.active
      ? await this.db.absence.findMany({
          where: { deputyId: row.id, from: { lte: now }, to: { gt: now } },
          select: { cmId: true, deputyId: true, from: true, to: true },
        })
      : [];
    return {
      id: row.id,
      name: row.name,
      slackUserId: row.slackUserId,
      agencyId: row.agencyId,
      agencyKind: row.agency.kind as AgencyKind,
      teamLead: row.teamLead,
      coordinator: row.coordinator,
      active: row.active,
      deputyFor: deputyForAt(absences, row.id, now),
      regionIds: row.regionIds,
    };
  }

  /** The case's scope; null when there is no such case. */
  async caseScope(caseId: string): Promise<CaseScope | null> {
    if (!UUID.test(caseId)) return null;
    const c = await this.db.case.findUnique({
      where: { id: caseId },
      select: {
        cmId: true,
        regionId: true,
        cm: { select: { agencyId: true } },
        assignments: {
          where: { status: "pending" },
          select: { cmId: true, cm: { select: { agencyId: true } } },
          take: 1,
        },
        client: { select: { consents: LATEST_CM_CONSENT } },
      },
    });
    if (!c) return null;
    const consent = c.client.consents[0];
    return {
      cmId: c.cmId,
      agencyId: c.cm?.agencyId ?? c.assignments[0]?.cm.agencyId ?? null,
      consentWithdrawn: consent ? !consent.granted || consent.withdrawnAt !== null : false,
      offeredTo: c.assignments[0]?.cmId ?? null,
      regionId: c.regionId,
    };
  }

  /**
   * The scope of an intake's triage: its case's, or — referred elsewhere, no case — nobody's, in the
   * region of the intake's district. Null when there is no such intake.
   */
  async intakeScope(intakeId: string): Promise<{ scope: CaseScope; caseId: string | null } | null> {
    if (!UUID.test(intakeId)) return null;
    const intake = await this.db.intake.findUnique({
      where: { id: intakeId },
      select: { districtId: true, case: { select: { id: true } } },
    });
    if (!intake) return null;
    if (intake.case) {
      const scope = await this.caseScope(intake.case.id);
      return scope ? { scope, caseId: intake.case.id } : null;
    }
    const district = await this.db.district.findUnique({
      where: { id: intake.districtId },
      select: { regionId: true },
    });
    return { scope: { cmId: null, agencyId: null, regionId: district?.regionId ?? null }, caseId: null };
  }

  async caseIdOfAppointment(appointmentId: string): Promise<string | null> {
    if (!UUID.test(appointmentId)) return null;
    const a = await this.db.appointment.findUnique({
      where: { id: appointmentId },
      select: { caseId: true },
    });
    return a?.caseId ?? null;
  }
}
