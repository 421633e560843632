// npm run sync [-- path/to/org.yaml]: validate the organisation file and load it into the database
// (idempotent). Uses DATABASE_URL, or the embedded database under ANLAUF_DATA_DIR.
import { dbTargetFromEnv } from "../src/config/env.ts";
import { loadOrganisation, OrganisationFileError } from "../src/config/org.load.ts";
import { openDb } from "../src/db/client.ts";
import { applyMigrations, openEngine } from "../src/db/schema-engine.ts";
import { OrgRepository } from "../src/modules/org/org.repository.ts";

const path = process.argv[2] ?? process.env.ANLAUF_ORG ?? "orgs/bielefeld.yaml";
try {
  const org = await loadOrganisation(path);
  const db = await openDb(dbTargetFromEnv(process.env));
  try {
    await applyMigrations(
      await openEngine(
        { schemaPath: "prisma/schema.prisma", migrationsDir: "prisma/migrations" },
        db.factory,
      ),
      "prisma/migrations",
    );
    const r = await new OrgRepository(db.prisma).sync(org);
    console.log(
      `${org.municipality.name}: ${r.regions} regions, ${r.districts} districts, ${r.agencies} agencies, ${r.offices} offices, ${r.caseManagers} case managers` +
        (r.deactivated.length ? `; deactivated (no longer in the file): ${r.deactivated.join(", ")}` : ""),
    );
  } finally {
    await db.close();
  }
} catch (e) {
  console.error(e instanceof OrganisationFileError ? e.message : e);
  process.exit(1);
}
