// Who receives the staff notices meant for a case manager at `now`: the one rule every sender uses
// (appointment DMs, privacy notices, the deputy's copy of client messages, the daily digest).
import { describe, expect, it } from "vitest";
import {
  type NoticeRoute,
  noticeRecipient,
  type RoutingAbsence,
  type RoutingStaff,
} from "../../src/modules/staff/notice-routing.ts";

const now = new Date("2026-12-07T09:00:00Z");
const DAY = 86_400_000;
const days = (n: number) => new Date(now.getTime() + n * DAY);

const staff: RoutingStaff[] = [
  { id: "anna", agencyId: "awo", active: true, supervises: [] },
  { id: "ben", agencyId: "awo", active: true, supervises: [] },
  { id: "gone", agencyId: "awo", active: false, supervises: [] },
  { id: "lead-awo", agencyId: "awo", active: true, supervises: ["awo"] },
  { id: "lead-city", agencyId: "city", active: true, supervises: "all" },
  { id: "lead-drk", agencyId: "drk", active: true, supervises: ["drk"] },
  { id: "dora", agencyId: "drk", active: true, supervises: [] },
];
const away = (cmId: string, deputyId: string | null, from = days(-1), to = days(2)): RoutingAbsence => ({
  cmId,
  deputyId,
  from,
  to,
});

describe("noticeRecipient", () => {
  it.each<[string, string, RoutingAbsence[], NoticeRoute, RoutingStaff[]?]>([
    ["no absence: the case manager", "anna", [], { via: "own", to: "anna" }],
    [
      "absence without deputy: held with the absent case manager",
      "anna",
      [away("anna", null)],
      { via: "held", to: "anna", forCmId: "anna" },
    ],
    [
      "active deputy: the deputy",
      "anna",
      [away("anna", "ben")],
      { via: "deputy", to: "ben", forCmId: "anna" },
    ],
    [
      "deputy inactive: the lead of the agency",
      "anna",
      [away("anna", "gone")],
      { via: "lead", to: "lead-awo", forCmId: "anna" },
    ],
    [
      "ended absence: back to the case manager",
      "anna",
      [away("anna", "ben", days(-9), days(-1))],
      { via: "own", to: "anna" },
    ],
    [
      "absence ending exactly now: back",
      "anna",
      [away("anna", "ben", days(-3), now)],
      { via: "own", to: "anna" },
    ],
    [
      "absence starting later: the case manager",
      "anna",
      [away("anna", "ben", days(1), days(5))],
      { via: "own", to: "anna" },
    ],
    [
      "absence starting exactly now: the deputy",
      "anna",
      [away("anna", "ben", now, days(5))],
      { via: "deputy", to: "ben", forCmId: "anna" },
    ],
    [
      "deputy absent too: the lead of the agency, not the deputy's deputy",
      "anna",
      [away("anna", "ben"), away("ben", "dora")],
      { via: "lead", to: "lead-awo", forCmId: "anna" },
    ],
    [
      "deputy and agency lead absent: the municipal lead",
      "anna",
      [away("anna", "ben"), away("ben", null), away("lead-awo", null)],
      { via: "lead", to: "lead-city", forCmId: "anna" },
    ],
    [
      "deputy absent and no lead present: held with the case manager",
      "dora",
      [away("dora", "anna"), away("anna", null), away("lead-drk", null), away("lead-city", null)],
      { via: "held", to: "dora", forCmId: "dora" },
    ],
    [
      "a welfare lead of another agency is never chosen",
      "dora",
      [away("dora", "gone"), away("lead-drk", null), away("lead-city", null)],
      { via: "held", to: "dora", forCmId: "dora" },
    ],
    [
      "overlapping absences: the latest started one naming a deputy",
      "anna",
      [
        away("anna", "dora", days(-5), days(5)),
        away("anna", "ben", days(-1), days(1)),
        away("anna", null, days(-0.5), days(1)),
      ],
      { via: "deputy", to: "ben", forCmId: "anna" },
    ],
    [
      "a deputy named on their own absence counts as none",
      "anna",
      [away("anna", "anna")],
      { via: "held", to: "anna", forCmId: "anna" },
    ],
    [
      "case manager who left the organisation: their lead",
      "gone",
      [],
      { via: "lead", to: "lead-awo", forCmId: "gone" },
    ],
    ["a lead's own notices while present: themself", "lead-awo", [], { via: "own", to: "lead-awo" }],
    [
      "an absent lead with a deputy: the deputy",
      "lead-awo",
      [away("lead-awo", "ben")],
      { via: "deputy", to: "ben", forCmId: "lead-awo" },
    ],
    [
      "an absent lead whose deputy is away: the municipal lead, never themself",
      "lead-awo",
      [away("lead-awo", "ben"), away("ben", null)],
      { via: "lead", to: "lead-city", forCmId: "lead-awo" },
    ],
    ["an unknown id: to that id (the sender finds nobody)", "nobody", [], { via: "own", to: "nobody" }],
  ])("%s", (_, cmId, absences, want, people = staff) => {
    expect(noticeRecipient(cmId, people, absences, now)).toEqual(want);
  });
});
