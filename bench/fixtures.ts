// The synthetic team and wait list the benchmarks share (bench/run.ts, bench/batch.ts): a seeded
// random team with languages, districts and topics, clients drawn like Bielefeld's, an organisation
// file built in code, and a seeder that fills a throwaway schema with waiting cases.
import type { Organisation } from "../src/config/org.schema.ts";
import { DEFAULT_POLICY } from "../src/config/org.schema.ts";
import type { DbHandle } from "../src/db/client.ts";
import { silentLogger } from "../src/lib/logger.ts";
import { mulberry32 } from "../src/lib/random.ts";
import type { SpokenLanguage, Topic } from "../src/modules/intake/answers.ts";
import { AssignmentService } from "../src/modules/matching/assignment.service.ts";
import { nullJobs } from "../src/modules/matching/deps.ts";
import { LogStaffNotifier } from "../src/modules/notify/log-staff-notifier.ts";
import { RecordingClientNotifier } from "../src/modules/notify/recording-notifier.ts";
import type { TestDb } from "../test/support/db.ts";

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

// ───────────────────────────── a synthetic team and wait list ─────────────────────────────

/** the seeded PRNG of every fixture (src/lib/random.ts) */
export const rng = mulberry32;
export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export const DISTRICTS = [
  "mitte",
  "brackwede",
  "dornberg",
  "gadderbaum",
  "heepen",
  "joellenbeck",
  "schildesche",
  "senne",
  "sennestadt",
  "stieghorst",
];
export const CM_LANGS: SpokenLanguage[][] = [
  ["de", "ar", "en"],
  ["de", "ku", "ar"],
  ["de", "fa", "en"],
  ["de", "ru", "uk"],
  ["de", "tr", "ku"],
  ["de", "ar", "fr"],
  ["de", "en"],
  ["de", "pl", "ru"],
  ["de", "bg", "tr"],
  ["de", "ro", "en"],
];
export const CLIENT_LANGS: SpokenLanguage[][] = [
  ["ar"],
  ["ar", "de"],
  ["ku", "ar"],
  ["fa"],
  ["uk", "ru"],
  ["tr"],
  ["ru"],
  ["bg"],
  ["ro"],
  ["pl"],
  ["ti"],
  ["de"],
];
export const TOPIC_LIST: Topic[] = [
  "education_language",
  "work",
  "housing",
  "health",
  "livelihood",
  "residence",
  "family",
  "leisure",
];
export const AGENCIES = ["social-office", "drk", "awo"];
export const FTES = [1, 1, 1, 0.75, 0.5];

export interface SynthCm {
  id: string;
  agencyId: string;
  fte: number;
  languages: SpokenLanguage[];
  districts: string[];
  topics: Topic[];
}
/** Bielefeld's split by default: 70 % social office, 20 % DRK, 10 % AWO. */
const bielefeldAgency = (i: number): string => AGENCIES[i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2]!;

/** `n` agencies of equal size ("agency-00" …), for the batch scenario. */
export const evenAgencies =
  (n: number) =>
  (i: number): string =>
    `agency-${String(i % n).padStart(2, "0")}`;

export function synthTeam(
  n: number,
  seed: number,
  agencyOf: (i: number) => string = bielefeldAgency,
): SynthCm[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `cm-${String(i).padStart(4, "0")}`,
    agencyId: agencyOf(i),
    fte: pick(r, FTES),
    languages: pick(r, CM_LANGS),
    districts: r() < 0.6 ? [pick(r, DISTRICTS)] : [],
    topics: [pick(r, TOPIC_LIST), pick(r, TOPIC_LIST)].filter((t, k, a) => a.indexOf(t) === k),
  }));
}
export interface SynthClient {
  districtId: string;
  languages: SpokenLanguage[];
  topics: Topic[];
  persons: number;
  urgent: boolean;
}
export function synthClients(n: number, seed: number): SynthClient[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({
    districtId: pick(r, DISTRICTS),
    languages: pick(r, CLIENT_LANGS),
    topics: TOPIC_LIST.filter(() => r() < 0.3)
      .slice(0, 3)
      .concat(r() < 0.5 ? ["work"] : [])
      .filter((t, k, a) => a.indexOf(t) === k),
    persons: r() < 0.36 ? 1 : 2 + Math.floor(r() * 5),
    urgent: r() < 0.08,
  }));
}

export function benchOrg(team: SynthCm[]): Organisation {
  // built directly (not through the schema): the bench seeds the tables itself
  return {
    municipality: { id: "bench", name: "Bench", kind: "city", timezone: "Europe/Berlin" },
    regions: [{ id: "bielefeld", name: "Bielefeld", districts: DISTRICTS.map((id) => ({ id, name: id })) }],
    agencies: [...new Set(team.map((t) => t.agencyId))].sort().map((id) => ({
      id,
      name: id.toUpperCase(),
      kind: id === "social-office" ? "municipal" : "welfare",
      regions: ["bielefeld"],
    })),
    offices: [],
    caseManagers: team.map((t) => ({
      id: t.id,
      name: `Bench ${t.id}`,
      agency: t.agencyId,
      slackUserId: `U${t.id.replace(/\D/g, "").padStart(8, "0")}`,
      fte: t.fte,
      languages: t.languages,
      regions: ["bielefeld"],
      districts: t.districts,
      topics: t.topics,
      teamLead: false,
      coordinator: false,
      office: "none",
      active: true,
      availability: [],
    })),
    policy: { ...DEFAULT_POLICY, regionBound: false },
    triage: {
      referralForExistingSupport: {
        sgb2: "jobcenter",
        sgb3: "employment-agency",
        sgb8: "youth-welfare",
        mbe: "continue",
        jmd: "continue",
      },
      simpleTopicReferral: {},
      urgencyWeights: { eviction: 20, health_emergency: 20, benefits_loss: 15, authority_deadline: 10 },
      householdWeightPerPerson: 1,
      vulnerabilityPoints: 5,
    },
    referralTargets: [],
    deepLinks: [],
    relay: {},
  };
}

export async function seed(
  db: TestDb,
  org: Organisation,
  team: SynthCm[],
  waiting: number,
  clientSeed: number,
): Promise<string[]> {
  const p = db.prisma;
  await p.region.create({ data: { id: "bielefeld", name: "Bielefeld" } });
  await p.district.createMany({ data: DISTRICTS.map((id) => ({ id, name: id, regionId: "bielefeld" })) });
  await p.agency.createMany({
    data: org.agencies.map((a) => ({ id: a.id, name: a.name, kind: a.kind, regionIds: a.regions })),
  });
  await p.caseManager.createMany({
    data: org.caseManagers.map((c) => ({
      id: c.id,
      name: c.name,
      agencyId: c.agency,
      slackUserId: c.slackUserId,
      fte: c.fte,
      languages: c.languages,
      regionIds: c.regions,
      localDistrictIds: c.districts,
      topics: c.topics,
    })),
  });
  // a few absences, as in real life
  await p.absence.createMany({
    data: team
      .filter((_, i) => i % 40 === 0)
      .map((t) => ({
        cmId: t.id,
        from: new Date("2026-02-20T00:00:00Z"),
        to: new Date("2026-03-10T00:00:00Z"),
      })),
  });
  const clients = synthClients(waiting, clientSeed);
  const base = new Date("2026-01-01T00:00:00Z").getTime();
  const ids = {
    client: [] as string[],
    intake: [] as string[],
    case: [] as string[],
  };
  const uuid = () => crypto.randomUUID();
  for (let i = 0; i < waiting; i++) {
    ids.client.push(uuid());
    ids.intake.push(uuid());
    ids.case.push(uuid());
  }
  const CHUNK = 2000;
  for (let from = 0; from < waiting; from += CHUNK) {
    const range = Array.from({ length: Math.min(CHUNK, waiting - from) }, (_, k) => from + k);
    await p.client.createMany({
      data: range.map((i) => ({ id: ids.client[i]!, locale: "de", pseudonym: `K-B${i}` })),
    });
    await p.intake.createMany({
      data: range.map((i) => {
        const c = clients[i]!;
        return {
          id: ids.intake[i]!,
          clientId: ids.client[i]!,
          referenceCode: `BE-${i}`,
          household: c.persons > 1 ? ("family" as const) : ("single" as const),
          adults: 1,
          children: c.persons - 1,
          districtId: c.districtId,
          topics: c.topics,
          urgency: c.urgent ? ["eviction"] : [],
          languages: c.languages,
          existingSupport: [],
          contactModes: ["in_person"],
          timesOfDay: ["morning"],
          submittedAt: new Date(base + i * 60_000),
        };
      }),
    });
    await p.case.createMany({
      data: range.map((i) => ({
        id: ids.case[i]!,
        clientId: ids.client[i]!,
        intakeId: ids.intake[i]!,
        referenceCode: `BE-${i}`,
        persons: clients[i]!.persons,
        districtId: clients[i]!.districtId,
        regionId: "bielefeld",
      })),
    });
    await p.waitlistEntry.createMany({
      data: range.map((i) => ({
        clientId: ids.client[i]!,
        intakeId: ids.intake[i]!,
        basePriority: clients[i]!.urgent ? 25 : 2,
        enqueuedAt: new Date(base + i * 60_000),
      })),
    });
  }
  await db.sql.query("ANALYZE");
  return ids.case;
}

export function serviceOn(db: DbHandle, org: Organisation, now: Date): AssignmentService {
  return new AssignmentService({
    db: db.prisma,
    org,
    jobs: nullJobs,
    clients: new RecordingClientNotifier(),
    staff: new LogStaffNotifier(silentLogger),
    log: silentLogger,
    now: () => now,
  });
}

export const dbUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";
