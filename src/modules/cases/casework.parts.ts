// Steps the case-work use cases share (casework.service.ts, conference.service.ts,
// case-file.service.ts): asking the one authorization rule for a case, the phases in which the case
// work runs, and storing a goal with its event — so each rule and each write exists once.
import type { FieldCipher } from "../../privacy/crypto.ts";
import { UUID } from "../kernel/ids.ts";
import type { CaseworkRepository, LockedCase } from "./casework.repository.ts";
import type { GoalValue } from "./casework.ts";
import { type Actor, GOAL_PHASES, mayOnCase } from "./phases.ts";

/** Phases of the case work proper: from the first consultation until closure. */
export const OPEN_WORK: readonly string[] = ["first_consultation", ...GOAL_PHASES];

export type CaseAction = "case.read" | "case.work" | "case.close";

/** The one rule on one case: null when there is no such case (or the id is not one), else its answer. */
export async function caseAccess(
  repo: Pick<CaseworkRepository, "scope">,
  caseId: string,
  actor: Actor,
  action: CaseAction,
) {
  if (!UUID.test(caseId)) return null;
  const scope = await repo.scope(caseId);
  if (!scope) return null;
  return { scope, ok: mayOnCase(actor, action, scope) };
}

/** Stores a checked goal (text and steps encrypted) and its `goal.added` event; returns its id. */
export async function storeGoal(
  repo: CaseworkRepository,
  cipher: FieldCipher,
  kase: Pick<LockedCase, "id" | "clientId">,
  g: GoalValue,
  e: { actor: string; at: Date; data?: Record<string, string> },
): Promise<string> {
  const { id } = await repo.createGoal({
    caseId: kase.id,
    text: cipher.encrypt(g.text),
    area: g.area,
    steps: g.steps ? cipher.encrypt(g.steps) : null,
    responsible: g.responsible,
    partnerId: g.partnerId,
    dueDate: g.dueDate,
    createdAt: e.at,
  });
  await repo.record(kase, {
    kind: "goal.added",
    actor: e.actor,
    at: e.at,
    data: { goalId: id, area: g.area, responsible: g.responsible, partnerId: g.partnerId, ...e.data },
  });
  return id;
}
