// The monitoring rules as tables: due dates by calendar day in Berlin, silent cases, the one
// check-in per silence, and who gets which digest (deputies during absences, team leads' counts).
import { describe, expect, it } from "vitest";
import {
  type AbsenceLike,
  type ChaseItem,
  digestScope,
  dueItems,
  type MonitoredCase,
  nextContactOf,
  planDigests,
  DEFAULT_MONITOR_RULES as rules,
  type StaffLike,
  shouldCheckIn,
  silentDays,
} from "../../src/modules/cases/monitoring.ts";

const TZ = "Europe/Berlin";
const now = new Date("2026-12-07T08:00:00Z"); // Monday 09:00 in Berlin
const at = (s: string) => new Date(s);
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

const kase = (over: Partial<MonitoredCase> = {}): MonitoredCase => ({
  id: "c1",
  referenceCode: "K-1",
  cmId: "cm-a",
  phase: "assessment",
  startedAt: daysAgo(200),
  lastContactAt: daysAgo(3),
  nextContactAt: null,
  reassessmentDueAt: null,
  silentCheckInAt: null,
  goalDueDates: [],
  ...over,
});

describe("nextContactOf", () => {
  it.each([
    ["set by the case manager", { nextContactAt: at("2026-12-20T10:00:00Z") }, "2026-12-20T10:00:00.000Z"],
    ["last contact + 42 days", { lastContactAt: at("2026-11-01T10:00:00Z") }, "2026-12-13T10:00:00.000Z"],
    [
      "acceptance + 42 days when never in touch",
      { lastContactAt: null, startedAt: at("2026-11-01T10:00:00Z") },
      "2026-12-13T10:00:00.000Z",
    ],
    [
      "a contact before acceptance does not count",
      { lastContactAt: at("2026-10-01T10:00:00Z"), startedAt: at("2026-11-01T10:00:00Z") },
      "2026-12-13T10:00:00.000Z",
    ],
  ])("%s", (_, over, iso) => {
    expect(nextContactOf(kase(over), rules).toISOString()).toBe(iso);
  });
});

describe("dueItems (calendar days in Berlin)", () => {
  it.each<[string, Partial<MonitoredCase>, [string, number][]]>([
    ["nothing due", {}, []],
    ["contact due later today", { nextContactAt: at("2026-12-07T16:00:00Z") }, [["next_contact", 0]]],
    // 23:30 UTC on the 6th is already the 7th in Berlin
    [
      "due just after midnight Berlin time",
      { nextContactAt: at("2026-12-06T23:30:00Z") },
      [["next_contact", 0]],
    ],
    ["due yesterday evening", { nextContactAt: at("2026-12-06T22:30:00Z") }, [["next_contact", 1]]],
    ["due tomorrow is not listed", { nextContactAt: at("2026-12-08T08:00:00Z") }, []],
    [
      "re-assessment and a goal, most late first",
      { reassessmentDueAt: at("2026-12-01T09:00:00Z"), goalDueDates: [at("2026-12-05T09:00:00Z")] },
      [
        ["reassessment", 6],
        ["goal", 2],
      ],
    ],
    ["closed cases are not monitored", { phase: "closed", nextContactAt: daysAgo(5) }, []],
    ["waiting cases are not monitored", { phase: "waiting", nextContactAt: daysAgo(5) }, []],
  ])("%s", (_, over, expected) => {
    expect(dueItems(kase(over), now, TZ, rules).map((d) => [d.kind, d.lateDays])).toEqual(expected);
  });
});

describe("silent cases and the one check-in", () => {
  it.each<[string, Partial<MonitoredCase>, number | null, boolean]>([
    ["in touch 3 days ago", {}, null, false],
    ["27 days: not yet silent", { lastContactAt: daysAgo(27) }, null, false],
    ["28 days: silent, check in", { lastContactAt: daysAgo(28) }, 28, true],
    [
      "never in touch since acceptance 30 days ago",
      { lastContactAt: null, startedAt: daysAgo(30) },
      30,
      true,
    ],
    [
      "already checked in during this silence",
      { lastContactAt: daysAgo(40), silentCheckInAt: daysAgo(5) },
      40,
      false,
    ],
    [
      "checked in during an earlier silence, then a contact, now silent again",
      { lastContactAt: daysAgo(30), silentCheckInAt: daysAgo(60) },
      30,
      true,
    ],
    ["closed", { phase: "closed", lastContactAt: daysAgo(90) }, null, false],
  ])("%s", (_, over, days, checkIn) => {
    const c = kase(over);
    expect(silentDays(c, now, rules)).toBe(days);
    expect(shouldCheckIn(c, now, rules)).toBe(checkIn);
  });
});

describe("planDigests", () => {
  const staff: StaffLike[] = [
    { id: "cm-a", agencyId: "city", active: true, supervises: [] },
    { id: "cm-b", agencyId: "drk", active: true, supervises: [] },
    { id: "cm-c", agencyId: "drk", active: true, supervises: [] },
    { id: "lead-city", agencyId: "city", active: true, supervises: "all" },
    { id: "lead-drk", agencyId: "drk", active: true, supervises: ["drk"] },
    { id: "cm-gone", agencyId: "city", active: false, supervises: [] },
  ];
  const cases: MonitoredCase[] = [
    kase({ id: "a1", cmId: "cm-a", nextContactAt: daysAgo(2) }),
    kase({ id: "a2", cmId: "cm-a", lastContactAt: daysAgo(45) }),
    kase({ id: "b1", cmId: "cm-b", nextContactAt: at("2026-12-07T15:00:00Z") }),
    kase({ id: "c1", cmId: "cm-c" }),
  ];
  const referrals: ChaseItem[] = [
    {
      id: "r1",
      caseId: "c1",
      referenceCode: "K-1",
      partnerId: "jobcenter",
      status: "sent",
      expectedBy: daysAgo(3),
      chasedAt: null,
    },
  ];
  const plan = (absences: AbsenceLike[] = []) =>
    planDigests({ cases, referrals, staff, absences, now, timeZone: TZ, rules });
  const byId = (absences: AbsenceLike[] = []) => new Map(plan(absences).map((d) => [d.recipientId, d]));

  it("gives each case manager their own items and leads their team's counts", () => {
    const d = byId();
    expect(d.get("cm-a")?.own.overdue.map((x) => x.caseId)).toEqual(["a2", "a1"]);
    expect(d.get("cm-a")?.own.silent.map((x) => x.caseId)).toEqual(["a2"]);
    expect(d.get("cm-b")?.own.dueToday.map((x) => x.caseId)).toEqual(["b1"]);
    expect(d.get("cm-c")?.own.toChase.map((x) => x.id)).toEqual(["r1"]);
    // the municipal lead sees all agencies, the DRK lead only DRK; only CMs with something overdue/silent
    expect(d.get("lead-city")?.team).toEqual([{ cmId: "cm-a", overdue: 2, silent: 1 }]);
    expect(d.has("lead-drk")).toBe(false);
    expect(d.has("cm-gone")).toBe(false);
  });

  it("sends the absent CM's items to the deputy while the absence lasts, and to nobody else", () => {
    const absence = { cmId: "cm-a", deputyId: "cm-b", from: daysAgo(1), to: at("2026-12-10T00:00:00Z") };
    const d = byId([absence]);
    expect(d.has("cm-a")).toBe(false);
    expect(d.get("cm-b")?.deputising.map((x) => [x.forCmId, x.section.overdue.length])).toEqual([
      ["cm-a", 2],
    ]);
    expect(d.get("cm-c")?.deputising).toEqual([]);
    // the lead still sees the absent colleague's overdue cases
    expect(d.get("lead-city")?.team.map((l) => l.cmId)).toEqual(["cm-a"]);
  });

  it("returns everything to the case manager when the absence has ended", () => {
    const ended = { cmId: "cm-a", deputyId: "cm-b", from: daysAgo(10), to: daysAgo(1) };
    const d = byId([ended]);
    expect(d.get("cm-a")?.own.overdue).toHaveLength(2);
    expect(d.get("cm-b")?.deputising).toEqual([]);
  });

  it("hands the items to the supervising lead when the deputy is away too (staff/notice-routing.ts)", () => {
    const until = at("2026-12-10T00:00:00Z");
    const d = byId([
      { cmId: "cm-a", deputyId: "cm-b", from: daysAgo(1), to: until },
      { cmId: "cm-b", deputyId: null, from: daysAgo(1), to: until },
    ]);
    expect(d.has("cm-a")).toBe(false);
    expect(d.has("cm-b")).toBe(false);
    expect(d.get("lead-city")?.deputising.map((x) => [x.forCmId, x.section.overdue.length])).toEqual([
      ["cm-a", 2],
    ]);
  });

  it("keeps an absent CM without a deputy out of the digests but in the lead's counts", () => {
    const d = byId([{ cmId: "cm-a", deputyId: null, from: daysAgo(1), to: at("2026-12-10T00:00:00Z") }]);
    expect(d.has("cm-a")).toBe(false);
    expect([...d.values()].some((x) => x.deputising.length > 0)).toBe(false);
    expect(d.get("lead-city")?.team).toHaveLength(1);
  });

  it.each([
    ["cm-a", [], ["cm-a"]],
    [
      "cm-b",
      [{ cmId: "cm-a", deputyId: "cm-b", from: daysAgo(1), to: at("2026-12-10T00:00:00Z") }],
      ["cm-a", "cm-b"],
    ],
    ["cm-b", [{ cmId: "cm-a", deputyId: "cm-b", from: daysAgo(9), to: daysAgo(1) }], ["cm-b"]],
    ["lead-drk", [], ["cm-b", "cm-c", "lead-drk"]],
    ["lead-city", [], staff.map((s) => s.id)],
    ["unknown", [], ["unknown"]],
  ] as [string, AbsenceLike[], string[]][])(
    "scopes %s's digest to the right case managers",
    (who, absences, want) => {
      expect([...digestScope(who, staff, absences, now)].sort()).toEqual([...want].sort());
      // and the digest planned from only those cases is the one planned from all of them
      const scope = digestScope(who, staff, absences, now);
      const scoped = planDigests({
        cases: cases.filter((c) => scope.has(c.cmId)),
        referrals: referrals.filter((r) => cases.some((c) => c.id === r.caseId && scope.has(c.cmId))),
        staff,
        absences,
        now,
        timeZone: TZ,
        rules,
      }).find((d) => d.recipientId === who);
      expect(scoped).toEqual(plan(absences).find((d) => d.recipientId === who));
    },
  );
});
