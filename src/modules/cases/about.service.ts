// What the intake asks about the person (country of origin, residence status category, year of
// arrival), filled in or corrected by the case manager from the case file: codes only, validated
// here, authorized by the one rule, one transaction with a CaseEvent that names the fields set, not
// their values, and the Slack view's idempotency key.
import { ARRIVAL_YEAR_MIN, RESIDENCE_STATUSES } from "../intake/answers.ts";
import { isCountryCode } from "../intake/countries.ts";
import { caseAccess } from "./casework.parts.ts";
import type { CaseworkRepository } from "./casework.repository.ts";
import type { Outcome } from "./casework.ts";
import { type Actor, actorString } from "./phases.ts";

export type AboutField = "country" | "status" | "year";
export interface AboutInput {
  originCountry: string | null;
  residenceStatus: string | null;
  arrivalYear: number | null;
  idempotencyKey?: string;
}

export class AboutService {
  constructor(private readonly deps: { repo: CaseworkRepository; now: () => Date }) {}

  /**
   * Country of origin, residence status category and year of arrival, as the case manager fills them
   * in (existing clients were never asked; a person may have skipped). Codes only, validated here; an
   * empty field clears. A year given replaces an "earlier than" answer of the intake.
   */
  async set(caseId: string, actor: Actor, input: AboutInput): Promise<Outcome<AboutField>> {
    const now = this.deps.now();
    const errors: Partial<Record<AboutField, string>> = {};
    if (input.originCountry !== null && !isCountryCode(input.originCountry))
      errors.country = "unknown_country";
    if (
      input.residenceStatus !== null &&
      !(RESIDENCE_STATUSES as readonly string[]).includes(input.residenceStatus)
    )
      errors.status = "invalid";
    if (
      input.arrivalYear !== null &&
      (!Number.isInteger(input.arrivalYear) ||
        input.arrivalYear < ARRIVAL_YEAR_MIN ||
        input.arrivalYear > now.getUTCFullYear())
    )
      errors.year = "year_range";
    if (Object.keys(errors).length) return { ok: false, code: "invalid", errors };
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.work");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    return this.deps.repo.transaction(async (repo): Promise<Outcome<AboutField>> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
        return { ok: true, duplicate: true };
      await repo.setClientAbout(kase.clientId, {
        originCountry: input.originCountry,
        residenceStatus: input.residenceStatus,
        arrivalYear: input.arrivalYear,
        ...(input.arrivalYear !== null ? { arrivedBefore: null } : {}),
      });
      // the event says which fields were set, not their values (the history is shown to the team)
      await repo.record(
        { id: caseId, clientId: kase.clientId },
        {
          kind: "client.about_set",
          actor: actorString(actor),
          at: now,
          data: {
            country: input.originCountry !== null,
            status: input.residenceStatus !== null,
            year: input.arrivalYear !== null,
          },
        },
      );
      return { ok: true };
    });
  }
}
