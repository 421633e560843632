// Where a rebalancing proposal is stored; rebalance.service.ts computes it (pure proposeRebalance).
import type { Db } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { RebalanceResult } from "./rebalance.ts";

/** Stores the proposal (status open) and its audit row in one transaction; returns the proposal id. */
export async function storeProposal(
  db: Db,
  p: { createdBy: string; now: Date; result: RebalanceResult; tolerance: number },
): Promise<string> {
  const { createdBy, now, result } = p;
  const proposal = await db.$transaction(async (tx) => {
    const row = await tx.rebalanceProposal.create({
      data: {
        createdBy,
        createdAt: now,
        moves: result.moves.map((m) => ({ ...m })),
        summary: {
          before: result.before.map((r) => ({ ...r })),
          after: result.after.map((r) => ({ ...r })),
          unresolved: [...result.unresolved],
          lowerBound: result.lowerBound,
          pinnedCaseIds: [...result.pinnedCaseIds],
          tolerance: p.tolerance,
        } as unknown as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    await tx.auditLog.create({
      data: {
        actor: createdBy,
        action: "rebalance.proposed",
        at: now,
        data: { proposalId: row.id, moves: result.moves.length, unresolved: result.unresolved.length },
      },
    });
    return row;
  });
  return proposal.id;
}
