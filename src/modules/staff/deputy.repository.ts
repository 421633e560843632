// The absences a deputy is named on: read one (with the absent case manager), find the current or next
// absence of a case manager, and set its deputy with its audit row in one transaction.
import type { Db } from "../../db/client.ts";
import { UUID } from "../kernel/ids.ts";

export interface AbsenceRow {
  id: string;
  cmId: string;
  from: Date;
  to: Date;
  deputyId: string | null;
  cm: { id: string; agencyId: string; active: boolean };
}

const absenceSelect = {
  id: true,
  cmId: true,
  from: true,
  to: true,
  deputyId: true,
  cm: { select: { id: true, agencyId: true, active: true } },
} as const;

export class DeputyRepository {
  constructor(private readonly db: Db) {}

  async absence(absenceId: string): Promise<AbsenceRow | null> {
    if (!UUID.test(absenceId)) return null;
    return this.db.absence.findUnique({ where: { id: absenceId }, select: absenceSelect });
  }

  /** The absence covering `now`, else the next one to start (empty, ended-early ones excluded). */
  async currentOrNext(cmId: string, now: Date): Promise<AbsenceRow | null> {
    return this.db.absence.findFirst({
      where: { cmId, to: { gt: now } },
      orderBy: [{ from: "asc" }, { id: "asc" }],
      select: absenceSelect,
    });
  }

  async person(id: string): Promise<{ id: string; agencyId: string; active: boolean } | null> {
    if (id.length > 64) return null;
    return this.db.caseManager.findUnique({
      where: { id },
      select: { id: true, agencyId: true, active: true },
    });
  }

  async setDeputy(a: AbsenceRow, deputyId: string | null, byCmId: string, now: Date): Promise<void> {
    await this.db.$transaction([
      this.db.absence.update({ where: { id: a.id }, data: { deputyId } }),
      this.db.auditLog.create({
        data: {
          actor: `cm:${byCmId}`,
          action: "absence.deputy_set",
          at: now,
          data: { cmId: a.cmId, absenceId: a.id, deputyId, before: a.deputyId },
        },
      }),
    ]);
  }
}
