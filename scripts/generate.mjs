// Generates the Prisma client. The CLI would download a native schema engine it does not need for
// generation; pointing it at a stub keeps `npm ci` working offline (see scripts/no-schema-engine.sh).
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

execFileSync("npx", ["prisma", "generate"], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY:
      process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? resolve("scripts/no-schema-engine.sh"),
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
