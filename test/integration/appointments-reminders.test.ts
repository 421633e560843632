// Reminders on real Redis and Postgres through the running system: delayed jobs with deterministic ids
// that move with the appointment, vanish when it is cancelled, survive a restart of the workers, and
// never reach a client for a cancelled, moved or past appointment (the handler re-checks).
import { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointmentsFeature } from "../../src/app/features/appointments.ts";
import { appointmentsRuntime } from "../../src/app/runtime/appointments.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import { eventually, orgWithAppointments, seedAssignedCase, setHours } from "../support/appointments.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";

const CM = "nasrin-rahimi";
const H = 3_600_000;
// the system's clock runs at real speed with an offset we choose: reminders "24 h before" a future
// appointment can then fire within seconds of real time
let skew = 0;
const now = () => new Date(Date.now() + skew);
const setClock = (iso: string) => {
  skew = Date.parse(iso) - Date.now();
};

let testDb: TestDb;
let sys: TestSystem;
let prefix: string;
let orgFile: string;

const start = () =>
  startTestSystem({
    label: "appt-rem",
    features: [appointmentsFeature],
    now,
    testDb,
    org: orgFile,
    ...(prefix ? { prefix } : {}),
  });

beforeAll(async () => {
  orgFile = await orgWithAppointments({ leadTime: "0m", reminders: ["24h", "2h"], horizonDays: 21 });
  testDb = await createTestDb("appt_rem");
  sys = await start();
  prefix = sys.prefix;
});
afterAll(async () => {
  for (const q of Object.values(QUEUES))
    await sys.ctx.producer
      .queue(q)
      .obliterate({ force: true })
      .catch(() => {});
  await sys.shutdown({ dropDb: true });
});

// Tuesday 8 December 2026, 13:00 local (12:00Z): Nasrin's Tuesday hours 13:00–16:00 in person
const TUE_1300 = new Date("2026-12-08T12:00:00Z");
const TUE_1400 = new Date("2026-12-08T13:00:00Z");
const TUE_1500 = new Date("2026-12-08T14:00:00Z");

const reminderId = (appointmentId: string, offsetS: number, startsAt: Date) =>
  sys.ctx.producer.jobIdOf("appointment.reminder", { appointmentId, offsetS, startsAt: startsAt.getTime() });
const reminderJob = (id: string) => Job.fromId(sys.ctx.producer.queue(QUEUES.reminders), id);
const stateOf = async (id: string) => (await (await reminderJob(id))?.getState()) ?? "absent";

async function book(startsAt: Date) {
  const c = await seedAssignedCase(sys.ctx.db, { cmId: CM });
  const r = await appointmentsRuntime(sys.ctx).service.book({
    caseId: c.caseId,
    startsAt,
    actor: { kind: "system" },
  });
  if (!r.ok) throw new Error(`booking failed: ${r.reason}`);
  return r.appointment;
}

describe("reminder jobs", () => {
  it("booking adds one delayed job per offset; moving replaces them; cancelling removes them", async () => {
    setClock("2026-12-06T12:00:00Z");
    await setHours(sys.ctx.db, CM, [{ weekday: 2, from: "13:00", to: "16:00" }]);
    const appt = await book(TUE_1300);
    const ids = [reminderId(appt.id, 86_400, TUE_1300), reminderId(appt.id, 7_200, TUE_1300)];
    expect(ids[0]).toBe(`j-appt-reminder.${appt.id}.86400.${TUE_1300.getTime() / 1000}`);
    for (const id of ids) expect(await stateOf(id)).toBe("delayed");
    const job24 = (await reminderJob(ids[0]!))!;
    // due at start − 24 h on the system clock: 24 h after "now"
    expect(job24.opts.delay).toBeGreaterThan(24 * H - 10_000);
    expect(job24.opts.delay).toBeLessThanOrEqual(24 * H);

    const svc = appointmentsRuntime(sys.ctx).service;
    const moved = await svc.reschedule({
      appointmentId: appt.id,
      startsAt: TUE_1500,
      actor: { kind: "cm", cmId: CM },
    });
    expect(moved.ok).toBe(true);
    for (const id of ids) expect(await stateOf(id)).toBe("absent");
    const newIds = [reminderId(appt.id, 86_400, TUE_1500), reminderId(appt.id, 7_200, TUE_1500)];
    for (const id of newIds) expect(await stateOf(id)).toBe("delayed");
    expect((await reminderJob(newIds[1]!))!.opts.delay).toBeGreaterThan(48 * H - 10_000);

    const cancelled = await svc.cancel({ appointmentId: appt.id, actor: { kind: "cm", cmId: CM } });
    expect(cancelled.ok).toBe(true);
    for (const id of newIds) expect(await stateOf(id)).toBe("absent");
  });

  it("a reminder fires at its time and hands a message to the Telegram queue", async () => {
    setClock("2026-12-06T12:00:00Z");
    const appt = await book(TUE_1400);
    // jump the clock to 1.5 s before the 24 h reminder of a fresh booking
    await appointmentsRuntime(sys.ctx).outbox.cancelReminders(appt);
    setClock(new Date(TUE_1400.getTime() - 24 * H - 1500).toISOString());
    await appointmentsRuntime(sys.ctx).outbox.scheduleReminders(appt);
    const id = reminderId(appt.id, 86_400, TUE_1400);
    // the job may complete between fetching it and asking its state: read it again once completed,
    // so the copy holds the return value
    await eventually(async () => ((await stateOf(id)) === "completed" ? true : null), 10_000);
    const job = (await reminderJob(id))!;
    expect(job.returnvalue).toMatchObject({ verdict: "send" });
    const late = (job.processedOn ?? 0) - (job.timestamp + (job.opts.delay ?? 0));
    expect(late).toBeLessThan(2000);
    const clientJobId = sys.ctx.producer.jobIdOf("appointment.client", {
      appointmentId: appt.id,
      event: "reminder",
      key: `reminder.${appt.id}.86400.${TUE_1400.getTime() / 1000}`,
    });
    expect(await Job.fromId(sys.ctx.producer.queue(QUEUES.telegram), clientJobId)).toBeTruthy();
    // the 2 h reminder is still waiting for its time
    expect(await stateOf(reminderId(appt.id, 7_200, TUE_1400))).toBe("delayed");
    await appointmentsRuntime(sys.ctx).service.cancel({ appointmentId: appt.id, actor: { kind: "system" } });
  });

  it("never reminds of a cancelled or moved appointment, even when its job escaped removal", async () => {
    setClock("2026-12-06T12:00:00Z");
    const a = await book(TUE_1300);
    const b = await book(TUE_1500);
    for (const x of [a, b]) await appointmentsRuntime(sys.ctx).outbox.cancelReminders(x);
    // cancelled / moved behind the service's back (e.g. a case closed by another module)
    await sys.ctx.db.appointment.update({ where: { id: a.id }, data: { status: "cancelled" } });
    await sys.ctx.db.appointment.update({
      where: { id: b.id },
      data: {
        startsAt: new Date(TUE_1500.getTime() + H),
        endsAt: new Date(TUE_1500.getTime() + H + 2_700_000),
      },
    });
    setClock(new Date(TUE_1300.getTime() - 2 * H - 1000).toISOString());
    const outbox = appointmentsRuntime(sys.ctx).outbox;
    await outbox.scheduleReminders(a);
    setClock(new Date(TUE_1500.getTime() - 2 * H - 1000).toISOString());
    await outbox.scheduleReminders(b);
    for (const [appt, startsAt, verdict] of [
      [a, TUE_1300, "cancelled"],
      [b, TUE_1500, "moved"],
    ] as const) {
      const id = reminderId(appt.id, 7_200, startsAt);
      const job = await eventually(async () => {
        const j = await reminderJob(id);
        // read the job again once completed: the copy fetched while it ran has no return value yet
        return j && (await j.getState()) === "completed" ? reminderJob(id) : null;
      }, 10_000);
      expect(job.returnvalue).toEqual({ verdict });
    }
    const telegramJobs = await sys.ctx.producer
      .queue(QUEUES.telegram)
      .getJobs(["waiting", "delayed", "completed", "active"]);
    expect(
      telegramJobs.filter(
        (j) =>
          j.name === "appointment.client" &&
          j.data.event === "reminder" &&
          [a.id, b.id].includes(j.data.appointmentId),
      ),
    ).toEqual([]);
  });

  it("survives a restart: a reminder scheduled before the workers stop fires after they start again", async () => {
    setClock("2026-12-06T12:00:00Z");
    const appt = await book(TUE_1300);
    await appointmentsRuntime(sys.ctx).outbox.cancelReminders(appt);
    setClock(new Date(TUE_1300.getTime() - 2 * H - 3000).toISOString());
    await appointmentsRuntime(sys.ctx).outbox.scheduleReminders(appt);
    const id = reminderId(appt.id, 7_200, TUE_1300);
    await sys.shutdown();
    // the job waits in Redis while nothing runs
    await new Promise((r) => setTimeout(r, 3500));
    sys = await start();
    const job = await eventually(async () => {
      const j = await reminderJob(id);
      return j && (await j.getState()) === "completed" ? j : null;
    }, 15_000);
    expect(job.returnvalue).toMatchObject({ verdict: "send" });
    await appointmentsRuntime(sys.ctx).service.cancel({ appointmentId: appt.id, actor: { kind: "system" } });
  });

  it("the sweep re-adds reminders that went missing (e.g. Redis was down at booking time)", async () => {
    setClock("2026-12-06T12:00:00Z");
    const appt = await book(TUE_1400);
    await appointmentsRuntime(sys.ctx).outbox.cancelReminders(appt);
    const id2h = reminderId(appt.id, 7_200, TUE_1400);
    expect(await stateOf(id2h)).toBe("absent");
    setClock(new Date(TUE_1400.getTime() - 10 * H).toISOString());
    const handlers = appointmentsFeature.jobs!(sys.ctx);
    const res = await handlers["appointment.sweep"]!({}, {} as never);
    expect(res).toMatchObject({ reminders: expect.any(Number) });
    expect(await stateOf(id2h)).toBe("delayed");
    // the 24 h reminder lies in the past by now and is not re-added
    expect(await stateOf(reminderId(appt.id, 86_400, TUE_1400))).toBe("absent");
    await appointmentsRuntime(sys.ctx).service.cancel({ appointmentId: appt.id, actor: { kind: "system" } });
    expect(await stateOf(id2h)).toBe("absent");
  });

  it("the sweep offers times to freshly accepted cases nobody offered any, and cancels appointments of moved cases", async () => {
    setClock("2026-12-06T12:00:00Z");
    const fresh = await seedAssignedCase(sys.ctx.db, { cmId: CM });
    await sys.ctx.db.assignment.update({ where: { id: fresh.assignmentId }, data: { decidedAt: now() } });
    const handlers = appointmentsFeature.jobs!(sys.ctx);
    const first = await handlers["appointment.sweep"]!({}, {} as never);
    expect(first).toMatchObject({ offered: 1 });
    const offerId = sys.ctx.producer.jobIdOf("appointment.offer", {
      caseId: fresh.caseId,
      reason: "assigned",
      starts: [],
      key: `assigned.${fresh.assignmentId}`,
    });
    expect(await Job.fromId(sys.ctx.producer.queue(QUEUES.telegram), offerId)).toBeTruthy();
    // once the offer went out (audited by the handler), the sweep leaves the case alone
    await sys.ctx.db.auditLog.create({
      data: { actor: "system", action: "appointment.offered", caseId: fresh.caseId },
    });
    expect(await handlers["appointment.sweep"]!({}, {} as never)).toMatchObject({ offered: 0 });

    // the case moves to another case manager: the old case manager's booking is cancelled
    const appt = await book(TUE_1500);
    await sys.ctx.db.case.update({ where: { id: appt.caseId }, data: { cmId: "olena-kovalenko" } });
    expect(await handlers["appointment.sweep"]!({}, {} as never)).toMatchObject({ cancelled: 1 });
    const after = await sys.ctx.db.appointment.findUniqueOrThrow({ where: { id: appt.id } });
    expect(after).toMatchObject({ status: "cancelled", cancelledBy: "system" });
    expect(await stateOf(reminderId(appt.id, 7_200, TUE_1500))).toBe("absent");
  });
});
