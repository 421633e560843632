// Who reads a client's free text: the case manager after acceptance, the region's first-contact team
// before it (only where the org file names its channel), nobody otherwise.
import { describe, expect, it } from "vitest";
import {
  type MessageRoute,
  type RouteInput,
  routeClientMessage,
} from "../../src/modules/cases/first-contact.ts";

const regions = [{ id: "nord", firstContactChannel: "C0NORD001" }, { id: "sued" }];

const cases: [string, RouteInput, MessageRoute][] = [
  [
    "waiting, region with a channel",
    { phase: "waiting", cmId: null, regionId: "nord" },
    { to: "first_contact", channel: "C0NORD001" },
  ],
  [
    "pending acceptance (cm offered, not accepted)",
    { phase: "pending_acceptance", cmId: "cm-1", regionId: "nord" },
    { to: "first_contact", channel: "C0NORD001" },
  ],
  ["waiting, region without a channel", { phase: "waiting", cmId: null, regionId: "sued" }, { to: "nobody" }],
  [
    "waiting, region unknown to the org file",
    { phase: "waiting", cmId: null, regionId: "gone" },
    { to: "nobody" },
  ],
  [
    "accepted: the case manager",
    { phase: "first_consultation", cmId: "cm-1", regionId: "nord" },
    { to: "case_manager" },
  ],
  [
    "later phase: the case manager",
    { phase: "service_steering", cmId: "cm-1", regionId: "sued" },
    { to: "case_manager" },
  ],
  [
    "accepted phase without a case manager: nobody",
    { phase: "assessment", cmId: null, regionId: "nord" },
    { to: "nobody" },
  ],
  ["closed: nobody", { phase: "closed", cmId: "cm-1", regionId: "nord" }, { to: "nobody" }],
];

describe("routeClientMessage", () => {
  it.each(cases)("%s", (_name, input, expected) => {
    expect(routeClientMessage(input, regions)).toEqual(expected);
  });
});
