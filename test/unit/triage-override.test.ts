// The staff triage override as a table: which re-routings are allowed, what they do to the case and
// the wait list, and the problem code per field when they are not.
import { describe, expect, it } from "vitest";
import {
  decideOverride,
  OVERRIDE_NOTE_MAX,
  type OverrideDecision,
  type OverrideRequest,
  type OverrideState,
} from "../../src/modules/triage/override.ts";

const targets = new Set(["jobcenter", "counselling", "mbe"]);

const referral: OverrideState = {
  route: "referral",
  referralTarget: "jobcenter",
  urgent: false,
  priority: 14,
  case: null,
  waiting: false,
  otherOpenCase: false,
  consentWithdrawn: false,
};
const waitingCase: OverrideState = {
  ...referral,
  route: "case_management",
  referralTarget: null,
  case: { phase: "waiting", cmId: null, closureReason: null },
  waiting: true,
};
const heldCase: OverrideState = {
  ...waitingCase,
  case: { phase: "assessment", cmId: "nasrin", closureReason: null },
  waiting: false,
};
const closedCase: OverrideState = {
  ...heldCase,
  case: { phase: "closed", cmId: "nasrin", closureReason: "no_contact" },
};
/** closed by an earlier override (case management → referral) */
const referredAway: OverrideState = {
  ...referral,
  case: { phase: "closed", cmId: null, closureReason: "referred" },
};

const toCm: OverrideRequest = {
  route: "case_management",
  urgent: false,
  reason: "existing_support_inactive",
};
const toReferral: OverrideRequest = {
  route: "referral",
  referralTarget: "counselling",
  urgent: false,
  reason: "client_request",
};
const urgentOn: OverrideRequest = { route: "case_management", urgent: true, reason: "urgency_found" };

const ok = (effect: string, over: Record<string, unknown> = {}) => ({
  ok: true,
  change: expect.objectContaining({ effect, ...over }),
});
const no = (problems: Record<string, string>): OverrideDecision => ({ ok: false, problems });

type Row = [string, OverrideState, OverrideRequest, unknown];
const table: Row[] = [
  ["referral → case management opens a case", referral, toCm, ok("open_case", { referralTarget: null })],
  [
    "… and may raise the priority at once",
    referral,
    { ...toCm, priority: 40 },
    ok("open_case", { priority: 40 }),
  ],
  ["… reopens the case an earlier override referred away", referredAway, toCm, ok("reopen_case")],
  [
    "… not for a case closed otherwise",
    { ...referral, case: closedCase.case },
    toCm,
    no({ route: "case_closed" }),
  ],
  [
    "… not when the client holds another open case",
    { ...referral, otherOpenCase: true },
    toCm,
    no({ route: "other_open_case" }),
  ],
  [
    "… not without consent to case management",
    { ...referral, consentWithdrawn: true },
    toCm,
    no({ route: "consent_withdrawn" }),
  ],
  [
    "a waiting case → referral leaves the wait list",
    waitingCase,
    toReferral,
    ok("withdraw", { referralTarget: "counselling" }),
  ],
  ["… not once a case manager holds it", heldCase, toReferral, no({ route: "case_with_cm" })],
  ["… not once it is closed", closedCase, toReferral, no({ route: "case_closed" })],
  [
    "… needs a referral target",
    waitingCase,
    { ...toReferral, referralTarget: "" },
    no({ referralTarget: "required" }),
  ],
  [
    "… from the organisation file",
    waitingCase,
    { ...toReferral, referralTarget: "nowhere" },
    no({ referralTarget: "unknown_target" }),
  ],
  [
    "another referral target only records",
    referral,
    toReferral,
    ok("record", { referralTarget: "counselling" }),
  ],
  [
    "an urgent referral only records",
    referral,
    { ...toReferral, referralTarget: "jobcenter", urgent: true, reason: "urgency_found" },
    ok("record", { urgent: true }),
  ],
  ["urgent on moves the waiting entry", waitingCase, urgentOn, ok("reorder", { urgent: true })],
  [
    "urgent off too",
    { ...waitingCase, urgent: true },
    { ...urgentOn, urgent: false, reason: "urgency_resolved" },
    ok("reorder", { urgent: false }),
  ],
  [
    "a priority of its own",
    waitingCase,
    { ...toCm, priority: 30, reason: "more_complex_than_stated" },
    ok("reorder", { priority: 30 }),
  ],
  ["not for a case that no longer waits", heldCase, urgentOn, no({ urgent: "not_waiting" })],
  ["not for a closed case", closedCase, urgentOn, no({ urgent: "case_closed" })],
  ["nothing changed", waitingCase, toCm, no({ route: "no_change" })],
  ["the same referral", referral, { ...toReferral, referralTarget: "jobcenter" }, no({ route: "no_change" })],
  ["an unknown reason", referral, { ...toCm, reason: "because" }, no({ reason: "unknown_reason" })],
  ["an unknown route", referral, { ...toCm, route: "elsewhere" }, no({ route: "unknown_route" })],
  ["'other' needs a note", referral, { ...toCm, reason: "other" }, no({ note: "required" })],
  [
    "'other' with a note",
    referral,
    { ...toCm, reason: "other", note: " moved in with family " },
    ok("open_case", { note: "moved in with family" }),
  ],
  [
    "a note too long",
    referral,
    { ...toCm, note: "x".repeat(OVERRIDE_NOTE_MAX + 1) },
    no({ note: "too_long" }),
  ],
  ["a negative priority", waitingCase, { ...urgentOn, priority: -1 }, no({ priority: "invalid_priority" })],
  [
    "a fractional priority",
    waitingCase,
    { ...urgentOn, priority: 2.5 },
    no({ priority: "invalid_priority" }),
  ],
  [
    "a priority out of range",
    waitingCase,
    { ...urgentOn, priority: 1000 },
    no({ priority: "invalid_priority" }),
  ],
  [
    "several problems at once, each on its field",
    waitingCase,
    { ...toReferral, referralTarget: "nowhere", reason: "?", priority: -3 },
    no({ reason: "unknown_reason", priority: "invalid_priority", referralTarget: "unknown_target" }),
  ],
];

describe("decideOverride(state, request, targets)", () => {
  it.each(table)("%s", (_name, state, req, expected) => {
    expect(decideOverride(state, req, targets)).toEqual(expected);
  });
});
