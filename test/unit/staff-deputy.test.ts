// Who may name whom as the deputy of an absence (staff/deputy.ts).
import { describe, expect, it } from "vitest";
import { type DeputyProblem, deputyProblem } from "../../src/modules/staff/deputy.ts";
import type { StaffMember } from "../../src/modules/staff/identity.ts";

const now = new Date("2026-12-07T09:00:00Z");
const member = (id: string, agencyId: string, over: Partial<StaffMember> = {}): StaffMember => ({
  id,
  name: id,
  slackUserId: `U${id.toUpperCase()}`,
  agencyId,
  agencyKind: agencyId === "city" ? "municipal" : "welfare",
  teamLead: false,
  coordinator: false,
  active: true,
  ...over,
});
const anna = member("anna", "awo");
const ben = member("ben", "awo");
const dora = member("dora", "drk");
const gone = member("gone", "awo", { active: false });
const leadAwo = member("lead-awo", "awo", { teamLead: true });
const leadCity = member("lead-city", "city", { teamLead: true });
const leadDrk = member("lead-drk", "drk", { teamLead: true });
const coordinator = member("coord", "city", { coordinator: true });
const open = { to: new Date(now.getTime() + 86_400_000) };
const over = { to: new Date(now.getTime() - 1) };

describe("deputyProblem", () => {
  it.each<
    [string, StaffMember, StaffMember, StaffMember | "none" | null, { to: Date }, DeputyProblem | null]
  >([
    ["the absent person names a colleague of their agency", anna, anna, ben, open, null],
    ["their agency's lead picks one", leadAwo, anna, ben, open, null],
    ["the municipal lead picks one", leadCity, anna, ben, open, null],
    ["another agency's lead may not", leadDrk, anna, ben, open, "not_allowed"],
    ["a colleague may not", ben, anna, ben, open, "not_allowed"],
    ["a coordinator may not", coordinator, anna, ben, open, "not_allowed"],
    ["nobody stands in for themself", anna, anna, anna, open, "deputy_self"],
    ["an inactive colleague cannot", anna, anna, gone, open, "deputy_inactive"],
    ["a colleague of another agency cannot", leadCity, anna, dora, open, "deputy_other_agency"],
    ["an unknown person", anna, anna, null, open, "not_found"],
    ["an absence that is over", anna, anna, ben, over, "absence_over"],
    ["taking the deputy off", leadAwo, anna, "none", open, null],
    ["taking it off is supervision too", ben, anna, "none", open, "not_allowed"],
  ])("%s", (_, actor, absent, deputy, absence, want) => {
    expect(deputyProblem(actor, absent, deputy, absence, now)).toBe(want);
  });
});
