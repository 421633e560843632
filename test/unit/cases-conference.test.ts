// The case conference check: the day (held, not in the future, not more than a year back), who took
// part (known staff, partner offices only under the client's release, roles not names, at least two
// sides), the topics from the life areas, the decisions' length, and the optional first goal.
import { describe, expect, it } from "vitest";
import { type ConferenceInput, checkConference } from "../../src/modules/cases/conference.ts";

const now = new Date("2026-12-07T10:00:00Z");
const day = (s: string) => new Date(`${s}T00:00:00Z`);
const ctx = {
  now,
  staff: new Set(["cm-a", "cm-b"]),
  partners: new Set(["jobcenter", "abh", "school"]),
  covered: (p: string) => p !== "abh",
};
const base: ConferenceInput = {
  heldOn: day("2026-12-07"),
  staffIds: ["cm-a"],
  partnerIds: ["jobcenter"],
  roles: [],
  topics: ["work"],
  decisions: "Anmeldung Sprachkurs B1 klären",
  goal: null,
};
const goal = {
  text: "B1-Kurs anmelden",
  area: "language",
  steps: "",
  responsible: "client",
  partnerId: "",
  dueDate: day("2027-01-31"),
};

describe("checkConference", () => {
  it.each<[string, Partial<ConferenceInput>, Record<string, string> | null]>([
    ["a valid conference", {}, null],
    ["held yesterday", { heldOn: day("2026-12-06") }, null],
    ["no day", { heldOn: null }, { held: "required" }],
    ["tomorrow", { heldOn: day("2026-12-08") }, { held: "in_future" }],
    ["over a year back", { heldOn: day("2025-12-01") }, { held: "too_old" }],
    ["an unknown colleague", { staffIds: ["cm-a", "cm-x"] }, { staff: "unknown_staff" }],
    ["an office not in the org file", { partnerIds: ["police"] }, { partners: "unknown_partner" }],
    [
      "an office without the client's release",
      { partnerIds: ["jobcenter", "abh"] },
      { partners: "no_consent" },
    ],
    ["only the one recording it", { partnerIds: [] }, { staff: "too_few" }],
    ["the client and an interpreter", { partnerIds: [], roles: ["client", "interpreter"] }, null],
    ["a role that is a name", { roles: ["Herr Müller"] }, { roles: "unknown" }],
    ["no topic", { topics: [] }, { topics: "required" }],
    ["a topic not a life area", { topics: ["weather"] }, { topics: "unknown" }],
    ["decisions too long", { decisions: "x".repeat(1001) }, { decisions: "too_long" }],
    ["a first goal", { goal }, null],
    ["a goal without an area", { goal: { ...goal, area: "" } }, { goal: "required" }],
    ["an empty goal text means no goal", { goal: { ...goal, text: "  ", area: "" } }, null],
  ])("%s", (_name, change, errors) => {
    const r = checkConference({ ...base, ...change }, ctx);
    if (errors === null) expect(r).toMatchObject({ ok: true });
    else expect(r).toEqual({ ok: false, errors });
  });

  it("keeps roles, never names, and each participant once", () => {
    const r = checkConference({ ...base, staffIds: ["cm-a", "cm-a", "cm-b"], roles: ["client"] }, ctx);
    expect(r.ok && r.value.participants).toEqual([
      { kind: "staff", cmId: "cm-a" },
      { kind: "staff", cmId: "cm-b" },
      { kind: "partner", partnerId: "jobcenter" },
      { kind: "role", role: "client" },
    ]);
    expect(r.ok && r.value.goal).toBeNull();
  });
});
