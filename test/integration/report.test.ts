// The committee report from the database: the demo seed shaped like Bielefeld early 2022 (188 cases,
// ~560 persons, 36 % single persons, Syria and Iraq first), internal and public variants, the files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "../../scripts/seed-demo.ts";
import { loadOrganisation } from "../../src/config/org.load.ts";
import type { Organisation } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { createReportBundle, reportFiles } from "../../src/modules/reports/report.service.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

const NOW = new Date("2026-11-21T12:00:00Z");
let db: TestDb;
let org: Organisation;

beforeAll(async () => {
  db = await createTestDb("report");
  org = await loadOrganisation("orgs/bielefeld.yaml");
});
afterAll(async () => db.drop());

describe("committee report on the demo population", () => {
  it("seeds a believable, anonymous population once", async () => {
    const s = await seedDemoData(db.prisma, org, NOW);
    expect(s).toMatchObject({ created: true, openCases: 188 });
    expect(s.openPersons).toBeGreaterThan(480);
    expect(s.openPersons).toBeLessThan(650);
    expect(
      await db.prisma.client.count({
        where: {
          OR: [{ displayName: { not: null } }, { phone: { not: null } }, { telegramUserId: { not: null } }],
        },
      }),
    ).toBe(0);
    expect((await seedDemoData(db.prisma, org, NOW)).created).toBe(false);
  });

  it("reports open cases per FTE, households, topics, districts and origins like Bielefeld", async () => {
    const i18n = await createI18n();
    const b = await createReportBundle(
      { db: db.prisma, org, i18n },
      { from: new Date("2026-01-01"), to: new Date("2027-01-01"), variant: "internal", lng: "en", now: NOW },
    );
    const r = b.report;
    expect(r.openAtEnd.cases).toBe(188);
    expect(r.perFte.cases).toBeCloseTo(188 / r.fte, 1);
    expect(r.perFte.targetCases).toBe(26);
    expect(r.household.singleShare).toBeGreaterThan(25);
    expect(r.household.singleShare).toBeLessThan(45);
    expect(r.topics.rows.slice(0, 3).map((x) => x.key)).toEqual(["education_language", "work", "housing"]);
    expect(
      r.origins.rows
        .slice(0, 2)
        .map((x) => x.key)
        .sort(),
    ).toEqual(["IQ", "SY"]);
    expect(r.waitlist.atEnd).toBeGreaterThan(10);
    expect(r.waitlist.waitDays.median).toBeGreaterThan(0);
    expect(r.firstAppointment.n).toBeGreaterThan(0);
    expect(r.referrals.total.cases).toBeGreaterThan(0);
    expect(r.closures.total.cases).toBeGreaterThan(0);
    expect(b.markdown).toContain("# Case management report: Stadt Bielefeld");
    expect(b.csv.split("\n")[0]).toBe("section,key,label,metric,value,suppressed");
    expect(b.svg).toMatch(/^<svg/);
    expect(b.html).toContain("<h1>Case management report: Stadt Bielefeld</h1>");
    expect(b.html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(5);
    expect(b.xlsx.subarray(0, 2).toString()).toBe("PK"); // a zip: the workbook
    expect(reportFiles(b).map((f) => f.name)).toEqual(
      ["md", "csv", "svg", "html", "xlsx"].map((ext) => `report-2026-01-01-2026-12-31-internal.${ext}`),
    );
    expect(b.fileStem).toBe("report-2026-01-01-2026-12-31-internal");
  });

  it("the public variant hides small cells and nothing else changes the totals", async () => {
    const i18n = await createI18n();
    const req = { from: new Date("2026-01-01"), to: new Date("2027-01-01"), lng: "de" as const, now: NOW };
    const pub = await createReportBundle({ db: db.prisma, org, i18n }, { ...req, variant: "public" });
    const internal = await createReportBundle({ db: db.prisma, org, i18n }, { ...req, variant: "internal" });
    expect(pub.report.managed).toEqual(internal.report.managed);
    for (const t of [pub.report.districts, pub.report.origins, pub.report.referrals, pub.report.closures])
      for (const c of t.rows) expect(c.cases === null || c.cases === 0 || c.cases >= 5).toBe(true);
    expect(pub.markdown).toContain("Öffentliche Fassung");
    // the HTML shows the suppression mark wherever the Markdown does
    const marks = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
    expect(marks(pub.html, /<td class="num x">x<\/td>/g)).toBe(marks(pub.markdown, /\| x(?= \|)/g));
  });
});
