// Who reads a client's free text (issue 13.4): the case manager once one accepted the case; while the
// case still waits for one (or an offer is pending), the first-contact team of the case's region, when
// the org file names its channel; otherwise nobody, and the client gets the ordinary answer.
import type { CasePhase } from "../kernel/enums.ts";

/** Phases in which a case manager has accepted the case and can read a message. */
export const WITH_CASE_MANAGER: readonly CasePhase[] = [
  "first_consultation",
  "assessment",
  "goal_agreement",
  "service_steering",
  "reassessment",
];

/** Phases before acceptance: nobody is responsible for the case yet. */
export const BEFORE_ACCEPTANCE: readonly CasePhase[] = ["waiting", "pending_acceptance"];

export type MessageRoute =
  | { to: "case_manager" }
  | { to: "first_contact"; channel: string }
  | { to: "nobody" };

export interface RouteInput {
  phase: CasePhase;
  cmId: string | null;
  regionId: string;
}

export function routeClientMessage(
  k: RouteInput,
  regions: readonly { id: string; firstContactChannel?: string | undefined }[],
): MessageRoute {
  if (WITH_CASE_MANAGER.includes(k.phase) && k.cmId) return { to: "case_manager" };
  if (!BEFORE_ACCEPTANCE.includes(k.phase)) return { to: "nobody" };
  const channel = regions.find((r) => r.id === k.regionId)?.firstContactChannel;
  return channel ? { to: "first_contact", channel } : { to: "nobody" };
}
