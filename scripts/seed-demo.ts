// `npm run report -- --seed-demo` or `tsx scripts/seed-demo.ts`: writes the anonymous demo population of
// scripts/fixtures/bielefeld-2022.ts (Bielefeld's figures of early 2022: 188 cases with 564 persons,
// 26 cases and 80 persons per case manager at the city, 36 % single persons, Bildung und Sprache 103,
// Arbeit 91, Wohnen 74) to the database, with a year of case work before it: assessments with
// barriers, goals with outcomes, referrals with answers, closures, re-contacts, a wait list and
// referral-only intakes. Clients carry pseudonyms only: no names, no phone numbers, no Telegram ids.
// Deterministic (the fixture's seeded PRNG) and idempotent (a second run finds the demo population
// and does nothing). `now` is the fixture's reference instant: the seed's table is the report for the
// day before it.
import { randomUUID } from "node:crypto";
import type { Organisation } from "../src/config/org.schema.ts";
import type { Db } from "../src/db/client.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import { OrgRepository } from "../src/modules/org/org.repository.ts";
import { bielefeldPopulation, type DemoPerson, rng, weighted } from "./fixtures/bielefeld-2022.ts";

const DAY = 86_400_000;
export const DEMO_PREFIX = "DEMO-";

export interface DemoCounts {
  clients: number;
  openCases: number;
  openPersons: number;
  closedCases: number;
  waiting: number;
  referrals: number;
  created: boolean;
}

const LANG_OF: Record<string, string[]> = {
  SY: ["ar", "ku"],
  IQ: ["ar", "ku"],
  AF: ["fa", "ps"],
  UA: ["uk", "ru"],
  TR: ["tr", "ku"],
  ER: ["ti"],
  IR: ["fa"],
  SO: ["so"],
  BG: ["bg", "tr"],
  RO: ["ro"],
  GR: ["el"],
  PL: ["pl"],
};
const LOCALE_OF: Record<string, string> = {
  SY: "ar",
  IQ: "ar",
  AF: "fa",
  UA: "uk",
  TR: "tr",
  IR: "fa",
  BG: "bg",
  RO: "ro",
  PL: "pl",
};

async function existingCounts(db: Db, clients: number): Promise<DemoCounts> {
  const demo = { client: { pseudonym: { startsWith: DEMO_PREFIX } } };
  const open = await db.case.aggregate({
    where: { ...demo, phase: { notIn: ["waiting", "closed"] } },
    _count: { _all: true },
    _sum: { persons: true },
  });
  return {
    clients,
    openCases: open._count._all,
    openPersons: open._sum.persons ?? 0,
    closedCases: await db.case.count({ where: { ...demo, phase: "closed" } }),
    waiting: await db.waitlistEntry.count({ where: { status: "waiting", ...demo } }),
    referrals: await db.triageOutcome.count({ where: { route: "referral", intake: demo } }),
    created: false,
  };
}

export async function seedDemoData(
  db: Db,
  org: Organisation,
  now: Date,
  opts: { seed?: number } = {},
): Promise<DemoCounts> {
  await new OrgRepository(db).sync(org);
  const existing = await db.client.count({ where: { pseudonym: { startsWith: DEMO_PREFIX } } });
  if (existing > 0) return existingCounts(db, existing);

  const pop = bielefeldPopulation(org, now, opts.seed ?? 2022);
  // details nobody counts (locale, languages, slot hours) from their own stream, so they cannot shift
  // the fixture's figures
  const r = rng((opts.seed ?? 2022) + 1);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const districtRegion = new Map(
    org.regions.flatMap((reg) => reg.districts.map((d) => [d.id, reg.id] as const)),
  );
  const officeOf = new Map(org.caseManagers.map((c) => [c.id, c.office]));

  const clients: Prisma.ClientCreateManyInput[] = [];
  const intakes: Prisma.IntakeCreateManyInput[] = [];
  const triage: Prisma.TriageOutcomeCreateManyInput[] = [];
  const cases: Prisma.CaseCreateManyInput[] = [];
  const waits: Prisma.WaitlistEntryCreateManyInput[] = [];
  const assignments: Prisma.AssignmentCreateManyInput[] = [];
  const appointments: Prisma.AppointmentCreateManyInput[] = [];
  const events: Prisma.CaseEventCreateManyInput[] = [];
  const assessments: Prisma.AssessmentCreateManyInput[] = [];
  const areas: Prisma.AssessmentAreaCreateManyInput[] = [];
  const goals: Prisma.GoalCreateManyInput[] = [];
  const referrals: Prisma.ReferralCreateManyInput[] = [];
  const usedSlots = new Set<string>();

  const ref = (serial: number) => `BI-DEMO-${String(serial).padStart(4, "0")}`;
  const intakeOf = (p: DemoPerson, clientId: string, refCode: string, submittedAt = p.submittedAt) => {
    const intakeId = randomUUID();
    intakes.push({
      id: intakeId,
      clientId,
      referenceCode: refCode,
      household: p.household,
      adults: p.adults,
      children: p.children,
      districtId: p.districtId,
      topics: p.topics,
      urgency: r() < 0.08 ? ["authority_deadline"] : [],
      languages: ["de", ...(LANG_OF[p.originCountry] ?? [])].slice(0, 1 + int(1, 2)),
      existingSupport: [],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      submittedAt,
    });
    return intakeId;
  };
  const clientOf = (p: DemoPerson) => {
    const clientId = randomUUID();
    clients.push({
      id: clientId,
      locale: LOCALE_OF[p.originCountry] ?? "de",
      pseudonym: `${DEMO_PREFIX}${String(p.serial).padStart(4, "0")}`,
      districtId: p.districtId,
      originCountry: p.originCountry,
      source: weighted(r, { "poster-buergeramt": 3, "flyer-jobcenter": 2, "word-of-mouth": 4 }),
      createdAt: new Date(p.submittedAt.getTime() - int(0, 3) * DAY),
      lastSeenAt: p.submittedAt,
    });
    return clientId;
  };
  const triageOf = (intakeId: string, at: Date, referralTarget?: string) =>
    triage.push({
      intakeId,
      route: referralTarget ? "referral" : "case_management",
      ...(referralTarget ? { referralTarget } : {}),
      reasonCode: referralTarget ? "existing_support" : "case_management",
      priority: referralTarget ? 0 : int(1, 30),
      breakdown: {},
      decidedAt: at,
    });
  const slotFor = (cmId: string, around: Date) => {
    // a weekday slot on the hour, unique per case manager
    for (let k = 0; ; k++) {
      const d = new Date(around.getTime() + k * DAY);
      if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
      const key = `${cmId}.${d.getTime()}`;
      if (!usedSlots.has(key)) {
        usedSlots.add(key);
        return d;
      }
    }
  };

  let openPersons = 0;
  let recontacts = 0;
  for (const c of pop.cases) {
    const clientId = clientOf(c);
    const intakeId = intakeOf(c, clientId, ref(c.serial));
    triageOf(intakeId, c.submittedAt);
    const caseId = randomUUID();
    const persons = c.adults + c.children;
    if (!c.closedAt) openPersons += persons;
    cases.push({
      id: caseId,
      clientId,
      intakeId,
      referenceCode: ref(c.serial),
      phase: c.phase,
      cmId: c.cmId,
      persons,
      districtId: c.districtId,
      regionId: districtRegion.get(c.districtId)!,
      openedAt: c.submittedAt,
      closedAt: c.closedAt,
      closureReason: c.closureReason,
    });
    waits.push({
      clientId,
      intakeId,
      basePriority: int(1, 30),
      enqueuedAt: c.submittedAt,
      status: "assigned",
      leftAt: new Date(c.acceptedAt.getTime() - DAY),
    });
    assignments.push({
      caseId,
      cmId: c.cmId,
      status: "accepted",
      createdAt: new Date(c.acceptedAt.getTime() - DAY),
      deadlineAt: new Date(c.acceptedAt.getTime() + DAY),
      decidedAt: c.acceptedAt,
    });
    const first = slotFor(c.cmId, c.firstAppointmentAt);
    appointments.push({
      caseId,
      cmId: c.cmId,
      startsAt: first,
      endsAt: new Date(first.getTime() + 3_600_000),
      mode: "in_person",
      officeId: officeOf.get(c.cmId) ?? null,
      status: first < now ? "attended" : "booked",
    });
    events.push({
      caseId,
      kind: "case.seeded",
      actor: "system",
      at: c.acceptedAt,
      toPhase: c.phase,
      data: {},
    });
    if (c.assessment) {
      const assessmentId = randomUUID();
      assessments.push({
        id: assessmentId,
        caseId,
        kind: "initial",
        startedAt: c.assessment.startedAt,
        completedAt: c.assessment.completedAt,
        createdBy: `cm:${c.cmId}`,
      });
      for (const a of c.assessment.areas)
        areas.push({
          assessmentId,
          area: a.area,
          status: a.barriers.length ? "need" : "no_need",
          barriers: a.barriers,
        });
    }
    if (c.goalAgreementAt)
      events.push({
        caseId,
        kind: "case.phase_changed",
        fromPhase: "goal_agreement",
        toPhase: "service_steering",
        actor: `cm:${c.cmId}`,
        at: c.goalAgreementAt,
        data: {},
      });
    for (const g of c.goals)
      goals.push({
        caseId,
        text: `Demo goal (${g.area})`,
        area: g.area,
        responsible: "client",
        status: g.outcome === "reached" ? "achieved" : g.outcome === "dropped" ? "dropped" : "open",
        outcome: g.outcome,
        outcomeReason: g.outcome && g.outcome !== "reached" ? "circumstances_changed" : null,
        outcomeAt: g.outcomeAt,
        createdAt: g.createdAt,
      });
    for (const x of c.referrals)
      referrals.push({
        caseId,
        partnerId: x.partnerId,
        purpose: x.purpose,
        sentAt: x.sentAt,
        expectedBy: x.expectedBy,
        status: x.status,
        statusAt: x.answeredAt ?? x.sentAt,
        answeredAt: x.answeredAt,
        createdBy: `cm:${c.cmId}`,
        createdAt: x.sentAt,
      });
    if (c.closedAt) {
      events.push({
        caseId,
        kind: "case.closed",
        toPhase: "closed",
        actor: `cm:${c.cmId}`,
        at: c.closedAt,
        data: {},
      });
      if (c.recontactAt) {
        // the client came back: a new intake, triaged to a referral (Verweisberatung)
        recontacts++;
        const again = intakeOf(c, clientId, `${ref(c.serial)}-R`, c.recontactAt);
        triageOf(again, c.recontactAt, org.referralTargets[0]?.id ?? "jobcenter");
      }
    }
  }
  for (const p of pop.waiting) {
    const clientId = clientOf(p);
    const intakeId = intakeOf(p, clientId, ref(p.serial));
    triageOf(intakeId, p.submittedAt);
    cases.push({
      id: randomUUID(),
      clientId,
      intakeId,
      referenceCode: ref(p.serial),
      phase: "waiting",
      persons: p.adults + p.children,
      districtId: p.districtId,
      regionId: districtRegion.get(p.districtId)!,
      openedAt: p.submittedAt,
    });
    waits.push({
      clientId,
      intakeId,
      basePriority: int(1, 30),
      enqueuedAt: p.submittedAt,
      status: "waiting",
    });
  }
  for (const p of pop.referredOnly) {
    const clientId = clientOf(p);
    triageOf(intakeOf(p, clientId, ref(p.serial)), p.submittedAt, p.referralTarget);
  }

  await db.$transaction(
    async (tx) => {
      await tx.client.createMany({ data: clients });
      await tx.intake.createMany({ data: intakes });
      await tx.triageOutcome.createMany({ data: triage });
      await tx.case.createMany({ data: cases });
      await tx.waitlistEntry.createMany({ data: waits });
      await tx.assignment.createMany({ data: assignments });
      await tx.appointment.createMany({ data: appointments });
      await tx.caseEvent.createMany({ data: events });
      await tx.assessment.createMany({ data: assessments });
      await tx.assessmentArea.createMany({ data: areas });
      await tx.goal.createMany({ data: goals });
      await tx.referral.createMany({ data: referrals });
    },
    { timeout: 120_000 },
  );

  const closed = pop.cases.filter((c) => c.closedAt).length;
  return {
    clients: clients.length,
    openCases: pop.cases.length - closed,
    openPersons,
    closedCases: closed,
    waiting: pop.waiting.length,
    referrals: pop.referredOnly.length + recontacts,
    created: true,
  };
}
