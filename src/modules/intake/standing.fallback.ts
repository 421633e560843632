// A StandingSource good enough for /status until the wait-list module provides the real one: it reads
// only what the intake, triage and case tables say (no ETA: that needs the wait-list's model).
import type { Standing, StandingSource } from "../status/standing.ts";
import type { IntakeRepository, StandingFacts } from "./intake.repository.ts";

export function standingFromFacts(f: StandingFacts): Standing {
  const i = f.intake;
  if (!i) return { kind: "none", intakeInProgress: f.intakeInProgress };
  const referenceCode = i.referenceCode;
  if (i.case) {
    if (i.case.phase === "closed") return { kind: "closed", referenceCode };
    if (i.case.phase === "pending_acceptance") return { kind: "pending", referenceCode };
    if (i.case.phase !== "waiting" && i.case.cmName)
      return {
        kind: "assigned",
        referenceCode,
        cmFirstName: i.case.cmName.split(/\s+/)[0]!,
        agencyName: i.case.agencyName ?? "",
      };
  }
  if (i.withdrawn) return { kind: "closed", referenceCode };
  if (i.triage?.route === "referral")
    return {
      kind: "referral",
      referenceCode,
      targetId: i.triage.referralTarget ?? "",
      reasonCode: i.triage.reasonCode,
    };
  if (i.waiting)
    return {
      kind: "waiting",
      referenceCode,
      position: i.waiting.position,
      total: i.waiting.total,
      etaDays: null,
    };
  return { kind: "submitted", referenceCode };
}

export class FallbackStandingSource implements StandingSource {
  constructor(private readonly intakes: IntakeRepository) {}

  async standingOf(clientId: string, _now: Date): Promise<Standing> {
    return standingFromFacts(await this.intakes.standingFacts(clientId));
  }
}
