// One place that knows how to reach Postgres: a real server through node-postgres, or the embedded
// PGlite (Postgres compiled to WebAssembly) persisted in a folder when no DATABASE_URL is configured.
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;
/** The client handed to a `$transaction(async (tx) => …)` callback. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export type DbTarget =
  | { kind: "postgres"; url: string; schema?: string; poolMax?: number }
  | { kind: "embedded"; dataDir: string };

export interface DbHandle {
  prisma: PrismaClient;
  /** migration-aware adapter factory for the schema engine */
  factory: SqlMigrationAwareDriverAdapterFactory;
  target: DbTarget;
  close(): Promise<void>;
}

export async function openDb(target: DbTarget): Promise<DbHandle> {
  if (target.kind === "postgres") {
    const factory = new PrismaPg(
      {
        connectionString: target.url,
        // the schema engine sends unqualified DDL, so the search path decides where tables land
        ...(target.schema ? { options: `-c search_path="${target.schema}"` } : {}),
        // per process; behind PgBouncer keep processes × poolMax under its default_pool_size
        max: target.poolMax ?? 10,
      },
      target.schema ? { schema: target.schema } : undefined,
    );
    const prisma = new PrismaClient({ adapter: factory });
    return { prisma, factory, target, close: () => prisma.$disconnect() };
  }
  if (!target.dataDir.startsWith("memory://")) await mkdir(target.dataDir, { recursive: true });
  const pglite = await PGlite.create(target.dataDir);
  const factory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    factory,
    target,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/** Redacts credentials so a URL can be logged. */
export function describeTarget(target: DbTarget): string {
  if (target.kind === "embedded") return `embedded Postgres (PGlite) in ${target.dataDir}`;
  try {
    const u = new URL(target.url);
    return `postgres://${u.host}${u.pathname}${target.schema ? ` schema ${target.schema}` : ""}`;
  } catch {
    return "postgres (unparsable URL)";
  }
}
