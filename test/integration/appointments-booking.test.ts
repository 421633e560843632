// Booking, rescheduling, cancelling and attendance against real Postgres, with races: simultaneous
// picks of one slot, simultaneous picks of overlapping slots, a double tap of one client, and a raw
// insert race that proves the partial unique index on its own.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { RecordingAppointmentOutbox } from "../../src/modules/appointments/appointments.outbox.ts";
import {
  appointmentMetrics,
  isUniqueViolation,
  upcomingAppointments,
} from "../../src/modules/appointments/appointments.repository.ts";
import { AppointmentService } from "../../src/modules/appointments/appointments.service.ts";
import { appointmentsConfigSchema } from "../../src/modules/appointments/config.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { seedAssignedCase, setHours } from "../support/appointments.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

let db: TestDb;
let clock = new Date("2026-12-06T12:00:00Z"); // Sunday; Monday 7 December is in winter time (UTC+1)
let outbox: RecordingAppointmentOutbox;
let svc: AppointmentService;
const config = appointmentsConfigSchema.parse({
  leadTime: "1h",
  horizonDays: 14,
  maxReschedules: 2,
  noShowCheckIn: 2,
});
const CM = "yasin-al-khatib";
const MON_0900 = new Date("2026-12-07T08:00:00Z");
const MON_1000 = new Date("2026-12-07T09:00:00Z");
const MON_1100 = new Date("2026-12-07T10:00:00Z");

beforeAll(async () => {
  db = await createTestDb("appt_booking");
  await new OrgRepository(db.prisma).sync(await loadOrganisation("orgs/bielefeld.yaml"));
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  clock = new Date("2026-12-06T12:00:00Z");
  outbox = new RecordingAppointmentOutbox();
  svc = new AppointmentService({
    db: db.prisma,
    config,
    timeZone: "Europe/Berlin",
    outbox,
    now: () => clock,
    log: silentLogger,
  });
  await db.prisma.appointment.deleteMany({ where: { cmId: CM } });
  await setHours(db.prisma, CM, [{ weekday: 1, from: "09:00", to: "12:00" }]);
});

const cases = (n: number) =>
  Promise.all(Array.from({ length: n }, () => seedAssignedCase(db.prisma, { cmId: CM })));

describe("booking races (real Postgres)", () => {
  it("20 simultaneous picks of one slot: exactly one booking, the others get 'slot taken' and fresh offers", async () => {
    const seeded = await cases(20);
    const results = await Promise.all(
      seeded.map((c) =>
        svc.book({ caseId: c.caseId, startsAt: MON_1000, actor: { kind: "client", clientId: c.clientId } }),
      ),
    );
    const ok = results.filter((r) => r.ok);
    const taken = results.filter((r) => !r.ok && r.reason === "slot_taken");
    expect(ok).toHaveLength(1);
    expect(taken).toHaveLength(19);
    for (const r of taken) {
      if (r.ok || r.reason !== "slot_taken") continue;
      expect(r.offers.length).toBeGreaterThan(0);
      expect(r.offers.map((s) => s.startsAt.getTime())).not.toContain(MON_1000.getTime());
    }
    expect(
      await db.prisma.appointment.count({ where: { cmId: CM, status: "booked", startsAt: MON_1000 } }),
    ).toBe(1);
    // one confirmation each way and reminders for the winner only
    expect(outbox.of("scheduleReminders")).toHaveLength(1);
    expect(outbox.of("toClient").map((a) => a[1])).toEqual(["confirmed"]);
    expect(outbox.of("toStaff").map((a) => a[1])).toEqual(["booked"]);
  });

  it("the partial unique index alone refuses a second live booking at the same start", async () => {
    const seeded = await cases(12);
    const settled = await Promise.allSettled(
      seeded.map((c) =>
        db.prisma.appointment.create({
          data: {
            caseId: c.caseId,
            cmId: CM,
            startsAt: MON_1100,
            endsAt: new Date(MON_1100.getTime() + 45 * 60_000),
            mode: "phone",
          },
        }),
      ),
    );
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    expect(rejected).toHaveLength(11);
    for (const r of rejected) expect(isUniqueViolation(r.reason)).toBe(true);
    // a cancelled booking frees the start for a new one (the index is partial: WHERE status = 'booked')
    await db.prisma.appointment.updateMany({
      where: { cmId: CM, startsAt: MON_1100 },
      data: { status: "cancelled" },
    });
    const again = await db.prisma.appointment.create({
      data: {
        caseId: seeded[0]!.caseId,
        cmId: CM,
        startsAt: MON_1100,
        endsAt: new Date(MON_1100.getTime() + 45 * 60_000),
        mode: "phone",
      },
    });
    expect(again.status).toBe("booked");
  });

  it("simultaneous picks of overlapping slots at different starts: the per-case-manager lock lets one through", async () => {
    // two grids on one morning: 09:00/10:00/11:00 in person and 09:30/10:30 by phone
    await setHours(db.prisma, CM, [
      { weekday: 1, from: "09:00", to: "12:00" },
      { weekday: 1, from: "09:30", to: "11:30", mode: "phone" },
    ]);
    const [a, b] = await cases(2);
    const MON_0930 = new Date("2026-12-07T08:30:00Z");
    for (let round = 0; round < 5; round++) {
      await db.prisma.appointment.deleteMany({ where: { cmId: CM } });
      const results = await Promise.all([
        svc.book({ caseId: a!.caseId, startsAt: MON_0900, actor: { kind: "system" } }),
        svc.book({ caseId: b!.caseId, startsAt: MON_0930, actor: { kind: "system" } }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === "slot_taken")).toHaveLength(1);
    }
  });

  it("a double tap of one client books once; the second pick is 'already booked'", async () => {
    const [c] = await cases(1);
    const actor = { kind: "client", clientId: c!.clientId } as const;
    const results = await Promise.all([
      svc.book({ caseId: c!.caseId, startsAt: MON_0900, actor }),
      svc.book({ caseId: c!.caseId, startsAt: MON_1100, actor }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "already_booked")).toHaveLength(1);
  });

  it("two clients moving to the same free slot at once: one moves, the other keeps theirs", async () => {
    const [a, b] = await cases(2);
    const ra = await svc.book({ caseId: a!.caseId, startsAt: MON_1000, actor: { kind: "system" } });
    const rb = await svc.book({ caseId: b!.caseId, startsAt: MON_1100, actor: { kind: "system" } });
    if (!ra.ok || !rb.ok) throw new Error("setup failed");
    const results = await Promise.all([
      svc.reschedule({
        appointmentId: ra.appointment.id,
        startsAt: MON_0900,
        actor: { kind: "client", clientId: a!.clientId },
      }),
      svc.reschedule({
        appointmentId: rb.appointment.id,
        startsAt: MON_0900,
        actor: { kind: "client", clientId: b!.clientId },
      }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "slot_taken")).toHaveLength(1);
    const starts = (await db.prisma.appointment.findMany({ where: { cmId: CM, status: "booked" } }))
      .map((x) => x.startsAt.getTime())
      .sort();
    expect(starts).toHaveLength(2);
    expect(starts).toContain(MON_0900.getTime());
  });
});

describe("rules of booking", () => {
  it("refuses slots outside the hours, inside the lead time, of someone else's case, or without an accepted assignment", async () => {
    const [c, other] = await cases(2);
    const actor = { kind: "client", clientId: c!.clientId } as const;
    expect(
      await svc.book({ caseId: c!.caseId, startsAt: new Date("2026-12-07T08:30:00Z"), actor }),
    ).toMatchObject({
      ok: false,
      reason: "slot_unavailable",
    });
    clock = new Date("2026-12-07T07:30:00Z"); // 08:30 local: 09:00 is within the 1 h lead time
    expect(await svc.book({ caseId: c!.caseId, startsAt: MON_0900, actor })).toMatchObject({
      ok: false,
      reason: "slot_unavailable",
    });
    expect(await svc.book({ caseId: other!.caseId, startsAt: MON_1000, actor })).toEqual({
      ok: false,
      reason: "forbidden",
    });
    await db.prisma.assignment.updateMany({ where: { caseId: other!.caseId }, data: { status: "pending" } });
    expect(await svc.book({ caseId: other!.caseId, startsAt: MON_1000, actor: { kind: "system" } })).toEqual({
      ok: false,
      reason: "no_case_manager",
    });
  });

  it("honours holidays and absences from the database", async () => {
    const [c] = await cases(1);
    await db.prisma.availabilityException.create({
      data: {
        cmId: null,
        from: new Date("2026-12-06T23:00:00Z"),
        to: new Date("2026-12-07T23:00:00Z"),
        reason: "holiday",
      },
    });
    const offer = await svc.offerFor(c!.caseId);
    expect(offer.slots[0]!.startsAt.toISOString()).toBe("2026-12-14T08:00:00.000Z");
    await db.prisma.absence.create({
      data: { cmId: CM, from: new Date("2026-12-13T00:00:00Z"), to: new Date("2026-12-20T00:00:00Z") },
    });
    expect((await svc.offerFor(c!.caseId)).slots.map((s) => s.startsAt.toISOString())).not.toContain(
      "2026-12-14T08:00:00.000Z",
    );
    await db.prisma.availabilityException.deleteMany({});
    await db.prisma.absence.deleteMany({});
  });

  it("offers the client's contact modes first and falls back to all", async () => {
    await setHours(db.prisma, CM, [
      { weekday: 1, from: "09:00", to: "10:00" },
      { weekday: 2, from: "09:00", to: "10:00", mode: "video" },
    ]);
    const video = await seedAssignedCase(db.prisma, { cmId: CM, contactModes: ["video"] });
    expect((await svc.offerFor(video.caseId)).slots.every((s) => s.mode === "video")).toBe(true);
    const phone = await seedAssignedCase(db.prisma, { cmId: CM, contactModes: ["phone"] });
    expect((await svc.offerFor(phone.caseId)).slots.map((s) => s.mode)).toContain("in_person");
  });

  it("reschedule: clients up to the limit, case managers beyond it; reminders move", async () => {
    const [c] = await cases(1);
    const client = { kind: "client", clientId: c!.clientId } as const;
    const r = await svc.book({ caseId: c!.caseId, startsAt: MON_0900, actor: client });
    if (!r.ok) throw new Error("setup");
    const id = r.appointment.id;
    const m1 = await svc.reschedule({ appointmentId: id, startsAt: MON_1000, actor: client });
    expect(m1).toMatchObject({ ok: true, previousStart: MON_0900 });
    // moving back next to its own old place must not be blocked by itself
    expect(await svc.reschedule({ appointmentId: id, startsAt: MON_0900, actor: client })).toMatchObject({
      ok: true,
    });
    expect(await svc.reschedule({ appointmentId: id, startsAt: MON_1100, actor: client })).toEqual({
      ok: false,
      reason: "limit_reached",
      max: 2,
    });
    const byCm = await svc.reschedule({
      appointmentId: id,
      startsAt: MON_1100,
      actor: { kind: "cm", cmId: CM },
    });
    expect(byCm).toMatchObject({ ok: true });
    expect((await db.prisma.appointment.findUniqueOrThrow({ where: { id } })).rescheduleCount).toBe(3);
    expect(outbox.of("cancelReminders").map((a) => (a[1] as Date).toISOString())).toEqual([
      MON_0900.toISOString(),
      MON_1000.toISOString(),
      MON_0900.toISOString(),
    ]);
    expect(outbox.of("toClient").map((a) => a[1])).toEqual([
      "confirmed",
      "confirmed",
      "confirmed",
      "moved_by_staff",
    ]);
    expect(outbox.of("toStaff").map((a) => a[1])).toEqual(["booked", "rescheduled", "rescheduled"]);
    // another case manager may not touch it, a team lead may
    expect(
      await svc.reschedule({
        appointmentId: id,
        startsAt: MON_0900,
        actor: { kind: "cm", cmId: "dilan-aydin" },
      }),
    ).toEqual({
      ok: false,
      reason: "forbidden",
    });
  });

  it("cancel: by the client tells staff, by staff tells the client and offers new times; twice is refused", async () => {
    const [a, b] = await cases(2);
    const ra = await svc.book({ caseId: a!.caseId, startsAt: MON_0900, actor: { kind: "system" } });
    const rb = await svc.book({ caseId: b!.caseId, startsAt: MON_1000, actor: { kind: "system" } });
    if (!ra.ok || !rb.ok) throw new Error("setup");
    outbox.calls.length = 0;
    expect(
      await svc.cancel({
        appointmentId: ra.appointment.id,
        actor: { kind: "client", clientId: b!.clientId },
      }),
    ).toEqual({
      ok: false,
      reason: "forbidden",
    });
    const ca = await svc.cancel({
      appointmentId: ra.appointment.id,
      actor: { kind: "client", clientId: a!.clientId },
    });
    expect(ca).toMatchObject({
      ok: true,
      appointment: { status: "cancelled", cancelledBy: `client:${a!.clientId}` },
    });
    const cb = await svc.cancel({ appointmentId: rb.appointment.id, actor: { kind: "cm", cmId: CM } });
    expect(cb).toMatchObject({ ok: true, appointment: { status: "cancelled", cancelledBy: `cm:${CM}` } });
    expect(await svc.cancel({ appointmentId: rb.appointment.id, actor: { kind: "cm", cmId: CM } })).toEqual({
      ok: false,
      reason: "not_booked",
    });
    expect(outbox.calls.map((c) => `${c.kind}:${String(c.args[1])}`)).toEqual([
      `cancelReminders:${MON_0900}`,
      "toClient:cancelled_by_client",
      "toStaff:cancelled",
      `cancelReminders:${MON_1000}`,
      "toClient:cancelled_by_staff",
      "offer:staff_cancelled",
    ]);
    // the freed slot is bookable again
    const again = await svc.book({ caseId: a!.caseId, startsAt: MON_0900, actor: { kind: "system" } });
    expect(again.ok).toBe(true);
  });

  it("attendance: only after the start; no-shows are counted and every 2nd sends a check-in; load is untouched; the first consultation attended starts the assessment", async () => {
    const [c] = await cases(1);
    const book = async (startsAt: Date) => {
      const r = await svc.book({ caseId: c!.caseId, startsAt, actor: { kind: "system" } });
      if (!r.ok) throw new Error(`setup: ${r.reason}`);
      return r.appointment.id;
    };
    const loadBefore = await db.prisma.caseManager.findUniqueOrThrow({ where: { id: CM } });
    const first = await book(MON_0900);
    expect(await svc.markAttendance({ appointmentId: first, cmId: CM, attended: false })).toEqual({
      ok: false,
      reason: "not_started",
    });
    clock = new Date("2026-12-07T08:50:00Z");
    expect(await svc.markAttendance({ appointmentId: first, cmId: "dilan-aydin", attended: false })).toEqual({
      ok: false,
      reason: "forbidden",
    });
    expect(await svc.markAttendance({ appointmentId: first, cmId: CM, attended: false })).toMatchObject({
      ok: true,
      noShows: 1,
      checkInSent: false,
    });
    const second = await book(MON_1100);
    clock = new Date("2026-12-07T10:10:00Z");
    expect(await svc.markAttendance({ appointmentId: second, cmId: CM, attended: false })).toMatchObject({
      ok: true,
      noShows: 2,
      checkInSent: true,
    });
    // marking the same again does not send a second check-in; a correction to attended counts down
    expect(await svc.markAttendance({ appointmentId: second, cmId: CM, attended: false })).toMatchObject({
      ok: true,
      noShows: 2,
      checkInSent: false,
    });
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id: c!.caseId } })).phase).toBe(
      "first_consultation",
    );
    expect(await svc.markAttendance({ appointmentId: second, cmId: CM, attended: true })).toMatchObject({
      ok: true,
      noShows: 1,
    });
    expect(outbox.of("toClient").filter((a) => a[1] === "checkin")).toHaveLength(1);
    const loadAfter = await db.prisma.caseManager.findUniqueOrThrow({ where: { id: CM } });
    expect(loadAfter.loadVersion).toBe(loadBefore.loadVersion);
    // no-shows leave the phase alone; the first consultation attended starts the assessment, once
    const kase = await db.prisma.case.findUniqueOrThrow({ where: { id: c!.caseId } });
    expect(kase.phase).toBe("assessment");
    expect(kase.lastContactAt).toEqual(MON_1100);
    const moves = await db.prisma.caseEvent.findMany({
      where: { caseId: c!.caseId, kind: "case.phase_changed" },
    });
    expect(moves.map((e) => [e.fromPhase, e.toPhase, e.actor])).toEqual([
      ["first_consultation", "assessment", `cm:${CM}`],
    ]);
    await svc.markAttendance({ appointmentId: second, cmId: CM, attended: true });
    expect(
      await db.prisma.caseEvent.count({ where: { caseId: c!.caseId, kind: "case.phase_changed" } }),
    ).toBe(1);
  });
});

describe("views for App Home and the report", () => {
  it("upcomingAppointments lists booked, not yet ended appointments with pseudonyms", async () => {
    const [a, b] = await cases(2);
    await svc.book({ caseId: a!.caseId, startsAt: MON_1100, actor: { kind: "system" } });
    await svc.book({ caseId: b!.caseId, startsAt: MON_0900, actor: { kind: "system" } });
    const list = await upcomingAppointments(db.prisma, CM, clock);
    expect(list.map((x) => x.startsAt)).toEqual([MON_0900, MON_1100]);
    expect(list[0]).toMatchObject({
      mode: "in_person",
      officeName: expect.stringContaining("Fachstelle"),
      status: "booked",
    });
    expect(list[0]!.clientPseudonym).toMatch(/^K-/);
    expect(await upcomingAppointments(db.prisma, CM, new Date("2026-12-07T11:00:00Z"))).toEqual([]);
  });

  it("appointmentMetrics: no-show rate and days from intake to first appointment", async () => {
    const cmId = "olena-kovalenko";
    await db.prisma.appointment.deleteMany({ where: { cmId } });
    const mk = async (
      submittedAt: string,
      starts: [string, "attended" | "no_show" | "cancelled" | "booked"][],
    ) => {
      const c = await seedAssignedCase(db.prisma, { cmId, submittedAt: new Date(submittedAt) });
      for (const [s, status] of starts)
        await db.prisma.appointment.create({
          data: {
            caseId: c.caseId,
            cmId,
            startsAt: new Date(s),
            endsAt: new Date(Date.parse(s) + 2_700_000),
            mode: "video",
            status,
          },
        });
    };
    await mk("2030-01-01T09:00:00Z", [["2030-01-11T09:00:00Z", "attended"]]);
    await mk("2030-01-02T09:00:00Z", [
      ["2030-01-04T09:00:00Z", "cancelled"],
      ["2030-01-06T09:00:00Z", "no_show"],
      ["2030-01-20T09:00:00Z", "attended"],
    ]);
    await mk("2029-12-01T09:00:00Z", [
      ["2029-12-20T09:00:00Z", "attended"],
      ["2030-01-15T09:00:00Z", "attended"],
    ]);
    const m = await appointmentMetrics(
      db.prisma,
      new Date("2030-01-01T00:00:00Z"),
      new Date("2030-02-01T00:00:00Z"),
    );
    expect(m.appointments).toEqual({ booked: 0, cancelled: 1, attended: 3, noShow: 1 });
    expect(m.noShowRate).toBe(0.25);
    expect(m.intakeToFirstAppointment).toEqual({ cases: 2, medianDays: 7, p90Days: 9.4, meanDays: 7 });
  });
});

describe("public holidays", () => {
  it("offers no slot on an NRW holiday (Christmas Day and New Year's Day 2026/27 are Fridays)", async () => {
    await setHours(db.prisma, CM, [
      { weekday: 4, from: "09:00", to: "10:00" },
      { weekday: 5, from: "09:00", to: "10:00" },
    ]);
    const [c] = await cases(1);
    clock = new Date("2026-12-20T12:00:00Z");
    const slots = (await svc.offerFor(c!.caseId)).slots.map((s) => s.startsAt.toISOString());
    expect(slots).toEqual(["2026-12-24T08:00:00.000Z", "2026-12-31T08:00:00.000Z"]);
    const r = await svc.book({
      caseId: c!.caseId,
      startsAt: new Date("2026-12-25T08:00:00Z"),
      actor: { kind: "system" },
    });
    expect(r).toMatchObject({ ok: false, reason: "slot_unavailable" });
  });
});
