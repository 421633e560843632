// The card's Details modal on the running system (issue 15.5): signed clicks through Bolt, modals read
// from the local Slack peer, audit rows from Postgres. Without Slack consent the card carries no
// health topic or signal and no triage; Details shows them to the offered case manager, and name and
// phone only once accepted. Every look is audited against the Slack user who looked; a case manager
// or lead of another agency, and a stranger, get a refusal and leave no read in the audit log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchingServices } from "../../src/app/runtime/matching.ts";
import { type SlackCall, type SlackPeer, startSlackPeer } from "../../src/devtools/slack-peer.ts";
import { SlackStaffNotifier } from "../../src/slack/outbox.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";
import {
  blockAction,
  interactionBody,
  seedOfferedCase,
  signedHeaders,
  slackEnv,
  until,
} from "./slack-fixtures.ts";

let peer: SlackPeer;
let sys: TestSystem;
const CM = "yasin-al-khatib";
const CITY_LEAD = "miriam-hoffmann";
const DRK_LEAD = "samira-haddad";
const AWO_CM = "mehmet-yildiz";
let slackOf: Record<string, string>;

beforeAll(async () => {
  peer = await startSlackPeer();
  sys = await startTestSystem({ label: "slack_details", env: slackEnv(peer) });
  await sys.ctx.db.caseManager.update({ where: { id: DRK_LEAD }, data: { teamLead: true } });
  const rows = await sys.ctx.db.caseManager.findMany({ select: { id: true, slackUserId: true } });
  slackOf = Object.fromEntries(rows.map((r) => [r.id, r.slackUserId]));
});
afterAll(async () => {
  await sys?.shutdown({ dropDb: true });
  await peer?.close();
});

const click = (user: string, value: string) => {
  const body = interactionBody(
    blockAction({ user, actionId: "asg.details", value, channel: `D${user}`, messageTs: "1.1" }),
  );
  return fetch(`http://127.0.0.1:${sys.port}/slack/events`, {
    method: "POST",
    body,
    headers: signedHeaders(body),
  });
};
const json = (c: SlackCall) => JSON.stringify(c.args);
const reads = (caseId: string) =>
  sys.ctx.db.auditLog.findMany({ where: { caseId, action: "case.details_read" }, orderBy: { id: "asc" } });

describe("Details of an assignment card", () => {
  let caseId: string;
  let assignmentId: string;
  let ref: string;

  it("the card without Slack consent is pseudonymous and offers Details", async () => {
    const s = await seedOfferedCase(sys.ctx.db, sys.ctx.cipher, CM, {
      displayName: "Amira Detailperson",
      phone: "+49 170 5550142",
      topics: ["work", "health"],
      urgency: ["eviction", "health_emergency"],
      slackRelay: false,
    });
    ({ caseId, assignmentId, referenceCode: ref } = s);
    await new SlackStaffNotifier(sys.ctx.producer).assignmentOffered(assignmentId);
    const card = await peer.waitFor((c) => c.method === "chat.postMessage" && json(c).includes(ref));
    const text = json(card);
    expect(text).toContain("asg.details");
    expect(text).toContain("Arbeit");
    expect(text).toContain("Wohnungsverlust droht");
    for (const s of ["Gesundheit", "Notlage", "Amira", "5550142", "Mehrere Themen", "Priorität"])
      expect(text, s).not.toContain(s);
  });

  it("opens for the offered case manager, without contact while pending, audited against them", async () => {
    expect((await click(slackOf[CM]!, assignmentId)).status).toBe(200);
    const modal = await peer.waitFor(
      (c) => c.method === "views.open" && json(c).includes(`Details ${ref}`.slice(0, 24)),
    );
    const text = json(modal);
    expect(text).toContain("Gesundheit");
    expect(text).toContain("Gesundheitliche Notlage");
    expect(text).not.toContain("Amira");
    expect(text).not.toContain("5550142");
    const rows = await until(async () => ((await reads(caseId)).length === 1 ? reads(caseId) : null));
    expect(rows[0]).toMatchObject({ actor: `cm:${CM}`, action: "case.details_read" });
    expect(JSON.stringify(rows[0]!.data)).not.toContain("Amira");
  });

  it("is refused to a case manager and a lead of other agencies and to a stranger: nothing opens, nothing read", async () => {
    const before = peer.calls.length;
    for (const user of [slackOf[AWO_CM]!, slackOf[DRK_LEAD]!, "UNKNOWN0042"])
      expect((await click(user, assignmentId)).status).toBe(200);
    for (const user of [slackOf[AWO_CM]!, slackOf[DRK_LEAD]!, "UNKNOWN0042"])
      await peer.waitFor(
        (c) => c.method === "chat.postEphemeral" && c.args.user === user && peer.calls.indexOf(c) >= before,
      );
    const after = peer.calls.slice(before);
    expect(after.filter((c) => c.method === "views.open")).toEqual([]);
    expect(after.map(json).join("")).not.toContain("Gesundheit");
    expect((await reads(caseId)).map((r) => r.actor)).toEqual([`cm:${CM}`]);
  });

  it("after acceptance shows name and phone; a supervising lead's look is audited against the lead", async () => {
    const r = await matchingServices(sys.ctx).assignment.accept(assignmentId, CM);
    expect(r.ok).toBe(true);
    const before = peer.calls.length;
    await click(slackOf[CM]!, assignmentId);
    const mine = await peer.waitFor(
      (c) => c.method === "views.open" && peer.calls.indexOf(c) >= before && json(c).includes(ref),
    );
    expect(json(mine)).toContain("Amira Detailperson");
    expect(json(mine)).toContain("5550142");

    const mid = peer.calls.length;
    await click(slackOf[CITY_LEAD]!, assignmentId);
    const leads = await peer.waitFor(
      (c) => c.method === "views.open" && peer.calls.indexOf(c) >= mid && json(c).includes(ref),
    );
    expect(json(leads)).toContain("Gesundheit");
    const rows = await until(async () => ((await reads(caseId)).length === 3 ? reads(caseId) : null));
    expect(rows.map((x) => x.actor)).toEqual([`cm:${CM}`, `cm:${CM}`, `cm:${CITY_LEAD}`]);
    expect((rows[1]!.data as { fields: string[] }).fields).toEqual(
      expect.arrayContaining(["displayName", "phone"]),
    );
    expect((rows[2]!.data as { via: string }).via).toBe("supervision");
  });
});
