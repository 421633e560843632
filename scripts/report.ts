// npm run report -- --from 2026-01-01 --to 2026-12-31 [--public] [--out dir] [--format md,csv,svg,html,xlsx]
//                   [--lang de|en] [--seed-demo]
// The committee report from the database (DATABASE_URL, or the embedded one under ANLAUF_DATA_DIR):
// Markdown on stdout; with --out also the files, next to each other under one name: .md, .csv,
// .svg (chart), .html (tables and charts in one page to mail) and .xlsx (one sheet per table), or
// only those --format lists. --public suppresses small counts (see src/modules/reports/aggregate.ts).
// --seed-demo first loads the anonymous demo population (scripts/seed-demo.ts) if it is not there yet.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dbTargetFromEnv } from "../src/config/env.ts";
import { loadOrganisation, OrganisationFileError } from "../src/config/org.load.ts";
import { openDb } from "../src/db/client.ts";
import { applyMigrations, openEngine } from "../src/db/schema-engine.ts";
import { createI18n } from "../src/i18n/index.ts";
import {
  createReportBundle,
  parseReportFormats,
  parseReportRange,
  REPORT_FORMATS,
  reportFiles,
} from "../src/modules/reports/report.service.ts";
import { seedDemoData } from "./seed-demo.ts";

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    to: { type: "string" },
    public: { type: "boolean", default: false },
    out: { type: "string" },
    format: { type: "string", default: REPORT_FORMATS.join(",") },
    lang: { type: "string", default: "de" },
    org: { type: "string", default: process.env.ANLAUF_ORG ?? "orgs/bielefeld.yaml" },
    "seed-demo": { type: "boolean", default: false },
    now: { type: "string" },
  },
});

try {
  if (!values.from || !values.to)
    throw new Error(
      `usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--public] [--out dir] [--format ${REPORT_FORMATS.join(",")}] [--lang de|en] [--seed-demo]`,
    );
  if (values.lang !== "de" && values.lang !== "en") throw new Error("--lang must be de or en");
  const range = parseReportRange(values.from, values.to);
  const formats = parseReportFormats(values.format!);
  const now = values.now ? new Date(values.now) : new Date();
  const org = await loadOrganisation(values.org!);
  const db = await openDb(dbTargetFromEnv(process.env));
  try {
    await applyMigrations(
      await openEngine(
        { schemaPath: "prisma/schema.prisma", migrationsDir: "prisma/migrations" },
        db.factory,
      ),
      "prisma/migrations",
    );
    if (values["seed-demo"]) {
      const s = await seedDemoData(db.prisma, org, now);
      console.error(
        `demo population ${s.created ? "created" : "already there"}: ${s.clients} clients, ${s.openCases} open cases (${s.openPersons} persons), ${s.closedCases} closed, ${s.waiting} waiting, ${s.referrals} referrals`,
      );
    }
    const bundle = await createReportBundle(
      { db: db.prisma, org, i18n: await createI18n() },
      { ...range, variant: values.public ? "public" : "internal", lng: values.lang, now },
    );
    process.stdout.write(bundle.markdown);
    if (values.out) {
      await mkdir(values.out, { recursive: true });
      const files = reportFiles(bundle, formats);
      for (const f of files) await writeFile(join(values.out, f.name), f.content);
      console.error(`written: ${files.map((f) => join(values.out!, f.name)).join(", ")}`);
    }
  } finally {
    await db.close();
  }
} catch (e) {
  console.error(e instanceof OrganisationFileError ? e.message : e instanceof Error ? e.message : e);
  process.exit(1);
}
