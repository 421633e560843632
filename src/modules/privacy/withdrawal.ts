// Withdrawn consent stops the processing at once. For slack_relay and partner_sharing the check at
// processing time (ConsentGuard / hasConsent) is enough. Withdrawing case_management ends the case
// management itself: call `stopCaseManagement` right after ConsentRepository.withdrawCaseManagement
// (src/telegram/features/consent.ts). It closes the client's open cases with reason "withdrawn"
// (CaseEvent + AuditLog, pending offer revoked, future appointments cancelled, wait-list entry
// withdrawn, slot freed → matching.pull) and tells each case manager (slack.deliver notice
// "withdrawn:<caseId>").
import type { Db } from "../../db/client.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import type { CaseLifecycleService } from "../cases/lifecycle.service.ts";
import { noticeRef } from "./notices.ts";

export async function stopCaseManagement(
  deps: { db: Db; lifecycle: Pick<CaseLifecycleService, "move">; jobs: Pick<Producer<Jobs>, "enqueue"> },
  clientId: string,
): Promise<{ closed: string[] }> {
  const open = await deps.db.case.findMany({
    where: { clientId, phase: { not: "closed" } },
    select: { id: true, cmId: true },
  });
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
