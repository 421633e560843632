// Batched assignment (issue 14.1) against real Postgres: the batch decides what the per-case path
// decides, honours declines, absences, the urgent lane and household continuity, and parallel batch
// runners never overfill anyone or offer a case twice.
import { afterAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "../../src/db/client.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { AssignmentService } from "../../src/modules/matching/assignment.service.ts";
import { recordingJobs } from "../../src/modules/matching/deps.ts";
import { RecordingStaffNotifier } from "../../src/modules/notify/log-staff-notifier.ts";
import { RecordingClientNotifier } from "../../src/modules/notify/recording-notifier.ts";
import { waitingInOrder } from "../../src/modules/waitlist/waitlist.repository.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { type CmSpec, harness, makeOrg, syncOrg, waitingCase } from "../support/matching.ts";

const HOUR = 3_600_000;
const NOW = new Date("2026-03-02T09:00:00Z");
const TEST_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";
const dbs: TestDb[] = [];
const handles: DbHandle[] = [];

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await Promise.all(dbs.map((d) => d.drop()));
});

async function freshDb(label: string, org: ReturnType<typeof makeOrg>): Promise<TestDb> {
  const db = await createTestDb(label);
  dbs.push(db);
  await syncOrg(db.prisma, org);
  return db;
}

/** Waiting cases written directly (the triage path is covered elsewhere; 500 through it is slow). */
async function seedWaiting(
  db: TestDb,
  specs: { languages: string[]; districtId: string; persons: number; urgent: boolean }[],
): Promise<void> {
  const rows = specs.map((s, i) => ({
    ...s,
    i,
    client: crypto.randomUUID(),
    intake: crypto.randomUUID(),
    kase: crypto.randomUUID(),
    at: new Date(NOW.getTime() - (specs.length - i) * 60_000),
  }));
  const p = db.prisma;
  await p.client.createMany({
    data: rows.map((r) => ({ id: r.client, locale: "de", pseudonym: `K-${r.i}` })),
  });
  await p.intake.createMany({
    data: rows.map((r) => ({
      id: r.intake,
      clientId: r.client,
      referenceCode: `TB-S${r.i}`,
      household: r.persons > 1 ? ("family" as const) : ("single" as const),
      adults: 1,
      children: r.persons - 1,
      districtId: r.districtId,
      topics: ["work"],
      urgency: r.urgent ? ["eviction"] : [],
      languages: r.languages,
      existingSupport: [],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      submittedAt: r.at,
    })),
  });
  await p.case.createMany({
    data: rows.map((r) => ({
      id: r.kase,
      clientId: r.client,
      intakeId: r.intake,
      referenceCode: `TB-S${r.i}`,
      persons: r.persons,
      districtId: r.districtId,
      regionId: "stadt",
    })),
  });
  await p.waitlistEntry.createMany({
    data: rows.map((r) => ({
      clientId: r.client,
      intakeId: r.intake,
      basePriority: r.urgent ? 25 : 2,
      urgent: r.urgent,
      enqueuedAt: r.at,
    })),
  });
}

function serviceOn(handle: DbHandle, org: ReturnType<typeof makeOrg>) {
  const staff = new RecordingStaffNotifier();
  const jobs = recordingJobs();
  const svc = new AssignmentService({
    db: handle.prisma,
    org,
    jobs,
    clients: new RecordingClientNotifier(),
    staff,
    log: silentLogger,
    now: () => NOW,
  });
  return { svc, staff, jobs };
}

async function invariants(db: TestDb): Promise<void> {
  const { sql } = db;
  const doubled = await sql.query(
    `SELECT "caseId" FROM "Assignment" WHERE status IN ('pending','accepted') GROUP BY "caseId" HAVING count(*) > 1`,
  );
  expect(doubled.rows).toEqual([]);
  const over = await sql.query(`
    SELECT cm.id FROM "CaseManager" cm
    JOIN "Case" c ON c."cmId" = cm.id AND c.phase NOT IN ('waiting','closed')
    GROUP BY cm.id HAVING count(c.id) > max(cm."capacityOverride")`);
  expect(over.rows).toEqual([]);
  const inconsistent = await sql.query(`
    SELECT c.id FROM "Case" c
    LEFT JOIN "Assignment" a ON a."caseId" = c.id AND a.status = 'pending'
    WHERE (c.phase = 'pending_acceptance') <> (a.id IS NOT NULL)
       OR (c.phase = 'pending_acceptance' AND a."cmId" <> c."cmId")`);
  expect(inconsistent.rows).toEqual([]);
  const onList = await sql.query(`
    SELECT w.id FROM "WaitlistEntry" w JOIN "Case" c ON c."intakeId" = w."intakeId"
    WHERE (w.status = 'waiting') <> (c.phase = 'waiting')`);
  expect(onList.rows).toEqual([]);
  // every offer has its explanation, naming the person it went to, and one audit and history entry
  const unexplained = await sql.query(`
    SELECT a.id FROM "Assignment" a
    LEFT JOIN "AssignmentDecision" d ON d.id = a."decisionId" AND d."caseId" = a."caseId" AND d."chosenCmId" = a."cmId"
    WHERE d.id IS NULL
       OR (SELECT count(*) FROM "AuditLog" l WHERE l.action = 'assignment.offered' AND l.data->>'assignmentId' = a.id::text) <> 1
       OR (SELECT count(*) FROM "CaseEvent" e WHERE e.kind = 'assignment.offered' AND e.data->>'assignmentId' = a.id::text) <> 1`);
  expect(unexplained.rows).toEqual([]);
}

describe("batched assignment", () => {
  it("decides exactly what the per-case path decides for the same cases in wait-list order", async () => {
    const cms: CmSpec[] = Array.from({ length: 8 }, (_, i) => ({
      id: `cm${i}`,
      capacityOverride: 1 + (i % 3),
      languages: i % 2 ? ["de", "ar"] : ["de", "tr"],
      districts: i % 3 === 0 ? ["heepen"] : [],
      agency: i % 2 ? "drk" : "social-office",
    }));
    const org = makeOrg(cms);
    const specs = Array.from({ length: 20 }, (_, i) => ({
      languages: i % 3 === 0 ? ["ar"] : i % 3 === 1 ? ["tr", "de"] : ["de"],
      districtId: i % 2 ? "heepen" : "mitte",
      persons: 1 + (i % 4),
      urgent: i % 7 === 3,
    }));
    const [a, b] = [await freshDb("batch_eq_a", org), await freshDb("batch_eq_b", org)];
    await seedWaiting(a, specs);
    await seedWaiting(b, specs);

    // per case, one transaction each, in wait-list order
    const perCase = serviceOn(a, org).svc;
    for (const w of await waitingInOrder(a.prisma, org, NOW))
      await perCase.assign(w.caseId, "sweep", { recordNoCandidate: false });
    // batches of 7 (so the run spans several batches)
    const batched = serviceOn(b, org);
    const pulled = await batched.svc.pull("sweep", { batchSize: 7 });
    // 8 case managers with 1–3 slots: 15 slots for 20 cases
    const slots = cms.reduce((n, c) => n + c.capacityOverride!, 0);
    expect(slots).toBe(15);
    expect(pulled.assigned).toBe(slots);
    expect(pulled.freeSlotsBefore).toBe(slots);

    const outcome = async (db: TestDb) =>
      (
        await db.sql.query(`
          SELECT c."referenceCode" AS ref, c."cmId", d.candidates, d.excluded, d.inputs->'client' AS client
          FROM "Case" c LEFT JOIN "AssignmentDecision" d ON d."caseId" = c.id ORDER BY c."referenceCode"`)
      ).rows;
    const got = await outcome(b);
    expect(got).toEqual(await outcome(a));
    expect(got.filter((r) => r.cmId !== null)).toHaveLength(slots);
    await invariants(a);
    await invariants(b);
    // after commit, per offer: the expiry job at the deadline and the Slack card; one refresh per batch
    const offers = await b.prisma.assignment.findMany({ select: { id: true } });
    expect(new Set(batched.staff.offered)).toEqual(new Set(offers.map((o) => o.id)));
    const expiries = batched.jobs.calls.filter((j) => j.name === "matching.expire");
    expect(expiries).toHaveLength(slots);
    expect(expiries.every((j) => j.delay === org.policy.acceptanceDeadlineHours * HOUR)).toBe(true);
    expect(batched.jobs.calls.filter((j) => j.name === "waitlist.refresh").length).toBeGreaterThanOrEqual(1);
    // a second run finds nobody with room and claims nothing twice
    expect(await batched.svc.pull("sweep", { batchSize: 7 })).toMatchObject({
      assigned: 0,
      freeSlotsBefore: 0,
    });
  }, 120_000);

  it("honours declines, absences, inactive people, the urgent lane and household continuity", async () => {
    const org = makeOrg([
      { id: "anna", capacityOverride: 2, languages: ["de", "ar"], teamLead: true },
      { id: "berat", capacityOverride: 1, languages: ["de", "ar"] },
      { id: "carla", capacityOverride: 5, languages: ["de", "ar"] },
      { id: "dora", capacityOverride: 5, languages: ["de", "ar"], active: false },
    ]);
    const db = await freshDb("batch_rules", org);
    const h = harness(db.prisma, org, NOW);
    await h.services.capacity.addAbsence("carla", NOW, new Date(NOW.getTime() + 24 * HOUR), "anna");
    // a household anna accompanied: its first case accepted and closed, later a second case waits
    const first = await waitingCase(h, db.prisma, { languages: ["de"] });
    const r1 = await h.services.assignment.assign(first.caseId, "triaged");
    if (!r1.ok) throw new Error("not assigned");
    expect(r1.cmId).toBe("anna");
    expect((await h.services.assignment.accept(r1.assignmentId, "anna")).ok).toBe(true);
    expect(
      await h.lifecycle.move(first.caseId, "closed", { kind: "system" }, { reason: "withdrawn" }),
    ).toMatchObject({ ok: true });
    // anna declined this one (an Arabic speaker, who would otherwise go to anna or berat)
    const declined = await waitingCase(h, db.prisma, { languages: ["ar"] });
    const r2 = await h.services.assignment.assign(declined.caseId, "triaged");
    if (!r2.ok) throw new Error("not assigned");
    await h.services.assignment.decline(r2.assignmentId, r2.cmId);
    // older ordinary cases, then the household's second case and another case, both urgent: 3 free slots
    // (anna 2, berat 1; carla absent, dora inactive) for 5 waiting cases
    h.clock.advance(HOUR);
    const ordinary1 = await waitingCase(h, db.prisma, { languages: ["de"] });
    const ordinary2 = await waitingCase(h, db.prisma, { languages: ["de"] });
    h.clock.advance(HOUR);
    const second = await waitingCase(h, db.prisma, {
      languages: ["de"],
      clientId: first.clientId,
      urgency: ["eviction"],
    });
    const urgent = await waitingCase(h, db.prisma, { languages: ["de"], urgency: ["eviction"] });

    const p = await h.services.assignment.pull("sweep", { batchSize: 10 });
    expect(p).toMatchObject({ assigned: 3, freeSlotsBefore: 3 });
    const cmOf = async (caseId: string) =>
      (await db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).cmId;
    // the urgent lane goes first
    expect(await cmOf(urgent.caseId)).not.toBeNull();
    // the declined case never goes back to the one who declined it
    const declinedCm = await cmOf(declined.caseId);
    expect(declinedCm).not.toBe(r2.cmId);
    const placed = await db.prisma.case.findMany({ where: { phase: "pending_acceptance" } });
    expect(placed.map((c) => c.cmId).sort()).toEqual(["anna", "anna", "berat"]);
    expect(placed.some((c) => c.cmId === "carla" || c.cmId === "dora")).toBe(false);
    // continuity: the household's second case goes to the one who accompanies its first
    expect(await cmOf(second.caseId)).toBe("anna");
    // two urgent cases took two of the three slots, the oldest of the rest took the third
    expect(await cmOf(ordinary2.caseId)).toBeNull();
    // the decision records name the exclusions
    for (const c of placed) {
      const d = await db.prisma.assignmentDecision.findFirstOrThrow({
        where: { caseId: c.id, chosenCmId: c.cmId },
      });
      const reasons = Object.fromEntries(
        (d.excluded as { items: { cmId: string; reason: string }[] }).items.map((e) => [e.cmId, e.reason]),
      );
      expect(reasons.carla).toBe("absent");
      if (c.id === declined.caseId) expect(reasons[r2.cmId]).toBe("declined_or_timed_out");
    }
    expect([await cmOf(declined.caseId), await cmOf(ordinary1.caseId)].filter(Boolean)).toHaveLength(1);
    await invariants(db);
  }, 120_000);

  it("4 parallel batch runners over 500 waiting and 50 case managers: nobody over capacity, no case twice", async () => {
    const cms: CmSpec[] = Array.from({ length: 50 }, (_, i) => ({
      id: `cm${String(i).padStart(2, "0")}`,
      capacityOverride: 1 + (i % 8),
      languages: i % 3 === 0 ? ["de", "ar"] : ["de"],
      districts: i % 4 === 0 ? ["heepen"] : [],
      agency: i % 2 === 0 ? "social-office" : "drk",
    }));
    const org = makeOrg(cms);
    const db = await freshDb("batch_par", org);
    await seedWaiting(
      db,
      Array.from({ length: 500 }, (_, i) => ({
        languages: i % 5 === 0 ? ["ar"] : ["de"],
        districtId: i % 2 ? "heepen" : "mitte",
        persons: 1 + (i % 5),
        urgent: i % 17 === 0,
      })),
    );
    const slots = cms.reduce((n, c) => n + c.capacityOverride!, 0);
    const runners = [];
    for (let i = 0; i < 4; i++) {
      const h = await openDb({ kind: "postgres", url: TEST_URL, schema: db.schema });
      handles.push(h);
      runners.push(serviceOn(h, org).svc);
    }
    const results = await Promise.all(runners.map((s) => s.pull("sweep", { batchSize: 25 })));
    const total = results.reduce((n, r) => n + r.assigned, 0);
    expect(total).toBe(slots);
    expect(await db.prisma.assignment.count({ where: { status: "pending" } })).toBe(slots);
    expect(await db.prisma.assignmentDecision.count()).toBe(slots);
    expect(await db.prisma.case.count({ where: { phase: "waiting" } })).toBe(500 - slots);
    await invariants(db);
    // the urgent lane was served first: no urgent case is left waiting while slots went to others
    const urgentWaiting = await db.sql.query(`
      SELECT count(*)::int AS n FROM "WaitlistEntry" WHERE urgent AND status = 'waiting'`);
    expect(urgentWaiting.rows[0].n).toBe(0);
  }, 180_000);
});
