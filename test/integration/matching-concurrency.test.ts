// Several worker processes assign at once. Each assigner has its own PrismaClient (its own pool,
// so its own connections) on the same schema, like separate processes would. Invariants checked
// in SQL afterwards: no case offered or held twice, no case manager above capacity, and nothing
// left waiting that someone could have taken.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "../../src/db/client.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { AssignmentService } from "../../src/modules/matching/assignment.service.ts";
import { recordingJobs } from "../../src/modules/matching/deps.ts";
import { loadTeam } from "../../src/modules/matching/load.repository.ts";
import { rankCandidates } from "../../src/modules/matching/pick-assignee.ts";
import { matchPolicyOf } from "../../src/modules/matching/policy.ts";
import { RecordingStaffNotifier } from "../../src/modules/notify/log-staff-notifier.ts";
import { RecordingClientNotifier } from "../../src/modules/notify/recording-notifier.ts";
import { waitingInOrder } from "../../src/modules/waitlist/waitlist.repository.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { type CmSpec, harness, makeOrg, syncOrg, waitingCase } from "../support/matching.ts";

const ASSIGNERS = 8;
const CASES = 200;

// 24 case managers with 1–6 slots (84 in all), two of them absent, one inactive, some speak Arabic
const cms: CmSpec[] = Array.from({ length: 24 }, (_, i) => ({
  id: `cm${String(i).padStart(2, "0")}`,
  capacityOverride: 1 + (i % 6),
  languages: i % 3 === 0 ? ["de", "ar"] : ["de"],
  districts: i % 4 === 0 ? ["heepen"] : [],
  agency: i % 2 === 0 ? "social-office" : "drk",
  active: i !== 23,
  teamLead: i === 0,
}));
const org = makeOrg(cms);
const NOW = new Date("2026-03-02T09:00:00Z");
const TEST_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";
// available: 24 case managers minus inactive cm23 (6 slots) and absent cm05 (6), cm11 (6)
const AVAILABLE_SLOTS = cms
  .filter((c) => c.active !== false && !["cm05", "cm11"].includes(c.id))
  .reduce((n, c) => n + c.capacityOverride!, 0);

let db: TestDb;
const handles: DbHandle[] = [];

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

beforeAll(async () => {
  db = await createTestDb("stress");
  await syncOrg(db.prisma, org);
  const h = harness(db.prisma, org, NOW);
  for (const id of ["cm05", "cm11"])
    await db.prisma.absence.create({
      data: {
        cmId: id,
        from: new Date(NOW.getTime() - 86_400_000),
        to: new Date(NOW.getTime() + 86_400_000),
      },
    });
  for (let i = 0; i < CASES; i++) {
    await waitingCase(h, db.prisma, {
      languages: i % 5 === 0 ? ["ar"] : ["de"],
      districtId: i % 2 ? "heepen" : "mitte",
      urgency: i % 17 === 0 ? ["eviction"] : [],
      submittedAt: new Date(NOW.getTime() - i * 60_000),
    });
  }
  for (let i = 0; i < ASSIGNERS + 2; i++)
    handles.push(await openDb({ kind: "postgres", url: TEST_URL, schema: db.schema }));
}, 180_000);

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await db?.drop();
});

function serviceOn(handle: DbHandle): AssignmentService {
  return new AssignmentService({
    db: handle.prisma,
    org,
    jobs: recordingJobs(),
    clients: new RecordingClientNotifier(),
    staff: new RecordingStaffNotifier(),
    log: silentLogger,
    now: () => NOW,
  });
}

async function assertInvariants(): Promise<void> {
  const { sql } = db;
  const doubled = await sql.query(
    `SELECT "caseId", count(*) FROM "Assignment" WHERE status IN ('pending','accepted') GROUP BY "caseId" HAVING count(*) > 1`,
  );
  expect(doubled.rows).toEqual([]);
  const inconsistent = await sql.query(`
    SELECT c.id FROM "Case" c
    LEFT JOIN "Assignment" a ON a."caseId" = c.id AND a.status = 'pending'
    WHERE (c.phase = 'pending_acceptance') <> (a.id IS NOT NULL)
       OR (c.phase = 'pending_acceptance' AND a."cmId" <> c."cmId")
       OR (c.phase = 'waiting' AND c."cmId" IS NOT NULL)`);
  expect(inconsistent.rows).toEqual([]);
  const over = await sql.query(`
    SELECT cm.id, cm."capacityOverride", count(c.id)::int AS open FROM "CaseManager" cm
    JOIN "Case" c ON c."cmId" = cm.id AND c.phase NOT IN ('waiting','closed')
    GROUP BY cm.id HAVING count(c.id) > cm."capacityOverride"`);
  expect(over.rows).toEqual([]);
  const onList = await sql.query(`
    SELECT w.status, c.phase FROM "WaitlistEntry" w JOIN "Case" c ON c."intakeId" = w."intakeId"
    WHERE (w.status = 'waiting') <> (c.phase = 'waiting')`);
  expect(onList.rows).toEqual([]);
}

/** Nothing waiting that an eligible case manager with room could take. */
async function assertNothingAssignableLeft(): Promise<number> {
  const policy = matchPolicyOf(org.policy);
  const team = await loadTeam(db.prisma, NOW, policy);
  const waiting = await waitingInOrder(db.prisma, org, NOW);
  const refused = await db.prisma.assignment.findMany({
    where: { status: { in: ["declined", "expired"] } },
    select: { caseId: true, cmId: true },
  });
  for (const w of waiting) {
    const r = rankCandidates(
      {
        id: w.caseId,
        districtId: w.districtId,
        regionId: w.regionId,
        languages: w.languages,
        topics: w.topics,
        persons: w.persons,
        previousCmIds: [],
        excludeCmIds: refused.filter((x) => x.caseId === w.caseId).map((x) => x.cmId),
      },
      team,
      { now: NOW, policy },
    );
    expect(r.chosen, `case ${w.caseId} is waiting although ${r.chosen?.cmId} has room`).toBeNull();
  }
  return waiting.length;
}

describe("concurrent assignment", () => {
  it(`${ASSIGNERS} assigners + 2 pullers on ${CASES} waiting cases: no double assignment, nobody over capacity`, async () => {
    const caseIds = (await db.prisma.case.findMany({ select: { id: true } })).map((c) => c.id);
    const t0 = performance.now();
    const outcomes = await Promise.all([
      ...Array.from({ length: ASSIGNERS }, async (_, i) => {
        const svc = serviceOn(handles[i]!);
        let ok = 0;
        for (const id of shuffled(caseIds, i + 1))
          if ((await svc.assign(id, "manual", { recordNoCandidate: false })).ok) ok++;
        return ok;
      }),
      serviceOn(handles[ASSIGNERS]!)
        .pull("capacity_freed")
        .then((p) => p.assigned),
      serviceOn(handles[ASSIGNERS + 1]!)
        .pull("capacity_freed")
        .then((p) => p.assigned),
    ]);
    const ms = performance.now() - t0;
    const total = outcomes.reduce((a, b) => a + b, 0);
    const expected = AVAILABLE_SLOTS;
    expect(total).toBe(expected);
    expect(await db.prisma.assignment.count({ where: { status: "pending" } })).toBe(expected);
    await assertInvariants();
    const left = await assertNothingAssignableLeft();
    expect(left).toBe(CASES - expected);
    console.log(
      `stress: ${total} offers by ${outcomes.join("/")} in ${Math.round(ms)} ms, ${left} left waiting`,
    );
  }, 180_000);

  it("declines racing with pullers: still consistent, freed slots refilled", async () => {
    const pending = await db.prisma.assignment.findMany({
      where: { status: "pending" },
      select: { id: true, cmId: true },
      take: 30,
    });
    const decliners = pending.map((p, i) =>
      serviceOn(handles[i % ASSIGNERS]!).decline(p.id, p.cmId, "no time"),
    );
    const pullers = Array.from({ length: ASSIGNERS }, (_, i) =>
      serviceOn(handles[i]!).pull("capacity_freed"),
    );
    const [declined] = await Promise.all([Promise.all(decliners), Promise.all(pullers)]);
    expect(declined.every((d) => d.ok)).toBe(true);
    // one final pull after all declines have landed
    await serviceOn(handles[0]!).pull("capacity_freed");
    await assertInvariants();
    await assertNothingAssignableLeft();
    // every slot is taken again (enough cases wait), never by the one who declined that case
    const reoffered = await db.sql.query(`
      SELECT a.id FROM "Assignment" a JOIN "Assignment" d ON d."caseId" = a."caseId" AND d.status = 'declined'
      WHERE a.status = 'pending' AND a."cmId" = d."cmId"`);
    expect(reoffered.rows).toEqual([]);
    expect(await db.prisma.case.count({ where: { phase: "pending_acceptance" } })).toBe(AVAILABLE_SLOTS);
    expect(await db.prisma.assignment.count({ where: { status: "pending" } })).toBe(AVAILABLE_SLOTS);
  }, 120_000);
});
