// The dispatcher as a feature: triage, assignment, wait list, and the periodic sweep.

import { QUEUES } from "../../queue/jobs.ts";
import type { AppContext, Feature } from "../feature.ts";
import { type MatchingWiring, matchingServices } from "../runtime/matching.ts";

/** Fixed id of the repeatable sweep, so restarts and several workers keep exactly one scheduler. */
export const SWEEP_SCHEDULER_ID = "matching-sweep";
export const SWEEP_EVERY_MS = 10 * 60_000;

export function matchingFeature(wiring: MatchingWiring = {}): Feature {
  return {
    name: "matching",
    jobs: (ctx: AppContext) => {
      const s = matchingServices(ctx, wiring);
      return {
        "intake.triage": (p) => s.triage.run(p.intakeId),
        "matching.assign": (p) => s.assignment.assign(p.caseId, p.trigger, { attempt: p.attempt }),
        "matching.pull": (p) => s.assignment.pull(p.reason === "sweep" ? "sweep" : "capacity_freed"),
        "matching.expire": (p) => s.assignment.expire(p.assignmentId),
        "waitlist.refresh": () => s.refresher.run(),
        "matching.sweep": () => s.sweep(),
      };
    },
    start: async (ctx: AppContext) => {
      await ctx.producer
        .queue(QUEUES.work)
        .upsertJobScheduler(
          SWEEP_SCHEDULER_ID,
          { every: SWEEP_EVERY_MS },
          { name: "matching.sweep", data: {} },
        );
      ctx.log.info({ every: SWEEP_EVERY_MS }, "matching sweep scheduled");
    },
  };
}
