// The query behind stopCaseManagement (withdrawal.ts): which cases a withdrawal of case_management closes.
import type { Db } from "../../db/client.ts";

/** The handle stopCaseManagement passes through to this query. */
export type WithdrawalDb = Db;

/** The client's cases that are not closed yet, with their case manager (who gets told). */
export function openCasesOfClient(
  db: WithdrawalDb,
  clientId: string,
): Promise<{ id: string; cmId: string | null }[]> {
  return db.case.findMany({
    where: { clientId, phase: { not: "closed" } },
    select: { id: true, cmId: true },
  });
}
