// Reads the plain rows the report aggregates. Clients who asked for erasure are read from their
// ErasedTally facts only (their live rows, if any are left, are skipped), so nobody counts twice.
import type { Organisation } from "../../config/org.schema.ts";
import type { Db } from "../../db/client.ts";
import type { TFunction } from "../../i18n/index.ts";
import { LIFE_AREAS } from "../cases/codes.ts";
import { TOPICS } from "../intake/answers.ts";
import {
  type AggregateOptions,
  aggregate,
  type CaseFacts,
  type ErasedFacts,
  parseErasedFacts,
  type Report,
  type ReportLabels,
  type ReportRows,
  type ReportVariant,
} from "./aggregate.ts";
import { CLOSURE_REASONS_ORDER } from "./labels.ts";

/** The handle report.service.ts passes through to these queries. */
export type ReportDb = Db;

export async function loadReportRows(db: Db, range: { to: Date }): Promise<ReportRows> {
  const notErased = { client: { erasedAt: null } };
  const [cases, accepted, firstAppts, intakes, waits, staff, tallies, responses, invited] = await Promise.all(
    [
      db.case.findMany({
        where: { ...notErased, openedAt: { lt: range.to } },
        select: {
          id: true,
          persons: true,
          districtId: true,
          openedAt: true,
          closedAt: true,
          closureReason: true,
          cm: { select: { agencyId: true } },
          client: { select: { originCountry: true } },
          clientId: true,
          intake: { select: { household: true, topics: true, submittedAt: true } },
          assessments: { select: { startedAt: true, areas: { select: { area: true, barriers: true } } } },
          goals: { select: { area: true, createdAt: true, outcome: true, outcomeAt: true } },
          referrals: { select: { partnerId: true, sentAt: true, expectedBy: true, answeredAt: true } },
        },
      }),
      db.assignment.groupBy({
        by: ["caseId"],
        where: { status: { in: ["accepted", "moved"] }, decidedAt: { not: null } },
        _min: { decidedAt: true },
      }),
      db.appointment.groupBy({
        by: ["caseId"],
        where: { status: { not: "cancelled" } },
        _min: { startsAt: true },
      }),
      db.intake.findMany({
        where: { ...notErased, submittedAt: { lt: range.to } },
        select: { submittedAt: true, triage: { select: { route: true, referralTarget: true } } },
      }),
      db.waitlistEntry.findMany({
        where: { ...notErased, enqueuedAt: { lt: range.to } },
        select: { enqueuedAt: true, leftAt: true, status: true },
      }),
      db.caseManager.findMany({ select: { id: true, agencyId: true, fte: true, active: true } }),
      db.erasedTally.findMany({ select: { facts: true } }),
      db.surveyResponse.findMany({
        select: { month: true, useful: true, understood: true, recommend: true },
      }),
      db.surveyInvitedTally.findMany({ select: { month: true, count: true } }),
    ],
  );
  // goal agreement = the case entered service steering; re-contact = reopened, or a later intake
  const [agreements, reopened, laterIntakes] = await Promise.all([
    db.caseEvent.groupBy({
      by: ["caseId"],
      where: { toPhase: "service_steering", at: { lt: range.to } },
      _min: { at: true },
    }),
    db.caseEvent.findMany({
      where: { kind: "case.reopened", at: { lt: range.to } },
      select: { caseId: true, at: true },
    }),
    db.intake.findMany({
      where: { ...notErased, submittedAt: { lt: range.to } },
      select: { clientId: true, submittedAt: true },
    }),
  ]);
  const agreedAt = new Map(agreements.map((a) => [a.caseId, a._min.at]));
  const comeBacks = new Map<string, Date[]>();
  const push = (k: string, d: Date) => comeBacks.set(k, [...(comeBacks.get(k) ?? []), d]);
  for (const e of reopened) push(`case:${e.caseId}`, e.at);
  for (const i of laterIntakes) push(`client:${i.clientId}`, i.submittedAt);
  const recontactAt = (caseId: string, clientId: string, closedAt: Date | null) => {
    if (!closedAt) return null;
    const after = [...(comeBacks.get(`case:${caseId}`) ?? []), ...(comeBacks.get(`client:${clientId}`) ?? [])]
      .filter((d) => d > closedAt)
      .sort((a, b) => a.getTime() - b.getTime());
    return after[0] ?? null;
  };
  const acceptedAt = new Map(accepted.map((a) => [a.caseId, a._min.decidedAt]));
  const firstAt = new Map(firstAppts.map((a) => [a.caseId, a._min.startsAt]));
  return {
    cases: cases.map(
      (c): CaseFacts => ({
        household: c.intake.household,
        persons: c.persons,
        districtId: c.districtId,
        topics: c.intake.topics,
        originCountry: c.client.originCountry,
        agencyId: c.cm?.agencyId ?? null,
        openedAt: c.openedAt,
        acceptedAt: acceptedAt.get(c.id) ?? null,
        closedAt: c.closedAt,
        closureReason: c.closureReason,
        intakeSubmittedAt: c.intake.submittedAt,
        firstAppointmentAt: firstAt.get(c.id) ?? null,
        work: {
          barriers: c.assessments.flatMap((a) =>
            a.areas.flatMap((ar) => ar.barriers.map((code) => ({ area: ar.area, code, at: a.startedAt }))),
          ),
          goals: c.goals,
          referrals: c.referrals,
          goalAgreementAt: agreedAt.get(c.id) ?? null,
          recontactAt: recontactAt(c.id, c.clientId, c.closedAt),
        },
      }),
    ),
    intakes: intakes.map((i) => ({
      submittedAt: i.submittedAt,
      route: i.triage?.route ?? null,
      referralTarget: i.triage?.referralTarget ?? null,
    })),
    waits,
    staff,
    erased: tallies.map((t) => parseErasedFacts(t.facts)).filter((f): f is ErasedFacts => f !== null),
    survey: { responses, invited },
  };
}

export function reportLabels(org: Organisation): ReportLabels {
  return {
    municipality: org.municipality.name,
    districts: Object.fromEntries(org.regions.flatMap((r) => r.districts.map((d) => [d.id, d.name]))),
    agencies: Object.fromEntries(org.agencies.map((a) => [a.id, a.name])),
    referralTargets: Object.fromEntries(org.referralTargets.map((t) => [t.id, t.name])),
    regions: Object.fromEntries(org.regions.map((r) => [r.id, r.name])),
    districtRegion: Object.fromEntries(org.regions.flatMap((r) => r.districts.map((d) => [d.id, r.id]))),
  };
}

export const REPORT_AGGREGATE_OPTIONS: AggregateOptions = {
  topicOrder: TOPICS,
  closureOrder: CLOSURE_REASONS_ORDER,
  lifeAreaOrder: LIFE_AREAS,
};

/** Loads and aggregates in one go: what the CLI, the scheduled job and `/kim report` call. */
export async function buildReport(
  db: Db,
  org: Organisation,
  args: { from: Date; to: Date; now: Date; variant: ReportVariant },
): Promise<Report> {
  const rows = await loadReportRows(db, { to: args.to });
  return aggregate(
    rows,
    {
      from: args.from,
      to: args.to,
      now: args.now,
      variant: args.variant,
      policy: { casesPerFte: org.policy.casesPerFte, personsPerFte: org.policy.personsPerFte },
      labels: reportLabels(org),
    },
    REPORT_AGGREGATE_OPTIONS,
  );
}

export type { TFunction };
