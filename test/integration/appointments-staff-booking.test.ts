// "Book appointment" end to end through signed requests to the running system's /slack/events (the
// local Slack API peer records views.open and DMs): a listed slot, a home visit at any time of the
// hours with its address stored as ciphertext bound to the row, double bookings refused (also two
// submissions at once), the modal's field errors, retries of one view booking once, the client's
// message + .ics and reminders enqueued, and cancelling the staff-booked appointment sending the
// METHOD:CANCEL calendar file.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/feature.ts";
import { appointmentsFeature } from "../../src/app/features/appointments.ts";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { QUEUES } from "../../src/queue/jobs.ts";
import {
  obliterateQueues,
  orgWithAppointments,
  seedAssignedCase,
  setHours,
} from "../support/appointments.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import { blockAction, interactionBody, signedHeaders, slackEnv, viewSubmission } from "./slack-fixtures.ts";

const CM = "dilan-aydin"; // social-office, office fachstelle-mitte
const SLACK_USER = "U05BI00003";
const COLLEAGUE = "U05BI00005"; // olena-kovalenko, same agency, not a team lead
const WED_0900 = Date.parse("2026-12-09T08:00:00Z");
let clock = new Date("2026-12-06T12:00:00Z"); // a Sunday
let peer: SlackPeer;
let sys: TestSystem;
let app: AppContext;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({
    label: "appt_book",
    features: [appointmentsFeature],
    now: () => clock,
    org: await orgWithAppointments({ leadTime: "24h" }),
    // no workers: the jobs stay in the queues for inspection
    env: { ...slackEnv(peer), ANLAUF_ROLE: "slack" },
  });
  app = sys.ctx;
});
afterAll(async () => {
  await obliterateQueues(app.producer);
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});
beforeEach(async () => {
  clock = new Date("2026-12-06T12:00:00Z");
  await app.db.appointment.deleteMany({ where: { cmId: CM } });
  await setHours(app.db, CM, [
    { weekday: 3, from: "09:00", to: "12:00" },
    { weekday: 5, from: "10:00", to: "12:00", mode: "phone" },
  ]);
});

const post = async (payload: unknown) => {
  const body = interactionBody(payload);
  const res = await fetch(`http://127.0.0.1:${sys.port}/slack/events`, {
    method: "POST",
    body,
    headers: signedHeaders(body),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as { response_action?: string; errors?: Record<string, string> };
};

interface OpenedModal {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: { options?: { value: string }[] } }[];
}

async function openModal(value: string, user = SLACK_USER): Promise<OpenedModal> {
  const before = peer.calls.length;
  await post(blockAction({ user, actionId: "appt_book", value }));
  const call = await peer.waitFor((c) => peer.calls.indexOf(c) >= before && c.method === "views.open");
  const view = call.args.view;
  return (typeof view === "string" ? JSON.parse(view) : view) as OpenedModal;
}

let views = 0;
type Values = Partial<Record<"mode" | "slot" | "office" | "kind" | "date" | "time" | "address", unknown>>;
async function submit(meta: string, values: Values, viewId = `VBOOK${++views}`) {
  const payload = viewSubmission({
    user: SLACK_USER,
    callbackId: "appt_book_view",
    privateMetadata: meta,
    values: values as Record<string, Record<string, unknown>>,
  });
  (payload.view as { id: string }).id = viewId;
  return post(payload);
}
const pick = (value: string) => ({ type: "radio_buttons", selected_option: { value } });
const select = (value: string) => ({ type: "static_select", selected_option: { value } });
const slotForm = (start: number, mode = "slot"): Values => ({
  mode: pick(mode),
  slot: select(String(start)),
  kind: pick("first_consultation"),
});

async function jobsOf(queue: string, name: string, appointmentId: string) {
  const jobs = await app.producer.queue(queue).getJobs(["waiting", "delayed", "prioritized"]);
  return jobs.filter((j) => j.name === name && j.data.appointmentId === appointmentId);
}

/** Runs the "appointment.client" handler against a Bot API stand-in that takes documents. */
async function deliverToClient(appointmentId: string, event: string) {
  const docs: { caption?: string; ics: string; name?: string }[] = [];
  app.telegramApi = {
    sendDocument: async (_chat: number, file: { filename?: string; fileData?: Buffer }, other: never) =>
      void docs.push({
        caption: (other as { caption?: string }).caption,
        ics: (file.fileData as Buffer).toString("utf8"),
        name: file.filename,
      }),
    sendMessage: async () => {
      throw new Error("the calendar file should carry the text");
    },
  } as never;
  try {
    await appointmentsFeature.jobs!(app)["appointment.client"]!(
      { appointmentId, event: event as never, key: `t.${appointmentId}.${event}` },
      {} as never,
    );
  } finally {
    delete app.telegramApi;
  }
  return docs;
}

describe("Slack: Book appointment (Termin eintragen)", () => {
  it("books a listed slot: client message + .ics and reminders enqueued, event and audit written, a retry books once", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM, locale: "ar" });
    const modal = await openModal(c.assignmentId);
    expect(modal.callback_id).toBe("appt_book_view");
    const slots = modal.blocks.find((b) => b.block_id === "slot")!.element!.options!.map((o) => o.value);
    // staff book without the clients' lead time, from the next free slot of the hours on
    expect(slots[0]).toBe(String(WED_0900));

    const res = await submit(modal.private_metadata, slotForm(WED_0900), "VBOOK-RETRY");
    expect(res.response_action).toBe("update");
    const [appt, ...more] = await app.db.appointment.findMany({ where: { caseId: c.caseId } });
    expect(more).toEqual([]);
    expect(appt).toMatchObject({
      status: "booked",
      mode: "in_person",
      officeId: "fachstelle-mitte",
      kind: "first_consultation",
      address: null,
    });
    expect(appt!.startsAt.getTime()).toBe(WED_0900);

    // Slack retries the same view: nothing new
    expect((await submit(modal.private_metadata, slotForm(WED_0900), "VBOOK-RETRY")).response_action).toBe(
      "update",
    );
    expect(await app.db.appointment.count({ where: { caseId: c.caseId } })).toBe(1);

    const told = await jobsOf(QUEUES.telegram, "appointment.client", appt!.id);
    expect(told.map((j) => j.data.event)).toEqual(["booked_by_staff"]);
    const reminders = await jobsOf(QUEUES.reminders, "appointment.reminder", appt!.id);
    expect(reminders.map((j) => j.data.offsetS).sort()).toEqual([7200, 86400]);
    const event = await app.db.caseEvent.findFirstOrThrow({
      where: { caseId: c.caseId, kind: "appointment.booked" },
    });
    expect(event).toMatchObject({ actor: `cm:${CM}` });
    expect(event.data).toMatchObject({ appointmentId: appt!.id, mode: "in_person", byStaff: true });
    expect(
      await app.db.auditLog.count({
        where: { caseId: c.caseId, action: "appointment.booked", actor: `cm:${CM}` },
      }),
    ).toBe(1);

    const docs = await deliverToClient(appt!.id, "booked_by_staff");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.caption).toMatch(/^\u200F✅ حجز لك مدير حالتك موعدًا/);
    expect(docs[0]!.ics).toContain("DTSTART:20261209T080000Z");
    expect(docs[0]!.ics).toContain("METHOD:PUBLISH");
  });

  it("refuses a double booking: a slot taken meanwhile, and two submissions at once book one", async () => {
    const a = await seedAssignedCase(app.db, { cmId: CM });
    const b = await seedAssignedCase(app.db, { cmId: CM });
    const modalA = await openModal(a.caseId);
    const modalB = await openModal(b.caseId);
    expect((await submit(modalA.private_metadata, slotForm(WED_0900))).response_action).toBe("update");
    const late = await submit(modalB.private_metadata, slotForm(WED_0900));
    expect(late.response_action).toBe("errors");
    expect(late.errors?.slot).toMatch(/gerade vergeben/);

    // both submit the 10:00 slot at the same moment: the calendar lock and the unique index let one in
    const next = WED_0900 + 3_600_000;
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const modalC = await openModal(c.caseId);
    const both = await Promise.all([
      submit(modalB.private_metadata, slotForm(next)),
      submit(modalC.private_metadata, slotForm(next)),
    ]);
    expect(both.map((r) => r.response_action).sort()).toEqual(["errors", "update"]);
    expect(await app.db.appointment.count({ where: { cmId: CM, startsAt: new Date(next) } })).toBe(1);
  });

  it("a home visit at any time of the hours keeps the address as ciphertext bound to its row", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM, locale: "de" });
    const modal = await openModal(c.caseId);
    const address = "Musterstraße 12\n2. OG, bei Beispiel";
    const res = await submit(modal.private_metadata, {
      mode: pick("home_visit"),
      kind: pick("follow_up"),
      date: { type: "datepicker", selected_date: "2026-12-11" },
      time: { type: "timepicker", selected_time: "10:20" },
      address: { type: "plain_text_input", value: address },
    });
    expect(res.response_action).toBe("update");
    const appt = await app.db.appointment.findFirstOrThrow({ where: { caseId: c.caseId } });
    expect(appt).toMatchObject({ mode: "home_visit", officeId: null, kind: "follow_up" });
    expect(appt.startsAt.toISOString()).toBe("2026-12-11T09:20:00.000Z");
    expect(appt.address).not.toContain("Musterstraße");
    expect(appt.address).toMatch(/^v2\./);
    const where = { table: "Appointment", column: "address", row: appt.id };
    expect(app.cipher.decrypt(appt.address!, where)).toBe("Musterstraße 12, 2. OG, bei Beispiel");
    // bound to this row: read as another row's value it does not verify
    expect(() => app.cipher.decrypt(appt.address!, { ...where, row: c.caseId })).toThrow();
    // nothing personal in the event or the audit entry
    const logged = await app.db.auditLog.findFirstOrThrow({
      where: { caseId: c.caseId, action: "appointment.booked" },
    });
    expect(JSON.stringify(logged.data)).not.toContain("Muster");

    const docs = await deliverToClient(appt.id, "booked_by_staff");
    expect(docs[0]!.caption).toContain(
      "🏠 Hausbesuch: Ihre Fallmanagerin oder Ihr Fallmanager besucht Sie an dieser Adresse: Musterstraße 12, 2. OG, bei Beispiel",
    );
    expect(docs[0]!.ics).toContain("LOCATION:Musterstraße 12\\, 2. OG\\, bei Beispiel");
  });

  it("answers bad input with field errors in the modal and books nothing", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const { private_metadata: meta } = await openModal(c.caseId);
    const visit = (date: string, time: string, address?: string): Values => ({
      mode: pick("home_visit"),
      kind: pick("first_consultation"),
      date: { type: "datepicker", selected_date: date },
      time: { type: "timepicker", selected_time: time },
      ...(address === undefined ? {} : { address: { type: "plain_text_input", value: address } }),
    });
    const cases: [string, Values, Record<string, RegExp>][] = [
      ["no slot chosen", { mode: pick("slot"), kind: pick("first_consultation") }, { slot: /Zeit/ }],
      ["home visit without address", visit("2026-12-11", "10:00"), { address: /braucht die Adresse/ }],
      ["address too long", visit("2026-12-11", "10:00", "x".repeat(201)), { address: /höchstens 200/ }],
      ["time in the past", visit("2026-12-04", "10:00", "Beispielweg 1"), { time: /Vergangenheit/ }],
      ["outside the hours", visit("2026-12-11", "13:00", "Beispielweg 1"), { time: /außerhalb/ }],
      [
        "date and time without a home visit",
        { ...visit("2026-12-11", "10:00"), mode: pick("phone") },
        { date: /nur für Hausbesuche/ },
      ],
      [
        "an address without a home visit",
        { ...slotForm(WED_0900), address: { type: "plain_text_input", value: "Beispielweg 1" } },
        { address: /nur zu einem Hausbesuch/ },
      ],
    ];
    for (const [name, values, expected] of cases) {
      const res = await submit(meta, values);
      expect(res.response_action, name).toBe("errors");
      for (const [field, text] of Object.entries(expected)) expect(res.errors?.[field], name).toMatch(text);
    }
    // a slot taken after the modal opened (someone booked it by hand)
    await app.db.appointment.create({
      data: {
        caseId: (await seedAssignedCase(app.db, { cmId: CM })).caseId,
        cmId: CM,
        startsAt: new Date(WED_0900),
        endsAt: new Date(WED_0900 + 45 * 60_000),
        mode: "in_person",
      },
    });
    const taken = await submit(meta, slotForm(WED_0900));
    expect(taken.errors?.slot).toMatch(/gerade vergeben/);
    expect(await app.db.appointment.count({ where: { caseId: c.caseId } })).toBe(0);
  });

  it("refuses a colleague who is not responsible (the one rule): no modal, a private note", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const before = peer.calls.length;
    await post(blockAction({ user: COLLEAGUE, actionId: "appt_book", value: c.caseId }));
    const note = await peer.waitFor(
      (x) =>
        peer.calls.indexOf(x) >= before && x.method === "chat.postMessage" && x.args.channel === COLLEAGUE,
    );
    expect(String(note.args.text)).toMatch(/nicht Ihrer/);
    expect(peer.calls.slice(before).some((x) => x.method === "views.open")).toBe(false);
  });

  it("cancelling a staff-booked appointment sends the METHOD:CANCEL .ics and removes its reminders", async () => {
    const c = await seedAssignedCase(app.db, { cmId: CM });
    const modal = await openModal(c.caseId);
    expect((await submit(modal.private_metadata, slotForm(WED_0900))).response_action).toBe("update");
    const appt = await app.db.appointment.findFirstOrThrow({ where: { caseId: c.caseId } });
    expect(await jobsOf(QUEUES.reminders, "appointment.reminder", appt.id)).toHaveLength(2);

    await post(blockAction({ user: SLACK_USER, actionId: "appt_cancel", value: appt.id }));
    await expect
      .poll(async () => (await app.db.appointment.findUniqueOrThrow({ where: { id: appt.id } })).status)
      .toBe("cancelled");
    await expect
      .poll(async () => (await jobsOf(QUEUES.reminders, "appointment.reminder", appt.id)).length)
      .toBe(0);
    await expect
      .poll(async () =>
        (await jobsOf(QUEUES.telegram, "appointment.client", appt.id)).map((j) => j.data.event).sort(),
      )
      .toEqual(["booked_by_staff", "cancelled_by_staff"]);

    const docs = await deliverToClient(appt.id, "cancelled_by_staff");
    expect(docs[0]!.name).toBe("appointment-cancelled.ics");
    expect(docs[0]!.ics).toContain("METHOD:CANCEL");
    expect(docs[0]!.ics).toContain("STATUS:CANCELLED");
    expect(docs[0]!.ics).toContain(`UID:${appt.id}@anlauf`);
    expect(docs[0]!.ics).toContain("SEQUENCE:1");
    expect(docs[0]!.caption).toMatch(/had to cancel your appointment/);
  });
});
