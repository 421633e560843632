// Migrations without network: Prisma's CLI wants to download a native schema engine, so we drive the
// WebAssembly build of the same engine (@prisma/schema-engine-wasm, pinned to the prisma version)
// through a driver adapter. It writes the normal `_prisma_migrations` rows, so the stock CLI can take
// over on a machine with network access.
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";

type Engine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;
type MigrationList = Parameters<Engine["applyMigrations"]>[0]["migrationsList"];

const require = createRequire(import.meta.url);
// Node has WebAssembly, but its types live in the DOM lib, which a server project should not load
const wasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      instantiate(
        bytes: Uint8Array,
        imports: object,
      ): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  }
).WebAssembly;
let wasmReady: Promise<void> | undefined;

/** The package's own entry imports the .wasm as an ES module, which Node cannot; instantiate it by hand. */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    // the .wasm is not in the package's exports map: resolve the package folder instead
    const path = join(dirname(require.resolve("@prisma/schema-engine-wasm")), "schema_engine_bg.wasm");
    const { instance } = await wasmApi.instantiate(await readFile(path), { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports as never);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

export interface SchemaFiles {
  schemaPath: string;
  migrationsDir: string;
}

export async function openEngine(
  files: SchemaFiles,
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = () => {},
): Promise<Engine> {
  await loadWasm();
  const schema = await readFile(files.schemaPath, "utf8");
  return bg.SchemaEngine.new(
    { datamodels: [[files.schemaPath, schema]] },
    (message: string) => log(message),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
}

export async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const dirs = await readdir(migrationsDir).catch(() => [] as string[]);
  const migrationDirectories = [];
  for (const name of dirs.sort()) {
    const dir = join(migrationsDir, name);
    if (!(await stat(dir)).isDirectory()) continue;
    const file = join(dir, "migration.sql");
    const content = await readFile(file, "utf8").then(
      (ok) => ({ tag: "ok" as const, value: ok }),
      (e: Error) => ({ tag: "error" as const, value: e.message }),
    );
    migrationDirectories.push({ path: name, migrationFile: { path: "migration.sql", content } });
  }
  const lockPath = join(migrationsDir, "migration_lock.toml");
  const lock = await readFile(lockPath, "utf8").catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: relative(migrationsDir, lockPath), content: lock },
    shadowDbInitScript: "",
    migrationDirectories,
  } as MigrationList;
}

const noFilter = { externalTables: [], externalEnums: [] };

/**
 * Migration folders not yet applied, read from `_prisma_migrations` without the schema engine: when
 * several processes start at once (a deploy of 3 app and 3 worker processes), each `migrate deploy`
 * waits for Prisma's advisory lock and gives up after 10 s, so processes that find nothing to apply
 * should not ask for the lock at all. A database without the table has everything pending.
 */
export async function pendingMigrations(
  db: { $queryRawUnsafe<T>(sql: string): Promise<T> },
  migrationsDir: string,
): Promise<string[]> {
  // the folder names are enough here; the SQL is read only when something is pending
  const names = (await readdir(migrationsDir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  const done = await db
    .$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    )
    .then((rows) => new Set(rows.map((r) => r.migration_name)))
    .catch(() => new Set<string>());
  return names.filter((n) => !done.has(n));
}

/** `migrate deploy`: applies every migration not yet in `_prisma_migrations`. */
export async function applyMigrations(engine: Engine, migrationsDir: string): Promise<string[]> {
  const out = await engine.applyMigrations({
    migrationsList: await readMigrations(migrationsDir),
    filters: noFilter,
  });
  return out.appliedMigrationNames;
}

/**
 * The SQL that takes the database built from the existing migrations to the current schema.
 * Needs an engine whose adapter can open a shadow database (PGlite's is in memory).
 */
export async function diffMigrationsToSchema(engine: Engine, files: SchemaFiles): Promise<string> {
  const schema = await readFile(files.schemaPath, "utf8");
  const result = await engine.diff({
    from: { tag: "migrations", ...(await readMigrations(files.migrationsDir)) },
    to: { tag: "schemaDatamodel", files: [{ path: files.schemaPath, content: schema }] },
    script: true,
    exitCode: null,
    filters: noFilter,
  } as Parameters<Engine["diff"]>[0]);
  return result.stdout ?? "";
}
