// Locale parity for client (12 languages) and staff (de, en) texts. Uses the shared checker when the
// workspace has it (../shared/tools/check-locales.mjs), so everyone runs the same rules.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const shared = "../shared/tools/check-locales.mjs";
if (!existsSync(shared)) {
  console.log("shared locale checker not present: parity is still tested in test/unit/locales.test.ts");
  process.exit(0);
}
for (const dir of ["locales", "locales-staff"])
  execFileSync("node", [shared, dir, "en"], { stdio: "inherit" });
