import { describe, expect, it } from "vitest";
import { authorize } from "../../src/modules/staff/authorize.ts";
import { consentGranted, mayRelay, mayShowContact } from "../../src/modules/staff/consent.ts";
import {
  canDecideRebalance,
  canEditAbsence,
  canProposeRebalance,
  canSupervise,
  overviewScope,
  rolesOf,
  staffLanguageOf,
  supervisionScope,
} from "../../src/modules/staff/identity.ts";
import { PEOPLE } from "./slack-fakes.ts";

describe("roles and scope", () => {
  it("every active member is a case manager; leads and coordinators add roles", () => {
    expect(rolesOf(PEOPLE.cm)).toEqual(["case_manager"]);
    expect(rolesOf(PEOPLE.lead)).toEqual(["case_manager", "team_lead"]);
    expect(rolesOf(PEOPLE.coordinator)).toEqual(["case_manager", "coordinator"]);
    expect(rolesOf(PEOPLE.inactive)).toEqual([]);
  });

  it("a municipal lead supervises all agencies, a welfare lead only their own", () => {
    expect(supervisionScope(PEOPLE.lead)).toBe("all");
    expect(supervisionScope(PEOPLE.drkLead)).toEqual(["drk"]);
    expect(supervisionScope(PEOPLE.cm)).toEqual([]);
    expect(canSupervise(PEOPLE.lead, PEOPLE.drkCm)).toBe(true);
    expect(canSupervise(PEOPLE.drkLead, PEOPLE.drkCm)).toBe(true);
    expect(canSupervise(PEOPLE.drkLead, PEOPLE.cm)).toBe(false);
    expect(canSupervise(PEOPLE.cm, PEOPLE.other)).toBe(false);
    expect(canSupervise({ ...PEOPLE.lead, active: false }, PEOPLE.cm)).toBe(false);
  });

  it("a coordinator sees all agencies and may ask for a proposal, but decides nothing", () => {
    expect(overviewScope(PEOPLE.coordinator)).toBe("all");
    expect(supervisionScope(PEOPLE.coordinator)).toEqual([]);
    expect(canProposeRebalance(PEOPLE.coordinator)).toBe(true);
    expect(canProposeRebalance(PEOPLE.cm)).toBe(false);
    expect(canDecideRebalance(PEOPLE.coordinator, ["social-office"])).toBe(false);
  });

  it("approving a rebalance needs supervision over every agency it touches", () => {
    expect(canDecideRebalance(PEOPLE.lead, ["social-office", "drk"])).toBe(true);
    expect(canDecideRebalance(PEOPLE.drkLead, ["drk"])).toBe(true);
    expect(canDecideRebalance(PEOPLE.drkLead, ["drk", "social-office"])).toBe(false);
  });

  it("absences: everyone their own, leads their team", () => {
    expect(canEditAbsence(PEOPLE.cm, PEOPLE.cm)).toBe(true);
    expect(canEditAbsence(PEOPLE.cm, PEOPLE.other)).toBe(false);
    expect(canEditAbsence(PEOPLE.drkLead, PEOPLE.drkCm)).toBe(true);
    expect(canEditAbsence(PEOPLE.drkLead, PEOPLE.cm)).toBe(false);
    expect(canEditAbsence(PEOPLE.inactive, PEOPLE.inactive)).toBe(false);
  });

  it("case threads: the case's case manager and their supervising lead", () => {
    const kase = { cmId: PEOPLE.cm.id, agencyId: "social-office" };
    expect(authorize(PEOPLE.cm, "thread.use", kase).ok).toBe(true);
    expect(authorize(PEOPLE.other, "thread.use", kase).ok).toBe(false);
    expect(authorize(PEOPLE.lead, "thread.use", kase).ok).toBe(true);
    expect(authorize(PEOPLE.drkLead, "thread.use", kase).ok).toBe(false);
    expect(authorize(PEOPLE.cm, "thread.use", { cmId: null, agencyId: null }).ok).toBe(false);
  });

  it("staff language: English only when Slack says so", () => {
    expect(staffLanguageOf("en-GB")).toBe("en");
    expect(staffLanguageOf("en_US")).toBe("en");
    expect(staffLanguageOf("de-DE")).toBe("de");
    expect(staffLanguageOf("fr-FR")).toBe("de");
    expect(staffLanguageOf(undefined)).toBe("de");
  });
});

describe("consent", () => {
  const t0 = new Date("2026-11-01T10:00:00Z");
  const later = new Date("2026-11-10T10:00:00Z");
  const row = (purpose: string, granted: boolean, decidedAt = t0, withdrawnAt: Date | null = null) => ({
    purpose,
    granted,
    decidedAt,
    withdrawnAt,
  });

  it("the latest decision per purpose counts; a withdrawal ends it", () => {
    expect(consentGranted([row("slack_relay", true)], "slack_relay")).toBe(true);
    expect(consentGranted([row("slack_relay", true), row("slack_relay", false, later)], "slack_relay")).toBe(
      false,
    );
    expect(consentGranted([row("slack_relay", false), row("slack_relay", true, later)], "slack_relay")).toBe(
      true,
    );
    expect(consentGranted([row("slack_relay", true, t0, later)], "slack_relay")).toBe(false);
    expect(consentGranted([row("partner_sharing", true)], "slack_relay")).toBe(false);
    expect(consentGranted([], "case_management")).toBe(false);
  });

  it("contact details only after acceptance and with case-management consent", () => {
    const cm = [row("case_management", true)];
    expect(mayShowContact(cm, "pending")).toBe(false);
    expect(mayShowContact(cm, "accepted")).toBe(true);
    expect(mayShowContact([row("partner_sharing", true)], "accepted")).toBe(false);
    expect(mayShowContact([row("case_management", true, t0, later)], "accepted")).toBe(false);
    expect(mayRelay([row("slack_relay", true)])).toBe(true);
  });
});
