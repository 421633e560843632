// The read behind an assignment card's Details: the assignment, the case's intake codes and triage,
// the client's encrypted contact and consents. Ids in, rows out; decisions are the service's.
import type { Db } from "../../db/client.ts";
import { UUID } from "../kernel/ids.ts";

export class CaseDetailsRepository {
  constructor(private readonly db: Db) {}

  async byAssignment(assignmentId: string) {
    if (!UUID.test(assignmentId)) return null;
    return this.db.assignment.findUnique({
      where: { id: assignmentId },
      select: {
        id: true,
        status: true,
        case: {
          select: {
            id: true,
            referenceCode: true,
            clientId: true,
            client: {
              select: {
                displayName: true,
                phone: true,
                consents: { select: { purpose: true, granted: true, decidedAt: true, withdrawnAt: true } },
              },
            },
            intake: {
              select: {
                topics: true,
                urgency: true,
                triage: { select: { reasonCode: true, priority: true } },
              },
            },
          },
        },
      },
    });
  }
}
