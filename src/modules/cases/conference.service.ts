// Records a case conference (issue 11.7) on a case in work: checked by conference.ts, authorized by
// the one rule (case.work), one transaction with the conference, the optional first goal, a CaseEvent
// and an audit entry (ids and codes only), and the Slack view's idempotency key, so a retry stores
// nothing twice. Partner offices at the table need the client's release, read inside the transaction.
import type { FieldCipher } from "../../privacy/crypto.ts";
import { caseAccess, OPEN_WORK, storeGoal } from "./casework.parts.ts";
import type { CaseworkRepository } from "./casework.repository.ts";
import type { Outcome } from "./casework.ts";
import { type ConferenceField, type ConferenceInput, checkConference } from "./conference.ts";
import { type Actor, actorString } from "./phases.ts";

export interface ConferenceDeps {
  repo: CaseworkRepository;
  cipher: FieldCipher;
  partners: ReadonlySet<string>;
  now: () => Date;
}

export class ConferenceService {
  constructor(private readonly deps: ConferenceDeps) {}

  async record(
    caseId: string,
    actor: Actor,
    input: ConferenceInput & { idempotencyKey?: string },
  ): Promise<Outcome<ConferenceField>> {
    const auth = await caseAccess(this.deps.repo, caseId, actor, "case.work");
    if (!auth) return { ok: false, code: "not_found" };
    if (!auth.ok) return { ok: false, code: "not_responsible" };
    const now = this.deps.now();
    const who = actorString(actor);
    return this.deps.repo.transaction(async (repo): Promise<Outcome<ConferenceField>> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      if (input.idempotencyKey && (await repo.seen(input.idempotencyKey)))
        return { ok: true, duplicate: true };
      if (!OPEN_WORK.includes(kase.phase)) return { ok: false, code: "wrong_phase" };
      const checked = checkConference(
        // the one recording it was there
        { ...input, staffIds: actor.kind === "cm" ? [actor.staff.id, ...input.staffIds] : input.staffIds },
        {
          now,
          staff: await repo.activeStaffIds(),
          partners: this.deps.partners,
          covered: await repo.releasedTo(kase.clientId),
        },
      );
      if (!checked.ok) return { ok: false, code: "invalid", errors: checked.errors };
      if (input.idempotencyKey && !(await repo.claim(input.idempotencyKey, now)))
        return { ok: true, duplicate: true };
      const v = checked.value;
      const conf = await repo.createConference({
        caseId,
        heldAt: v.heldOn,
        participants: v.participants,
        topics: v.topics,
        decisions: v.decisions ? this.deps.cipher.encrypt(v.decisions) : null,
        createdBy: who,
        createdAt: now,
      });
      // the goal's own event names the conference it came from
      const goalId = v.goal
        ? await storeGoal(repo, this.deps.cipher, kase, v.goal, {
            actor: who,
            at: now,
            data: { conferenceId: conf.id },
          })
        : null;
      const partners = v.participants.flatMap((p) => (p.kind === "partner" ? [p.partnerId] : []));
      await repo.record(
        { id: caseId, clientId: kase.clientId },
        {
          kind: "conference.recorded",
          actor: who,
          at: now,
          data: {
            conferenceId: conf.id,
            heldOn: v.heldOn.toISOString().slice(0, 10),
            staff: v.participants.filter((p) => p.kind === "staff").length,
            partners,
            topics: v.topics,
            goalId,
          },
        },
      );
      return { ok: true, id: conf.id };
    });
  }
}
