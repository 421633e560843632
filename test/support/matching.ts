// Builders for the matching/triage/wait-list integration tests: a small organisation in code, clients
// with intakes, and services wired to recording notifiers and a settable clock.

import { randomUUID } from "node:crypto";
import { createMatchingServices, type MatchingServices } from "../../src/app/runtime/matching.ts";
import {
  type Organisation,
  type OrganisationInput,
  organisationSchema,
} from "../../src/config/org.schema.ts";
import type { Db } from "../../src/db/client.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { CaseLifecycleService } from "../../src/modules/cases/lifecycle.service.ts";
import { type MatchingDeps, recordingJobs } from "../../src/modules/matching/deps.ts";
import { RecordingStaffNotifier } from "../../src/modules/notify/log-staff-notifier.ts";
import { RecordingClientNotifier } from "../../src/modules/notify/recording-notifier.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { createCipher, generateKeySpec } from "../../src/privacy/crypto.ts";

export interface CmSpec {
  id: string;
  fte?: number;
  languages?: string[];
  districts?: string[];
  regions?: string[];
  agency?: string;
  capacityOverride?: number;
  teamLead?: boolean;
  active?: boolean;
}

export function makeOrg(
  cms: CmSpec[],
  opts: {
    regionBound?: boolean;
    casesPerFte?: number;
    twoRegions?: boolean;
    acceptanceDeadlineHours?: number;
  } = {},
): Organisation {
  const regions = opts.twoRegions
    ? [
        {
          id: "nord",
          name: "Nord",
          districts: [
            { id: "mitte", name: "Mitte" },
            { id: "heepen", name: "Heepen" },
          ],
        },
        { id: "sued", name: "Süd", districts: [{ id: "senne", name: "Senne" }] },
      ]
    : [
        {
          id: "stadt",
          name: "Stadt",
          districts: [
            { id: "mitte", name: "Mitte" },
            { id: "heepen", name: "Heepen" },
            { id: "senne", name: "Senne" },
          ],
        },
      ];
  const input: OrganisationInput = {
    municipality: { id: "testburg", name: "Testburg", kind: "city" },
    regions,
    agencies: [
      { id: "social-office", name: "Sozialamt Testburg", kind: "municipal" },
      { id: "drk", name: "DRK Testburg", kind: "welfare" },
    ],
    offices: [
      {
        id: "rathaus",
        agency: "social-office",
        name: "Rathaus",
        address: { street: "Markt 1", postcode: "33602", city: "Testburg" },
      },
      {
        id: "drk-office",
        agency: "drk",
        name: "DRK",
        address: { street: "Weg 2", postcode: "33602", city: "Testburg" },
      },
    ],
    caseManagers: cms.map((c, i) => ({
      id: c.id,
      name: `${c.id[0]!.toUpperCase()}${c.id.slice(1)} Muster`,
      agency: c.agency ?? "social-office",
      slackUserId: `U0TEST${String(i).padStart(4, "0")}`,
      fte: c.fte ?? 1,
      languages: (c.languages ?? ["de"]) as never,
      districts: c.districts ?? [],
      ...(c.regions ? { regions: c.regions } : {}),
      office: (c.agency ?? "social-office") === "drk" ? "drk-office" : "rathaus",
      // the file needs an active team lead; by default the first case manager is one
      teamLead: c.teamLead ?? (i === 0 && !cms.some((x) => x.teamLead)),
      active: c.active ?? true,
      ...(c.capacityOverride !== undefined ? { capacityOverride: c.capacityOverride } : {}),
    })),
    policy: {
      casesPerFte: opts.casesPerFte ?? 26,
      ...(opts.regionBound !== undefined ? { regionBound: opts.regionBound } : {}),
      ...(opts.acceptanceDeadlineHours ? { acceptanceDeadlineHours: opts.acceptanceDeadlineHours } : {}),
    },
    triage: { simpleTopicReferral: { leisure: "sport" } },
    referralTargets: [
      { id: "jobcenter", name: "Jobcenter", kind: "jobcenter" },
      { id: "employment-agency", name: "Agentur für Arbeit", kind: "employment-agency" },
      { id: "youth-welfare", name: "Jugendamt", kind: "youth-welfare" },
      { id: "sport", name: "Sportbund", kind: "other" },
    ],
  };
  return organisationSchema.parse(input);
}

export async function syncOrg(db: Db, org: Organisation): Promise<void> {
  await new OrgRepository(db).sync(org);
}

export interface IntakeSpec {
  adults?: number;
  children?: number;
  districtId?: string;
  topics?: string[];
  urgency?: string[];
  languages?: string[];
  existingSupport?: string[];
  submittedAt?: Date;
  clientId?: string;
}

let counter = 0;
export async function createIntake(
  db: Db,
  spec: IntakeSpec = {},
): Promise<{ clientId: string; intakeId: string; referenceCode: string }> {
  const n = ++counter;
  const tag = randomUUID().slice(0, 8).toUpperCase();
  const clientId =
    spec.clientId ??
    (await db.client.create({ data: { locale: "de", pseudonym: `K-${tag}-${n}` }, select: { id: true } })).id;
  const adults = spec.adults ?? 1;
  const children = spec.children ?? 0;
  const referenceCode = `TB-${tag}-${n}`;
  const intake = await db.intake.create({
    data: {
      clientId,
      referenceCode,
      household: adults + children > 1 ? "family" : "single",
      adults,
      children,
      districtId: spec.districtId ?? "mitte",
      topics: spec.topics ?? ["housing", "work"],
      urgency: spec.urgency ?? [],
      languages: spec.languages ?? ["de"],
      existingSupport: spec.existingSupport ?? [],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      ...(spec.submittedAt ? { submittedAt: spec.submittedAt } : {}),
    },
    select: { id: true },
  });
  return { clientId, intakeId: intake.id, referenceCode };
}

export interface Harness {
  services: MatchingServices;
  deps: MatchingDeps;
  clients: RecordingClientNotifier;
  staff: RecordingStaffNotifier;
  jobs: ReturnType<typeof recordingJobs>;
  clock: { now: Date; advance(ms: number): void };
  /** closes and moves cases, as staff do (the one place that closes a case) */
  lifecycle: CaseLifecycleService;
}

export function harness(db: Db, org: Organisation, start = new Date("2026-03-02T09:00:00Z")): Harness {
  const clock = {
    now: start,
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const clients = new RecordingClientNotifier();
  const staff = new RecordingStaffNotifier();
  const jobs = recordingJobs();
  const deps: MatchingDeps = {
    db,
    org,
    jobs,
    clients,
    staff,
    log: silentLogger,
    now: () => clock.now,
    cipher: createCipher(generateKeySpec("test")),
  };
  const lifecycle = new CaseLifecycleService({
    db,
    jobs,
    cipher: deps.cipher!,
    log: silentLogger,
    now: () => clock.now,
  });
  return { services: createMatchingServices(deps), deps, clients, staff, jobs, clock, lifecycle };
}

/** Triages an intake and returns its case id (throws when it was not waitlisted). */
export async function waitingCase(
  h: Harness,
  db: Db,
  spec: IntakeSpec = {},
): Promise<{ caseId: string; clientId: string; intakeId: string }> {
  const i = await createIntake(db, { submittedAt: h.clock.now, ...spec });
  const r = await h.services.triage.run(i.intakeId);
  if (r.status !== "waitlisted") throw new Error(`expected waitlisted, got ${r.status}`);
  return { caseId: r.caseId, clientId: i.clientId, intakeId: i.intakeId };
}
