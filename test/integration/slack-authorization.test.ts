// Crafted Slack payloads against the one authorization rule (src/modules/staff/authorize.ts): signed,
// well-formed requests that name a case or an appointment the sender must not touch. A welfare
// agency's team lead, a case manager removed from the organisation file and a Slack user unknown to
// the org each get a refusal and change nothing; the responsible case manager's identical click works.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appointmentsRuntime } from "../../src/app/runtime/appointments.ts";
import { type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { seedAssignedCase, setHours } from "../support/appointments.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import { blockAction, interactionBody, signedHeaders, slackEnv } from "./slack-fixtures.ts";

let peer: SlackPeer;
let sys: TestSystem;
const CM = "yasin-al-khatib";
const DRK_LEAD = "samira-haddad";
let slackOf: Record<string, string>;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({ label: "slack_authz", env: slackEnv(peer) });
  // the Bielefeld file has no welfare-agency lead: make DRK's case manager one for this test
  await sys.ctx.db.caseManager.update({ where: { id: DRK_LEAD }, data: { teamLead: true } });
  const rows = await sys.ctx.db.caseManager.findMany({ select: { id: true, slackUserId: true } });
  slackOf = Object.fromEntries(rows.map((r) => [r.id, r.slackUserId]));
});
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

const send = (user: string, actionId: string, value: string) => {
  const body = interactionBody(blockAction({ user, actionId, value, channel: `D${user}`, messageTs: "1.1" }));
  return fetch(`http://127.0.0.1:${sys.port}/slack/events`, {
    method: "POST",
    body,
    headers: signedHeaders(body),
  });
};
const settle = () => new Promise((r) => setTimeout(r, 500));
const phaseOf = async (caseId: string) =>
  (await sys.ctx.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { phase: true } })).phase;

describe("every Slack action asks the one rule", () => {
  it("a phase move on another agency's case, from a deactivated CM, or from a stranger changes nothing", async () => {
    const c = await seedAssignedCase(sys.ctx.db, { cmId: CM });
    const value = `${c.caseId}|first_consultation|assessment`;
    expect(await phaseOf(c.caseId)).toBe("first_consultation");

    expect((await send(slackOf[DRK_LEAD]!, "case_move_assessment", value)).status).toBe(200);
    expect((await send("UNKNOWN0001", "case_move_assessment", value)).status).toBe(200);
    await settle();
    expect(await phaseOf(c.caseId)).toBe("first_consultation");

    await sys.ctx.db.caseManager.update({ where: { id: CM }, data: { active: false } });
    try {
      expect((await send(slackOf[CM]!, "case_move_assessment", value)).status).toBe(200);
      await settle();
      expect(await phaseOf(c.caseId)).toBe("first_consultation");
    } finally {
      await sys.ctx.db.caseManager.update({ where: { id: CM }, data: { active: true } });
    }

    // the same click by the responsible case manager moves the case: the payload itself is fine
    await send(slackOf[CM]!, "case_move_assessment", value);
    await settle();
    expect(await phaseOf(c.caseId)).toBe("assessment");
  });

  it("a welfare agency's lead cannot cancel or mark a city appointment", async () => {
    await setHours(
      sys.ctx.db,
      CM,
      [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: "08:00", to: "18:00" })),
    );
    const c = await seedAssignedCase(sys.ctx.db, { cmId: CM });
    const svc = appointmentsRuntime(sys.ctx).service;
    const slots = await svc.freeSlots(CM, { limit: 1 });
    expect(slots.length).toBe(1);
    const booked = await svc.book({
      caseId: c.caseId,
      startsAt: slots[0]!.startsAt,
      actor: { kind: "system" },
    });
    if (!booked.ok) throw new Error(booked.reason);
    const id = booked.appointment.id;
    for (const action of ["appt_cancel", "appt_attended", "appt_no_show", "appt_move"])
      expect((await send(slackOf[DRK_LEAD]!, action, id)).status).toBe(200);
    await settle();
    const after = await sys.ctx.db.appointment.findUniqueOrThrow({ where: { id } });
    expect(after.status).toBe("booked");
    expect(after.startsAt.getTime()).toBe(booked.appointment.startsAt.getTime());
    // and the services refuse the same actor directly, whatever the caller
    expect(await svc.cancel({ appointmentId: id, actor: { kind: "cm", cmId: DRK_LEAD } })).toMatchObject({
      ok: false,
      reason: "forbidden",
    });
    expect(
      await svc.book({
        caseId: c.caseId,
        startsAt: slots[0]!.startsAt,
        actor: { kind: "cm", cmId: DRK_LEAD },
      }),
    ).toMatchObject({ ok: false, reason: "forbidden" });
  });
});
