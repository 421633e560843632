// The assignment decision row written on its own: when no candidate is found (an offer writes its
// decision inside the one offer statement, see assignment.service.ts).
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { DecisionRecord } from "./decision-record.ts";

/** Stores the decision record; returns its id. */
export async function recordDecision(tx: Tx, d: DecisionRecord): Promise<string> {
  const row = await tx.assignmentDecision.create({
    data: d as Prisma.AssignmentDecisionUncheckedCreateInput,
    select: { id: true },
  });
  return row.id;
}
