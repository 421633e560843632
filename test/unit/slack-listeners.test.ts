// Listener functions with fake ports and a recording client: role and ownership checks, private
// explanations, modals, /kim and thread replies.
import { describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/blocks/assignment-card.ts";
import { VIEWS } from "../../src/slack/blocks/modals.ts";
import {
  onAccept,
  onDeclineClicked,
  onDeclineSubmitted,
  onDetails,
  onProposeAppointment,
} from "../../src/slack/listeners/assignment.ts";
import { submitWithin } from "../../src/slack/listeners/common.ts";
import { onKim } from "../../src/slack/listeners/kim.ts";
import {
  berlinMidnight,
  nextDay,
  onAbsenceOpen,
  onAbsenceRemove,
  onAbsenceSubmitted,
  onCapacityOpen,
  onCapacitySubmitted,
  onHomeOpened,
  onReassignOpen,
  onReassignSubmitted,
  onRebalanceDecision,
  onRebalancePropose,
  parseCapacity,
} from "../../src/slack/listeners/team.ts";
import { onThreadMessage } from "../../src/slack/listeners/threads.ts";
import type { ProposalView } from "../../src/slack/ports.ts";
import {
  ASG,
  CASE,
  cardData,
  fakePorts,
  fakeSlack,
  listenerDeps,
  NOW,
  PEOPLE,
  slashKim,
} from "./slack-fakes.ts";

const click = (user: string, actionId: string, value: string, extra: Record<string, unknown> = {}) => ({
  user: { id: user },
  trigger_id: "trig-1",
  channel: { id: "DCHAN" },
  actions: [{ action_id: actionId, value }],
  ...extra,
});

const submission = (user: string, values: Record<string, Record<string, unknown>>, meta = "") => ({
  user: { id: user },
  view: {
    private_metadata: meta,
    state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { v }])) },
  },
});

async function setup(state: Parameters<typeof fakePorts>[1] = {}) {
  const { ports, calls } = fakePorts({}, state);
  const deps = await listenerDeps(ports);
  const slack = fakeSlack();
  return { deps, calls, slack, ports };
}

const args = (s: ReturnType<typeof fakeSlack>, body: Record<string, unknown>) => ({
  ack: s.ack,
  body,
  client: s.client,
  respond: s.respond,
});

describe("accept", () => {
  it("the offered case manager accepts: acked, the service decides, no extra message", async () => {
    const { deps, calls, slack } = await setup();
    await onAccept(args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.accept, ASG)), deps);
    expect(slack.acks).toHaveLength(1);
    expect(calls.accept).toEqual([[ASG, PEOPLE.cm.id]]);
    expect(slack.ephemerals).toEqual([]);
  });

  it("someone else's offer: private explanation in their language, nothing changes", async () => {
    const { deps, calls, slack } = await setup();
    await onAccept(args(slack, click(PEOPLE.other.slackUserId, ACTIONS.accept, ASG)), deps);
    expect(calls.accept).toEqual([[ASG, PEOPLE.other.id]]);
    expect(slack.ephemerals).toHaveLength(1);
    expect(slack.ephemerals[0]).toMatchObject({ channel: "DCHAN", user: PEOPLE.other.slackUserId });
    expect(slack.ephemerals[0]!.text).toContain("offered to a colleague");
  });

  it("an offer that moved on, via response_url when Slack gave one", async () => {
    const { deps, slack } = await setup({ card: cardData({ status: "expired", decidedAt: NOW }) });
    await onAccept(
      args(
        slack,
        click(PEOPLE.cm.slackUserId, ACTIONS.accept, ASG, { response_url: "https://hooks.slack.test/r" }),
      ),
      deps,
    );
    expect(slack.responses).toEqual([
      expect.objectContaining({ response_type: "ephemeral", replace_original: false }),
    ]);
    expect(String(slack.responses[0]!.text)).toContain("schon entschieden");
  });

  it("a tampered value never reaches the service", async () => {
    const { deps, calls, slack } = await setup();
    for (const v of ["", "1 OR 1=1", "../../etc", `${ASG}x`])
      await onAccept(args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.accept, v)), deps);
    expect(calls.accept).toEqual([]);
    expect(slack.ephemerals).toHaveLength(4);
    expect(slack.ephemerals.every((e) => e.text.includes("nicht (mehr)"))).toBe(true);
  });

  it("an unknown Slack user gets a polite refusal in German and English", async () => {
    const { deps, calls, slack } = await setup();
    await onAccept(args(slack, click("UNOBODY999", ACTIONS.accept, ASG)), deps);
    await onAccept(args(slack, click(PEOPLE.inactive.slackUserId, ACTIONS.accept, ASG)), deps);
    expect(calls.accept).toEqual([]);
    expect(slack.ephemerals[0]!.text).toContain("nicht als KIM-Mitarbeiter*in eingetragen");
    expect(slack.ephemerals[0]!.text).toContain("not registered as KIM staff");
    expect(slack.ephemerals).toHaveLength(2);
  });

  it("a crash in the service becomes the generic error, after the ack", async () => {
    const { ports } = fakePorts();
    ports.assignments.accept = async () => {
      throw new Error("db down");
    };
    const deps = await listenerDeps(ports);
    const slack = fakeSlack();
    await onAccept(args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.accept, ASG)), deps);
    expect(slack.acks).toHaveLength(1);
    expect(slack.ephemerals[0]!.text).toContain("Es wurde nichts geändert");
  });
});

describe("details", () => {
  it("opens the modal for the clicker, asking the query about the clicker (not the addressee)", async () => {
    const { deps, calls, slack } = await setup({
      card: cardData({ status: "accepted", decidedAt: NOW, relayConsent: false }),
    });
    await onDetails(args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.details, ASG)), deps);
    expect(slack.acks).toHaveLength(1);
    expect(calls.details).toEqual([[ASG, PEOPLE.cm.id]]);
    expect(slack.opened).toHaveLength(1);
    expect(JSON.stringify(slack.opened[0]!.view)).toContain("Amira Secretname");
    expect(slack.ephemerals).toEqual([]);
  });

  it("someone the rule refuses gets a private refusal and no modal", async () => {
    const { deps, calls, slack } = await setup();
    await onDetails(args(slack, click(PEOPLE.other.slackUserId, ACTIONS.details, ASG)), deps);
    expect(calls.details).toEqual([[ASG, PEOPLE.other.id]]);
    expect(slack.opened).toEqual([]);
    expect(slack.ephemerals[0]!.text).toContain("not allowed");
  });

  it("unknown users and tampered values never reach the query", async () => {
    const { deps, calls, slack } = await setup();
    await onDetails(args(slack, click("UNOBODY999", ACTIONS.details, ASG)), deps);
    await onDetails(args(slack, click(PEOPLE.inactive.slackUserId, ACTIONS.details, ASG)), deps);
    await onDetails(args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.details, "x' OR 1=1")), deps);
    expect(calls.details).toEqual([]);
    expect(slack.opened).toEqual([]);
    expect(slack.ephemerals).toHaveLength(3);
  });
});

describe("decline", () => {
  it("opens the reason modal for the owner of a pending offer", async () => {
    const { deps, slack } = await setup();
    await onDeclineClicked(args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.decline, ASG)), deps);
    expect(slack.opened).toHaveLength(1);
    expect(slack.opened[0]!.view).toMatchObject({ callback_id: VIEWS.decline, private_metadata: ASG });
  });

  it("does not open it for someone else or for a decided offer", async () => {
    const { deps, slack } = await setup();
    await onDeclineClicked(args(slack, click(PEOPLE.other.slackUserId, ACTIONS.decline, ASG)), deps);
    const s2 = await setup({ card: cardData({ status: "accepted", decidedAt: NOW }) });
    await onDeclineClicked(args(s2.slack, click(PEOPLE.cm.slackUserId, ACTIONS.decline, ASG)), s2.deps);
    expect(slack.opened).toEqual([]);
    expect(s2.slack.opened).toEqual([]);
    expect(slack.ephemerals).toHaveLength(1);
    expect(s2.slack.ephemerals[0]!.text).toContain("schon entschieden");
  });

  it("the submitted reason declines; refusals are shown in the modal", async () => {
    const { deps, calls, slack } = await setup();
    await onDeclineSubmitted(
      args(slack, submission(PEOPLE.cm.slackUserId, { reason: { value: "  Vollzeit-Fortbildung  " } }, ASG)),
      deps,
    );
    expect(calls.decline).toEqual([[ASG, PEOPLE.cm.id, "Vollzeit-Fortbildung"]]);
    expect(slack.acks).toEqual([undefined]);

    const s2 = await setup();
    await onDeclineSubmitted(
      args(s2.slack, submission(PEOPLE.other.slackUserId, { reason: { value: "keine Zeit" } }, ASG)),
      s2.deps,
    );
    expect(s2.slack.acks[0]).toMatchObject({ response_action: "errors" });

    const s3 = await setup();
    await onDeclineSubmitted(
      args(s3.slack, submission(PEOPLE.cm.slackUserId, { reason: { value: "x" } }, ASG)),
      s3.deps,
    );
    await onDeclineSubmitted(
      args(s3.slack, submission(PEOPLE.cm.slackUserId, { reason: { value: "gute Gründe" } }, "not-a-uuid")),
      s3.deps,
    );
    expect(s3.calls.decline).toEqual([]);
    expect(s3.slack.acks.map((a) => a?.response_action)).toEqual(["errors", "errors"]);
  });

  it("propose appointment is handed to the appointments feature when it is wired", async () => {
    const { ports } = fakePorts();
    const handed: unknown[] = [];
    ports.appointments = { propose: async (a) => void handed.push(a), homeBlocks: async () => [] };
    const deps = await listenerDeps(ports);
    const slack = fakeSlack();
    const a = args(slack, click(PEOPLE.cm.slackUserId, ACTIONS.propose, ASG));
    await onProposeAppointment(a, deps);
    expect(handed).toEqual([a]);
    // the appointments listener acks itself: no second ack here
    expect(slack.acks).toEqual([]);
  });

  it("propose appointment answers that it comes later", async () => {
    const { deps, slack } = await setup();
    await onProposeAppointment(args(slack, click(PEOPLE.other.slackUserId, ACTIONS.propose, ASG)), deps);
    expect(slack.ephemerals[0]!.text).toContain("later version");
  });
});

describe("App Home and supervision", () => {
  it("app_home_opened queues a publish of the home tab", async () => {
    const { deps, calls } = await setup();
    await onHomeOpened({ event: { user: PEOPLE.cm.slackUserId, tab: "home" } }, deps);
    await onHomeOpened({ event: { user: PEOPLE.cm.slackUserId, tab: "messages" } }, deps);
    expect(calls.homes).toEqual([PEOPLE.cm.slackUserId]);
  });

  it("absences: own entry, with the last day inclusive, in Berlin time", async () => {
    const { deps, calls, slack } = await setup();
    await onAbsenceOpen(args(slack, click(PEOPLE.cm.slackUserId, "home.absence_add", "self")), deps, false);
    expect(slack.opened[0]!.view).toMatchObject({
      callback_id: VIEWS.absence,
      private_metadata: PEOPLE.cm.id,
    });
    await onAbsenceSubmitted(
      args(
        slack,
        submission(
          PEOPLE.cm.slackUserId,
          {
            from: { selected_date: "2026-12-21" },
            to: { selected_date: "2026-12-23" },
            note: { value: "Urlaub" },
          },
          PEOPLE.cm.id,
        ),
      ),
      deps,
    );
    expect(calls.absences).toEqual([
      [PEOPLE.cm.id, new Date("2026-12-20T23:00:00Z"), new Date("2026-12-23T23:00:00Z"), PEOPLE.cm.id],
    ]);
    expect(calls.homes).toContain(PEOPLE.cm.slackUserId);
  });

  it("absences: a case manager cannot enter one for a colleague; bad dates are refused in the modal", async () => {
    const { deps, calls, slack } = await setup();
    await onAbsenceSubmitted(
      args(
        slack,
        submission(
          PEOPLE.cm.slackUserId,
          { from: { selected_date: "2026-12-21" }, to: { selected_date: "2026-12-23" } },
          PEOPLE.other.id,
        ),
      ),
      deps,
    );
    await onAbsenceSubmitted(
      args(
        slack,
        submission(
          PEOPLE.cm.slackUserId,
          { from: { selected_date: "2026-12-21" }, to: { selected_date: "2026-12-19" } },
          PEOPLE.cm.id,
        ),
      ),
      deps,
    );
    await onAbsenceSubmitted(
      args(
        slack,
        submission(
          PEOPLE.cm.slackUserId,
          { from: { selected_date: "2026-02-31" }, to: { selected_date: "2026-03-02" } },
          PEOPLE.cm.id,
        ),
      ),
      deps,
    );
    expect(calls.absences).toEqual([]);
    expect(slack.acks.map((a) => a?.response_action)).toEqual(["errors", "errors", "errors"]);
  });

  it("team absences and capacity: only leads, only within their scope", async () => {
    const { deps, calls, slack } = await setup();
    await onAbsenceOpen(args(slack, click(PEOPLE.cm.slackUserId, "lead.absence_open", "open")), deps, true);
    await onCapacityOpen(
      args(slack, click(PEOPLE.coordinator.slackUserId, "lead.capacity_open", "open")),
      deps,
    );
    expect(slack.opened).toEqual([]);
    expect(slack.ephemerals.map((e) => e.text)).toEqual([
      "Das können nur Teamleitungen.",
      "Das können nur Teamleitungen.",
    ]);

    await onCapacityOpen(args(slack, click(PEOPLE.drkLead.slackUserId, "lead.capacity_open", "open")), deps);
    const options = JSON.stringify(slack.opened[0]!.view);
    expect(options).toContain(PEOPLE.drkCm.id);
    expect(options).not.toContain(PEOPLE.cm.id);

    await onCapacitySubmitted(
      args(
        slack,
        submission(PEOPLE.drkLead.slackUserId, {
          cm: { selected_option: { value: PEOPLE.cm.id } },
          cases: { value: "20" },
        }),
      ),
      deps,
    );
    await onCapacitySubmitted(
      args(
        slack,
        submission(PEOPLE.drkLead.slackUserId, {
          cm: { selected_option: { value: PEOPLE.drkCm.id } },
          cases: { value: "-3" },
        }),
      ),
      deps,
    );
    expect(calls.capacity).toEqual([]);
    await onCapacitySubmitted(
      args(
        slack,
        submission(PEOPLE.drkLead.slackUserId, {
          cm: { selected_option: { value: PEOPLE.drkCm.id } },
          cases: { value: "20" },
        }),
      ),
      deps,
    );
    await onCapacitySubmitted(
      args(
        slack,
        submission(PEOPLE.lead.slackUserId, {
          cm: { selected_option: { value: PEOPLE.drkCm.id } },
          cases: { value: null },
        }),
      ),
      deps,
    );
    expect(calls.capacity).toEqual([
      [PEOPLE.drkCm.id, 20, PEOPLE.drkLead.id],
      [PEOPLE.drkCm.id, null, PEOPLE.lead.id],
    ]);
  });

  it("removing an absence: own or supervised only", async () => {
    const { deps, calls, slack } = await setup();
    const id = "0190a0b0-0000-7000-8000-0000000000ab";
    await onAbsenceRemove(args(slack, click(PEOPLE.other.slackUserId, "home.absence_remove", id)), deps);
    await onAbsenceRemove(args(slack, click(PEOPLE.cm.slackUserId, "home.absence_remove", "nope")), deps);
    expect(calls.endAbsence).toEqual([]);
    await onAbsenceRemove(args(slack, click(PEOPLE.lead.slackUserId, "home.absence_remove", id)), deps);
    expect(calls.endAbsence).toEqual([[id, PEOPLE.lead.id]]);
  });

  it("reassign: lead only, case and receiver within scope, reason required", async () => {
    const { deps, calls, slack } = await setup();
    await onReassignOpen(args(slack, click(PEOPLE.lead.slackUserId, "lead.reassign_open", "open")), deps);
    expect(JSON.stringify(slack.opened[0]!.view)).toContain("BI-2611-7Q4K");
    const form = (user: string, to: string, reason = "Langzeiterkrankung") =>
      submission(user, {
        case: { selected_option: { value: CASE } },
        cm: { selected_option: { value: to } },
        reason: { value: reason },
      });
    await onReassignSubmitted(args(slack, form(PEOPLE.cm.slackUserId, PEOPLE.other.id)), deps);
    await onReassignSubmitted(args(slack, form(PEOPLE.drkLead.slackUserId, PEOPLE.drkCm.id)), deps);
    await onReassignSubmitted(args(slack, form(PEOPLE.lead.slackUserId, PEOPLE.other.id, "x")), deps);
    expect(calls.reassign).toEqual([]);
    await onReassignSubmitted(args(slack, form(PEOPLE.lead.slackUserId, PEOPLE.drkCm.id)), deps);
    expect(calls.reassign).toEqual([[CASE, PEOPLE.drkCm.id, PEOPLE.lead.id, "Langzeiterkrankung"]]);
    expect(slack.acks.at(-1)).toBeUndefined();
  });

  const proposal: ProposalView = {
    id: "0190a0b0-0000-7000-8000-0000000000ff",
    createdAt: NOW,
    agencyIds: ["social-office", "drk"],
    moves: [
      {
        caseId: CASE,
        referenceCode: "BI-1",
        fromCmId: "yasin",
        fromName: "Yasin",
        toCmId: "samira",
        toName: "Samira",
        reason: "over_to_under",
      },
    ],
  };

  it("rebalance: the municipal lead approves; a welfare lead or a stale button cannot", async () => {
    const { deps, calls, slack } = await setup({ proposal });
    await onRebalanceDecision(
      args(slack, click(PEOPLE.drkLead.slackUserId, "lead.rebalance_approve", proposal.id)),
      deps,
      "apply",
    );
    await onRebalanceDecision(
      args(slack, click(PEOPLE.coordinator.slackUserId, "lead.rebalance_approve", proposal.id)),
      deps,
      "apply",
    );
    await onRebalanceDecision(
      args(
        slack,
        click(PEOPLE.lead.slackUserId, "lead.rebalance_approve", "0190a0b0-0000-7000-8000-0000000000aa"),
      ),
      deps,
      "apply",
    );
    expect(calls.apply).toEqual([]);
    await onRebalanceDecision(
      args(slack, click(PEOPLE.lead.slackUserId, "lead.rebalance_approve", proposal.id)),
      deps,
      "apply",
    );
    await onRebalanceDecision(
      args(slack, click(PEOPLE.lead.slackUserId, "lead.rebalance_dismiss", proposal.id)),
      deps,
      "dismiss",
    );
    expect(calls.apply).toEqual([[proposal.id, PEOPLE.lead.id]]);
    expect(calls.dismiss).toEqual([[proposal.id, PEOPLE.lead.id]]);
    expect(slack.ephemerals.map((e) => e.text)).toEqual([
      expect.stringContaining("nicht"),
      "Das können nur Teamleitungen.",
      expect.stringContaining("nicht mehr offen"),
      expect.stringContaining("1 von 1"),
      "Der Vorschlag wurde verworfen.",
    ]);
  });

  it("rebalance: coordinators may ask for a proposal, case managers may not", async () => {
    const { deps, calls, slack } = await setup({ proposal });
    await onRebalancePropose(
      args(slack, click(PEOPLE.cm.slackUserId, "lead.rebalance_propose", "propose")),
      deps,
    );
    await onRebalancePropose(
      args(slack, click(PEOPLE.coordinator.slackUserId, "lead.rebalance_propose", "propose")),
      deps,
    );
    expect(calls.propose).toEqual([PEOPLE.coordinator.id]);
  });
});

describe("/kim", () => {
  const kim = async (user: string, text: string, state: Parameters<typeof fakePorts>[1] = {}) => {
    const s = await setup(state);
    await onKim(
      {
        ack: s.slack.ack,
        body: { user_id: user, text, trigger_id: "trig", response_url: "https://hooks.slack.test/c" },
        client: s.slack.client,
        respond: s.slack.respond,
      },
      s.deps,
    );
    return { ...s, out: s.slack.responses.map((r) => String(r.text)).join("\n") };
  };

  it("acks at once and answers privately with help by default", async () => {
    const r = await kim(PEOPLE.cm.slackUserId, "");
    expect(r.slack.acks).toEqual([undefined]);
    expect(r.slack.responses[0]).toMatchObject({ response_type: "ephemeral" });
    expect(r.out).toContain("/kim status");
    expect(r.out).not.toContain("/kim capacity");
  });

  it("answers in English to an English Slack user and explains unknown subcommands", async () => {
    const r = await kim(PEOPLE.other.slackUserId, "frobnicate now");
    expect(r.out).toContain('I do not know "frobnicate"');
    expect(r.out).toContain("/kim waitlist");
  });

  it("status, waitlist and caseload", async () => {
    expect((await kim(PEOPLE.cm.slackUserId, "status")).out).toContain("12 von 26 Fällen");
    expect((await kim(PEOPLE.cm.slackUserId, "waitlist")).out).toContain("7 Personen warten · 2 dringend");
    const own = (await kim(PEOPLE.cm.slackUserId, "caseload")).out;
    expect(own.split("\n")).toHaveLength(1);
    const team = (await kim(PEOPLE.coordinator.slackUserId, "caseload")).out;
    expect(team).toContain(PEOPLE.drkCm.name);
  });

  it("capacity: leads only, by id or mention, within scope", async () => {
    expect((await kim(PEOPLE.cm.slackUserId, "capacity dilan 20")).calls.capacity).toEqual([]);
    const bad = await kim(PEOPLE.drkLead.slackUserId, `capacity <@${PEOPLE.cm.slackUserId}|yasin> 20`);
    expect(bad.calls.capacity).toEqual([]);
    expect(bad.out).toContain("nicht");
    const ok = await kim(PEOPLE.lead.slackUserId, `capacity <@${PEOPLE.drkCm.slackUserId}> 18`);
    expect(ok.calls.capacity).toEqual([[PEOPLE.drkCm.id, 18, PEOPLE.lead.id]]);
    expect((await kim(PEOPLE.lead.slackUserId, "capacity dilan auto")).calls.capacity).toEqual([
      [PEOPLE.other.id, null, PEOPLE.lead.id],
    ]);
    expect((await kim(PEOPLE.lead.slackUserId, "capacity dilan lots")).out).toContain("ganze Zahl");
    expect((await kim(PEOPLE.lead.slackUserId, "capacity")).out).toContain("/kim capacity <");
  });

  it("absence opens the modal; rebalance and report answer by role", async () => {
    const a = await kim(PEOPLE.cm.slackUserId, "absence");
    expect(a.slack.opened[0]!.view).toMatchObject({ callback_id: VIEWS.absence });
    expect((await kim(PEOPLE.cm.slackUserId, "rebalance")).out).toBe("Das können nur Teamleitungen.");
    expect((await kim(PEOPLE.lead.slackUserId, "rebalance")).out).toContain("ausgeglichen genug");
    expect((await kim(PEOPLE.lead.slackUserId, "report")).out).toContain("späteren Version");
  });

  it("report: the committee report as Markdown when the report module is wired; internal for leads only", async () => {
    const asked: unknown[] = [];
    const withReports = async (user: string, text: string) => {
      const { ports } = fakePorts();
      ports.reports = {
        markdown: async (req) => {
          asked.push(req);
          return `# Bericht ${req.variant}\n\n| a | b |`;
        },
      };
      return (await slashKim(ports, user, text))[0]!;
    };
    const r = await withReports(PEOPLE.lead.slackUserId, "report 2026-01-01 2026-03-31 internal");
    expect(r).toMatchObject({
      response_type: "ephemeral",
      text: "Bericht internal",
      blocks: [{ type: "markdown" }],
    });
    expect(asked[0]).toEqual({
      from: new Date("2026-01-01T00:00:00Z"),
      to: new Date("2026-04-01T00:00:00Z"),
      variant: "internal",
      lng: "de",
    });
    expect((await withReports(PEOPLE.coordinator.slackUserId, "report internal")).text).toBe(
      "Das können nur Teamleitungen.",
    );
    expect((await withReports(PEOPLE.coordinator.slackUserId, "report")).text).toBe("Bericht public");
    expect(asked[1]).toMatchObject({
      from: new Date("2026-10-01T00:00:00Z"),
      to: new Date("2026-11-01T00:00:00Z"),
    });
    expect((await withReports(PEOPLE.lead.slackUserId, "report 2026-01-01")).text).toContain("/kim report [");
    expect((await withReports(PEOPLE.cm.slackUserId, "report")).text).toBe("Das können nur Teamleitungen.");
  });

  it("refuses unknown users politely", async () => {
    const r = await kim("UNOBODY999", "status");
    expect(r.out).toContain("not registered as KIM staff");
  });
});

describe("case threads", () => {
  const ev = (over: Record<string, unknown> = {}) => ({
    type: "message",
    user: PEOPLE.cm.slackUserId,
    text: "Hallo, ich melde mich morgen.",
    ts: "2.000001",
    thread_ts: "1.000001",
    channel: "DUYASIN0000",
    ...over,
  });

  it("relays a reply and confirms privately", async () => {
    const { ports } = fakePorts();
    const seen: unknown[] = [];
    ports.threads.staffReply = async (a) => {
      seen.push(a);
      return { outcome: "relayed" };
    };
    const deps = await listenerDeps(ports);
    const slack = fakeSlack();
    await onThreadMessage({ event: ev(), client: slack.client }, deps);
    expect(seen).toEqual([
      expect.objectContaining({
        channel: "DUYASIN0000",
        threadTs: "1.000001",
        ts: "2.000001",
        text: "Hallo, ich melde mich morgen.",
      }),
    ]);
    expect(slack.ephemerals[0]).toMatchObject({
      thread_ts: "1.000001",
      text: "An das Telegram der Person geschickt.",
    });
  });

  it("ignores bots, edits, thread roots and unknown people; explains a missing consent", async () => {
    const { ports } = fakePorts();
    let n = 0;
    ports.threads.staffReply = async () => {
      n++;
      return { outcome: "no_consent" };
    };
    const deps = await listenerDeps(ports);
    const slack = fakeSlack();
    for (const e of [
      ev({ bot_id: "B1" }),
      ev({ subtype: "message_changed" }),
      ev({ ts: "1.000001" }),
      ev({ thread_ts: undefined }),
      ev({ user: "UNOBODY999" }),
      ev({ text: "  " }),
    ])
      await onThreadMessage({ event: e, client: slack.client }, deps);
    expect(n).toBe(0);
    await onThreadMessage({ event: ev(), client: slack.client }, deps);
    expect(n).toBe(1);
    expect(slack.ephemerals[0]!.text).toContain("nicht zugestimmt");
  });

  it("tells the writer that an erased client gets nothing any more", async () => {
    const { ports } = fakePorts();
    ports.threads.staffReply = async () => ({ outcome: "erased" });
    const slack = fakeSlack();
    await onThreadMessage({ event: ev(), client: slack.client }, await listenerDeps(ports));
    expect(slack.ephemerals[0]).toMatchObject({ thread_ts: "1.000001" });
    expect(slack.ephemerals[0]!.text).toContain("löschen lassen");
  });
});

describe("the 3-second window of view submissions", () => {
  it("a slow decision closes the modal in time and sends a refusal as a DM", async () => {
    const { deps } = await setup();
    const slack = fakeSlack();
    const t = (k: string) => k;
    const a = args(slack, submission(PEOPLE.cm.slackUserId, { reason: { value: "x" } }));
    const done = await submitWithin(
      a,
      deps,
      "test",
      t,
      async () => {
        await new Promise((r) => setTimeout(r, 80));
        return { block: "reason", text: "refused late" };
      },
      20,
    );
    expect(done).toBe(false);
    expect(slack.acks).toEqual([undefined]);
    expect(slack.posted).toEqual([{ channel: PEOPLE.cm.slackUserId, text: "refused late" }]);
  });

  it("a quick refusal is shown in the modal; a crash becomes the generic error there", async () => {
    const { deps } = await setup();
    const slack = fakeSlack();
    const t = (k: string) => k;
    const a = args(slack, submission(PEOPLE.cm.slackUserId, { reason: { value: "x" } }));
    expect(await submitWithin(a, deps, "test", t, async () => ({ block: "reason", text: "no" }))).toBe(false);
    expect(
      await submitWithin(a, deps, "test", t, async () => {
        throw new Error("db down");
      }),
    ).toBe(false);
    expect(await submitWithin(a, deps, "test", t, async () => null)).toBe(true);
    expect(slack.acks).toEqual([
      { response_action: "errors", errors: { reason: "no" } },
      { response_action: "errors", errors: { reason: "errors.generic" } },
      undefined,
    ]);
  });
});

describe("input helpers", () => {
  it("parses capacities", () => {
    expect(parseCapacity("")).toBeNull();
    expect(parseCapacity(" AUTO ")).toBeNull();
    expect(parseCapacity("0")).toBe(0);
    expect(parseCapacity("500")).toBe(500);
    expect(parseCapacity("501")).toBeUndefined();
    expect(parseCapacity("2.5")).toBeUndefined();
    expect(parseCapacity("-1")).toBeUndefined();
  });

  it("turns Berlin calendar days into instants across DST", () => {
    expect(berlinMidnight("2026-07-01")?.toISOString()).toBe("2026-06-30T22:00:00.000Z");
    expect(berlinMidnight("2026-12-01")?.toISOString()).toBe("2026-11-30T23:00:00.000Z");
    expect(berlinMidnight("2026-13-01")).toBeNull();
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("garbage")).toBe("");
  });
});
