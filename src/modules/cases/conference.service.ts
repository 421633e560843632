// Records a case conference (issue 11.7) on a case in work: checked by conference.ts, authorized by
// the one rule (case.work), one transaction with the conference, the optional first goal, a CaseEvent
// and an audit entry (ids and codes only), and the Slack view's idempotency key, so a retry stores
// nothing twice. Partner offices at the table need the client's release, read inside the transaction.
import type { FieldCipher } from "../../privacy/crypto.ts";
import { UUID } from "../kernel/ids.ts";
import type { CaseworkRepository } from "./casework.repository.ts";
import type { Outcome } from "./casework.ts";
import { type ConferenceField, type ConferenceInput, checkConference } from "./conference.ts";
import { type Actor, actorString, GOAL_PHASES, mayOnCase } from "./phases.ts";

/** Phases in which a conference can be held: from the first consultation until closure. */
const CONFERENCE_PHASES: readonly string[] = ["first_consultation", ...GOAL_PHASES];

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
    if (!UUID.test(caseId)) return { ok: false, code: "not_found" };
    const scope = await this.deps.repo.scope(caseId);
    if (!scope) return { ok: false, code: "not_found" };
    if (!mayOnCase(actor, "case.work", scope)) return { ok: false, code: "not_responsible" };
    const now = this.deps.now();
    const who = actorString(actor);
    return this.deps.repo.transaction(async (repo): Promise<Outcome<ConferenceField>> => {
      const kase = await repo.lockCase(caseId);
      if (!kase) return { ok: false, code: "not_found" };
      if (input.idempotencyKey && (await repo.seen(input.idempotencyKey)))
        return { ok: true, duplicate: true };
      if (!CONFERENCE_PHASES.includes(kase.phase)) return { ok: false, code: "wrong_phase" };
      const states = await repo.partnerStates(kase.clientId);
      const checked = checkConference(
        // the one recording it was there
        { ...input, staffIds: actor.kind === "cm" ? [actor.staff.id, ...input.staffIds] : input.staffIds },
        {
          now,
          staff: await repo.activeStaffIds(),
          partners: this.deps.partners,
          covered: (p) => {
            const s = states.get(p);
            return !!s && s.granted && !s.withdrawnAt;
          },
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
      let goalId: string | null = null;
      if (v.goal) {
        const g = v.goal;
        goalId = (
          await repo.createGoal({
            caseId,
            text: this.deps.cipher.encrypt(g.text),
            area: g.area,
            steps: g.steps ? this.deps.cipher.encrypt(g.steps) : null,
            responsible: g.responsible,
            partnerId: g.partnerId,
            dueDate: g.dueDate,
            createdAt: now,
          })
        ).id;
      }
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
      if (goalId && v.goal)
        await repo.record(
          { id: caseId, clientId: kase.clientId },
          {
            kind: "goal.added",
            actor: who,
            at: now,
            data: {
              goalId,
              area: v.goal.area,
              responsible: v.goal.responsible,
              partnerId: v.goal.partnerId,
              conferenceId: conf.id,
            },
          },
        );
      return { ok: true, id: conf.id };
    });
  }
}
