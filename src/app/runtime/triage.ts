// Builds the staff triage override (src/modules/triage/override.service.ts) from the running system's
// context, reusing the matching services' triage path for the client messages and the offer.
import { TriageOverrideRepository } from "../../modules/triage/override.repository.ts";
import { TriageOverrideService } from "../../modules/triage/override.service.ts";
import type { AppContext } from "../feature.ts";
import type { MatchingServices } from "./matching.ts";

export const triageOverrideOf = (ctx: AppContext, services: MatchingServices): TriageOverrideService =>
  new TriageOverrideService({
    repo: new TriageOverrideRepository(ctx.db),
    cipher: ctx.cipher,
    triage: services.triage,
    jobs: ctx.producer,
    referralTargets: new Set(ctx.org.referralTargets.map((p) => p.id)),
    log: ctx.log,
    now: ctx.now,
  });
