// The survey's rules as tables: who is invited when (closure reasons, six months, reachability,
// consent, once per kind, not twice within 30 days), what a tap leads to (next question, finish,
// expired, answered), the answers' letters in the buttons, and the month a response keeps.
import { describe, expect, expectTypeOf, it } from "vitest";
import type * as db from "../../src/generated/prisma/enums.ts";
import {
  addMonths,
  closureInvites,
  decideInvite,
  decideTap,
  decodeAnswers,
  encodeAnswers,
  expiryOf,
  type InviteFacts,
  monthOf,
  SURVEY_ANSWERS,
  type SurveyAnswer,
  type SurveyKind,
  sixMonthsCutoff,
} from "../../src/modules/survey/survey.ts";

const now = new Date("2026-12-07T09:00:00Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

const facts = (over: Partial<InviteFacts> = {}): InviteFacts => ({
  kind: "closure",
  phase: "closed",
  closureReason: "goals_reached",
  openedAt: daysAgo(300),
  reachable: true,
  consented: true,
  alreadyInvited: false,
  lastInvitedAt: null,
  ...over,
});

describe("survey codes", () => {
  it("equal the Prisma enums", () => {
    expectTypeOf<SurveyKind>().toEqualTypeOf<db.SurveyKind>();
    expectTypeOf<SurveyAnswer>().toEqualTypeOf<db.SurveyAnswer>();
  });
});

describe("closureInvites", () => {
  it.each([
    ["goals_reached", true],
    ["moved_away", true],
    ["referred", true],
    ["no_contact", true],
    ["withdrawn", false],
    ["erased", false],
    [null, false],
  ])("%s → %s", (reason, expected) => expect(closureInvites(reason)).toBe(expected));
});

describe("decideInvite", () => {
  it.each<[string, Partial<InviteFacts>, string]>([
    ["a closure with its goals reached", {}, "invite"],
    ["a closure after no contact", { closureReason: "no_contact" }, "invite"],
    ["a closure the client withdrew from", { closureReason: "withdrawn" }, "reason"],
    ["an erasure", { closureReason: "erased" }, "reason"],
    ["a closure job for a case reopened since", { phase: "service_steering" }, "phase"],
    ["no Telegram chat (or erased)", { reachable: false }, "unreachable"],
    ["case-management consent withdrawn", { consented: false }, "no_consent"],
    ["asked at this closure already", { alreadyInvited: true }, "already_invited"],
    ["a six-month survey 10 days ago", { lastInvitedAt: daysAgo(10) }, "recent"],
    ["a six-month survey 40 days ago", { lastInvitedAt: daysAgo(40) }, "invite"],
    ["six months: open, opened 7 months ago", { kind: "six_months", phase: "service_steering" }, "invite"],
    [
      "six months: opened exactly six calendar months ago",
      { kind: "six_months", phase: "assessment", openedAt: new Date("2026-06-07T09:00:00Z") },
      "invite",
    ],
    [
      "six months: one day short",
      { kind: "six_months", phase: "assessment", openedAt: new Date("2026-06-08T09:00:00Z") },
      "too_early",
    ],
    ["six months: still waiting for a case manager", { kind: "six_months", phase: "waiting" }, "phase"],
    ["six months: pending acceptance", { kind: "six_months", phase: "pending_acceptance" }, "phase"],
    ["six months: closed meanwhile", { kind: "six_months", phase: "closed" }, "phase"],
    [
      "six months: asked once already",
      { kind: "six_months", phase: "goal_agreement", alreadyInvited: true },
      "already_invited",
    ],
  ])("%s → %s", (_what, over, expected) => {
    const d = decideInvite(facts(over), now);
    expect(d.invite ? "invite" : d.reason).toBe(expected);
  });
});

describe("decideTap", () => {
  const open = { expiresAt: expiryOf(daysAgo(3)), answered: false };
  it.each<[string, { expiresAt: Date; answered: boolean }, SurveyAnswer[], string, SurveyAnswer[]?]>([
    ["first answer → question 2", open, ["yes"], "next:understood"],
    ["second answer (skipped) → question 3", open, ["yes", "skipped"], "next:recommend"],
    ["third answer → finish", open, ["no", "partly", "yes"], "finish", ["no", "partly", "yes"]],
    ["all skipped still finishes", open, ["skipped", "skipped", "skipped"], "finish"],
    ["expired after 14 days", { expiresAt: expiryOf(daysAgo(14)), answered: false }, ["yes"], "expired"],
    ["answered already", { ...open, answered: true }, ["yes", "yes", "yes"], "answered"],
  ])("%s", (_what, inv, answers, expected, stored) => {
    const d = decideTap(inv, answers, now);
    expect(d.kind === "next" ? `next:${d.question}` : d.kind).toBe(expected);
    if (stored && d.kind === "finish") expect(d.answers).toEqual(stored);
  });
});

describe("answers in the buttons", () => {
  it("round-trip every combination", () => {
    for (const a of SURVEY_ANSWERS)
      for (const b of SURVEY_ANSWERS)
        for (const c of SURVEY_ANSWERS) expect(decodeAnswers(encodeAnswers([a, b, c]))).toEqual([a, b, c]);
  });
  it.each(["", "x", "yyyy", "y n", "Y"])("refuse %j", (s) => expect(decodeAnswers(s)).toBeNull());
});

describe("dates", () => {
  it.each([
    ["2026-08-31T10:00:00Z", 6, "2027-02-28T10:00:00.000Z"],
    ["2026-06-07T09:00:00Z", 6, "2026-12-07T09:00:00.000Z"],
    ["2026-12-07T09:00:00Z", -6, "2026-06-07T09:00:00.000Z"],
  ])("addMonths(%s, %i) = %s", (d, m, expected) =>
    expect(addMonths(new Date(d), m).toISOString()).toBe(expected),
  );
  it("six months back from now, 14 days of expiry, the month only", () => {
    expect(sixMonthsCutoff(now).toISOString()).toBe("2026-06-07T09:00:00.000Z");
    expect(expiryOf(now).toISOString()).toBe("2026-12-21T09:00:00.000Z");
    expect(monthOf(new Date("2026-12-31T23:59:59Z"))).toBe("2026-12");
  });
});
