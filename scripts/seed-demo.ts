// `npm run report -- --seed-demo` or `tsx scripts/seed-demo.ts`: a realistic, anonymous demo population
// shaped like Bielefeld's report of early 2022 (docs/DOMAIN.md): about 188 open cases with 564 persons,
// 36 % single persons, topics led by education and language, work and housing, clients mostly in
// Heepen, Mitte, Schildesche, Jöllenbeck, Sennestadt and Stieghorst, mainly from Syria and Iraq, a
// wait list, referrals and closures over the past months. Clients carry pseudonyms only: no names,
// no phone numbers, no Telegram ids. Deterministic (seeded PRNG) and idempotent (a second run
// finds the demo population and does nothing).
import { randomUUID } from "node:crypto";
import type { Organisation } from "../src/config/org.schema.ts";
import type { Db } from "../src/db/client.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import type { CasePhase, ClosureReason } from "../src/generated/prisma/enums.ts";
import { OrgRepository } from "../src/modules/org/org.repository.ts";

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

/** mulberry32: small, fast, reproducible */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T extends string>(r: () => number, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

const TOPIC_P = {
  education_language: 0.55,
  work: 0.48,
  housing: 0.39,
  health: 0.24,
  residence: 0.2,
  family: 0.17,
  livelihood: 0.15,
  leisure: 0.07,
} as const;

const DISTRICT_W: Record<string, number> = {
  heepen: 18,
  mitte: 17,
  schildesche: 14,
  joellenbeck: 12,
  sennestadt: 12,
  stieghorst: 12,
  brackwede: 5,
  dornberg: 4,
  gadderbaum: 3,
  senne: 1,
};

const ORIGIN_W: Record<string, number> = {
  SY: 36,
  IQ: 28,
  AF: 9,
  UA: 7,
  TR: 5,
  ER: 4,
  IR: 4,
  SO: 2,
  BG: 2,
  RO: 1.5,
  GR: 1,
  PL: 1,
};

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

const OPEN_PHASE_W: Partial<Record<CasePhase, number>> = {
  first_consultation: 10,
  assessment: 15,
  goal_agreement: 15,
  service_steering: 45,
  reassessment: 15,
};
const CLOSURE_W: Record<Exclude<ClosureReason, "erased">, number> = {
  goals_reached: 45,
  moved_away: 15,
  referred: 20,
  no_contact: 12,
  withdrawn: 8,
};

export async function seedDemoData(
  db: Db,
  org: Organisation,
  now: Date,
  opts: { openCases?: number; seed?: number } = {},
): Promise<DemoCounts> {
  await new OrgRepository(db).sync(org);
  const existing = await db.client.count({ where: { pseudonym: { startsWith: DEMO_PREFIX } } });
  if (existing > 0) {
    const open = await db.case.aggregate({
      where: { client: { pseudonym: { startsWith: DEMO_PREFIX } }, phase: { notIn: ["waiting", "closed"] } },
      _count: { _all: true },
      _sum: { persons: true },
    });
    return {
      clients: existing,
      openCases: open._count._all,
      openPersons: open._sum.persons ?? 0,
      closedCases: await db.case.count({
        where: { client: { pseudonym: { startsWith: DEMO_PREFIX } }, phase: "closed" },
      }),
      waiting: await db.waitlistEntry.count({
        where: { status: "waiting", client: { pseudonym: { startsWith: DEMO_PREFIX } } },
      }),
      referrals: await db.triageOutcome.count({
        where: { route: "referral", intake: { client: { pseudonym: { startsWith: DEMO_PREFIX } } } },
      }),
      created: false,
    };
  }

  const r = rng(opts.seed ?? 2022);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const districtRegion = new Map(
    org.regions.flatMap((reg) => reg.districts.map((d) => [d.id, reg.id] as const)),
  );
  const districtW = Object.fromEntries(
    [...districtRegion.keys()].map((d) => [d, DISTRICT_W[d] ?? 6]),
  ) as Record<string, number>;
  const cms = org.caseManagers.filter((c) => c.active);
  if (cms.length === 0) throw new Error("the organisation has no active case manager to seed cases for");
  const officeOf = new Map(cms.map((c) => [c.id, c.office]));

  const clients: Prisma.ClientCreateManyInput[] = [];
  const intakes: Prisma.IntakeCreateManyInput[] = [];
  const triage: Prisma.TriageOutcomeCreateManyInput[] = [];
  const cases: Prisma.CaseCreateManyInput[] = [];
  const waits: Prisma.WaitlistEntryCreateManyInput[] = [];
  const assignments: Prisma.AssignmentCreateManyInput[] = [];
  const appointments: Prisma.AppointmentCreateManyInput[] = [];
  const events: Prisma.CaseEventCreateManyInput[] = [];
  const usedSlots = new Set<string>();

  let serial = 0;
  const person = (submittedAt: Date) => {
    serial++;
    const origin = weighted(r, ORIGIN_W);
    const districtId = weighted(r, districtW);
    // exactly 36 % single persons over the population (Bielefeld), spread evenly
    const single = Math.floor(serial * 0.36) !== Math.floor((serial - 1) * 0.36);
    const adults = single ? 1 : r() < 0.2 ? 1 : r() < 0.9 ? 2 : 3;
    const children = single
      ? 0
      : Math.max(adults === 1 ? 1 : 0, Math.round(0.8 + r() * 3.0 - (adults === 3 ? 1 : 0)));
    let topics = (Object.keys(TOPIC_P) as (keyof typeof TOPIC_P)[]).filter((tp) => r() < TOPIC_P[tp]);
    if (topics.length === 0) topics = [weighted(r, { education_language: 3, work: 2, housing: 2 })];
    const clientId = randomUUID();
    const intakeId = randomUUID();
    const ref = `BI-DEMO-${String(serial).padStart(4, "0")}`;
    clients.push({
      id: clientId,
      locale: LOCALE_OF[origin] ?? "de",
      pseudonym: `${DEMO_PREFIX}${String(serial).padStart(4, "0")}`,
      districtId,
      originCountry: origin,
      source: weighted(r, { "poster-buergeramt": 3, "flyer-jobcenter": 2, "word-of-mouth": 4 }),
      createdAt: new Date(submittedAt.getTime() - int(0, 3) * DAY),
      lastSeenAt: submittedAt,
    });
    intakes.push({
      id: intakeId,
      clientId,
      referenceCode: ref,
      household: single ? "single" : "family",
      adults,
      children,
      districtId,
      topics,
      urgency: r() < 0.08 ? ["authority_deadline"] : [],
      languages: ["de", ...(LANG_OF[origin] ?? [])].slice(0, 1 + int(1, 2)),
      existingSupport: [],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      submittedAt,
    });
    return { clientId, intakeId, ref, districtId, persons: adults + children };
  };

  const slotFor = (cmId: string, around: Date) => {
    // a weekday morning slot on the hour, unique per case manager
    for (let k = 0; ; k++) {
      const d = new Date(around.getTime() + k * DAY);
      d.setUTCHours(8 + int(0, 3), 0, 0, 0);
      if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
      const key = `${cmId}.${d.getTime()}`;
      if (!usedSlots.has(key)) {
        usedSlots.add(key);
        return d;
      }
    }
  };

  const managedCase = (opts2: { open: boolean; cmId: string; acceptedAt: Date }) => {
    const waitDays = Math.max(3, Math.round(Math.exp(Math.log(35) + (r() - 0.5) * 1.4)));
    const submittedAt = new Date(opts2.acceptedAt.getTime() - waitDays * DAY - int(0, 2) * DAY);
    const p = person(submittedAt);
    const caseId = randomUUID();
    const closedAt = opts2.open
      ? null
      : new Date(Math.min(now.getTime() - DAY, opts2.acceptedAt.getTime() + int(60, 420) * DAY));
    const phase: CasePhase = opts2.open ? weighted(r, OPEN_PHASE_W as Record<CasePhase, number>) : "closed";
    triage.push({
      intakeId: p.intakeId,
      route: "case_management",
      reasonCode: "case_management",
      priority: int(1, 30),
      breakdown: {},
      decidedAt: submittedAt,
    });
    cases.push({
      id: caseId,
      clientId: p.clientId,
      intakeId: p.intakeId,
      referenceCode: p.ref,
      phase,
      cmId: opts2.cmId,
      persons: p.persons,
      districtId: p.districtId,
      regionId: districtRegion.get(p.districtId)!,
      openedAt: submittedAt,
      closedAt,
      closureReason: closedAt ? weighted(r, CLOSURE_W) : null,
    });
    waits.push({
      clientId: p.clientId,
      intakeId: p.intakeId,
      basePriority: int(1, 30),
      enqueuedAt: submittedAt,
      status: "assigned",
      leftAt: new Date(opts2.acceptedAt.getTime() - DAY),
    });
    assignments.push({
      caseId,
      cmId: opts2.cmId,
      status: "accepted",
      createdAt: new Date(opts2.acceptedAt.getTime() - DAY),
      deadlineAt: new Date(opts2.acceptedAt.getTime() + DAY),
      decidedAt: opts2.acceptedAt,
    });
    const first = slotFor(opts2.cmId, new Date(opts2.acceptedAt.getTime() + int(2, 12) * DAY));
    appointments.push({
      caseId,
      cmId: opts2.cmId,
      startsAt: first,
      endsAt: new Date(first.getTime() + 3_600_000),
      mode: "in_person",
      officeId: officeOf.get(opts2.cmId) ?? null,
      status: first < now ? "attended" : "booked",
    });
    events.push({
      caseId,
      kind: "case.seeded",
      fromPhase: null,
      toPhase: phase,
      actor: "system",
      at: opts2.acceptedAt,
      data: {},
    });
    return p.persons;
  };

  // open cases spread over the team by FTE share (Bielefeld: 156 at the city, 32 at the agencies)
  const openTarget = opts.openCases ?? 188;
  const totalFte = cms.reduce((s, c) => s + c.fte, 0);
  let made = 0;
  let openPersons = 0;
  cms.forEach((cm, i) => {
    const n = i === cms.length - 1 ? openTarget - made : Math.round((openTarget * cm.fte) / totalFte);
    for (let k = 0; k < n; k++) {
      const acceptedAt = new Date(now.getTime() - int(5, 700) * DAY);
      openPersons += managedCase({ open: true, cmId: cm.id, acceptedAt });
    }
    made += n;
  });
  // closed over the past year and a half
  const closedTarget = Math.round(openTarget * 0.22);
  for (let k = 0; k < closedTarget; k++) {
    const cm = cms[int(0, cms.length - 1)]!;
    managedCase({ open: false, cmId: cm.id, acceptedAt: new Date(now.getTime() - int(90, 600) * DAY) });
  }
  // the wait list: cases nobody could take yet
  const waitingTarget = Math.round(openTarget * 0.13);
  for (let k = 0; k < waitingTarget; k++) {
    const submittedAt = new Date(now.getTime() - int(1, 75) * DAY);
    const p = person(submittedAt);
    triage.push({
      intakeId: p.intakeId,
      route: "case_management",
      reasonCode: "case_management",
      priority: int(1, 30),
      breakdown: {},
      decidedAt: submittedAt,
    });
    cases.push({
      id: randomUUID(),
      clientId: p.clientId,
      intakeId: p.intakeId,
      referenceCode: p.ref,
      phase: "waiting",
      persons: p.persons,
      districtId: p.districtId,
      regionId: districtRegion.get(p.districtId)!,
      openedAt: submittedAt,
    });
    waits.push({
      clientId: p.clientId,
      intakeId: p.intakeId,
      basePriority: int(1, 30),
      enqueuedAt: submittedAt,
      status: "waiting",
    });
  }
  // referrals (Verweisberatung): no case is opened
  const targets = org.referralTargets.map((tg) => tg.id);
  const referralW: Record<string, number> = {
    jobcenter: 10,
    "youth-welfare": 4,
    mbe: 6,
    jmd: 3,
    "employment-agency": 3,
    "immigration-office": 2,
  };
  const referralTarget = Object.fromEntries(targets.map((id) => [id, referralW[id] ?? 1]));
  const referralTargetCount = targets.length ? Math.round(openTarget * 0.2) : 0;
  for (let k = 0; k < referralTargetCount; k++) {
    const submittedAt = new Date(now.getTime() - int(1, 330) * DAY);
    const p = person(submittedAt);
    triage.push({
      intakeId: p.intakeId,
      route: "referral",
      referralTarget: weighted(r, referralTarget),
      reasonCode: "existing_support",
      priority: 0,
      breakdown: {},
      decidedAt: submittedAt,
    });
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
    },
    { timeout: 120_000 },
  );

  return {
    clients: clients.length,
    openCases: openTarget,
    openPersons,
    closedCases: closedTarget,
    waiting: waitingTarget,
    referrals: referralTargetCount,
    created: true,
  };
}
