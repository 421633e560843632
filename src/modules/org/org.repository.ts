// Loads the organisation file into the database. Idempotent: running it twice changes nothing the
// second time. Case managers who disappear from the file are deactivated, not deleted, because their
// cases and history still point at them.
import type { Organisation } from "../../config/org.schema.ts";
import type { Db } from "../../db/client.ts";

const WEEKDAY_NUMBER = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5 } as const;
const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
};

export interface SyncResult {
  regions: number;
  districts: number;
  agencies: number;
  offices: number;
  caseManagers: number;
  deactivated: string[];
}

export class OrgRepository {
  constructor(private readonly db: Db) {}

  async sync(org: Organisation): Promise<SyncResult> {
    return this.db.$transaction(
      async (tx) => {
        for (const r of org.regions) {
          await tx.region.upsert({
            where: { id: r.id },
            create: { id: r.id, name: r.name },
            update: { name: r.name },
          });
          for (const d of r.districts)
            await tx.district.upsert({
              where: { id: d.id },
              create: { id: d.id, name: d.name, regionId: r.id },
              update: { name: d.name, regionId: r.id },
            });
        }
        for (const a of org.agencies) {
          const data = { name: a.name, kind: a.kind, regionIds: a.regions };
          await tx.agency.upsert({ where: { id: a.id }, create: { id: a.id, ...data }, update: data });
        }
        for (const o of org.offices) {
          const data = {
            agencyId: o.agency,
            name: o.name,
            street: o.address.street,
            postcode: o.address.postcode,
            city: o.address.city,
            district: o.district ?? null,
            note: o.accessibilityNote ?? null,
          };
          await tx.office.upsert({ where: { id: o.id }, create: { id: o.id, ...data }, update: data });
        }
        for (const cm of org.caseManagers) {
          const data = {
            name: cm.name,
            agencyId: cm.agency,
            slackUserId: cm.slackUserId,
            fte: cm.fte,
            languages: cm.languages,
            regionIds: cm.regions,
            localDistrictIds: cm.districts,
            topics: cm.topics,
            teamLead: cm.teamLead,
            coordinator: cm.coordinator,
            active: cm.active,
            officeId: cm.office,
          };
          // capacityOverride belongs to team leads once the system runs: the file only seeds it
          await tx.caseManager.upsert({
            where: { id: cm.id },
            create: { id: cm.id, ...data, capacityOverride: cm.capacityOverride ?? null },
            update: data,
          });
          // the file seeds consultation hours; once someone has hours (edited in Slack since), the
          // database is the source of truth and a restart must not undo their edits
          const hasHours = (await tx.availabilityRule.count({ where: { cmId: cm.id } })) > 0;
          if (!hasHours && cm.availability.length)
            await tx.availabilityRule.createMany({
              data: cm.availability.map((s) => ({
                cmId: cm.id,
                weekday: WEEKDAY_NUMBER[s.weekday],
                fromMin: minutes(s.from),
                toMin: minutes(s.to),
                mode: s.mode,
                officeId: s.office ?? null,
              })),
            });
        }
        const inFile = org.caseManagers.map((c) => c.id);
        const gone = await tx.caseManager.findMany({
          where: { id: { notIn: inFile }, active: true },
          select: { id: true },
        });
        if (gone.length)
          await tx.caseManager.updateMany({
            where: { id: { in: gone.map((g) => g.id) } },
            data: { active: false },
          });
        return {
          regions: org.regions.length,
          districts: org.regions.reduce((n, r) => n + r.districts.length, 0),
          agencies: org.agencies.length,
          offices: org.offices.length,
          caseManagers: org.caseManagers.length,
          deactivated: gone.map((g) => g.id),
        };
      },
      { timeout: 30_000 },
    );
  }
}
