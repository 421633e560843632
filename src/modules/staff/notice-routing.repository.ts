// Loads what the staff-notice rule (notice-routing.ts) needs: the staff with their supervision scope
// and the absences covering `now`, and answers with the member of staff who receives the notice.
import type { Db, Tx } from "../../db/client.ts";
import { type AgencyKind, supervisionScope } from "./identity.ts";
import {
  type NoticeRoute,
  noticeRecipient,
  type RoutingAbsence,
  type RoutingStaff,
} from "./notice-routing.ts";

export interface NoticeTarget {
  route: NoticeRoute;
  /** who gets the notice now; null when that person has no row (an unknown id) */
  recipient: { id: string; name: string; slackUserId: string } | null;
  /** the case manager the notice was meant for */
  cm: { id: string; name: string } | null;
}

export class NoticeRoutingRepository {
  constructor(private readonly db: Db | Tx) {}

  async inputs(now: Date): Promise<{
    staff: (RoutingStaff & { name: string; slackUserId: string })[];
    absences: RoutingAbsence[];
  }> {
    const [rows, absences] = await Promise.all([
      this.db.caseManager.findMany({
        select: {
          id: true,
          name: true,
          slackUserId: true,
          agencyId: true,
          active: true,
          teamLead: true,
          coordinator: true,
          agency: { select: { kind: true } },
        },
      }),
      this.db.absence.findMany({
        where: { from: { lte: now }, to: { gt: now } },
        select: { cmId: true, deputyId: true, from: true, to: true },
      }),
    ]);
    const staff = rows.map((r) => ({
      id: r.id,
      name: r.name,
      slackUserId: r.slackUserId,
      agencyId: r.agencyId,
      active: r.active,
      supervises: supervisionScope({ ...r, agencyKind: r.agency.kind as AgencyKind }),
    }));
    return { staff, absences };
  }

  /** Who receives, at `now`, a staff notice meant for case manager `cmId`. */
  async targetFor(cmId: string, now: Date): Promise<NoticeTarget> {
    const { staff, absences } = await this.inputs(now);
    const route = noticeRecipient(cmId, staff, absences, now);
    const person = (id: string) => staff.find((s) => s.id === id);
    const r = person(route.to);
    const cm = person(cmId);
    return {
      route,
      recipient: r ? { id: r.id, name: r.name, slackUserId: r.slackUserId } : null,
      cm: cm ? { id: cm.id, name: cm.name } : null,
    };
  }
}
