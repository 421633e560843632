import { describe, expect, it } from "vitest";
import {
  type Actor,
  checkTransition,
  goalsEditableIn,
  mayClose,
  mayOnCase,
  nextPhases,
  STAFF_CLOSURE_REASONS,
  WORK_PHASES,
  WORK_TRANSITIONS,
} from "../../src/modules/cases/phases.ts";

import type { CaseScope, StaffActor } from "../../src/modules/staff/authorize.ts";

const staff = (id: string, over: Partial<StaffActor> = {}): Actor => ({
  kind: "cm",
  staff: {
    id,
    name: id,
    slackUserId: `U${id}`,
    agencyId: "social-office",
    agencyKind: "municipal",
    teamLead: false,
    coordinator: false,
    active: true,
    deputyFor: [],
    ...over,
  },
});
/** a case held by `cmId` at the social office (or nobody's yet) */
const k = (cmId: string | null, over: Partial<CaseScope> = {}): CaseScope => ({
  cmId,
  agencyId: cmId ? "social-office" : null,
  ...over,
});
const cm = staff("anna");
const other = staff("ben");
/** the social office's team lead: supervision over every agency */
const lead = staff("lea", { teamLead: true });
const drkLead = staff("dora", { teamLead: true, agencyId: "drk", agencyKind: "welfare" });
const coordinator = staff("coco", { coordinator: true });
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
    expect(checkTransition({ from, to, actor: cm, kase: k("anna") })).toEqual({ ok: true });
  });

  it.each([
    ["first_consultation", "goal_agreement"],
    ["first_consultation", "service_steering"],
    ["assessment", "service_steering"],
    ["service_steering", "goal_agreement"],
    ["service_steering", "first_consultation"],
  ] as const)("nobody skips %s → %s", (from, to) => {
    expect(checkTransition({ from, to, actor: lead, kase: k("anna") })).toEqual({
      ok: false,
      code: "not_allowed",
    });
  });

  it("the way in (waiting, offered) belongs to the dispatcher", () => {
    expect(
      checkTransition({ from: "waiting", to: "first_consultation", actor: lead, kase: k(null) }).ok,
    ).toBe(false);
    expect(
      checkTransition({ from: "pending_acceptance", to: "first_consultation", actor: cm, kase: k("anna") })
        .ok,
    ).toBe(false);
    expect(checkTransition({ from: "assessment", to: "waiting", actor: lead, kase: k("anna") }).ok).toBe(
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
    expect(checkTransition({ from: "assessment", to: "assessment", actor: cm, kase: k("anna") })).toEqual({
      ok: false,
      code: "same_phase",
    });
  });
});

describe("case phases: who", () => {
  it("another case manager may not move someone else's case; a team lead may", () => {
    const req = { from: "assessment", to: "goal_agreement", kase: k("anna") } as const;
    expect(checkTransition({ ...req, actor: other })).toEqual({ ok: false, code: "not_responsible" });
    expect(checkTransition({ ...req, actor: lead })).toEqual({ ok: true });
    expect(checkTransition({ ...req, actor: coordinator })).toEqual({ ok: false, code: "not_responsible" });
    expect(checkTransition({ ...req, actor: client })).toEqual({ ok: false, code: "not_responsible" });
  });

  it("coordinators see figures, never a case's personal data, and do not act", () => {
    expect(mayOnCase(coordinator, "case.read", k("anna"))).toBe(false);
    expect(mayOnCase(other, "case.read", k("anna"))).toBe(false);
    expect(mayClose("assessment", coordinator, k("anna"))).toBe(false);
  });

  it("nextPhases lists only what the actor may do", () => {
    expect(nextPhases("reassessment", cm, k("anna"))).toEqual([
      "service_steering",
      "goal_agreement",
      "assessment",
    ]);
    expect(nextPhases("reassessment", other, k("anna"))).toEqual([]);
    expect(nextPhases("closed", cm, k("anna"))).toEqual([]);
    expect(nextPhases("closed", lead, k("anna"))).toEqual(["first_consultation"]);
  });
});

describe("case phases: closure", () => {
  it.each(STAFF_CLOSURE_REASONS)(
    "the responsible case manager may close with %s from any work phase",
    (reason) => {
      for (const from of WORK_PHASES)
        expect(checkTransition({ from, to: "closed", reason, actor: cm, kase: k("anna") })).toEqual({
          ok: true,
        });
    },
  );

  it("a closure needs a reason, other moves must not carry one", () => {
    expect(checkTransition({ from: "assessment", to: "closed", actor: cm, kase: k("anna") })).toEqual({
      ok: false,
      code: "reason_required",
    });
    expect(
      checkTransition({
        from: "assessment",
        to: "goal_agreement",
        reason: "moved_away",
        actor: cm,
        kase: k("anna"),
      }),
    ).toEqual({ ok: false, code: "reason_not_allowed" });
  });

  it("only erasure closes as erased", () => {
    const req = { from: "service_steering", to: "closed", reason: "erased", kase: k("anna") } as const;
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
        kase: k("anna"),
      }).ok,
    ).toBe(true);
    expect(
      checkTransition({
        from: "assessment",
        to: "closed",
        reason: "goals_reached",
        actor: client,
        kase: k("anna"),
      }).ok,
    ).toBe(false);
  });

  it("a waiting or offered case is closed by a team lead or the system, not by a case manager", () => {
    for (const from of ["waiting", "pending_acceptance"] as const) {
      expect(
        checkTransition({ from, to: "closed", reason: "moved_away", actor: cm, kase: k("anna") }).ok,
      ).toBe(false);
      expect(
        checkTransition({ from, to: "closed", reason: "moved_away", actor: lead, kase: k(null) }).ok,
      ).toBe(true);
      expect(
        checkTransition({ from, to: "closed", reason: "no_contact", actor: system, kase: k(null) }).ok,
      ).toBe(true);
    }
  });

  it("a closed case is reopened only by a team lead, and only to the first consultation", () => {
    expect(
      checkTransition({ from: "closed", to: "first_consultation", actor: lead, kase: k("anna") }).ok,
    ).toBe(true);
    expect(checkTransition({ from: "closed", to: "first_consultation", actor: cm, kase: k("anna") })).toEqual(
      {
        ok: false,
        code: "reopen_team_lead_only",
      },
    );
    expect(checkTransition({ from: "closed", to: "service_steering", actor: lead, kase: k("anna") })).toEqual(
      {
        ok: false,
        code: "already_closed",
      },
    );
    expect(mayClose("closed", lead, k("anna"))).toBe(false);
  });

  it("a welfare agency's lead reaches only their own agency's cases", () => {
    const drkCase = { cmId: "dana", agencyId: "drk" };
    const req = { from: "assessment", to: "goal_agreement" } as const;
    expect(checkTransition({ ...req, actor: drkLead, kase: drkCase })).toEqual({ ok: true });
    expect(checkTransition({ ...req, actor: drkLead, kase: k("anna") })).toEqual({
      ok: false,
      code: "not_responsible",
    });
    expect(mayClose("assessment", drkLead, k("anna"))).toBe(false);
    expect(nextPhases("closed", drkLead, k("anna"))).toEqual([]);
    expect(nextPhases("closed", drkLead, drkCase)).toEqual(["first_consultation"]);
    // a waiting case belongs to no agency yet: only the municipality-wide lead may end it
    expect(mayClose("waiting", drkLead, k(null))).toBe(false);
    expect(mayClose("waiting", lead, k(null))).toBe(true);
  });

  it("nobody reopens a case whose client withdrew consent", () => {
    expect(
      checkTransition({
        from: "closed",
        to: "first_consultation",
        actor: lead,
        kase: k("anna", { consentWithdrawn: true }),
      }),
    ).toEqual({ ok: false, code: "consent_withdrawn" });
  });

  it("goals are kept from the assessment until closure", () => {
    expect(goalsEditableIn("first_consultation")).toBe(false);
    expect(goalsEditableIn("assessment")).toBe(true);
    expect(goalsEditableIn("service_steering")).toBe(true);
    expect(goalsEditableIn("closed")).toBe(false);
  });
});
