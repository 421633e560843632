import { beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import { digestFigures } from "../../src/modules/staff/digest.ts";
import { BOOK_ACTION } from "../../src/slack/blocks/appointment-book.ts";
import { ACTIONS, buildAssignmentCard, caseDetailsModal } from "../../src/slack/blocks/assignment-card.ts";
import {
  capBlocks,
  context,
  loadBar,
  MAX_MESSAGE_BLOCKS,
  MAX_VIEW_BLOCKS,
  type T,
} from "../../src/slack/blocks/common.ts";
import { buildDigest } from "../../src/slack/blocks/digest.ts";
import { helpText } from "../../src/slack/blocks/help.ts";
import { buildHomeView, HOME_ACTIONS } from "../../src/slack/blocks/home.ts";
import {
  absenceModal,
  capacityModal,
  declineModal,
  fieldValue,
  reassignModal,
  VIEWS,
} from "../../src/slack/blocks/modals.ts";
import { staffT } from "../../src/slack/i18n.ts";
import type { AssignmentCardData, CmHomeData } from "../../src/slack/ports.ts";
import { cardData, load, NOW, PEOPLE, staff } from "./slack-fakes.ts";

let de: T;
let en: T;
beforeAll(async () => {
  const i18n = await createI18n();
  de = staffT(i18n, "de");
  en = staffT(i18n, "en");
});

const json = (x: unknown) => JSON.stringify(x);
const actionsOf = (blocks: unknown[]) =>
  blocks
    .filter((b) => (b as { type: string }).type === "actions")
    .flatMap((b) => (b as { elements: { action_id: string; value: string }[] }).elements);

describe("assignment card", () => {
  it("shows the pseudonymous summary, why chosen and three buttons while pending", () => {
    const card = buildAssignmentCard(cardData(), de, "de", NOW);
    const text = json(card.blocks);
    for (const s of [
      "BI-2611-7Q4K",
      "Heepen",
      "Arbeit",
      "Wohnen",
      "AR, DE",
      "Wohnungsverlust droht",
      "Dringend: Case Management",
      "12 Tage",
      "Ihr sprecht beide AR",
      "feste Ansprechperson",
    ])
      expect(text).toContain(s);
    expect(actionsOf(card.blocks).map((e) => [e.action_id, e.value])).toEqual([
      [ACTIONS.accept, cardData().assignmentId],
      [ACTIONS.decline, cardData().assignmentId],
      [ACTIONS.propose, cardData().assignmentId],
      [ACTIONS.details, cardData().assignmentId],
    ]);
    expect(card.blocks.length).toBeLessThanOrEqual(MAX_MESSAGE_BLOCKS);
    expect(card.text).toContain("BI-2611-7Q4K");
  });

  it("replaces the buttons by the outcome once decided", () => {
    for (const status of ["declined", "expired", "revoked", "moved"] as const) {
      const card = buildAssignmentCard(cardData({ status, decidedAt: NOW }), en, "en", NOW);
      expect(actionsOf(card.blocks)).toEqual([]);
      expect(json(card.blocks)).not.toContain("card.status");
    }
    const accepted = buildAssignmentCard(cardData({ status: "accepted", decidedAt: NOW }), en, "en", NOW);
    expect(json(accepted.blocks)).toContain("Accepted");
    // accepted: no decision buttons any more, but the case card and appointments
    expect(actionsOf(accepted.blocks).map((e) => [e.action_id, e.value])).toEqual([
      [ACTIONS.caseView, cardData().case.id],
      [ACTIONS.propose, cardData().assignmentId],
      [BOOK_ACTION, cardData().assignmentId],
      [ACTIONS.details, cardData().assignmentId],
    ]);
    expect(json(accepted.blocks)).toContain("Book appointment");
  });

  // Slack consent decides what a stored card may carry (staff/consent.ts cardContent)
  const sensitive = (over: Partial<AssignmentCardData> = {}) => {
    const d = cardData(over);
    d.case.topics = ["work", "health"];
    d.case.urgency = ["eviction", "health_emergency"];
    return d;
  };

  it("without Slack consent the card is pseudonymous: no health topic or signal, no triage, no priority", () => {
    for (const status of ["pending", "accepted"] as const) {
      const card = buildAssignmentCard(
        sensitive({ status, decidedAt: status === "pending" ? null : NOW, relayConsent: false }),
        de,
        "de",
        NOW,
      );
      const all = json(card) + card.text;
      for (const s of ["BI-2611-7Q4K", "Heepen", "Arbeit", "AR, DE", "Wohnungsverlust droht", "Familie, 4"])
        expect(all).toContain(s);
      for (const s of ["Gesundheit", "Gesundheitliche Notlage", "Dringend: Case Management", "Priorität"])
        expect(all, `${status}: ${s}`).not.toContain(s);
      expect(all).toContain("Ohne Einwilligung der Person in Slack");
      expect(actionsOf(card.blocks).map((e) => e.action_id)).toContain(ACTIONS.details);
    }
    // "none given" would be a lie when a signal is withheld: a dash instead, with or without one
    const noSignals = cardData({ relayConsent: false });
    noSignals.case.urgency = [];
    const withheldOnly = cardData({ relayConsent: false });
    withheldOnly.case.urgency = ["health_emergency"];
    const a = json(buildAssignmentCard(noSignals, de, "de", NOW).blocks);
    const b = json(buildAssignmentCard(withheldOnly, de, "de", NOW).blocks);
    expect(a).not.toContain("keine angegeben");
    expect(a).toBe(b.replace(withheldOnly.assignmentId, noSignals.assignmentId));
  });

  it("with Slack consent the card shows topics, signals and triage, but never name or phone", () => {
    const card = buildAssignmentCard(sensitive({ status: "accepted", decidedAt: NOW }), de, "de", NOW);
    const all = json(card);
    for (const s of ["Gesundheit", "Gesundheitliche Notlage", "Dringend: Case Management", "Priorität"])
      expect(all).toContain(s);
    expect(all).not.toContain("Ohne Einwilligung der Person in Slack");
    expect(all).toContain("Details");
  });

  it("the Details modal shows what the card withholds, and the contact only when the query allowed it", () => {
    const base = {
      assignmentId: cardData().assignmentId,
      status: "pending" as const,
      referenceCode: "BI-2611-7Q4K",
      topics: ["work", "health"],
      urgency: ["health_emergency"],
      triageReason: "urgent_case_management",
      priority: 31,
      contact: null,
      relayConsent: false,
    };
    const pending = json(caseDetailsModal(base, de));
    for (const s of ["Details BI-2611-7Q4K", "Gesundheit", "Gesundheitliche Notlage", "Dringend", "31"])
      expect(pending).toContain(s);
    expect(pending).toContain("erst, wenn der Fall angenommen ist");
    expect(pending).toContain("protokolliert");
    const secret = { displayName: "Amira <!here> Secretname", phone: "+49 170 5550101" };
    const accepted = json(caseDetailsModal({ ...base, status: "accepted", contact: secret }, de));
    expect(accepted).toContain("Amira &lt;!here&gt; Secretname");
    expect(accepted).toContain("5550101");
    expect(accepted).not.toContain("<!here>");
  });

  it("says whether the client's messages are relayed", () => {
    const on = json(
      buildAssignmentCard(
        cardData({ status: "accepted", decidedAt: NOW, relayConsent: true }),
        en,
        "en",
        NOW,
      ),
    );
    const off = json(
      buildAssignmentCard(
        cardData({ status: "accepted", decidedAt: NOW, relayConsent: false }),
        en,
        "en",
        NOW,
      ),
    );
    expect(on).toContain("appear in this thread");
    expect(off).toContain("did not agree");
  });

  it("escapes mrkdwn control characters and copes with a missing decision record", () => {
    const d = cardData({ why: null });
    d.case.districtName = "<!channel> & co";
    const text = json(buildAssignmentCard(d, de, "de", NOW).blocks);
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt; &amp; co");
    expect(text).toContain("von Hand zugewiesen");
  });
});

describe("App Home", () => {
  const manyCases: CmHomeData = {
    load: load(PEOPLE.cm, 30, 26),
    cases: Array.from({ length: 80 }, (_, i) => ({
      caseId: `c${i}`,
      referenceCode: `BI-${i}`,
      phase: "assessment",
      persons: 3,
    })),
    pending: Array.from({ length: 30 }, (_, i) => ({
      assignmentId: `a${i}`,
      referenceCode: `BI-P${i}`,
      deadlineAt: NOW,
    })),
    appointments: Array.from({ length: 20 }, (_, i) => ({
      referenceCode: `BI-${i}`,
      startsAt: NOW,
      mode: "phone",
    })),
    absences: Array.from({ length: 30 }, (_, i) => ({
      id: `ab${i}`,
      from: NOW,
      to: new Date(NOW.getTime() + 86_400_000),
      note: null,
    })),
  };

  it("shows the appointments feature's blocks instead of the plain list when given", () => {
    const appointmentBlocks = [
      { type: "section" as const, text: { type: "mrkdwn" as const, text: "APPOINTMENTS FEATURE" } },
    ];
    const view = buildHomeView(
      { member: PEOPLE.cm, now: NOW, lng: "de", cm: manyCases, lead: null, appointmentBlocks },
      de,
    );
    expect(json(view.blocks)).toContain("APPOINTMENTS FEATURE");
    expect(json(view.blocks)).not.toContain("Nächste Termine");
  });

  it("a case manager sees their own part only, within 100 blocks", () => {
    const view = buildHomeView({ member: PEOPLE.cm, now: NOW, lng: "de", cm: manyCases, lead: null }, de);
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(MAX_VIEW_BLOCKS);
    const text = json(view.blocks);
    expect(text).toContain("Meine offenen Fälle (80)");
    expect(text).toContain("⚠");
    const ids = actionsOf(view.blocks).map((e) => e.action_id);
    expect(ids).toContain(HOME_ACTIONS.absenceAdd);
    expect(ids).not.toContain(HOME_ACTIONS.reassignOpen);
    expect(ids).not.toContain(HOME_ACTIONS.rebalanceApprove);
  });

  it("a lead sees loads per agency, the wait list and the proposal with Approve / Dismiss", () => {
    const loads = Array.from({ length: 120 }, (_, i) =>
      load(staff({ id: `cm${i}`, agencyId: i % 3 === 0 ? "drk" : "social-office" }), i % 30),
    );
    const proposal = {
      id: "p1",
      createdAt: NOW,
      agencyIds: ["social-office"],
      moves: Array.from({ length: 14 }, (_, i) => ({
        caseId: `c${i}`,
        referenceCode: `BI-${i}`,
        fromCmId: "a",
        fromName: "Anna",
        toCmId: "b",
        toName: "Ben",
        reason: "over_to_under",
      })),
    };
    const view = buildHomeView(
      {
        member: PEOPLE.lead,
        now: NOW,
        lng: "en",
        cm: manyCases,
        lead: {
          loads,
          waitlist: { waiting: 9, urgent: 2, oldestSince: new Date(NOW.getTime() - 30 * 86_400_000) },
          proposal,
          canDecide: true,
          canPropose: true,
          supervises: true,
        },
      },
      en,
    );
    expect(view.blocks.length).toBeLessThanOrEqual(MAX_VIEW_BLOCKS);
    const text = json(view.blocks);
    expect(text).toContain("9 people waiting · 2 urgent · waiting longest: 30 days");
    expect(text).toContain("DRK");
    expect(text).toContain("Anna → Ben");
    expect(text).toContain("and 4 more");
    for (const b of view.blocks as { text?: { text: string } }[])
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    const ids = actionsOf(view.blocks).map((e) => e.action_id);
    expect(ids).toEqual(
      expect.arrayContaining([
        HOME_ACTIONS.rebalanceApprove,
        HOME_ACTIONS.rebalanceDismiss,
        HOME_ACTIONS.reassignOpen,
        HOME_ACTIONS.capacityOpen,
      ]),
    );
  });

  it("a coordinator sees the overview but no Approve button and no supervision buttons", () => {
    const proposal = { id: "p1", createdAt: NOW, agencyIds: ["drk"], moves: [] };
    const view = buildHomeView(
      {
        member: PEOPLE.coordinator,
        now: NOW,
        lng: "de",
        cm: null,
        lead: {
          loads: [],
          waitlist: { waiting: 0, urgent: 0, oldestSince: null },
          proposal,
          canDecide: false,
          canPropose: true,
          supervises: false,
        },
      },
      de,
    );
    const ids = actionsOf(view.blocks).map((e) => e.action_id);
    expect(ids).toEqual([HOME_ACTIONS.rebalancePropose]);
    expect(json(view.blocks)).toContain("Niemand wartet.");
  });

  it("unknown people get a polite explanation only", () => {
    const view = buildHomeView({ member: null, now: NOW, lng: "de", cm: null, lead: null }, de);
    expect(json(view.blocks)).toContain("nicht als KIM-Mitarbeiter*in eingetragen");
    expect(actionsOf(view.blocks)).toEqual([]);
  });
});

describe("modals", () => {
  it("decline carries the assignment id and needs a reason", () => {
    const m = declineModal("asg-1", "BI-1", de);
    expect(m.callback_id).toBe(VIEWS.decline);
    expect(m.private_metadata).toBe("asg-1");
    expect(json(m)).toContain('"block_id":"reason"');
  });

  it("absence: a case manager enters for themself, a lead picks a person", () => {
    const own = absenceModal([{ value: "yasin", label: "Yasin" }], "yasin", NOW, de);
    expect(own.private_metadata).toBe("yasin");
    expect(json(own)).not.toContain('"block_id":"cm"');
    const team = absenceModal(
      [
        { value: "yasin", label: "Yasin" },
        { value: "dilan", label: "Dilan" },
      ],
      "miriam",
      NOW,
      de,
    );
    expect(team.private_metadata).toBe("");
    expect(json(team)).toContain('"block_id":"cm"');
  });

  it("capacity and reassign modals stay within Slack's limits", () => {
    const people = Array.from({ length: 150 }, (_, i) => ({
      value: `cm${i}`,
      label: `Person ${i} with a rather long name that goes on and on and on and on`,
    }));
    const cap = capacityModal(people, en);
    const select = (cap.blocks[0] as { element: { options: { text: { text: string } }[] } }).element;
    expect(select.options).toHaveLength(100);
    expect(select.options[0]!.text.text.length).toBeLessThanOrEqual(75);
    expect(reassignModal([], people, en).callback_id).toBeUndefined();
    expect(reassignModal([{ value: "c1", label: "BI-1" }], people, en).callback_id).toBe(VIEWS.reassign);
  });

  it("reads submitted values of every input type", () => {
    const state = {
      values: {
        cm: { v: { type: "static_select", selected_option: { value: "yasin" } } },
        from: { v: { type: "datepicker", selected_date: "2026-12-01" } },
        note: { v: { type: "plain_text_input", value: "Urlaub" } },
        empty: { v: { type: "plain_text_input", value: null } },
      },
    };
    expect(fieldValue(state, "cm")).toBe("yasin");
    expect(fieldValue(state, "from")).toBe("2026-12-01");
    expect(fieldValue(state, "note")).toBe("Urlaub");
    expect(fieldValue(state, "empty")).toBeUndefined();
    expect(fieldValue(undefined, "cm")).toBeUndefined();
  });
});

describe("helpers, help and digest", () => {
  it("draws load bars", () => {
    expect(loadBar(13, 26)).toBe("█████░░░░░");
    expect(loadBar(0, 26)).toBe("░░░░░░░░░░");
    expect(loadBar(30, 26)).toBe("██████████ ⚠");
    expect(loadBar(1, 0)).toBe("░░░░░░░░░░ ⚠");
  });

  it("caps block lists with a note", () => {
    const blocks = Array.from({ length: 120 }, () => context("x"));
    const capped = capBlocks(blocks, 100, (n) => `${n} more`);
    expect(capped).toHaveLength(100);
    expect(json(capped.at(-1))).toContain("21 more");
  });

  it("tailors the help text to the role", () => {
    expect(helpText(PEOPLE.cm, en)).not.toContain("/kim capacity");
    expect(helpText(PEOPLE.cm, en)).not.toContain("/kim rebalance");
    expect(helpText(PEOPLE.lead, en)).toContain("/kim capacity");
    expect(helpText(PEOPLE.coordinator, de)).toContain("/kim rebalance");
    expect(helpText(PEOPLE.coordinator, de)).not.toContain("/kim capacity");
  });

  it("builds the weekly digest from figures only", () => {
    const f = digestFigures({
      from: new Date(NOW.getTime() - 7 * 86_400_000),
      to: NOW,
      newIntakes: 14,
      referrals: 3,
      offered: 9,
      accepted: 6,
      declined: 2,
      expired: 1,
      closed: 4,
      waiting: 11,
      urgentWaiting: 2,
      oldestWaitingSince: new Date(NOW.getTime() - 40 * 86_400_000),
      loads: [
        { name: "A", agencyName: "Sozialamt", openCases: 26, capacity: 26 },
        { name: "B", agencyName: "Sozialamt", openCases: 13, capacity: 26 },
        { name: "C", agencyName: "DRK", openCases: 28, capacity: 26 },
      ],
    });
    expect(f.spreadPoints).toBe(58);
    expect(f.overCapacity).toEqual(["C"]);
    expect(f.acceptanceRate).toBeCloseTo(6 / 9);
    expect(f.oldestWaitingDays).toBe(40);
    const msg = buildDigest(f, de, "de");
    const text = json(msg.blocks);
    expect(text).toContain("14 (3 Verweisungen)");
    expect(text).toContain("2 abgelehnt, 1 abgelaufen");
    expect(text).toContain("58 Prozentpunkte");
    expect(msg.blocks.length).toBeLessThanOrEqual(MAX_MESSAGE_BLOCKS);
  });
});
