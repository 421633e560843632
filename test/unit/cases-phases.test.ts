import { describe, expect, it } from "vitest";
import {
  type Actor,
  checkTransition,
  goalsEditableIn,
  mayClose,
  mayReadCase,
  nextPhases,
  STAFF_CLOSURE_REASONS,
  WORK_PHASES,
  WORK_TRANSITIONS,
} from "../../src/modules/cases/phases.ts";

const cm: Actor = { kind: "cm", cmId: "anna", teamLead: false };
const other: Actor = { kind: "cm", cmId: "ben", teamLead: false };
const lead: Actor = { kind: "cm", cmId: "lea", teamLead: true };
const coordinator: Actor = { kind: "cm", cmId: "coco", teamLead: false, coordinator: true };
const system: Actor = { kind: "system" };
const client: Actor = { kind: "client", clientId: "c1" };

describe("case phases: the process order", () => {
  it.each([
    ["first_consultation", "assessment"],
    ["assessment", "goal_agreement"],
    ["goal_agreement", "service_steering"],
    ["service_steering", "reassessment"],
    ["reassessment", "service_steering"],
    ["reassessment", "goal_agreement"],
    ["reassessment", "assessment"],
    ["goal_agreement", "assessment"],
    ["assessment", "first_consultation"],
  ] as const)("the responsible case manager may go %s → %s", (from, to) => {
    expect(checkTransition({ from, to, actor: cm, caseCmId: "anna" })).toEqual({ ok: true });
  });

  it.each([
    ["first_consultation", "goal_agreement"],
    ["first_consultation", "service_steering"],
    ["assessment", "service_steering"],
    ["service_steering", "goal_agreement"],
    ["service_steering", "first_consultation"],
  ] as const)("nobody skips %s → %s", (from, to) => {
    expect(checkTransition({ from, to, actor: lead, caseCmId: "anna" })).toEqual({
      ok: false,
      code: "not_allowed",
    });
  });

  it("the way in (waiting, offered) belongs to the dispatcher", () => {
    expect(
      checkTransition({ from: "waiting", to: "first_consultation", actor: lead, caseCmId: null }).ok,
    ).toBe(false);
    expect(
      checkTransition({ from: "pending_acceptance", to: "first_consultation", actor: cm, caseCmId: "anna" })
        .ok,
    ).toBe(false);
    expect(checkTransition({ from: "assessment", to: "waiting", actor: lead, caseCmId: "anna" }).ok).toBe(
      false,
    );
  });

  it("every work phase has a way on, and the table only names work phases", () => {
    for (const p of WORK_PHASES) {
      expect(WORK_TRANSITIONS[p].length).toBeGreaterThan(0);
      for (const to of WORK_TRANSITIONS[p]) expect(WORK_PHASES).toContain(to);
    }
  });

  it("refuses a move to the same phase", () => {
    expect(checkTransition({ from: "assessment", to: "assessment", actor: cm, caseCmId: "anna" })).toEqual({
      ok: false,
      code: "same_phase",
    });
  });
});

describe("case phases: who", () => {
  it("another case manager may not move someone else's case; a team lead may", () => {
    const req = { from: "assessment", to: "goal_agreement", caseCmId: "anna" } as const;
    expect(checkTransition({ ...req, actor: other })).toEqual({ ok: false, code: "not_responsible" });
    expect(checkTransition({ ...req, actor: lead })).toEqual({ ok: true });
    expect(checkTransition({ ...req, actor: coordinator })).toEqual({ ok: false, code: "not_responsible" });
    expect(checkTransition({ ...req, actor: client })).toEqual({ ok: false, code: "not_responsible" });
  });

  it("coordinators may read (statistics, audit) but not act", () => {
    expect(mayReadCase(coordinator, "anna")).toBe(true);
    expect(mayReadCase(other, "anna")).toBe(false);
    expect(mayClose("assessment", coordinator, "anna")).toBe(false);
  });

  it("nextPhases lists only what the actor may do", () => {
    expect(nextPhases("reassessment", cm, "anna")).toEqual([
      "service_steering",
      "goal_agreement",
      "assessment",
    ]);
    expect(nextPhases("reassessment", other, "anna")).toEqual([]);
    expect(nextPhases("closed", cm, "anna")).toEqual([]);
    expect(nextPhases("closed", lead, "anna")).toEqual(["first_consultation"]);
  });
});

describe("case phases: closure", () => {
  it.each(STAFF_CLOSURE_REASONS)(
    "the responsible case manager may close with %s from any work phase",
    (reason) => {
      for (const from of WORK_PHASES)
        expect(checkTransition({ from, to: "closed", reason, actor: cm, caseCmId: "anna" })).toEqual({
          ok: true,
        });
    },
  );

  it("a closure needs a reason, other moves must not carry one", () => {
    expect(checkTransition({ from: "assessment", to: "closed", actor: cm, caseCmId: "anna" })).toEqual({
      ok: false,
      code: "reason_required",
    });
    expect(
      checkTransition({
        from: "assessment",
        to: "goal_agreement",
        reason: "moved_away",
        actor: cm,
        caseCmId: "anna",
      }),
    ).toEqual({ ok: false, code: "reason_not_allowed" });
  });

  it("only erasure closes as erased", () => {
    const req = { from: "service_steering", to: "closed", reason: "erased", caseCmId: "anna" } as const;
    expect(checkTransition({ ...req, actor: lead })).toEqual({ ok: false, code: "reason_not_allowed" });
    expect(checkTransition({ ...req, actor: system })).toEqual({ ok: true });
    expect(checkTransition({ ...req, actor: client })).toEqual({ ok: true });
  });

  it("a client may only withdraw", () => {
    expect(
      checkTransition({
        from: "assessment",
        to: "closed",
        reason: "withdrawn",
        actor: client,
        caseCmId: "anna",
      }).ok,
    ).toBe(true);
    expect(
      checkTransition({
        from: "assessment",
        to: "closed",
        reason: "goals_reached",
        actor: client,
        caseCmId: "anna",
      }).ok,
    ).toBe(false);
  });

  it("a waiting or offered case is closed by a team lead or the system, not by a case manager", () => {
    for (const from of ["waiting", "pending_acceptance"] as const) {
      expect(
        checkTransition({ from, to: "closed", reason: "moved_away", actor: cm, caseCmId: "anna" }).ok,
      ).toBe(false);
      expect(
        checkTransition({ from, to: "closed", reason: "moved_away", actor: lead, caseCmId: null }).ok,
      ).toBe(true);
      expect(
        checkTransition({ from, to: "closed", reason: "no_contact", actor: system, caseCmId: null }).ok,
      ).toBe(true);
    }
  });

  it("a closed case is reopened only by a team lead, and only to the first consultation", () => {
    expect(
      checkTransition({ from: "closed", to: "first_consultation", actor: lead, caseCmId: "anna" }).ok,
    ).toBe(true);
    expect(
      checkTransition({ from: "closed", to: "first_consultation", actor: cm, caseCmId: "anna" }),
    ).toEqual({
      ok: false,
      code: "reopen_team_lead_only",
    });
    expect(
      checkTransition({ from: "closed", to: "service_steering", actor: lead, caseCmId: "anna" }),
    ).toEqual({
      ok: false,
      code: "already_closed",
    });
    expect(mayClose("closed", lead, "anna")).toBe(false);
  });

  it("goals are kept from the assessment until closure", () => {
    expect(goalsEditableIn("first_consultation")).toBe(false);
    expect(goalsEditableIn("assessment")).toBe(true);
    expect(goalsEditableIn("service_steering")).toBe(true);
    expect(goalsEditableIn("closed")).toBe(false);
  });
});
