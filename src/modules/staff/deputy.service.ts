// Sets or removes the deputy of an absence (the absent case manager, or a lead who supervises them):
// checked by deputy.ts, audited, and a no-op when nothing changes (Slack retries, double clicks).

import type { AbsenceRow, DeputyRepository } from "./deputy.repository.ts";
import type { DeputyProblem } from "./deputy.ts";
import { deputyProblem } from "./deputy.ts";
import type { StaffMember } from "./identity.ts";

export type SetDeputyResult =
  | { ok: true; changed: boolean; absence: AbsenceRow }
  | { ok: false; code: DeputyProblem | "no_absence" };

export class DeputyService {
  constructor(
    private readonly repo: DeputyRepository,
    private readonly now: () => Date,
  ) {}

  /** The deputy of `cmId`'s current (else next) absence; `deputyId` null takes the deputy off. */
  async setForCurrent(cmId: string, deputyId: string | null, by: StaffMember): Promise<SetDeputyResult> {
    const a = await this.repo.currentOrNext(cmId, this.now());
    if (!a) return { ok: false, code: "no_absence" };
    return this.set(a, deputyId, by);
  }

  async setOn(absenceId: string, deputyId: string | null, by: StaffMember): Promise<SetDeputyResult> {
    const a = await this.repo.absence(absenceId);
    if (!a) return { ok: false, code: "no_absence" };
    return this.set(a, deputyId, by);
  }

  private async set(a: AbsenceRow, deputyId: string | null, by: StaffMember): Promise<SetDeputyResult> {
    const now = this.now();
    const deputy = deputyId === null ? "none" : await this.repo.person(deputyId);
    const problem = deputyProblem(by, a.cm, deputy, a, now);
    if (problem) return { ok: false, code: problem };
    if (a.deputyId === deputyId) return { ok: true, changed: false, absence: a };
    await this.repo.setDeputy(a, deputyId, by.id, now);
    return { ok: true, changed: true, absence: { ...a, deputyId } };
  }
}
