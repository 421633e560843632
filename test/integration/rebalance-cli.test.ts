// Rebalancing (propose → apply/dismiss, pinned cases untouched, stale moves skipped, audited) and
// the operator CLI (its command functions directly, plus one spawned process).
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliContext, runCli, table } from "../../src/cli.ts";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { createIntake, type Harness, harness, makeOrg, syncOrg, waitingCase } from "../support/matching.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let db: TestDb;
const org = makeOrg([{ id: "anna", teamLead: true }, { id: "berat" }, { id: "carla", agency: "drk" }], {
  casesPerFte: 10,
});
let h: Harness;
let cli: CliContext;

/** A case that anna has accepted and works on, created directly (as if accepted long ago). */
async function acceptedCase(cmId: string, extra: { lastContactAt?: Date } = {}): Promise<string> {
  const c = await waitingCase(h, db.prisma);
  await db.prisma.case.update({ where: { id: c.caseId }, data: { phase: "assessment", cmId, ...extra } });
  await db.prisma.waitlistEntry.update({
    where: { intakeId: c.intakeId },
    data: { status: "assigned", leftAt: h.clock.now },
  });
  await db.prisma.assignment.create({
    data: { caseId: c.caseId, cmId, status: "accepted", deadlineAt: h.clock.now, decidedAt: h.clock.now },
  });
  await db.prisma.caseManager.update({ where: { id: cmId }, data: { loadVersion: { increment: 1 } } });
  return c.caseId;
}

beforeAll(async () => {
  db = await createTestDb("rebalance");
  await syncOrg(db.prisma, org);
  h = harness(db.prisma, org);
  cli = { db: db.prisma, org, now: () => h.clock.now, services: () => h.services, actor: "cli" };
});
afterAll(async () => {
  await db?.drop();
});

describe("rebalancing", () => {
  const ids: string[] = [];
  let pinnedByAppointment = "";
  let pinnedByContact = "";

  it("proposes the fewest moves, never a pinned case, and changes nothing yet", async () => {
    // anna 8, berat 1, carla 0: fair share 3 each (tolerance 1)
    for (let i = 0; i < 6; i++) ids.push(await acceptedCase("anna"));
    pinnedByAppointment = await acceptedCase("anna");
    pinnedByContact = await acceptedCase("anna", {
      lastContactAt: new Date(h.clock.now.getTime() - 2 * DAY),
    });
    await db.prisma.appointment.create({
      data: {
        caseId: pinnedByAppointment,
        cmId: "anna",
        startsAt: new Date(h.clock.now.getTime() + 24 * HOUR),
        endsAt: new Date(h.clock.now.getTime() + 25 * HOUR),
        mode: "in_person",
      },
    });
    await acceptedCase("berat");

    const { id, result } = await h.services.rebalance.propose("cm:anna");
    expect(result.moves).toHaveLength(result.lowerBound);
    expect(result.moves.length).toBe(4); // anna 8 → 4 (fair 3 + 1), carla 0 → 2+, berat 1 → 2+
    const moved = result.moves.map((m) => m.caseId);
    expect(moved).not.toContain(pinnedByAppointment);
    expect(moved).not.toContain(pinnedByContact);
    expect(result.pinnedCaseIds).toEqual(expect.arrayContaining([pinnedByAppointment, pinnedByContact]));
    expect(result.moves.every((m) => m.fromCmId === "anna")).toBe(true);

    const stored = await db.prisma.rebalanceProposal.findUniqueOrThrow({ where: { id } });
    expect(stored.status).toBe("open");
    expect(await db.prisma.case.count({ where: { cmId: "anna" } })).toBe(8);
    expect(await db.prisma.auditLog.count({ where: { action: "rebalance.proposed" } })).toBe(1);
  });

  it("applies under locks, skips stale moves, records history and audit", async () => {
    const { id, result } = await h.services.rebalance.propose("cm:anna");
    // the world moves on: one proposed case is closed, one gets an appointment tomorrow
    const [closedOne, bookedOne] = result.moves;
    await h.lifecycle.move(closedOne!.caseId, "closed", { kind: "system" }, { reason: "goals_reached" });
    await db.prisma.appointment.create({
      data: {
        caseId: bookedOne!.caseId,
        cmId: "anna",
        startsAt: new Date(h.clock.now.getTime() + 20 * HOUR),
        endsAt: new Date(h.clock.now.getTime() + 21 * HOUR),
        mode: "phone",
      },
    });
    const r = await h.services.rebalance.apply(id, "cm:anna");
    if (!r.ok) throw new Error(r.reason);
    expect(r.status).toBe("applied");
    expect(r.skipped).toEqual([
      { move: closedOne, reason: "case_changed" },
      { move: bookedOne, reason: "pinned" },
    ]);
    expect(r.applied).toHaveLength(result.moves.length - 2);
    for (const m of r.applied) {
      const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: m.caseId } });
      expect(kase).toMatchObject({ cmId: m.toCmId, phase: "assessment" });
      const history = await db.prisma.assignment.findMany({
        where: { caseId: m.caseId },
        orderBy: { createdAt: "asc" },
      });
      expect(history.map((a) => [a.cmId, a.status]).sort()).toEqual(
        [
          ["anna", "moved"],
          [m.toCmId, "accepted"],
        ].sort(),
      );
    }
    expect(await db.prisma.auditLog.count({ where: { action: "rebalance.move" } })).toBe(r.applied.length);
    expect(await db.prisma.auditLog.findFirst({ where: { action: "rebalance.applied" } })).toMatchObject({
      actor: "cm:anna",
    });
    // pinned cases are still anna's
    for (const id of [pinnedByAppointment, pinnedByContact, bookedOne!.caseId])
      expect((await db.prisma.case.findUniqueOrThrow({ where: { id } })).cmId).toBe("anna");
    // clients hear who accompanies them now; Slack cards are updated
    expect(h.clients.sent.filter((m) => m.template === "assignment.moved")).toHaveLength(r.applied.length);
    expect(h.staff.changed.length).toBe(2 * r.applied.length);
    // a proposal is applied once
    expect(await h.services.rebalance.apply(id, "cm:anna")).toEqual({ ok: false, reason: "not_open" });
    expect(await h.services.rebalance.dismiss(id, "cm:anna")).toEqual({ ok: false, reason: "not_open" });
  });

  it("dismisses an open proposal", async () => {
    const { id } = await h.services.rebalance.propose("cli");
    expect(await h.services.rebalance.dismiss(id, "cli")).toEqual({ ok: true });
    expect((await db.prisma.rebalanceProposal.findUniqueOrThrow({ where: { id } })).status).toBe("dismissed");
    expect(await h.services.rebalance.apply("nonsense", "cli")).toEqual({ ok: false, reason: "not_found" });
  });
});

describe("cli", () => {
  it("prints aligned tables", () => {
    // text left, numbers right (headers of number columns too)
    expect(
      table(
        ["a", "n"],
        [
          ["x", 1],
          ["yy", 10],
        ],
      ),
    ).toBe("a    n\n──  ──\nx    1\nyy  10");
  });

  it("waitlist, loads, explain", async () => {
    const w = await waitingCase(h, db.prisma, { languages: ["ar"] });
    const waitlist = await runCli(["waitlist"], cli);
    expect(waitlist.code).toBe(0);
    expect(waitlist.text).toMatch(/pos\s+reference\s+priority/);
    expect(waitlist.text).toContain("all: 1 waiting");

    const loads = await runCli(["loads"], cli);
    expect(loads.text).toMatch(/^anna\s+social-office\s+1\s+10/m);
    expect(loads.text).toContain("3 active case managers");

    const offer = await h.services.assignment.assign(w.caseId, "manual");
    expect(offer.ok).toBe(true);
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: w.caseId } });
    const explain = await runCli(["explain", kase.referenceCode], cli);
    expect(explain.code).toBe(0);
    expect(explain.text).toContain(`case ${kase.referenceCode}`);
    expect(explain.text).toMatch(/decision .* \(manual\): chose \w+; 3 eligible/);
    expect(explain.text).toMatch(/rank\s+case manager\s+score/);
    expect((await runCli(["explain", w.caseId], cli)).code).toBe(0);
    expect(await runCli(["explain", "NOPE"], cli)).toMatchObject({ code: 1 });
    expect(await runCli(["frobnicate"], cli)).toMatchObject({ code: 2 });
  });

  it("rebalance propose/apply and triage-pending through the CLI", async () => {
    const p = await runCli(["rebalance", "propose"], cli);
    expect(p.code).toBe(0);
    const id = /proposal ([0-9a-f-]{36})/.exec(p.text)?.[1];
    expect(id).toBeDefined();
    const a = await runCli(["rebalance", "apply", id!], cli);
    expect(a.code).toBe(0);
    expect(a.text).toMatch(/proposal .* (applied|stale)/);
    expect((await runCli(["rebalance", "apply", id!], cli)).code).toBe(1);

    const i = await createIntake(db.prisma);
    const list = await runCli(["triage-pending"], cli);
    expect(list.text).toContain(i.referenceCode);
    const run = await runCli(["triage-pending", "--run"], cli);
    expect(run.text).toMatch(new RegExp(`${i.referenceCode}\\s+waitlisted`));
    expect((await runCli(["triage-pending"], cli)).text).toBe("no intake waits for triage");
  });

  it("runs as a process against a schema given in DATABASE_URL", async () => {
    const other = await createTestDb("cli_spawn");
    try {
      await new OrgRepository(other.prisma).sync(await loadOrganisation("orgs/bielefeld.yaml"));
      const url = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test");
      url.searchParams.set("schema", other.schema);
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
          env: { ...process.env, DATABASE_URL: url.toString(), ANLAUF_ORG: "orgs/bielefeld.yaml" },
          encoding: "utf8",
          timeout: 60_000,
        });
      const loads = run("loads");
      expect(loads.stderr).toBe("");
      expect(loads.status).toBe(0);
      expect(loads.stdout).toMatch(/miriam-hoffmann\s+social-office\s+1\s+26\s+0/);
      expect(loads.stdout).toContain("8 active case managers, 8 FTE, 0 open of 208 slots");
      const missing = run("explain", "BI-0000-XXXX");
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain("no case");
    } finally {
      await other.drop();
    }
  }, 120_000);
});
