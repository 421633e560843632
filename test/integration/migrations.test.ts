// The offline migration path (WebAssembly schema engine) against real Postgres and embedded PGlite.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "../../src/db/client.ts";
import { applyMigrations, diffMigrationsToSchema, openEngine } from "../../src/db/schema-engine.ts";

const files = { schemaPath: "prisma/schema.prisma", migrationsDir: "prisma/migrations" };
const url = process.env.TEST_DATABASE_URL!;
const schema = `mig_${process.pid}_${Date.now().toString(36)}`;
const admin = new pg.Pool({ connectionString: url, max: 1 });

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe("migrations through the WebAssembly schema engine", () => {
  it("apply to Postgres once, and are a no-op the second time", async () => {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const db = await openDb({ kind: "postgres", url, schema });
    try {
      const engine = await openEngine(files, db.factory);
      const first = await applyMigrations(engine, files.migrationsDir);
      expect(first.length).toBeGreaterThan(0);
      expect(await applyMigrations(engine, files.migrationsDir)).toEqual([]);
      const rows = await admin.query(
        `SELECT migration_name FROM "${schema}"."_prisma_migrations" WHERE finished_at IS NOT NULL`,
      );
      expect(rows.rowCount).toBe(first.length);
      // the generated client works on the migrated schema
      expect(await db.prisma.caseManager.count()).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("apply to embedded PGlite, and the schema matches the migrations", async () => {
    const db = await openDb({ kind: "embedded", dataDir: "memory://" });
    try {
      const engine = await openEngine(files, db.factory);
      expect((await applyMigrations(engine, files.migrationsDir)).length).toBeGreaterThan(0);
      expect(await db.prisma.client.count()).toBe(0);
      // nothing in schema.prisma is missing from prisma/migrations (someone forgot db:migration)
      const drift = await diffMigrationsToSchema(engine, files);
      expect(drift.trim()).toMatch(/^(-- This is an empty migration\.?)?$/);
    } finally {
      await db.close();
    }
    // a hang guard, not a speed claim: PGlite (WebAssembly) takes 10–30 s for all migrations on a busy machine
  }, 120_000);
});
