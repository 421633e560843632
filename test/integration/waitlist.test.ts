// Wait list against real Postgres: order, honest positions and ETAs, every kind of standing, and the
// refresh that tells only those whose standing changed meaningfully.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StandingRepository } from "../../src/modules/waitlist/standing.repository.ts";
import { waitlistSnapshot } from "../../src/modules/waitlist/waitlist.repository.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createIntake, harness, makeOrg, syncOrg, waitingCase } from "../support/matching.ts";

const DAY = 86_400_000;
let db: TestDb;
const org = makeOrg([
  { id: "anna", capacityOverride: 0 },
  { id: "berat", capacityOverride: 0, agency: "drk" },
]);
const START = new Date("2026-03-02T09:00:00Z");

beforeAll(async () => {
  db = await createTestDb("waitlist");
  await syncOrg(db.prisma, org);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  const p = db.prisma;
  await p.assignmentDecision.deleteMany();
  await p.assignment.deleteMany();
  await p.caseEvent.deleteMany();
  await p.case.deleteMany();
  await p.waitlistEntry.deleteMany();
  await p.triageOutcome.deleteMany();
  await p.intake.deleteMany();
  await p.conversation.deleteMany();
  await p.client.deleteMany();
  await p.caseManager.updateMany({ data: { capacityOverride: 0 } });
});

describe("positions and ETAs", () => {
  it("orders urgent first, then by triage priority plus ageing, and says 'unknown' without throughput or free capacity", async () => {
    const h = harness(db.prisma, org, START);
    const old = await waitingCase(h, db.prisma, { submittedAt: new Date(START.getTime() - 30 * DAY) });
    const urgent = await waitingCase(h, db.prisma, { urgency: ["eviction"] });
    const fresh = await waitingCase(h, db.prisma);
    const snap = await waitlistSnapshot(db.prisma, org, START);
    // the urgent case waits in the fast lane, ahead of 30 days of ageing; among the others ageing
    // puts the old one before the fresh one
    expect(snap.rows.map((r) => r.caseId)).toEqual([urgent.caseId, old.caseId, fresh.caseId]);
    expect(snap.rows.map((r) => r.position)).toEqual([1, 2, 3]);
    expect(
      snap.rows.every((r) => r.total === 3 && r.estimate.etaDays === null && r.estimate.bucket === "unknown"),
    ).toBe(true);
    expect(snap.groups).toEqual([{ key: "all", waiting: 3, throughputPerDay: null, freeSlots: 0 }]);
  });

  it("derives the ETA from the last 28 days' outflow and free capacity", async () => {
    const h = harness(db.prisma, org, START);
    // history: 14 people left the list in the last 28 days (0.5 per day), service older than that
    for (let i = 0; i < 14; i++) {
      const c = await waitingCase(h, db.prisma, { submittedAt: new Date(START.getTime() - 60 * DAY) });
      await db.prisma.waitlistEntry.update({
        where: { intakeId: c.intakeId },
        data: { status: "assigned", leftAt: new Date(START.getTime() - (i + 1) * DAY) },
      });
      await db.prisma.case.update({ where: { id: c.caseId }, data: { phase: "assessment", cmId: "anna" } });
    }
    const waiting = [];
    for (let i = 0; i < 5; i++) waiting.push(await waitingCase(h, db.prisma));
    let snap = await waitlistSnapshot(db.prisma, org, START);
    expect(snap.groups[0]!.throughputPerDay).toBeCloseTo(0.5, 5);
    const fifth = snap.rows[4]!;
    // 5 / 0.5 = 10 days ± 30 %
    expect(fifth.estimate.etaDays).toEqual({ low: 7, high: 13 });
    expect(fifth.estimate.bucket).toBe("up_to_2_weeks");

    // two free slots now: positions 1 and 2 are "soon", the rest counts from there
    await db.prisma.caseManager.update({ where: { id: "berat" }, data: { capacityOverride: 2 } });
    snap = await waitlistSnapshot(db.prisma, org, START);
    expect(snap.rows.slice(0, 2).every((r) => r.estimate.bucket === "soon")).toBe(true);
    expect(snap.rows[4]!.estimate.etaDays).toEqual({ low: 4, high: 8 });
  });
});

describe("standing", () => {
  it("covers every kind", async () => {
    const h = harness(db.prisma, org, START);
    const standing = new StandingRepository(db.prisma, org);

    const nobody = await db.prisma.client.create({ data: { locale: "de", pseudonym: "K-NONE" } });
    expect(await standing.standingOf(nobody.id, START)).toEqual({ kind: "none", intakeInProgress: false });
    await db.prisma.conversation.create({ data: { clientId: nobody.id, step: "intake:topics" } });
    expect(await standing.standingOf(nobody.id, START)).toEqual({ kind: "none", intakeInProgress: true });

    const submitted = await createIntake(db.prisma);
    expect(await standing.standingOf(submitted.clientId, START)).toEqual({
      kind: "submitted",
      referenceCode: submitted.referenceCode,
    });

    const referred = await createIntake(db.prisma, { existingSupport: ["sgb8"] });
    await h.services.triage.run(referred.intakeId);
    expect(await standing.standingOf(referred.clientId, START)).toEqual({
      kind: "referral",
      referenceCode: referred.referenceCode,
      targetId: "youth-welfare",
      reasonCode: "existing_cm_sgb8",
    });

    const first = await waitingCase(h, db.prisma);
    const second = await waitingCase(h, db.prisma);
    const s2 = await standing.standingOf(second.clientId, START);
    expect(s2).toMatchObject({ kind: "waiting", position: 2, total: 2, etaDays: null });

    await db.prisma.caseManager.update({ where: { id: "anna" }, data: { capacityOverride: 5 } });
    const offer = await h.services.assignment.assign(first.caseId, "manual");
    if (!offer.ok) throw new Error("not assigned");
    expect(await standing.standingOf(first.clientId, START)).toMatchObject({ kind: "pending" });
    expect(await standing.standingOf(second.clientId, START)).toMatchObject({
      kind: "waiting",
      position: 1,
      total: 1,
    });

    await h.services.assignment.accept(offer.assignmentId, offer.cmId);
    expect(await standing.standingOf(first.clientId, START)).toMatchObject({
      kind: "assigned",
      cmFirstName: "Anna",
      agencyName: "Sozialamt Testburg",
    });

    await h.lifecycle.move(first.caseId, "closed", { kind: "system" }, { reason: "goals_reached" });
    expect(await standing.standingOf(first.clientId, START)).toMatchObject({ kind: "closed" });
  });
});

describe("waitlist.refresh", () => {
  it("tells only clients whose position or ETA bucket changed meaningfully, as a status edit", async () => {
    const h = harness(db.prisma, org, START);
    const cases = [];
    for (let i = 0; i < 15; i++)
      cases.push(
        await waitingCase(h, db.prisma, { submittedAt: new Date(START.getTime() - (15 - i) * 60_000) }),
      );
    // triage told everyone already: nothing to say now
    expect(await h.services.refresher.run()).toEqual({ waiting: 15, notified: 0, failed: 0 });

    // every triage message was sent at that moment's position; the first 14 were told smaller
    // totals but the same positions, so the refresh above sent nothing. Now the first one leaves:
    await h.lifecycle.move(cases[0]!.caseId, "closed", { kind: "system" }, { reason: "withdrawn" });
    h.clients.sent.length = 0;
    const r = await h.services.refresher.run();
    // positions 2…10 move by one (threshold 1); 11…15 need 10 % of their position, i.e. 2
    expect(r).toEqual({ waiting: 14, notified: 9, failed: 0 });
    expect(h.clients.sent.every((m) => m.template === "waitlist.update" && m.asStatus)).toBe(true);
    expect(h.clients.sent.map((m) => m.params.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const stored = await db.prisma.waitlistEntry.findUniqueOrThrow({
      where: { intakeId: cases[1]!.intakeId },
    });
    expect(stored).toMatchObject({ lastNotifiedPosition: 1, lastNotifiedEta: "unknown" });

    // again: nothing changed since
    expect((await h.services.refresher.run()).notified).toBe(0);
    // positions 11..15 → 10..14 now owe 1 more move; a second leaver moves them by 2 in total
    await h.lifecycle.move(cases[1]!.caseId, "closed", { kind: "system" }, { reason: "withdrawn" });
    const r2 = await h.services.refresher.run();
    expect(r2.notified).toBe(13);
  });
});
