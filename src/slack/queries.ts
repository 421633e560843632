// Read models for the Slack surfaces, straight from Prisma. Ids in, plain data out. No personal
// values here: name and phone are decrypted only for the Details modal (cases/case-details.service.ts).

import type { Organisation } from "../config/org.schema.ts";
import type { Db } from "../db/client.ts";
import { AuditRepository } from "../modules/audit/audit.repository.ts";
import { CaseDetailsRepository } from "../modules/cases/case-details.repository.ts";
import { CaseDetailsService } from "../modules/cases/case-details.service.ts";
import { UUID } from "../modules/kernel/ids.ts";
import { ACTIVE_PHASES, loadTeam, type TeamMember } from "../modules/matching/load.repository.ts";
import { matchPolicyOf } from "../modules/matching/policy.ts";
import { AccessRepository } from "../modules/staff/access.repository.ts";
import { CaseAccess } from "../modules/staff/access.service.ts";
import type { StaffActor } from "../modules/staff/authorize.ts";
import { mayRelay } from "../modules/staff/consent.ts";
import { type FieldCipher, readMaybeEncrypted } from "../privacy/crypto.ts";
import type {
  AssignmentCardData,
  CaseQueries,
  CaseThreadTarget,
  CmHomeData,
  LoadRow,
  OpenCaseOption,
  WaitlistSummary,
  WhyChosen,
} from "./ports.ts";

const consentSelect = {
  select: { purpose: true, granted: true, decidedAt: true, withdrawnAt: true },
} as const;

/** Staff as the authorization rule sees them: with the colleagues they deputise for right now. */
export async function staffBySlackUser(
  db: Db,
  slackUserId: string,
  now: Date = new Date(),
): Promise<StaffActor | null> {
  if (!/^[UW][A-Z0-9]{2,}$/.test(slackUserId)) return null;
  return new AccessRepository(db).actorBySlackUser(slackUserId, now);
}

export async function staffById(db: Db, id: string, now: Date = new Date()): Promise<StaffActor | null> {
  if (id.length > 64) return null;
  return new AccessRepository(db).actorById(id, now);
}

/** Reads the chosen candidate's facts from an AssignmentDecision's candidates JSON, defensively. */
export function whyFromDecision(candidates: unknown, cmId: string): WhyChosen | null {
  const c = candidates as { total?: unknown; top?: unknown } | null;
  if (!c || !Array.isArray(c.top)) return null;
  const hit = (c.top as { cmId?: unknown; score?: unknown; facts?: Record<string, unknown> }[]).find(
    (x) => x?.cmId === cmId,
  );
  if (!hit) return null;
  const f = hit.facts ?? {};
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    score: num(hit.score),
    sharedLanguage: typeof f.sharedLanguage === "string" ? f.sharedLanguage : null,
    localContact: f.localContact === true,
    topicShare: num(f.topicShare) ?? 0,
    continuity: f.continuity === true,
    openCases: num(f.openCases),
    fairShare: num(f.fairShare),
    candidates: num(c.total) ?? (c.top as unknown[]).length,
  };
}

const inAgencies = (scope: "all" | readonly string[]) =>
  scope === "all" ? {} : { agencyId: { in: [...scope] } };

export class PrismaCaseQueries implements CaseQueries {
  constructor(
    private readonly db: Db,
    private readonly org: Organisation,
    private readonly cipher: FieldCipher,
  ) {}

  private districtName(id: string): string {
    for (const r of this.org.regions) for (const d of r.districts) if (d.id === id) return d.name;
    return id;
  }

  caseDetails(assignmentId: string, viewer: StaffActor, now: Date) {
    return new CaseDetailsService({
      repo: new CaseDetailsRepository(this.db),
      access: new CaseAccess(new AccessRepository(this.db), () => now),
      audit: new AuditRepository(this.db),
      cipher: this.cipher,
    }).forAssignment(assignmentId, viewer, now);
  }

  async assignmentCard(assignmentId: string, _now: Date): Promise<AssignmentCardData | null> {
    if (!UUID.test(assignmentId)) return null;
    const a = await this.db.assignment.findUnique({
      where: { id: assignmentId },
      select: {
        id: true,
        status: true,
        cmId: true,
        decisionId: true,
        createdAt: true,
        deadlineAt: true,
        decidedAt: true,
        slackChannel: true,
        slackTs: true,
        cm: { select: { slackUserId: true } },
        case: {
          select: {
            id: true,
            referenceCode: true,
            phase: true,
            persons: true,
            districtId: true,
            clientId: true,
            client: { select: { consents: consentSelect } },
            intake: {
              select: {
                household: true,
                adults: true,
                children: true,
                topics: true,
                languages: true,
                urgency: true,
                submittedAt: true,
                triage: { select: { reasonCode: true, priority: true } },
                waitlistEntry: { select: { enqueuedAt: true } },
              },
            },
          },
        },
      },
    });
    if (!a) return null;
    const decision = a.decisionId
      ? await this.db.assignmentDecision.findUnique({
          where: { id: a.decisionId },
          select: { candidates: true },
        })
      : null;
    const k = a.case;
    return {
      assignmentId: a.id,
      status: a.status,
      cm: { id: a.cmId, slackUserId: a.cm.slackUserId },
      createdAt: a.createdAt,
      deadlineAt: a.deadlineAt,
      decidedAt: a.decidedAt,
      slackChannel: a.slackChannel,
      slackTs: a.slackTs,
      case: {
        id: k.id,
        referenceCode: k.referenceCode,
        phase: k.phase,
        persons: k.persons,
        household: k.intake.household,
        adults: k.intake.adults,
        children: k.intake.children,
        topics: k.intake.topics,
        languages: k.intake.languages,
        districtName: this.districtName(k.districtId),
        urgency: k.intake.urgency,
        triageReason: k.intake.triage?.reasonCode ?? null,
        priority: k.intake.triage?.priority ?? null,
        waitingSince: k.intake.waitlistEntry?.enqueuedAt ?? k.intake.submittedAt,
      },
      why: decision ? whyFromDecision(decision.candidates, a.cmId) : null,
      relayConsent: mayRelay(k.client.consents),
    };
  }

  private async team(now: Date): Promise<TeamMember[]> {
    return loadTeam(this.db, now, matchPolicyOf(this.org.policy), {});
  }

  private static row(m: TeamMember, name: string): LoadRow {
    return {
      cmId: m.id,
      name,
      agencyId: m.agencyId,
      agencyName: m.agencyName,
      openCases: m.openCases,
      openPersons: m.openPersons,
      capacity: m.capacity.cases,
      absentNow: m.absentNow,
      active: m.active,
      overridden: m.capacityOverride?.cases !== undefined,
    };
  }

  async cmHome(cmId: string, now: Date): Promise<CmHomeData> {
    const [team, cases, pending, appointments, absences] = await Promise.all([
      this.team(now),
      this.db.case.findMany({
        where: { cmId, phase: { in: [...ACTIVE_PHASES] } },
        orderBy: { openedAt: "asc" },
        take: 200,
        select: { id: true, referenceCode: true, phase: true, persons: true },
      }),
      this.db.assignment.findMany({
        where: { cmId, status: "pending" },
        orderBy: { deadlineAt: "asc" },
        take: 20,
        select: { id: true, deadlineAt: true, case: { select: { referenceCode: true } } },
      }),
      this.db.appointment.findMany({
        where: { cmId, status: "booked", startsAt: { gte: now } },
        orderBy: { startsAt: "asc" },
        take: 5,
        select: { startsAt: true, mode: true, case: { select: { referenceCode: true } } },
      }),
      this.db.absence.findMany({
        where: { cmId, to: { gt: now } },
        orderBy: { from: "asc" },
        take: 20,
        select: { id: true, from: true, to: true, note: true },
      }),
    ]);
    const me = team.find((m) => m.id === cmId);
    return {
      load: me ? PrismaCaseQueries.row(me, me.name) : null,
      cases: cases.map((c) => ({
        caseId: c.id,
        referenceCode: c.referenceCode,
        phase: c.phase,
        persons: c.persons,
      })),
      pending: pending.map((p) => ({
        assignmentId: p.id,
        referenceCode: p.case.referenceCode,
        deadlineAt: p.deadlineAt,
      })),
      appointments: appointments.map((a) => ({
        referenceCode: a.case.referenceCode,
        startsAt: a.startsAt,
        mode: a.mode,
      })),
      // an absence ended early before it began is stored as empty (to = from)
      absences: absences
        .filter((a) => a.to.getTime() > a.from.getTime())
        .map((a) => ({
          ...a,
          note: readMaybeEncrypted(this.cipher, a.note, { table: "Absence", column: "note", row: a.id }),
        })),
    };
  }

  async loads(scope: "all" | readonly string[], now: Date): Promise<LoadRow[]> {
    const team = await this.team(now);
    return team
      .filter((m) => m.active && (scope === "all" || scope.includes(m.agencyId)))
      .map((m) => PrismaCaseQueries.row(m, m.name));
  }

  async waitlist(_now: Date): Promise<WaitlistSummary> {
    const where = { status: "waiting" as const, intake: { case: { phase: "waiting" as const } } };
    const [waiting, oldest, urgent] = await Promise.all([
      this.db.waitlistEntry.count({ where }),
      this.db.waitlistEntry.aggregate({ where, _min: { enqueuedAt: true } }),
      this.db.waitlistEntry.count({
        where: { status: "waiting", intake: { case: { phase: "waiting" }, urgency: { isEmpty: false } } },
      }),
    ]);
    return { waiting, oldestSince: oldest._min.enqueuedAt ?? null, urgent };
  }

  async openCases(scope: "all" | readonly string[], limit: number): Promise<OpenCaseOption[]> {
    const rows = await this.db.case.findMany({
      where: {
        phase: { in: [...ACTIVE_PHASES] },
        cmId: { not: null },
        ...(scope === "all" ? {} : { cm: inAgencies(scope) }),
      },
      orderBy: { referenceCode: "asc" },
      take: limit,
      select: { id: true, referenceCode: true, cmId: true, cm: { select: { agencyId: true } } },
    });
    return rows.map((r) => ({
      caseId: r.id,
      referenceCode: r.referenceCode,
      cmId: r.cmId,
      agencyId: r.cm?.agencyId ?? null,
    }));
  }

  private async target(where: { id: string } | { referenceCode: string }): Promise<CaseThreadTarget | null> {
    const k = await this.db.case.findUnique({
      where,
      select: {
        id: true,
        clientId: true,
        referenceCode: true,
        cmId: true,
        cm: { select: { agencyId: true } },
        client: { select: { consents: consentSelect, erasedAt: true } },
      },
    });
    if (!k) return null;
    return {
      caseId: k.id,
      clientId: k.clientId,
      referenceCode: k.referenceCode,
      cmId: k.cmId,
      agencyId: k.cm?.agencyId ?? null,
      relayConsent: mayRelay(k.client.consents),
      erased: k.client.erasedAt !== null,
    };
  }

  async caseByThread(channel: string, threadTs: string): Promise<CaseThreadTarget | null> {
    const k = await this.db.case.findFirst({
      where: { threadChannel: channel, threadTs },
      select: { id: true },
    });
    if (k) return this.target({ id: k.id });
    // the accepted card is the case's thread in the case manager's DM even before the first message
    const a = await this.db.assignment.findFirst({
      where: { slackChannel: channel, slackTs: threadTs, status: "accepted" },
      select: { caseId: true, cmId: true, case: { select: { cmId: true } } },
    });
    if (!a || a.case.cmId !== a.cmId) return null;
    return this.target({ id: a.caseId });
  }

  async caseByReference(referenceCode: string): Promise<CaseThreadTarget | null> {
    if (!/^[A-Z0-9-]{3,40}$/.test(referenceCode)) return null;
    return this.target({ referenceCode });
  }

  async caseById(caseId: string): Promise<CaseThreadTarget | null> {
    if (!UUID.test(caseId)) return null;
    return this.target({ id: caseId });
  }

  async absenceOwner(absenceId: string): Promise<{ cmId: string; agencyId: string } | null> {
    if (!UUID.test(absenceId)) return null;
    const a = await this.db.absence.findUnique({
      where: { id: absenceId },
      select: { cmId: true, cm: { select: { agencyId: true } } },
    });
    return a ? { cmId: a.cmId, agencyId: a.cm.agencyId } : null;
  }
}
