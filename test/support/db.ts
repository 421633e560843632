// A fresh Postgres schema per test file, migrated from prisma/migrations, dropped afterwards.
// Real Postgres, never a mock: the same generated client and adapter as production.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { type DbHandle, openDb } from "../../src/db/client.ts";

const url = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";

export async function migrationSql(dir = "prisma/migrations"): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /^\d+_/.test(n)).sort();
  return Promise.all(names.map((n) => readFile(join(dir, n, "migration.sql"), "utf8")));
}

export interface TestDb extends DbHandle {
  schema: string;
  /** raw SQL access for assertions (e.g. scanning every table for a value) */
  sql: pg.Pool;
  drop(): Promise<void>;
}

export async function createTestDb(label = "t"): Promise<TestDb> {
  const schema = `${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = new pg.Pool({ connectionString: url(), options: `-c search_path="${schema}"`, max: 4 });
  await sql.query(`CREATE SCHEMA "${schema}"`);
  for (const m of await migrationSql()) await sql.query(m);
  const db = await openDb({ kind: "postgres", url: url(), schema });
  return {
    ...db,
    schema,
    sql,
    drop: async () => {
      await db.close();
      await sql.query(`DROP SCHEMA "${schema}" CASCADE`);
      await sql.end();
    },
  };
}
