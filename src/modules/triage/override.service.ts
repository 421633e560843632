// A team lead, a coordinator or the case manager re-routes a triage outcome (override.ts decides
// whether and what it does). One transaction: the outcome is updated (the first decision is kept in
// `breakdown.original`), the case and the wait-list entry follow the new route, a CaseEvent
// `triage.overridden` (when there is a case) and an AuditLog row record from/to and the reason code.
// The staff note is stored only in that event, encrypted and bound to its row. Idempotent on the
// caller's key (the Slack view id). After the commit it does what the triage path does: tell the
// client (the referral message, or where they stand on the wait list), offer the case, and refresh
// the wait list so every waiting client hears their new position.
import { randomUUID } from "node:crypto";
import type { Logger } from "../../lib/logger.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import { UUID } from "../kernel/ids.ts";
import type { JobSink } from "../matching/deps.ts";
import { authorize, type StaffActor } from "../staff/authorize.ts";
import type { OverrideData, OverrideSubject, TriageOverrideRepository } from "./override.repository.ts";
import { decideOverride, type OverrideChange, type OverrideField, type OverrideRequest } from "./override.ts";
import type { TriageService } from "./triage.service.ts";

export interface OverrideDeps {
  repo: TriageOverrideRepository;
  cipher: FieldCipher;
  /** the triage path's client messages and offer, reused */
  triage: Pick<TriageService, "announceReferral" | "announceWaitlisted">;
  jobs: Pick<JobSink, "enqueue">;
  /** ids of the organisation file's referralTargets */
  referralTargets: ReadonlySet<string>;
  log: Pick<Logger, "warn">;
  now: () => Date;
}

export type OverrideResult =
  | { ok: true; duplicate?: true; change?: OverrideChange; caseId?: string | null }
  | { ok: false; code: "not_found" | "not_responsible" | "not_triaged" }
  | { ok: false; code: "invalid"; errors: Partial<Record<OverrideField, string>> };

export interface OverrideSummary {
  intakeId: string;
  referenceCode: string;
  route: string;
  referralTarget: string | null;
  urgent: boolean;
  priority: number;
  hasCase: boolean;
}

interface Applied {
  change: OverrideChange;
  subject: OverrideSubject;
  caseId: string | null;
  entryId: string | null;
  eventId: string;
}

export class TriageOverrideService {
  constructor(private readonly deps: OverrideDeps) {}

  /** The intake of a reference code ("/kim triage BI-…"), or null. */
  intakeIdOf(referenceCode: string): Promise<string | null> {
    return this.deps.repo.intakeIdByReference(referenceCode.trim().toUpperCase());
  }

  /** The intake of a case (the case file's button), or null. */
  intakeIdOfCase(caseId: string): Promise<string | null> {
    return UUID.test(caseId) ? this.deps.repo.intakeIdOfCase(caseId) : Promise.resolve(null);
  }

  /** What the modal shows, after the same authorization as the change itself. */
  async summary(
    intakeId: string,
    actor: StaffActor,
  ): Promise<OverrideSummary | { error: "not_found" | "not_responsible" | "not_triaged" }> {
    const auth = await this.authorized(this.deps.repo, intakeId, actor);
    if (auth) return { error: auth };
    const s = await this.deps.repo.subject(intakeId);
    if (!s) return { error: "not_triaged" };
    return {
      intakeId,
      referenceCode: s.intake.referenceCode,
      route: s.state.route,
      referralTarget: s.state.referralTarget,
      urgent: s.state.urgent,
      priority: s.state.priority,
      hasCase: s.caseId !== null,
    };
  }

  async override(
    intakeId: string,
    actor: StaffActor,
    req: OverrideRequest & { idempotencyKey?: string },
  ): Promise<OverrideResult> {
    const now = this.deps.now();
    const key = req.idempotencyKey;
    const applied = await this.deps.repo.transaction(async (repo): Promise<OverrideResult | Applied> => {
      if (!UUID.test(intakeId) || !(await repo.lockIntake(intakeId))) return { ok: false, code: "not_found" };
      if (key && (await repo.seen(key))) return { ok: true, duplicate: true };
      const refused = await this.authorized(repo, intakeId, actor);
      if (refused) return { ok: false, code: refused };
      const subject = await repo.subject(intakeId);
      if (!subject) return { ok: false, code: "not_triaged" };
      const d = decideOverride(subject.state, req, this.deps.referralTargets);
      if (!d.ok) return { ok: false, code: "invalid", errors: d.problems };
      if (key && !(await repo.claim(key, now))) return { ok: true, duplicate: true };
      return this.apply(repo, subject, d.change, actor, now);
    });
    if ("ok" in applied) return applied;
    await this.after(applied, now);
    return { ok: true, change: applied.change, caseId: applied.caseId };
  }

  private async authorized(
    repo: Pick<TriageOverrideRepository, "scope">,
    intakeId: string,
    actor: StaffActor,
  ): Promise<"not_found" | "not_responsible" | null> {
    const found = UUID.test(intakeId) ? await repo.scope(intakeId) : null;
    if (!found) return "not_found";
    return authorize(actor, "case.triage", found.scope).ok ? null : "not_responsible";
  }

  private async apply(
    repo: TriageOverrideRepository,
    s: OverrideSubject,
    c: OverrideChange,
    actor: StaffActor,
    now: Date,
  ): Promise<Applied> {
    const from = s.state;
    let caseId = s.caseId;
    let entryId = s.entryId;
    const fromPhase = from.case?.phase ?? null;
    const entry = { basePriority: c.priority, urgent: c.urgent };
    if (c.effect === "open_case" || c.effect === "reopen_case") {
      if (c.effect === "open_case") {
        const region = (await repo.regionOfDistrict(s.intake.districtId)) ?? "unknown";
        caseId = await repo.openCase(s, region, now);
      } else await repo.reopenCase(caseId!);
      // the wait counts from the intake: the client was not at fault for the first route
      entryId = await repo.enterWaitlist(s, { ...entry, enqueuedAt: s.submittedAt });
    }
    if (c.effect === "withdraw") {
      await repo.leaveWaitlist(entryId!, now);
      await repo.closeAsReferred(caseId!, now);
    }
    if (c.effect === "reorder" && entryId && from.waiting) await repo.reorder(entryId, entry);

    const original = s.breakdown.original ?? {
      route: from.route,
      referralTarget: from.referralTarget,
      urgent: from.urgent,
      priority: from.priority,
    };
    await repo.updateOutcome(s.outcomeId, {
      route: c.route,
      referralTarget: c.referralTarget,
      priority: c.priority,
      breakdown: { ...s.breakdown, urgent: c.urgent, original, overriddenAt: now.toISOString() },
    });
    const codes = {
      fromRoute: from.route,
      toRoute: c.route,
      fromTarget: from.referralTarget,
      toTarget: c.referralTarget,
      fromUrgent: from.urgent,
      toUrgent: c.urgent,
      fromPriority: from.priority,
      toPriority: c.priority,
      reason: c.reason,
      effect: c.effect,
    };
    const by = `cm:${actor.id}`;
    const eventId = randomUUID();
    if (caseId) {
      const toPhase = c.effect === "withdraw" ? "closed" : c.effect.endsWith("_case") ? "waiting" : fromPhase;
      // the note is bound to its event row (v2, crypto.ts): a copy elsewhere does not verify
      const note: OverrideData = c.note
        ? {
            reasonEnc: this.deps.cipher.encrypt(c.note, {
              table: "CaseEvent",
              column: "data.reasonEnc",
              row: eventId,
            }),
          }
        : {};
      await repo.event(
        {
          id: eventId,
          caseId,
          fromPhase: fromPhase ?? "none",
          toPhase: toPhase ?? "waiting",
          actor: by,
          at: now,
        },
        { ...codes, ...note },
      );
    }
    await repo.audit(
      { actor: by, caseId, clientId: s.intake.clientId, at: now },
      {
        ...codes,
        intakeId: s.intake.id,
        noteGiven: c.note !== null,
        noteStored: c.note !== null && !!caseId,
      },
    );
    return { change: c, subject: s, caseId, entryId, eventId };
  }

  private async after(a: Applied, now: Date): Promise<void> {
    const { change: c, subject: s } = a;
    const key = `triage.override.${a.eventId}`;
    if (c.route === "referral" && (c.effect === "withdraw" || c.referralTarget !== s.state.referralTarget))
      await this.deps.triage.announceReferral(
        { intakeId: s.intake.id, targetId: c.referralTarget ?? "unknown", reasonCode: c.reason },
        key,
      );
    if ((c.effect === "open_case" || c.effect === "reopen_case") && a.caseId && a.entryId)
      await this.deps.triage.announceWaitlisted(
        { intakeId: s.intake.id, caseId: a.caseId, entryId: a.entryId },
        now,
        { key, attempt: s.assignments },
      );
    if (c.effect !== "record")
      await this.deps.jobs
        .enqueue("waitlist.refresh", { at: now.getTime() })
        .catch((e: unknown) =>
          this.deps.log.warn({ err: (e as Error).name }, "wait-list refresh not queued"),
        );
  }
}
