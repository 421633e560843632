// Where a client stands, computed from the database for /status and the kept-up-to-date status
// message. Positions and ETAs come from the same snapshot the wait-list refresh uses.
import type { Organisation } from "../../config/org.schema.ts";
import type { Db } from "../../db/client.ts";
import { firstNameOf } from "../matching/assignment.service.ts";
import type { Standing, StandingSource } from "../status/standing.ts";
import { waitlistSnapshot } from "./waitlist.repository.ts";

export class StandingRepository implements StandingSource {
  constructor(
    private readonly db: Db,
    private readonly org: Organisation,
  ) {}

  async standingOf(clientId: string, now: Date): Promise<Standing> {
    const [latest, open] = await Promise.all([
      this.db.intake.findFirst({
        where: { clientId },
        orderBy: { submittedAt: "desc" },
        select: {
          referenceCode: true,
          triage: { select: { route: true, referralTarget: true, reasonCode: true } },
          case: { select: { phase: true } },
        },
      }),
      this.db.case.findFirst({
        where: { clientId, phase: { not: "closed" } },
        orderBy: { openedAt: "desc" },
        select: {
          phase: true,
          referenceCode: true,
          intakeId: true,
          cm: { select: { name: true, agency: { select: { name: true } } } },
          intake: { select: { waitlistEntry: { select: { id: true } } } },
        },
      }),
    ]);
    if (!latest) {
      const conversation = await this.db.conversation.findUnique({
        where: { clientId },
        select: { step: true },
      });
      return { kind: "none", intakeInProgress: conversation?.step.startsWith("intake") ?? false };
    }
    if (open) {
      const referenceCode = open.referenceCode;
      if (open.phase === "pending_acceptance") return { kind: "pending", referenceCode };
      if (open.phase !== "waiting" && open.cm)
        return {
          kind: "assigned",
          referenceCode,
          cmFirstName: firstNameOf(open.cm.name),
          agencyName: open.cm.agency.name,
        };
      const entryId = open.intake.waitlistEntry?.id;
      const snapshot = await waitlistSnapshot(this.db, this.org, now);
      const row = entryId ? snapshot.byEntryId.get(entryId) : undefined;
      if (row)
        return {
          kind: "waiting",
          referenceCode,
          position: row.position,
          total: row.total,
          etaDays: row.estimate.etaDays,
        };
      return { kind: "submitted", referenceCode };
    }
    if (!latest.triage) return { kind: "submitted", referenceCode: latest.referenceCode };
    if (latest.triage.route === "referral")
      return {
        kind: "referral",
        referenceCode: latest.referenceCode,
        targetId: latest.triage.referralTarget ?? "unknown",
        reasonCode: latest.triage.reasonCode,
      };
    if (latest.case?.phase === "closed") return { kind: "closed", referenceCode: latest.referenceCode };
    return { kind: "submitted", referenceCode: latest.referenceCode };
  }
}
