// The case-work checks as tables: assessment areas, goals, referrals with per-office consent, the
// closure's goal outcomes and the "to chase" rule.
import { describe, expect, it } from "vitest";
import {
  assessmentGaps,
  checkArea,
  checkGoal,
  checkOutcomes,
  checkReferral,
  nextReferralStatuses,
  parseDay,
  toChase,
} from "../../src/modules/cases/casework.ts";
import { LIFE_AREAS } from "../../src/modules/cases/codes.ts";

const now = new Date("2026-12-07T09:00:00Z");
const day = (s: string) => new Date(`${s}T00:00:00Z`);
const partners = new Set(["jobcenter", "immigration-office"]);

describe("parseDay", () => {
  it.each([
    ["2026-12-24", "2026-12-24T00:00:00.000Z"],
    ["2026-02-30", null],
    ["24.12.2026", null],
    ["", null],
    [null, null],
  ])("%s → %s", (raw, iso) => {
    expect(parseDay(raw)?.toISOString() ?? null).toBe(iso);
  });
});

describe("checkArea", () => {
  it.each([
    [{ area: "housing", status: "need", barriers: ["overcrowded"], notes: "" }, true, {}],
    [{ area: "housing", status: "", barriers: [], notes: "" }, true, {}],
    [
      { area: "housing", status: "", barriers: ["overcrowded"], notes: "" },
      false,
      { status: "status_required" },
    ],
    [
      { area: "housing", status: "need", barriers: ["debts"], notes: "" },
      false,
      { barriers: "unknown_barrier" },
    ],
    [
      { area: "housing", status: "no_need", barriers: ["homeless"], notes: "" },
      false,
      { barriers: "barriers_without_need" },
    ],
    [{ area: "housing", status: "sometimes", barriers: [], notes: "" }, false, { status: "unknown_status" }],
    [{ area: "moon", status: "need", barriers: [], notes: "" }, false, { status: "unknown_area" }],
    [
      { area: "health", status: "urgent", barriers: [], notes: "x".repeat(1001) },
      false,
      { notes: "too_long" },
    ],
  ])("%o → ok %s", (input, ok, errors) => {
    const r = checkArea(input);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.errors).toEqual(errors);
  });

  it("keeps barriers once and notes trimmed", () => {
    const r = checkArea({
      area: "work",
      status: "need",
      barriers: ["unemployed", "unemployed"],
      notes: "  a ",
    });
    expect(r).toEqual({
      ok: true,
      value: { area: "work", status: "need", barriers: ["unemployed"], notes: "a" },
    });
  });
});

describe("assessmentGaps", () => {
  it("names the areas without status and the needs without barriers", () => {
    const areas = LIFE_AREAS.filter((a) => a !== "social").map((area) => ({
      area,
      status: area === "housing" ? "need" : "no_need",
      barriers: [] as string[],
    }));
    expect(assessmentGaps(areas, LIFE_AREAS)).toEqual({
      missing: ["social"],
      needWithoutBarrier: ["housing"],
    });
  });
});

describe("checkGoal", () => {
  const base = {
    text: "Find a flat",
    area: "housing",
    steps: "",
    responsible: "client",
    partnerId: "",
    dueDate: null,
  };
  it.each([
    [{}, {}],
    [{ text: " " }, { text: "required" }],
    [{ text: "x".repeat(501) }, { text: "too_long" }],
    [{ area: "" }, { area: "required" }],
    [{ area: "moon" }, { area: "unknown_area" }],
    [{ responsible: "mayor" }, { responsible: "unknown_party" }],
    [{ responsible: "partner" }, { partner: "partner_required" }],
    [{ responsible: "partner", partnerId: "nasa" }, { partner: "unknown_partner" }],
    [{ responsible: "client", partnerId: "jobcenter" }, { partner: "partner_only_when_responsible" }],
    [{ responsible: "partner", partnerId: "jobcenter" }, {}],
    [{ dueDate: day("2026-12-06") }, { due: "in_past" }],
    [{ dueDate: day("2026-12-07") }, {}],
    [{ dueDate: day("2029-01-01") }, { due: "too_far" }],
  ])("%o → %o", (patch, errors) => {
    const r = checkGoal({ ...base, ...patch }, now, partners);
    if (Object.keys(errors).length) expect(r).toEqual({ ok: false, errors });
    else expect(r.ok).toBe(true);
  });
  it("an empty responsible means the client", () => {
    const r = checkGoal({ ...base, responsible: "" }, now, partners);
    expect(r.ok && r.value.responsible).toBe("client");
  });
});

describe("checkReferral", () => {
  const base = { partnerId: "jobcenter", purpose: "work", note: "", expectedBy: null, goalId: "" };
  const covered = (p: string) => p === "jobcenter";
  it.each([
    [{}, {}],
    [{ partnerId: "" }, { partner: "required" }],
    [{ partnerId: "nasa" }, { partner: "unknown_partner" }],
    [{ partnerId: "immigration-office" }, { partner: "no_consent" }],
    [{ purpose: "" }, { purpose: "required" }],
    [{ purpose: "fun" }, { purpose: "unknown" }],
    [{ expectedBy: day("2026-12-07") }, { expected: "not_after_today" }],
    [{ expectedBy: day("2026-12-08") }, {}],
    [{ expectedBy: day("2030-01-01") }, { expected: "too_far" }],
    [{ goalId: "g-unknown" }, { goal: "unknown_goal" }],
    [{ goalId: "g1" }, {}],
  ])("%o → %o", (patch, errors) => {
    const r = checkReferral({ ...base, ...patch }, now, partners, covered, new Set(["g1"]));
    if (Object.keys(errors).length) expect(r).toEqual({ ok: false, errors });
    else expect(r.ok).toBe(true);
  });
  it("expects an answer within 14 days by default", () => {
    const r = checkReferral(base, now, partners, covered, new Set());
    expect(r.ok && r.value.expectedBy.toISOString()).toBe("2026-12-21T09:00:00.000Z");
  });
  it("status moves forward only; no answer can still turn into an answer", () => {
    expect(nextReferralStatuses("done")).toEqual([]);
    expect(nextReferralStatuses("no_answer")).toContain("acknowledged");
    expect(nextReferralStatuses("appointment")).not.toContain("sent");
  });
});

describe("toChase", () => {
  const r = (
    id: string,
    status: "sent" | "acknowledged",
    expectedBy: string,
    chasedAt: string | null = null,
  ) => ({
    id,
    status,
    expectedBy: new Date(expectedBy),
    chasedAt: chasedAt ? new Date(chasedAt) : null,
  });
  it.each([
    ["overdue and never chased", r("a", "sent", "2026-12-01T00:00:00Z"), true],
    ["not yet due", r("b", "sent", "2026-12-08T00:00:00Z"), false],
    ["answered", r("c", "acknowledged", "2026-12-01T00:00:00Z"), false],
    ["chased 3 days ago", r("d", "sent", "2026-11-01T00:00:00Z", "2026-12-04T09:00:00Z"), false],
    ["chased 7 days ago", r("e", "sent", "2026-11-01T00:00:00Z", "2026-11-30T09:00:00Z"), true],
  ])("%s → %s", (_name, ref, chase) => {
    expect(toChase([ref], now).length === 1).toBe(chase);
  });
  it("oldest first", () => {
    const list = [r("new", "sent", "2026-12-05T00:00:00Z"), r("old", "sent", "2026-11-20T00:00:00Z")];
    expect(toChase(list, now).map((x) => x.id)).toEqual(["old", "new"]);
  });
});

describe("checkOutcomes", () => {
  it.each([
    [[{ goalId: "g1", outcome: "reached", reason: "" }], { ok: true }],
    [[{ goalId: "g1", outcome: "partly", reason: "" }], { ok: false, errors: { g1: "reason_required" } }],
    [[{ goalId: "g1", outcome: "partly", reason: "moved_away" }], { ok: true }],
    [[{ goalId: "g1", outcome: "great", reason: "" }], { ok: false, errors: { g1: "unknown_outcome" } }],
    [
      [{ goalId: "g1", outcome: "dropped", reason: "boredom" }],
      { ok: false, errors: { g1: "unknown_reason" } },
    ],
    [[], { ok: false, errors: { g1: "outcome_required" } }],
  ])("%o → %o", (inputs, expected) => {
    expect(checkOutcomes(["g1"], inputs)).toMatchObject(expected);
  });
  it("a reached goal carries no reason; goals not open are not asked", () => {
    expect(
      checkOutcomes(
        ["g1"],
        [
          { goalId: "g1", outcome: "reached", reason: "other" },
          { goalId: "g9", outcome: "", reason: "" },
        ],
      ),
    ).toEqual({
      ok: true,
      value: [{ goalId: "g1", outcome: "reached", reason: null }],
    });
  });
});
