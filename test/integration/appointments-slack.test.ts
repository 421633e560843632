// The case manager's side (Slack listeners as plain functions with a recording client), the DMs to
// staff, and the client messages with a Bot API peer that does take documents (the .ics path).
import { Job } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/feature.ts";
import { appointmentsFeature } from "../../src/app/features/appointments.ts";
import { appointmentsRuntime } from "../../src/app/runtime/appointments.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import {
  APPOINTMENT_ACTIONS,
  type AppointmentListenerArgs,
  appointmentHomeBlocks,
  appointmentHomeData,
  onAttendance,
  onCancel,
  onHoursOpen,
  onHoursSubmitted,
  onMoveOpen,
  onMoveSubmitted,
  onProposeAppointment,
  onProposeSubmitted,
} from "../../src/slack/listeners/appointments.ts";
import {
  obliterateQueues,
  orgWithAppointments,
  seedAssignedCase,
  setHours,
} from "../support/appointments.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";

const CM = "dilan-aydin"; // Slack U05BI00003; Wed 09–12 in person, Fri 10–12 phone
const SLACK_USER = "U05BI00003";
let clock = new Date("2026-12-06T12:00:00Z");
let sys: TestSystem;
let app: AppContext;

beforeAll(async () => {
  sys = await startTestSystem({
    label: "appt-slack",
    features: [appointmentsFeature],
    now: () => clock,
    org: await orgWithAppointments({ leadTime: "1h" }),
    env: { ANLAUF_ROLE: "telegram" }, // no workers: jobs stay in the queues for inspection
  });
  app = sys.ctx;
});
afterAll(async () => {
  await obliterateQueues(app.producer);
  await sys.shutdown({ dropDb: true });
});
beforeEach(async () => {
  clock = new Date("2026-12-06T12:00:00Z");
  await forgetLanguage();
  await app.db.appointment.deleteMany({ where: { cmId: CM } });
  await setHours(app.db, CM, [
    { weekday: 3, from: "09:00", to: "12:00" },
    { weekday: 5, from: "10:00", to: "12:00", mode: "phone" },
  ]);
});

interface Recorded {
  acks: (Record<string, unknown> | undefined)[];
  views: unknown[];
  posts: { channel: string; text: string }[];
}
/** the staff language is cached a day per Slack user (src/slack/i18n.ts): forget it between cases */
const forgetLanguage = () => app.redis.client.del(`${app.env.ANLAUF_QUEUE_PREFIX}:slack:lng:${SLACK_USER}`);

function slackArgs(
  body: AppointmentListenerArgs["body"],
  locale = "en-GB",
): AppointmentListenerArgs & { rec: Recorded } {
  const rec: Recorded = { acks: [], views: [], posts: [] };
  return {
    rec,
    ack: async (r) => void rec.acks.push(r),
    body: { user: { id: SLACK_USER }, trigger_id: "trig", ...body },
    client: {
      views: { open: async (a) => void rec.views.push(a.view) },
      chat: {
        postEphemeral: async (a) => void rec.posts.push(a),
        postMessage: async (a) => void rec.posts.push(a),
      },
      users: { info: async () => ({ user: { locale } }) },
    },
  };
}
const action = (value: string) => ({ actions: [{ value }] });
type ModalLike = {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: { options?: { value: string }[]; initial_value?: string } }[];
};

describe("Slack: propose, move, cancel, attendance", () => {
  it("'Propose appointment' on the assignment card opens the case manager's free slots; submitting offers them", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const open = slackArgs(action(c.assignmentId));
    await onProposeAppointment(open, app);
    expect(open.rec.posts).toEqual([]);
    const view = open.rec.views[0] as ModalLike;
    expect(view.callback_id).toBe("appt_propose_view");
    expect(view.private_metadata).toBe(c.caseId);
    const options = view.blocks.find((b) => b.block_id === "slots")!.element!.options!;
    // Wednesday 9 December 09:00 local is the first free slot
    expect(options[0]!.value).toBe(String(Date.parse("2026-12-09T08:00:00Z")));
    const chosen = options.slice(0, 2).map((o) => ({ value: o.value }));
    const submit = slackArgs({
      view: { private_metadata: c.caseId, state: { values: { slots: { v: { selected_options: chosen } } } } },
    });
    await onProposeSubmitted(submit, app);
    expect(submit.rec.acks[0]).toMatchObject({ response_action: "update" });
    const offers = await app.producer.queue(QUEUES.telegram).getJobs(["waiting", "delayed", "prioritized"]);
    const offer = offers.find((j) => j.name === "appointment.offer" && j.data.caseId === c.caseId);
    expect(offer?.data).toMatchObject({ reason: "proposed", starts: chosen.map((o) => Number(o.value)) });
  });

  it("refuses to propose before the case is accepted, or for someone else's case", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    await app.db.assignment.update({ where: { id: c.assignmentId }, data: { status: "pending" } });
    await app.db.case.update({ where: { id: c.caseId }, data: { phase: "pending_acceptance" } });
    const a = slackArgs(action(c.assignmentId));
    await onProposeAppointment(a, app);
    expect(a.rec.posts[0]!.text).toMatch(/accept the case first/);
    const other = await seedAssignedCase(app.db, { cmId: "olena-kovalenko" });
    await forgetLanguage();
    const b = slackArgs(action(other.caseId), "de-DE");
    await onProposeAppointment(b, app);
    expect(b.rec.posts[0]!.text).toMatch(/nicht zugewiesen/);
  });

  it("move and cancel from App Home tell the client; attendance counts no-shows", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const svc = appointmentsRuntime(app).service;
    const booked = await svc.book({
      caseId: c.caseId,
      startsAt: new Date("2026-12-09T08:00:00Z"),
      actor: { kind: "system" },
    });
    if (!booked.ok) throw new Error(booked.reason);
    const id = booked.appointment.id;

    const home = await appointmentHomeData(app.db, CM, clock);
    expect(home.upcoming.map((a) => a.id)).toEqual([id]);
    const blocks = appointmentHomeBlocks(app.i18n, "en", home, "Europe/Berlin");
    expect(JSON.stringify(blocks)).toContain(APPOINTMENT_ACTIONS.move);
    expect(JSON.stringify(blocks)).toContain("Wed, 09/12/2026, 09:00");

    const open = slackArgs(action(id));
    await onMoveOpen(open, app);
    const view = open.rec.views[0] as ModalLike;
    const target = view.blocks.find((b) => b.block_id === "slot")!.element!.options![0]!.value;
    expect(target).toBe(String(Date.parse("2026-12-09T09:00:00Z")));
    const submit = slackArgs({
      view: {
        private_metadata: id,
        state: { values: { slot: { v: { selected_option: { value: target } } } } },
      },
    });
    await onMoveSubmitted(submit, app);
    expect(submit.rec.acks).toEqual([undefined]);
    const moved = await app.db.appointment.findUniqueOrThrow({ where: { id } });
    expect(moved.startsAt.toISOString()).toBe("2026-12-09T09:00:00.000Z");
    const tg = await app.producer.queue(QUEUES.telegram).getJobs(["waiting"]);
    expect(
      tg.some(
        (j) =>
          j.name === "appointment.client" && j.data.appointmentId === id && j.data.event === "moved_by_staff",
      ),
    ).toBe(true);

    // attendance before the start is refused, after it is counted
    const early = slackArgs(action(id));
    await onAttendance(early, app, false);
    expect(early.rec.posts[0]!.text).toMatch(/once the appointment has started/);
    clock = new Date("2026-12-09T09:10:00Z");
    const late = slackArgs(action(id));
    await onAttendance(late, app, false);
    expect(late.rec.posts[0]!.text).toMatch(/1 no-show so far/);
    expect((await app.db.appointment.findUniqueOrThrow({ where: { id } })).status).toBe("no_show");

    // a second appointment, cancelled by staff
    clock = new Date("2026-12-09T10:00:00Z");
    const second = await svc.book({
      caseId: c.caseId,
      startsAt: new Date("2026-12-11T09:00:00Z"),
      actor: { kind: "system" },
    });
    if (!second.ok) throw new Error(second.reason);
    const cancel = slackArgs(action(second.appointment.id));
    await onCancel(cancel, app);
    expect(cancel.rec.posts).toEqual([]);
    expect(
      (await app.db.appointment.findUniqueOrThrow({ where: { id: second.appointment.id } })).status,
    ).toBe("cancelled");
  });
});

describe("Slack: consultation hours", () => {
  it("opens with the current hours and saves new ones (and refuses bad lines in the modal)", async () => {
    const open = slackArgs({ actions: [{ value: "open" }] });
    await onHoursOpen(open, app);
    const view = open.rec.views[0] as ModalLike;
    expect(view.blocks.find((b) => b.block_id === "d3")!.element!.initial_value).toBe(
      "09:00-12:00 in_person",
    );
    expect(view.blocks.find((b) => b.block_id === "d5")!.element!.initial_value).toBe("10:00-12:00 phone");

    const bad = slackArgs({ view: { state: { values: { d1: { v: { value: "9 bis 12" } } } } } });
    await onHoursSubmitted(bad, app);
    expect(bad.rec.acks[0]).toMatchObject({
      response_action: "errors",
      errors: { d1: expect.stringMatching(/Line 1/) },
    });

    const good = slackArgs({
      view: {
        state: {
          values: {
            d1: { v: { value: "09:00-12:00 in_person\n14:00-15:00 video" } },
            d4: { v: { value: "13:00-16:00 phone" } },
            closed_from: { v: { selected_date: "2026-12-24" } },
            closed_to: { v: { selected_date: "2026-12-31" } },
            closed_reason: { v: { value: "Weihnachten" } },
          },
        },
      },
    });
    await onHoursSubmitted(good, app);
    expect(good.rec.acks).toEqual([undefined]);
    const rules = await app.db.availabilityRule.findMany({
      where: { cmId: CM },
      orderBy: [{ weekday: "asc" }, { fromMin: "asc" }],
    });
    expect(rules.map((r) => [r.weekday, r.fromMin, r.toMin, r.mode, r.officeId])).toEqual([
      [1, 540, 720, "in_person", "fachstelle-mitte"],
      [1, 840, 900, "video", null],
      [4, 780, 960, "phone", null],
    ]);
    const closure = await app.db.availabilityException.findFirstOrThrow({ where: { cmId: CM } });
    // whole local days: from midnight of the 24th to midnight after the 31st (Berlin, UTC+1)
    expect([closure.from.toISOString(), closure.to.toISOString()]).toEqual([
      "2026-12-23T23:00:00.000Z",
      "2026-12-31T23:00:00.000Z",
    ]);
    // staff free text: encrypted and bound to its row (review 15.7)
    expect(closure.reason).not.toContain("Weihnachten");
    expect(
      app.cipher.decrypt(closure.reason!, {
        table: "AvailabilityException",
        column: "reason",
        row: closure.id,
      }),
    ).toBe("Weihnachten");
    const slots = await appointmentsRuntime(app).service.freeSlots(CM, {
      from: new Date("2026-12-20T00:00:00Z"),
      limit: 10,
    });
    expect(slots.every((s) => s.startsAt < closure.from || s.startsAt >= closure.to)).toBe(true);
    await app.db.availabilityException.deleteMany({ where: { cmId: CM } });
  });
});

describe("messages to staff and clients (job handlers)", () => {
  it("DMs the case manager in their Slack language and asks App Home to refresh", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const r = await appointmentsRuntime(app).service.book({
      caseId: c.caseId,
      startsAt: new Date("2026-12-09T08:00:00Z"),
      actor: { kind: "system" },
    });
    if (!r.ok) throw new Error(r.reason);
    const posts: { channel: string; text: string }[] = [];
    app.slackClient = {
      chat: { postMessage: async (a: { channel: string; text: string }) => void posts.push(a) },
      users: { info: async () => ({ user: { locale: "de-DE" } }) },
    } as never;
    await forgetLanguage();
    try {
      const handlers = appointmentsFeature.jobs!(app);
      await handlers["appointment.staff"]!(
        { caseId: c.caseId, appointmentId: r.appointment.id, event: "booked", key: "t1" },
        {} as never,
      );
      expect(posts[0]!.channel).toBe(SLACK_USER);
      expect(posts[0]!.text).toMatch(/hat einen Termin gebucht: \*Mi\., 09\.12\.2026, 09:00\*, vor Ort/);
      const home = await Job.fromId(app.producer.queue(QUEUES.slack), "j-slack.appt-home.t1");
      expect(home?.data).toMatchObject({ kind: "home", refId: SLACK_USER });
    } finally {
      delete app.slackClient;
    }
  });

  it("sends the confirmation with an .ics document when the peer takes documents", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM, locale: "ar" });
    const r = await appointmentsRuntime(app).service.book({
      caseId: c.caseId,
      startsAt: new Date("2026-12-09T08:00:00Z"),
      actor: { kind: "system" },
    });
    if (!r.ok) throw new Error(r.reason);
    const docs: {
      chatId: number;
      file: { filename?: string; fileData?: unknown };
      other: { caption?: string };
    }[] = [];
    app.telegramApi = {
      sendDocument: async (chatId: number, file: never, other: never) =>
        void docs.push({ chatId, file, other }),
      sendMessage: async () => {
        throw new Error("text should not be needed");
      },
    } as never;
    try {
      const handlers = appointmentsFeature.jobs!(app);
      await handlers["appointment.client"]!(
        { appointmentId: r.appointment.id, event: "confirmed", key: "t2" },
        {} as never,
      );
      expect(docs).toHaveLength(1);
      expect(docs[0]!.chatId).toBe(c.telegramUserId);
      expect(docs[0]!.file.filename).toBe("appointment.ics");
      const ics = (docs[0]!.file.fileData as Buffer).toString("utf8");
      expect(ics).toContain("DTSTART:20261209T080000Z");
      expect(ics).toContain(`UID:${r.appointment.id}@anlauf`);
      // the caption is in the client's language (Arabic), right-to-left marks included
      expect(docs[0]!.other.caption).toMatch(/^\u200F✅ تم حجز موعدك/);
    } finally {
      delete app.telegramApi;
    }
  });
});
