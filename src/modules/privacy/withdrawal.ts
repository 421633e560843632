// Withdrawn consent stops the processing at once. For slack_relay and partner_sharing the check at
// processing time (ConsentGuard / hasConsent) is enough. Withdrawing case_management ends the case
// management itself: call `stopCaseManagement` right after ConsentRepository.withdrawCaseManagement
// (src/telegram/features/consent.ts). It closes the client's open cases with reason "withdrawn"
// (CaseEvent + AuditLog, pending offer revoked, future appointments cancelled, wait-list entry
// withdrawn, slot freed → matching.pull) and tells each case manager (slack.deliver notice
// "withdrawn:<caseId>").
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import type { CaseLifecycleService } from "../cases/lifecycle.service.ts";
import { noticeRef } from "./notices.ts";
import { openCasesOfClient, type WithdrawalDb } from "./withdrawal.repository.ts";

export async function stopCaseManagement(
  deps: {
    db: WithdrawalDb;
    lifecycle: Pick<CaseLifecycleService, "move">;
    jobs: Pick<Producer<Jobs>, "enqueue">;
  },
  clientId: string,
): Promise<{ closed: string[] }> {
  const open = await openCasesOfClient(deps.db, clientId);
  const closed: string[] = [];
  for (const c of open) {
    const r = await deps.lifecycle.move(
      c.id,
      "closed",
      { kind: "client", clientId },
      { reason: "withdrawn" },
    );
    if (!r.ok) continue;
    closed.push(c.id);
    if (c.cmId)
      await deps.jobs.enqueue("slack.deliver", {
        kind: "notice",
        refId: noticeRef.withdrawn(c.id),
        key: `withdrawn.${c.id}`,
      });
  }
  return { closed };
}
