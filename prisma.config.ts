// Prisma CLI configuration. The URL is read lazily: `prisma generate` needs none, and `env()`
// would throw when DATABASE_URL is unset (embedded mode). Migrations run through
// scripts/db.ts (WebAssembly schema engine), not through the CLI, so they work offline.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
