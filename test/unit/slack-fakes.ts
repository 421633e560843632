// Fakes for the Slack listener tests: in-memory ports, a recording client and ack/respond.
import { createI18n } from "../../src/i18n/index.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import type { StaffActor } from "../../src/modules/staff/authorize.ts";
import type { ListenerDeps } from "../../src/slack/listeners/common.ts";
import { onKim } from "../../src/slack/listeners/kim.ts";
import type {
  AssignmentCardData,
  CaseThreadTarget,
  CmHomeData,
  LoadRow,
  ProposalView,
  SlackPorts,
} from "../../src/slack/ports.ts";

export const NOW = new Date("2026-11-23T09:00:00Z");

export const staff = (over: Partial<StaffActor> & { id: string }): StaffActor => ({
  name: `${over.id} Name`,
  slackUserId: `U${over.id.toUpperCase().replace(/[^A-Z0-9]/g, "")}0000`,
  agencyId: "social-office",
  agencyKind: "municipal",
  teamLead: false,
  coordinator: false,
  active: true,
  deputyFor: [],
  ...over,
});

export const PEOPLE = {
  cm: staff({ id: "yasin" }),
  other: staff({ id: "dilan" }),
  lead: staff({ id: "miriam", teamLead: true }),
  drkLead: staff({ id: "drklead", teamLead: true, agencyId: "drk", agencyKind: "welfare" }),
  drkCm: staff({ id: "samira", agencyId: "drk", agencyKind: "welfare" }),
  coordinator: staff({ id: "coord", coordinator: true }),
  inactive: staff({ id: "gone", active: false }),
};

export const ASG = "0190a0b0-0000-7000-8000-000000000001";
export const CASE = "0190a0b0-0000-7000-8000-0000000000c1";

export function cardData(over: Partial<AssignmentCardData> = {}): AssignmentCardData {
  return {
    assignmentId: ASG,
    status: "pending",
    cm: { id: PEOPLE.cm.id, slackUserId: PEOPLE.cm.slackUserId },
    createdAt: new Date(NOW.getTime() - 3_600_000),
    deadlineAt: new Date(NOW.getTime() + 47 * 3_600_000),
    decidedAt: null,
    slackChannel: null,
    slackTs: null,
    case: {
      id: CASE,
      referenceCode: "BI-2611-7Q4K",
      phase: "pending_acceptance",
      persons: 4,
      household: "family",
      adults: 2,
      children: 2,
      topics: ["work", "housing"],
      languages: ["ar", "de"],
      districtName: "Heepen",
      urgency: ["eviction"],
      triageReason: "urgent_case_management",
      priority: 31,
      waitingSince: new Date(NOW.getTime() - 12 * 86_400_000),
    },
    why: {
      score: 3.2,
      sharedLanguage: "ar",
      localContact: true,
      topicShare: 0.5,
      continuity: false,
      openCases: 12,
      fairShare: 14.5,
      candidates: 6,
    },
    relayConsent: true,
    ...over,
  };
}

export const load = (m: StaffActor, open: number, cap = 26): LoadRow => ({
  cmId: m.id,
  name: m.name,
  agencyId: m.agencyId,
  agencyName: m.agencyId === "drk" ? "DRK" : "Sozialamt",
  openCases: open,
  openPersons: open * 3,
  capacity: cap,
  absentNow: false,
  active: true,
  overridden: false,
});

export interface Calls {
  accept: [string, string][];
  decline: [string, string, string][];
  capacity: [string, number | null, string][];
  absences: [string, Date, Date, string][];
  endAbsence: [string, string][];
  reassign: [string, string, string, string][];
  apply: [string, string][];
  dismiss: [string, string][];
  propose: string[];
  homes: string[];
  replies: unknown[];
  details: [string, string][];
}

export function fakePorts(
  over: Partial<SlackPorts> = {},
  state: { card?: AssignmentCardData | null; proposal?: ProposalView | null } = {},
) {
  const calls: Calls = {
    details: [],
    accept: [],
    decline: [],
    capacity: [],
    absences: [],
    endAbsence: [],
    reassign: [],
    apply: [],
    dismiss: [],
    propose: [],
    homes: [],
    replies: [],
  };
  const all = Object.values(PEOPLE);
  const card = state.card === undefined ? cardData() : state.card;
  const cmHome: CmHomeData = {
    load: load(PEOPLE.cm, 12),
    cases: [],
    pending: [],
    appointments: [],
    absences: [],
  };
  const thread: CaseThreadTarget = {
    caseId: CASE,
    clientId: "0190a0b0-0000-7000-8000-0000000000cc",
    referenceCode: "BI-2611-7Q4K",
    cmId: PEOPLE.cm.id,
    agencyId: "social-office",
    relayConsent: true,
  };
  const ports: SlackPorts = {
    directory: {
      bySlackUser: async (u) => all.find((m) => m.slackUserId === u) ?? null,
      byId: async (id) => all.find((m) => m.id === id) ?? null,
      languageOf: async (u) => (u === PEOPLE.other.slackUserId ? "en" : "de"),
    },
    assignments: {
      accept: async (id, cm) => {
        calls.accept.push([id, cm]);
        if (!card || id !== card.assignmentId) return { ok: false, reason: "not_found" };
        if (card.cm.id !== cm) return { ok: false, reason: "not_yours" };
        if (card.status !== "pending") return { ok: false, reason: "already_decided" };
        return { ok: true };
      },
      decline: async (id, cm, reason) => {
        calls.decline.push([id, cm, reason]);
        if (!card || id !== card.assignmentId) return { ok: false, reason: "not_found" };
        if (card.cm.id !== cm) return { ok: false, reason: "not_yours" };
        if (card.status !== "pending") return { ok: false, reason: "already_decided" };
        return { ok: true };
      },
    },
    reassign: {
      reassign: async (c, to, by, reason) => {
        calls.reassign.push([c, to, by, reason]);
        return { ok: true };
      },
    },
    capacity: {
      setCapacity: async (cm, cases, by) => {
        calls.capacity.push([cm, cases, by]);
        return { ok: true, before: 26, after: cases ?? 26 };
      },
      addAbsence: async (cm, from, to, by) => {
        calls.absences.push([cm, from, to, by]);
        return { ok: true };
      },
      endAbsence: async (id, by) => {
        calls.endAbsence.push([id, by]);
        return { ok: true };
      },
    },
    rebalance: {
      current: async () => state.proposal ?? null,
      propose: async (by) => {
        calls.propose.push(by);
        return state.proposal ?? null;
      },
      apply: async (id, by) => {
        calls.apply.push([id, by]);
        return { ok: true, moved: 1 };
      },
      dismiss: async (id, by) => {
        calls.dismiss.push([id, by]);
        return { ok: true };
      },
    },
    queries: {
      assignmentCard: async (id) => (card && id === card.assignmentId ? card : null),
      // the real one asks staff/authorize.ts; here: only the card's addressee, contact after acceptance
      caseDetails: async (id, viewer) => {
        calls.details.push([id, viewer.id]);
        if (!card || id !== card.assignmentId) return { ok: false, code: "not_found" };
        if (viewer.id !== card.cm.id) return { ok: false, code: "not_responsible" };
        return {
          ok: true,
          details: {
            assignmentId: card.assignmentId,
            status: card.status,
            referenceCode: card.case.referenceCode,
            topics: card.case.topics,
            urgency: card.case.urgency,
            triageReason: card.case.triageReason,
            priority: card.case.priority,
            contact:
              card.status === "accepted"
                ? { displayName: "Amira Secretname", phone: "+49 170 5550101" }
                : null,
            relayConsent: card.relayConsent,
          },
        };
      },
      cmHome: async () => cmHome,
      loads: async (scope) =>
        all
          .filter((m) => m.active && (scope === "all" || scope.includes(m.agencyId)))
          .map((m) => load(m, 10)),
      waitlist: async () => ({
        waiting: 7,
        oldestSince: new Date(NOW.getTime() - 20 * 86_400_000),
        urgent: 2,
      }),
      openCases: async () => [
        { caseId: CASE, referenceCode: "BI-2611-7Q4K", cmId: PEOPLE.cm.id, agencyId: "social-office" },
      ],
      caseByThread: async (ch, ts) => (ch === "DUYASIN0000" && ts === "1.000001" ? thread : null),
      caseByReference: async () => thread,
      caseById: async (id) => (id === CASE ? thread : null),
      absenceOwner: async (id) =>
        id === "0190a0b0-0000-7000-8000-0000000000ab"
          ? { cmId: PEOPLE.cm.id, agencyId: "social-office" }
          : null,
    },
    outbox: {
      refreshHome: async (u) => {
        calls.homes.push(u);
      },
    },
    threads: {
      staffReply: async () => ({ outcome: "relayed" }),
      caseReply: async () => ({ outcome: "relayed" }),
      threadOf: async () => null,
    },
    now: () => NOW,
    ...over,
  };
  return { ports, calls };
}

export async function listenerDeps(ports: SlackPorts): Promise<ListenerDeps> {
  return { ports, i18n: await createI18n(), log: silentLogger };
}

/** A recording stand-in for ack, respond and the Web API client. */
export function fakeSlack() {
  const acks: (Record<string, unknown> | undefined)[] = [];
  const responses: Record<string, unknown>[] = [];
  const opened: { trigger_id: string; view: Record<string, unknown> }[] = [];
  const ephemerals: { channel: string; user: string; text: string }[] = [];
  const posted: { channel: string; text: string }[] = [];
  return {
    acks,
    responses,
    opened,
    ephemerals,
    posted,
    ack: async (r?: Record<string, unknown>) => {
      acks.push(r);
    },
    respond: async (m: Record<string, unknown>) => {
      responses.push(m);
    },
    client: {
      views: {
        open: async (a: { trigger_id: string; view: unknown }) => {
          opened.push(a as { trigger_id: string; view: Record<string, unknown> });
        },
      },
      chat: {
        postEphemeral: async (a: { channel: string; user: string; text: string }) => {
          ephemerals.push(a);
        },
        postMessage: async (a: { channel: string; text: string }) => {
          posted.push(a);
        },
      },
    },
  };
}

/** One `/kim <text>` by `user` against `ports`; the private answers it sent. */
export async function slashKim(ports: SlackPorts, user: string, text: string) {
  const s = fakeSlack();
  await onKim(
    {
      ack: s.ack,
      body: { user_id: user, text, response_url: "https://hooks.slack.test/c" },
      client: s.client,
      respond: s.respond,
    },
    await listenerDeps(ports),
  );
  return s.responses;
}
