// The intake.triage job against real Postgres: referral vs case management, and idempotency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createIntake, harness, makeOrg, syncOrg } from "../support/matching.ts";

let db: TestDb;
const org = makeOrg([{ id: "anna" }, { id: "berat", languages: ["de", "tr"] }]);

beforeAll(async () => {
  db = await createTestDb("triage");
  await syncOrg(db.prisma, org);
});
afterAll(async () => {
  await db?.drop();
});

describe("intake.triage", () => {
  it("refers a person with an SGB II case manager to the job centre and tells them", async () => {
    const h = harness(db.prisma, org);
    const i = await createIntake(db.prisma, { existingSupport: ["sgb2"] });
    const r = await h.services.triage.run(i.intakeId);
    expect(r).toMatchObject({ status: "referral", targetId: "jobcenter", reasonCode: "existing_cm_sgb2" });
    const outcome = await db.prisma.triageOutcome.findUniqueOrThrow({ where: { intakeId: i.intakeId } });
    expect(outcome.route).toBe("referral");
    expect(outcome.referralTarget).toBe("jobcenter");
    expect(await db.prisma.case.count({ where: { intakeId: i.intakeId } })).toBe(0);
    expect(h.clients.sent).toEqual([
      {
        clientId: i.clientId,
        template: "triage.referral",
        params: { referenceCode: i.referenceCode, targetId: "jobcenter", reasonCode: "existing_cm_sgb2" },
        key: `triage.${i.intakeId}`,
        asStatus: false,
      },
    ]);
    expect(h.jobs.calls).toEqual([]);
  });

  it("opens a waiting case with a wait-list entry, tells position and ETA, and asks for an assignment", async () => {
    const h = harness(db.prisma, org);
    const i = await createIntake(db.prisma, {
      adults: 2,
      children: 2,
      urgency: ["eviction"],
      districtId: "heepen",
    });
    const r = await h.services.triage.run(i.intakeId);
    expect(r.status).toBe("waitlisted");
    if (r.status !== "waitlisted") return;
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: r.caseId } });
    expect(kase).toMatchObject({
      phase: "waiting",
      persons: 4,
      districtId: "heepen",
      regionId: "stadt",
      cmId: null,
    });
    const outcome = await db.prisma.triageOutcome.findUniqueOrThrow({ where: { intakeId: i.intakeId } });
    expect(outcome.reasonCode).toBe("urgent_case_management");
    const entry = await db.prisma.waitlistEntry.findUniqueOrThrow({ where: { intakeId: i.intakeId } });
    expect(entry.basePriority).toBe(outcome.priority);
    expect(outcome.priority).toBeGreaterThan(20);
    expect(outcome.breakdown).toMatchObject({ urgent: true });
    expect(entry.lastNotifiedPosition).toBe(1);

    const msg = h.clients.sent[0]!;
    expect(msg.template).toBe("triage.waitlisted");
    expect(msg.params).toMatchObject({ referenceCode: i.referenceCode, position: 1, total: 1 });
    // free capacity right now: "soon"
    expect(msg.params.etaBucket).toBe("soon");
    expect(h.jobs.calls).toEqual([
      { name: "matching.assign", payload: { caseId: r.caseId, trigger: "triaged", attempt: 0 } },
    ]);
  });

  it("is idempotent: a second run changes nothing and sends nothing", async () => {
    const h = harness(db.prisma, org);
    const i = await createIntake(db.prisma);
    const first = await h.services.triage.run(i.intakeId);
    expect(first.status).toBe("waitlisted");
    const counts = async () => ({
      outcomes: await db.prisma.triageOutcome.count(),
      cases: await db.prisma.case.count(),
      entries: await db.prisma.waitlistEntry.count(),
      audits: await db.prisma.auditLog.count(),
    });
    const before = await counts();
    const sent = h.clients.sent.length;
    const jobs = h.jobs.calls.length;
    // twice more, once of them concurrently with a third
    const again = await Promise.all([h.services.triage.run(i.intakeId), h.services.triage.run(i.intakeId)]);
    expect(again.map((a) => a.status)).toEqual(["already_triaged", "already_triaged"]);
    expect(await counts()).toEqual(before);
    expect(h.clients.sent.length).toBe(sent);
    expect(h.jobs.calls.length).toBe(jobs);
  });

  it("runs concurrently on the same intake without a double case", async () => {
    const h = harness(db.prisma, org);
    const i = await createIntake(db.prisma);
    const rs = await Promise.all([1, 2, 3, 4].map(() => h.services.triage.run(i.intakeId)));
    expect(rs.filter((r) => r.status === "waitlisted")).toHaveLength(1);
    expect(await db.prisma.case.count({ where: { intakeId: i.intakeId } })).toBe(1);
  });

  it("routes a single simple topic to the configured service and answers not_found for unknown ids", async () => {
    const h = harness(db.prisma, org);
    const i = await createIntake(db.prisma, { topics: ["leisure"] });
    expect(await h.services.triage.run(i.intakeId)).toMatchObject({ status: "referral", targetId: "sport" });
    expect(await h.services.triage.run("00000000-0000-7000-8000-000000000000")).toMatchObject({
      status: "not_found",
    });
    expect(await h.services.triage.run("nonsense")).toMatchObject({ status: "not_found" });
  });

  it("opens no second case while the client has an open one", async () => {
    const h = harness(db.prisma, org);
    const first = await createIntake(db.prisma);
    await h.services.triage.run(first.intakeId);
    const second = await createIntake(db.prisma, { clientId: first.clientId });
    expect(await h.services.triage.run(second.intakeId)).toMatchObject({ status: "already_open" });
    expect(await db.prisma.case.count({ where: { clientId: first.clientId } })).toBe(1);
  });

  it("lists intakes without an outcome for the sweep", async () => {
    const h = harness(db.prisma, org);
    const i = await createIntake(db.prisma, { submittedAt: new Date(h.clock.now.getTime() - 5 * 60_000) });
    expect(await h.services.triage.pendingIntakeIds()).toContain(i.intakeId);
    await h.services.triage.run(i.intakeId);
    expect(await h.services.triage.pendingIntakeIds()).not.toContain(i.intakeId);
  });
});
