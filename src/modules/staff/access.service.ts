// The single authorization call every Slack action, view and case service makes before it touches a
// case: actor (by Slack user, by case-manager id, or already loaded) × action × case or appointment.
// It loads the facts through the repository and asks the pure rule in authorize.ts.
import type { AccessRepository } from "./access.repository.ts";
import {
  type AuthDecision,
  type AuthRefusal,
  type AuthVia,
  authorize,
  type CaseAction,
  type CaseScope,
  type StaffActor,
} from "./authorize.ts";

export type AccessReader = Pick<
  AccessRepository,
  "actorBySlackUser" | "actorById" | "caseScope" | "caseIdOfAppointment"
>;

export type AccessResult =
  | {
      ok: true;
      actor: StaffActor;
      scope: CaseScope;
      caseId: string;
      via: AuthVia;
    }
  | { ok: false; code: AuthRefusal | "not_found"; actor: StaffActor | null };

/** The single check: actor (by Slack user or case-manager id) × action × case (or appointment). */
export class CaseAccess {
  constructor(
    private readonly repo: AccessReader,
    private readonly now: () => Date,
  ) {}

  actor(who: { slackUserId: string } | { cmId: string }): Promise<StaffActor | null> {
    return "slackUserId" in who
      ? this.repo.actorBySlackUser(who.slackUserId, this.now())
      : this.repo.actorById(who.cmId, this.now());
  }

  async check(
    who: { slackUserId: string } | { cmId: string } | StaffActor,
    action: CaseAction,
    target: { caseId: string } | { appointmentId: string },
  ): Promise<AccessResult> {
    const actor = "deputyFor" in who ? who : await this.actor(who);
    const caseId =
      "caseId" in target ? target.caseId : await this.repo.caseIdOfAppointment(target.appointmentId);
    if (!actor?.active) return { ok: false, code: "unknown_staff", actor: null };
    const scope = caseId ? await this.repo.caseScope(caseId) : null;
    if (!caseId || !scope) return { ok: false, code: "not_found", actor };
    const d: AuthDecision = authorize(actor, action, scope);
    return d.ok ? { ok: true, actor, scope, caseId, via: d.via } : { ok: false, code: d.code, actor };
  }
}
