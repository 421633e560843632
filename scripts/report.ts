// npm run report -- --from 2026-01-01 --to 2026-12-31 [--public] [--out dir] [--format md,csv,svg,html,xlsx]
//                   [--lang de|en] [--seed-demo]
// The committee report from the database (DATABASE_URL, or the embedded one under ANLAUF_DATA_DIR):
// Markdown on stdout; with --out also the files, next to each other under one name: .md, .csv,
// .svg (chart), .html (tables and charts in one page to mail) and .xlsx (one sheet per table), or
// only those --format lists. --public suppresses small counts (see src/modules/reports/aggregate.ts).
// --seed-demo runs on a fresh in-memory database (PGlite) instead: it loads the demo population of
// scripts/fixtures/bielefeld-2022.ts (scripts/seed-demo.ts), reports the seed's reference day
// 2022-01-31 unless --from/--to say otherwise, and prints the seed's headline figures next to the
// report's on stderr (it exits 1 when they differ).
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
import { compareWithSeed, SEED_DAY, SEED_REF } from "./fixtures/bielefeld-2022.ts";
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
  const demo = values["seed-demo"];
  if (demo) {
    values.from ??= SEED_DAY;
    values.to ??= values.from === SEED_DAY ? SEED_DAY : undefined;
  }
  if (!values.from || !values.to)
    throw new Error(
      `usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--public] [--out dir] [--format ${REPORT_FORMATS.join(",")}] [--lang de|en] [--seed-demo]`,
    );
  if (values.lang !== "de" && values.lang !== "en") throw new Error("--lang must be de or en");
  const range = parseReportRange(values.from, values.to);
  const formats = parseReportFormats(values.format!);
  const now = values.now ? new Date(values.now) : new Date();
  const org = await loadOrganisation(values.org!);
  // the demo never touches a real database: a fresh in-memory one each run, so the figures are the fixture's
  const db = await openDb(
    demo ? { kind: "embedded", dataDir: "memory://seed-demo" } : dbTargetFromEnv(process.env),
  );
  try {
    await applyMigrations(
      await openEngine(
        { schemaPath: "prisma/schema.prisma", migrationsDir: "prisma/migrations" },
        db.factory,
      ),
      "prisma/migrations",
    );
    if (demo) {
      const s = await seedDemoData(db.prisma, org, SEED_REF);
      console.error(
        `demo population ${s.created ? "created" : "already there"}: ${s.clients} clients, ${s.openCases} open cases (${s.openPersons} persons), ${s.closedCases} closed, ${s.waiting} waiting, ${s.referrals} referrals`,
      );
    }
    const bundle = await createReportBundle(
      { db: db.prisma, org, i18n: await createI18n() },
      { ...range, variant: values.public ? "public" : "internal", lng: values.lang, now },
    );
    process.stdout.write(bundle.markdown);
    if (demo && values.from === SEED_DAY && values.to === SEED_DAY) {
      const cmp = compareWithSeed(bundle.report, org);
      for (const c of cmp)
        console.error(`${c.ok ? "ok " : "DIFF"} ${c.figure}: seed ${c.seed}, report ${c.report ?? "–"}`);
      if (cmp.some((c) => !c.ok)) process.exitCode = 1;
    }
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
