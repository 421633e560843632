// The one authorization rule, as a table: every actor against every action on cases of the city's
// social office, of a welfare agency, and on cases nobody holds yet.
import { describe, expect, it } from "vitest";
import {
  type AuthDecision,
  type AuthVia,
  authorize,
  CASE_ACTIONS,
  type CaseAction,
  type CaseScope,
  deputyForAt,
  type StaffActor,
} from "../../src/modules/staff/authorize.ts";

const staff = (over: Partial<StaffActor> & { id: string }): StaffActor => ({
  name: over.id,
  slackUserId: `U${over.id}`,
  agencyId: "social-office",
  agencyKind: "municipal",
  teamLead: false,
  coordinator: false,
  active: true,
  deputyFor: [],
  ...over,
});

const cm = staff({ id: "nasrin" });
const colleague = staff({ id: "jonas" });
const deputy = staff({ id: "deputy", deputyFor: ["nasrin"] });
const cityLead = staff({ id: "lea", teamLead: true });
const drkLead = staff({ id: "drk-lead", teamLead: true, agencyId: "drk", agencyKind: "welfare" });
const drkCm = staff({ id: "drk-cm", agencyId: "drk", agencyKind: "welfare" });
const coordinator = staff({ id: "coord", coordinator: true });
const gone = staff({ id: "nasrin", active: false });
const northCoordinator = staff({ id: "coord-north", coordinator: true, regionIds: ["north"] });

const cityCase: CaseScope = { cmId: "nasrin", agencyId: "social-office" };
const drkCase: CaseScope = { cmId: "drk-cm", agencyId: "drk" };
const waiting: CaseScope = { cmId: null, agencyId: null };
const withdrawn: CaseScope = { ...cityCase, consentWithdrawn: true };
/** offered to a DRK case manager: nobody holds it yet, the pending offer's agency is DRK */
const offered: CaseScope = { cmId: null, agencyId: "drk", offeredTo: "drk-cm" };
/** waiting in the north region, or referred elsewhere there (no case: nobody's) */
const waitingNorth: CaseScope = { cmId: null, agencyId: null, regionId: "north" };
const offeredNorth: CaseScope = { ...offered, regionId: "north" };
const cityCaseNorth: CaseScope = { ...cityCase, regionId: "north" };
/** a welfare lead of an agency that has nothing to do with the offer */
const cityLeadOfNothing = () =>
  staff({ id: "awo-lead", teamLead: true, agencyId: "awo", agencyKind: "welfare" });

const WORK: CaseAction[] = [
  "case.read",
  "case.work",
  "case.close",
  "case.triage",
  "appointment.change",
  "thread.use",
];
const SUPERVISION: CaseAction[] = ["case.reassign", "case.reopen"];

type Row = [string, StaffActor | null, CaseScope, CaseAction[], AuthDecision];
const ok = (via: AuthVia): AuthDecision => ({ ok: true, via });
const no = (code: "unknown_staff" | "not_responsible" | "consent_withdrawn"): AuthDecision => ({
  ok: false,
  code,
});

const table: Row[] = [
  ["own case: every work action", cm, cityCase, WORK, ok("own")],
  [
    "own case: no reassigning or reopening without supervision",
    cm,
    cityCase,
    SUPERVISION,
    no("not_responsible"),
  ],
  ["a colleague of the same agency", colleague, cityCase, [...WORK, ...SUPERVISION], no("not_responsible")],
  ["the deputy during the absence", deputy, cityCase, WORK, ok("deputy")],
  ["the deputy does not supervise", deputy, cityCase, SUPERVISION, no("not_responsible")],
  ["the deputy reaches only the absent colleague's cases", deputy, drkCase, WORK, no("not_responsible")],
  [
    "the municipal lead supervises the city's cases",
    cityLead,
    cityCase,
    [...WORK, ...SUPERVISION],
    ok("supervision"),
  ],
  [
    "the municipal lead supervises a welfare agency's cases",
    cityLead,
    drkCase,
    [...WORK, ...SUPERVISION],
    ok("supervision"),
  ],
  [
    "the municipal lead reaches waiting cases",
    cityLead,
    waiting,
    [...WORK, ...SUPERVISION],
    ok("supervision"),
  ],
  [
    "a welfare lead supervises their own agency",
    drkLead,
    drkCase,
    [...WORK, ...SUPERVISION],
    ok("supervision"),
  ],
  [
    "a welfare lead never reaches the city's cases",
    drkLead,
    cityCase,
    [...WORK, ...SUPERVISION],
    no("not_responsible"),
  ],
  [
    "a welfare lead never reaches waiting cases",
    drkLead,
    waiting,
    [...WORK, ...SUPERVISION],
    no("not_responsible"),
  ],
  [
    "a welfare case manager on a city case",
    drkCm,
    cityCase,
    [...WORK, ...SUPERVISION],
    no("not_responsible"),
  ],
  [
    "a coordinator reads no case data",
    coordinator,
    cityCase,
    [...WORK, ...SUPERVISION],
    no("not_responsible"),
  ],
  [
    "a coordinator re-routes the triage of a waiting intake of their region",
    northCoordinator,
    waitingNorth,
    ["case.triage"],
    ok("coordination"),
  ],
  [
    "and nothing else on it",
    northCoordinator,
    waitingNorth,
    CASE_ACTIONS.filter((a) => a !== "case.triage"),
    no("not_responsible"),
  ],
  [
    "not in another region",
    northCoordinator,
    { ...waitingNorth, regionId: "south" },
    ["case.triage"],
    no("not_responsible"),
  ],
  ["not without a region of their own", coordinator, waitingNorth, ["case.triage"], no("not_responsible")],
  ["not once the case is offered", northCoordinator, offeredNorth, ["case.triage"], no("not_responsible")],
  [
    "not once a case manager holds it",
    northCoordinator,
    cityCaseNorth,
    ["case.triage"],
    no("not_responsible"),
  ],
  [
    "a case manager with the region but without the coordinator role does not",
    staff({ id: "jonas", regionIds: ["north"] }),
    waitingNorth,
    ["case.triage"],
    no("not_responsible"),
  ],
  [
    "the municipal lead re-routes any waiting intake",
    cityLead,
    waitingNorth,
    ["case.triage"],
    ok("supervision"),
  ],
  ["a welfare lead does not", drkLead, waitingNorth, ["case.triage"], no("not_responsible")],
  ["the case manager re-routes the triage of their own case", cm, cityCaseNorth, ["case.triage"], ok("own")],
  [
    "an inactive case manager, even on their old case",
    gone,
    cityCase,
    [...CASE_ACTIONS],
    no("unknown_staff"),
  ],
  ["a Slack user unknown to the org", null, cityCase, [...CASE_ACTIONS], no("unknown_staff")],
  [
    "nobody reopens a case whose client withdrew",
    cityLead,
    withdrawn,
    ["case.reopen"],
    no("consent_withdrawn"),
  ],
  ["work on a withdrawn case stays with its holders", cm, withdrawn, ["case.read"], ok("own")],
  ["the offered case manager reads the offer's details", drkCm, offered, ["offer.read"], ok("offered")],
  ["and nothing else until they accept", drkCm, offered, [...WORK, ...SUPERVISION], no("not_responsible")],
  ["another case manager does not read the offer", cm, offered, ["offer.read"], no("not_responsible")],
  [
    "a lead of another agency does not either",
    cityLeadOfNothing(),
    offered,
    ["offer.read"],
    no("not_responsible"),
  ],
  ["the offering agency's lead does", drkLead, offered, ["offer.read"], ok("supervision")],
  ["the holder reads the details of their accepted case", cm, cityCase, ["offer.read"], ok("own")],
  ["their deputy too", deputy, cityCase, ["offer.read"], ok("deputy")],
  [
    "a deactivated offered case manager does not",
    { ...drkCm, active: false },
    offered,
    ["offer.read"],
    no("unknown_staff"),
  ],
];

describe("authorize(actor, action, case)", () => {
  for (const [name, actor, kase, actions, expected] of table)
    it(name, () => {
      for (const action of actions)
        expect({ action, ...authorize(actor, action, kase) }).toEqual({ action, ...expected });
    });
});

describe("deputyForAt", () => {
  const abs = (cmId: string, deputyId: string | null, from: string, to: string) => ({
    cmId,
    deputyId,
    from: new Date(from),
    to: new Date(to),
  });
  const absences = [
    abs("nasrin", "deputy", "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"),
    abs("jonas", "deputy", "2026-12-20T00:00:00Z", "2026-12-24T00:00:00Z"),
    abs("amira", null, "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"),
    abs("nasrin", "deputy", "2026-12-10T00:00:00Z", "2026-12-12T00:00:00Z"),
  ];
  it.each([
    ["before the absence", "2026-12-06T23:59:59Z", []],
    ["from its first moment", "2026-12-07T00:00:00Z", ["nasrin"]],
    ["overlapping absences count once", "2026-12-11T00:00:00Z", ["nasrin"]],
    ["not at its end (half-open)", "2026-12-14T00:00:00Z", []],
    ["a later absence of another colleague", "2026-12-21T00:00:00Z", ["jonas"]],
  ])("%s", (_n, at, expected) => {
    expect(deputyForAt(absences, "deputy", new Date(at))).toEqual(expected);
  });
  it("an absence without a deputy names nobody", () => {
    expect(deputyForAt(absences, "amira", new Date("2026-12-11T00:00:00Z"))).toEqual([]);
  });
});
