// Assignment flows against real Postgres: assign, accept, decline, expire, close, pull, sweep,
// absences and capacity overrides. One schema for the file; afterEach empties the caseload.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/lib/logger.ts";
import { ReassignService } from "../../src/modules/staff/reassign.service.ts";
import { rotateKeys } from "../../src/privacy/rotate.ts";
import { PrismaCaseQueries } from "../../src/slack/queries.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { harness, makeOrg, syncOrg, waitingCase } from "../support/matching.ts";

const HOUR = 3_600_000;
let db: TestDb;
// capacities: anna 2 (override), berat 1 (override), carla 0.5 fte of 4 cases per fte = 2
const org = makeOrg(
  [
    { id: "anna", capacityOverride: 2, languages: ["de", "ar"], teamLead: true },
    { id: "berat", capacityOverride: 1, languages: ["de", "tr"], districts: ["heepen"] },
    { id: "carla", fte: 0.5, agency: "drk" },
  ],
  { casesPerFte: 4, acceptanceDeadlineHours: 48 },
);

beforeAll(async () => {
  db = await createTestDb("assign");
  await syncOrg(db.prisma, org);
});
afterAll(async () => {
  await db?.drop();
});
afterEach(async () => {
  // every test starts with an empty caseload and the file's capacities
  const p = db.prisma;
  await p.assignmentDecision.deleteMany();
  await p.assignment.deleteMany();
  await p.caseEvent.deleteMany();
  await p.case.deleteMany();
  await p.waitlistEntry.deleteMany();
  await p.triageOutcome.deleteMany();
  await p.intake.deleteMany();
  await p.client.deleteMany();
  await p.absence.deleteMany();
  await p.auditLog.deleteMany();
  await syncOrg(p, org);
  await p.caseManager.update({ where: { id: "anna" }, data: { capacityOverride: 2 } });
  await p.caseManager.update({ where: { id: "berat" }, data: { capacityOverride: 1 } });
});

const phaseOf = async (caseId: string) =>
  (await db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).phase;

describe("assign", () => {
  it("offers a waiting case to the best candidate atomically and records why", async () => {
    const h = harness(db.prisma, org);
    const versionBefore = (await db.prisma.caseManager.findUniqueOrThrow({ where: { id: "anna" } }))
      .loadVersion;
    const c = await waitingCase(h, db.prisma, { languages: ["ar", "de"] });
    const r = await h.services.assignment.assign(c.caseId, "triaged");
    expect(r).toMatchObject({ ok: true, cmId: "anna" });
    if (!r.ok) return;
    expect(r.deadlineAt.getTime() - h.clock.now.getTime()).toBe(48 * HOUR);

    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect(kase).toMatchObject({ phase: "pending_acceptance", cmId: "anna" });
    const asg = await db.prisma.assignment.findUniqueOrThrow({ where: { id: r.assignmentId } });
    expect(asg).toMatchObject({ status: "pending", cmId: "anna", decisionId: r.decisionId });
    const entry = await db.prisma.waitlistEntry.findUniqueOrThrow({ where: { intakeId: c.intakeId } });
    expect(entry.status).toBe("assigned");
    expect(entry.leftAt).toEqual(h.clock.now);

    const d = await db.prisma.assignmentDecision.findUniqueOrThrow({ where: { id: r.decisionId } });
    expect(d.chosenCmId).toBe("anna");
    expect(d.trigger).toBe("triaged");
    const cands = d.candidates as {
      total: number;
      top: { cmId: string; score: number; parts: Record<string, number> }[];
    };
    expect(cands.total).toBe(3);
    expect(cands.top[0]!.cmId).toBe("anna");
    expect(cands.top[0]!.parts.language).toBe(3);
    expect(d.inputs).toMatchObject({ client: { languages: ["ar", "de"], persons: 1 } });

    const cm = await db.prisma.caseManager.findUniqueOrThrow({ where: { id: "anna" } });
    expect(cm.loadVersion).toBe(versionBefore + 1);
    expect(
      await db.prisma.auditLog.count({ where: { action: "assignment.offered", caseId: c.caseId } }),
    ).toBe(1);
    // after commit: expiry scheduled at the deadline, Slack card, wait-list refresh
    const expire = h.jobs.calls.find((j) => j.name === "matching.expire");
    expect(expire).toEqual({
      name: "matching.expire",
      payload: { assignmentId: r.assignmentId },
      delay: 48 * HOUR,
    });
    expect(h.staff.offered).toEqual([r.assignmentId]);

    // a second assign of the same case does nothing
    expect(await h.services.assignment.assign(c.caseId, "sweep")).toEqual({
      ok: false,
      reason: "not_waiting",
    });
    expect(await db.prisma.assignment.count({ where: { caseId: c.caseId } })).toBe(1);
  });

  it("keeps a case waiting and records the decision when nobody has room; pending offers count as load", async () => {
    const h = harness(db.prisma, org);
    const cases = [];
    for (let i = 0; i < 6; i++) cases.push(await waitingCase(h, db.prisma));
    const results = [];
    for (const c of cases) results.push(await h.services.assignment.assign(c.caseId, "triaged"));
    // capacity 2 + 1 + 2 = 5: five offers (all still pending), the sixth waits
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const last = results[5]!;
    expect(last).toMatchObject({ ok: false, reason: "no_candidate" });
    if (last.ok || !last.decisionId) throw new Error("expected a decision");
    const d = await db.prisma.assignmentDecision.findUniqueOrThrow({ where: { id: last.decisionId } });
    expect(d.chosenCmId).toBeNull();
    expect(d.excluded).toMatchObject({ total: 3, byReason: { no_case_capacity: 3 } });
    expect(await phaseOf(cases[5]!.caseId)).toBe("waiting");
    const byCm = await db.prisma.case.groupBy({
      by: ["cmId"],
      where: { cmId: { not: null } },
      _count: { _all: true },
    });
    expect(Object.fromEntries(byCm.map((g) => [g.cmId, g._count._all]))).toEqual({
      anna: 2,
      berat: 1,
      carla: 2,
    });
  });

  it("answers not_found for unknown or malformed case ids", async () => {
    const h = harness(db.prisma, org);
    expect(await h.services.assignment.assign("x", "manual")).toEqual({ ok: false, reason: "not_found" });
    expect(await h.services.assignment.assign("00000000-0000-7000-8000-000000000000", "manual")).toEqual({
      ok: false,
      reason: "not_found",
    });
  });
});

describe("accept, decline, expire", () => {
  it("accept: only the offered case manager, only once", async () => {
    const h = harness(db.prisma, org);
    const c = await waitingCase(h, db.prisma, { languages: ["ar"] });
    const r = await h.services.assignment.assign(c.caseId, "triaged");
    if (!r.ok) throw new Error("not assigned");
    expect(await h.services.assignment.accept(r.assignmentId, "berat")).toEqual({
      ok: false,
      reason: "not_yours",
    });
    expect(await h.services.assignment.accept(r.assignmentId, r.cmId)).toMatchObject({
      ok: true,
      caseId: c.caseId,
    });
    expect(await h.services.assignment.accept(r.assignmentId, r.cmId)).toEqual({
      ok: false,
      reason: "already_decided",
      status: "accepted",
    });
    expect(await h.services.assignment.decline(r.assignmentId, r.cmId, "x")).toMatchObject({
      ok: false,
      reason: "already_decided",
    });
    expect(await h.services.assignment.accept("00000000-0000-7000-8000-000000000000", "anna")).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await phaseOf(c.caseId)).toBe("first_consultation");
    const asg = await db.prisma.assignment.findUniqueOrThrow({ where: { id: r.assignmentId } });
    expect(asg.status).toBe("accepted");
    expect(h.jobs.calls).toContainEqual({
      name: "cancel:matching.expire",
      payload: { assignmentId: r.assignmentId },
    });
    expect(h.staff.changed).toEqual([r.assignmentId]);
    const msg = h.clients.sent.find((m) => m.template === "assignment.accepted");
    expect(msg?.params).toEqual({
      referenceCode: expect.any(String),
      cmFirstName: "Anna",
      agencyName: "Sozialamt Testburg",
    });
  });

  it("decline: back to waiting, reason encrypted, reassigned excluding the decliner", async () => {
    const h = harness(db.prisma, org);
    const c = await waitingCase(h, db.prisma, { languages: ["ar"] });
    const first = await h.services.assignment.assign(c.caseId, "triaged");
    if (!first.ok) throw new Error("not assigned");
    expect(first.cmId).toBe("anna");
    const d = await h.services.assignment.decline(
      first.assignmentId,
      "anna",
      "Familie ist mir bekannt (Befangenheit)",
    );
    expect(d).toEqual({ ok: true, caseId: c.caseId, attempt: 1 });
    expect(await phaseOf(c.caseId)).toBe("waiting");
    const asg = await db.prisma.assignment.findUniqueOrThrow({ where: { id: first.assignmentId } });
    expect(asg.status).toBe("declined");
    expect(asg.declineReason).toMatch(/^v1\./);
    expect(asg.declineReason).not.toContain("Befangenheit");
    const entry = await db.prisma.waitlistEntry.findUniqueOrThrow({ where: { intakeId: c.intakeId } });
    expect(entry).toMatchObject({ status: "waiting", leftAt: null });
    expect(h.jobs.calls).toContainEqual({
      name: "matching.assign",
      payload: { caseId: c.caseId, trigger: "declined", attempt: 1 },
    });

    // the job runs: somebody else, never anna
    const second = await h.services.assignment.assign(c.caseId, "declined", { attempt: 1 });
    expect(second.ok && second.cmId).not.toBe("anna");
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    const decision = await db.prisma.assignmentDecision.findUniqueOrThrow({
      where: { id: second.decisionId },
    });
    expect(decision.excluded).toMatchObject({ items: [{ cmId: "anna", reason: "declined_or_timed_out" }] });
    // decline by the second one too → the third; then nobody is left
    await h.services.assignment.decline(second.assignmentId, second.cmId);
    const third = await h.services.assignment.assign(c.caseId, "declined", { attempt: 2 });
    if (!third.ok) throw new Error("third not assigned");
    await h.services.assignment.decline(third.assignmentId, third.cmId);
    expect(await h.services.assignment.assign(c.caseId, "declined", { attempt: 3 })).toMatchObject({
      ok: false,
      reason: "no_candidate",
    });
    expect(await phaseOf(c.caseId)).toBe("waiting");
  });

  it("expire: not before the deadline; afterwards like a decline by the system", async () => {
    const h = harness(db.prisma, org);
    const c = await waitingCase(h, db.prisma);
    const r = await h.services.assignment.assign(c.caseId, "triaged");
    if (!r.ok) throw new Error("not assigned");
    expect(await h.services.assignment.expire(r.assignmentId)).toEqual({
      ok: false,
      reason: "not_due",
      status: "pending",
    });
    expect(await h.services.assignment.overdueAssignmentIds()).toEqual([]);
    h.clock.advance(48 * HOUR);
    expect(await h.services.assignment.overdueAssignmentIds()).toEqual([r.assignmentId]);
    expect(await h.services.assignment.expire(r.assignmentId)).toEqual({
      ok: true,
      caseId: c.caseId,
      attempt: 1,
    });
    expect(await h.services.assignment.expire(r.assignmentId)).toMatchObject({
      ok: false,
      reason: "already_decided",
    });
    expect(await phaseOf(c.caseId)).toBe("waiting");
    expect(h.jobs.calls).toContainEqual({
      name: "matching.assign",
      payload: { caseId: c.caseId, trigger: "expired", attempt: 1 },
    });
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "assignment.expired" } });
    expect(audit.actor).toBe("system");
    const again = await h.services.assignment.assign(c.caseId, "expired", { attempt: 1 });
    expect(again.ok && again.cmId).not.toBe(r.cmId);
  });
});

describe("close and pull", () => {
  it("closing frees capacity; pull offers the best waiting cases to whoever has room", async () => {
    const h = harness(db.prisma, org);
    const cases = [];
    for (let i = 0; i < 5; i++) cases.push(await waitingCase(h, db.prisma));
    const pulled = await h.services.assignment.pull("capacity_freed");
    expect(pulled).toMatchObject({ assigned: 5, freeSlotsBefore: 5 });
    // two more wait: an urgent one and an ordinary one, the urgent one is ahead
    h.clock.advance(HOUR);
    const ordinary = await waitingCase(h, db.prisma);
    const urgent = await waitingCase(h, db.prisma, { urgency: ["health_emergency"] });
    expect(await h.services.assignment.pull("capacity_freed")).toMatchObject({
      assigned: 0,
      freeSlotsBefore: 0,
    });

    const victim = await db.prisma.case.findFirstOrThrow({ where: { cmId: "berat" } });
    const closed = await h.lifecycle.move(victim.id, "closed", { kind: "system" }, { reason: "withdrawn" });
    expect(closed).toMatchObject({ ok: true, freedCmId: "berat" });
    expect(
      await h.lifecycle.move(victim.id, "closed", { kind: "system" }, { reason: "withdrawn" }),
    ).toMatchObject({ ok: false });
    // the pending offer was revoked
    expect(await db.prisma.assignment.count({ where: { caseId: victim.id, status: "revoked" } })).toBe(1);
    expect(h.jobs.calls).toContainEqual(
      expect.objectContaining({
        name: "matching.pull",
        payload: expect.objectContaining({ reason: "case_closed", cmId: "berat" }),
      }),
    );

    const p = await h.services.assignment.pull("capacity_freed");
    expect(p.assigned).toBe(1);
    expect(await phaseOf(urgent.caseId)).toBe("pending_acceptance");
    expect(await phaseOf(ordinary.caseId)).toBe("waiting");
    // pull writes no "no candidate" decisions for the cases it could not place
    expect(await db.prisma.assignmentDecision.count({ where: { caseId: ordinary.caseId } })).toBe(0);
  });

  it("closing a waiting case withdraws it from the wait list without a pull", async () => {
    const h = harness(db.prisma, org);
    const c = await waitingCase(h, db.prisma);
    expect(
      await h.lifecycle.move(c.caseId, "closed", { kind: "system" }, { reason: "withdrawn" }),
    ).toMatchObject({ ok: true, freedCmId: null });
    const entry = await db.prisma.waitlistEntry.findUniqueOrThrow({ where: { intakeId: c.intakeId } });
    expect(entry.status).toBe("withdrawn");
    expect(h.jobs.calls.some((j) => j.name === "matching.pull")).toBe(false);
  });

  it("sweep: expires overdue offers, triages forgotten intakes, assigns, refreshes", async () => {
    const h = harness(db.prisma, org);
    const c = await waitingCase(h, db.prisma);
    const r = await h.services.assignment.assign(c.caseId, "triaged");
    if (!r.ok) throw new Error("not assigned");
    const { createIntake } = await import("../support/matching.ts");
    const forgotten = await createIntake(db.prisma, { submittedAt: h.clock.now });
    h.clock.advance(49 * HOUR);
    const s = await h.services.sweep();
    expect(s).toMatchObject({ expired: 1, triaged: 1, assigned: 2 });
    const reassigned = await db.prisma.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect(reassigned.phase).toBe("pending_acceptance");
    expect(reassigned.cmId).not.toBe(r.cmId);
    expect(await db.prisma.case.findFirstOrThrow({ where: { intakeId: forgotten.intakeId } })).toMatchObject({
      phase: "pending_acceptance",
    });
  });
});

describe("capacity: absences and overrides", () => {
  it("a lead's reassign reason is encrypted and bound to its CaseEvent row (review 15.7)", async () => {
    const h = harness(db.prisma, org);
    const c = await waitingCase(h, db.prisma, { languages: ["ar"] });
    const r = await h.services.assignment.assign(c.caseId, "triaged");
    if (!r.ok) throw new Error("not assigned");
    await h.services.assignment.accept(r.assignmentId, r.cmId);
    const to = ["anna", "berat", "carla"].find((x) => x !== r.cmId)!;
    const svc = new ReassignService({
      db: db.prisma,
      cipher: h.deps.cipher!,
      staff: h.staff,
      log: silentLogger,
      now: () => h.clock.now,
    });
    expect(await svc.reassign(c.caseId, to, "anna", "Familie zieht um")).toMatchObject({ ok: true });
    const ev = await db.prisma.caseEvent.findFirstOrThrow({
      where: { caseId: c.caseId, kind: "case.reassigned" },
    });
    const enc = (ev.data as { reasonEnc: string }).reasonEnc;
    expect(enc.startsWith("v2.")).toBe(true);
    const at = { table: "CaseEvent", column: "data.reasonEnc", row: ev.id };
    expect(h.deps.cipher!.decrypt(enc, at)).toBe("Familie zieht um");
    expect(() => h.deps.cipher!.decrypt(enc, { ...at, row: c.caseId })).toThrow(/another row/);
  });

  it("an absence note is stored encrypted, bound to its row, and reads back in the App Home (review 15.7)", async () => {
    const h = harness(db.prisma, org);
    const cipher = h.deps.cipher!;
    const note = "Kur in Bad Salzuflen";
    const from = new Date(h.clock.now.getTime() + 30 * 24 * HOUR);
    const add = await h.services.capacity.addAbsence(
      "anna",
      from,
      new Date(from.getTime() + 24 * HOUR),
      "anna",
      note,
    );
    if (!add.ok) throw new Error("absence not added");
    const row = await db.prisma.absence.findUniqueOrThrow({ where: { id: add.absenceId } });
    expect(row.note).not.toContain("Salzuflen");
    expect(row.note!.startsWith("v2.")).toBe(true);
    expect(cipher.decrypt(row.note!, { table: "Absence", column: "note", row: add.absenceId })).toBe(note);
    // a note stored in clear before this change still shows, and rotation encrypts it
    const legacy = await db.prisma.absence.create({
      data: { cmId: "anna", from, to: new Date(from.getTime() + 2 * 24 * HOUR), note: "alte Notiz" },
    });
    const home = await new PrismaCaseQueries(db.prisma, org, cipher).cmHome("anna", h.clock.now);
    expect(home.absences.map((a) => a.note)).toEqual(expect.arrayContaining([note, "alte Notiz"]));
    const r = await rotateKeys(db.prisma, cipher);
    expect(r.columns.find((c) => c.column === "Absence.note")?.encrypted).toBeGreaterThanOrEqual(1);
    const rotated = await db.prisma.absence.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(cipher.decrypt(rotated.note!, { table: "Absence", column: "note", row: legacy.id })).toBe(
      "alte Notiz",
    );
    await db.prisma.absence.deleteMany({ where: { id: { in: [add.absenceId, legacy.id] } } });
  });

  it("an absent case manager gets no new cases; ending the absence pulls", async () => {
    const h = harness(db.prisma, org);
    const add = await h.services.capacity.addAbsence(
      "anna",
      h.clock.now,
      new Date(h.clock.now.getTime() + 7 * 24 * HOUR),
      "anna",
    );
    expect(add.ok).toBe(true);
    if (!add.ok) return;
    expect(h.jobs.calls).toContainEqual(
      expect.objectContaining({
        name: "matching.pull",
        payload: expect.objectContaining({ reason: "absence_ended", cmId: "anna" }),
        delay: 7 * 24 * HOUR,
      }),
    );
    const c = await waitingCase(h, db.prisma, { languages: ["ar"] });
    const r = await h.services.assignment.assign(c.caseId, "triaged");
    expect(r.ok && r.cmId).not.toBe("anna");
    if (!r.ok) return;
    const d = await db.prisma.assignmentDecision.findUniqueOrThrow({ where: { id: r.decisionId } });
    expect(d.excluded).toMatchObject({ items: [{ cmId: "anna", reason: "absent" }] });

    expect(await h.services.capacity.endAbsence(add.absenceId, "berat")).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    expect(await h.services.capacity.endAbsence(add.absenceId, "anna")).toEqual({ ok: true });
    const c2 = await waitingCase(h, db.prisma, { languages: ["ar"] });
    expect(await h.services.assignment.assign(c2.caseId, "triaged")).toMatchObject({
      ok: true,
      cmId: "anna",
    });
    expect(
      await db.prisma.auditLog.count({ where: { action: { in: ["absence.added", "absence.ended"] } } }),
    ).toBe(2);
  });

  it("only a team lead sets a capacity override; raising it pulls", async () => {
    const h = harness(db.prisma, org);
    expect(await h.services.capacity.setCapacityOverride("berat", 5, "carla")).toEqual({
      ok: false,
      reason: "not_team_lead",
    });
    expect(await h.services.capacity.setCapacityOverride("berat", -1, "anna")).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await h.services.capacity.setCapacityOverride("nobody", 3, "anna")).toEqual({
      ok: false,
      reason: "not_found",
    });
    const r = await h.services.capacity.setCapacityOverride("berat", 3, "anna");
    expect(r).toEqual({ ok: true, before: 1, after: 3, openCases: 0 });
    expect(h.jobs.calls).toContainEqual(
      expect.objectContaining({
        name: "matching.pull",
        payload: expect.objectContaining({ reason: "capacity_raised" }),
      }),
    );
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "capacity.override" } });
    expect(audit).toMatchObject({ actor: "cm:anna", data: { cmId: "berat", from: 1, to: 3 } });

    // lowered to 0: no new cases for berat, even as local contact
    await h.services.capacity.setCapacityOverride("berat", 0, "anna");
    const c = await waitingCase(h, db.prisma, { districtId: "heepen", languages: ["tr"] });
    const a = await h.services.assignment.assign(c.caseId, "triaged");
    expect(a.ok && a.cmId).not.toBe("berat");
    // null clears the override: capacity from FTE again (1 × 4)
    expect(await h.services.capacity.setCapacityOverride("berat", null, "anna")).toMatchObject({
      ok: true,
      after: 4,
    });
  });
});
