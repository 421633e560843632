// npm run keys:rotate [-- --dry-run] [--batch 500]
// Re-encrypts every encrypted field that is not under the current key. Put the new key FIRST in
// ANLAUF_ENCRYPTION_KEYS and keep the old ones listed (they still decrypt), run this, then remove the
// old keys once it reports nothing left to rotate. Idempotent; safe to repeat after an interruption.
import { parseArgs } from "node:util";
import { ConfigError, dbTargetFromEnv, parseEnv } from "../src/config/env.ts";
import { openDb } from "../src/db/client.ts";
import { createCipher } from "../src/privacy/crypto.ts";
import { rotateKeys } from "../src/privacy/rotate.ts";

const { values } = parseArgs({
  options: { "dry-run": { type: "boolean", default: false }, batch: { type: "string", default: "500" } },
});

try {
  const env = parseEnv(process.env);
  const cipher = createCipher(env.ANLAUF_ENCRYPTION_KEYS);
  const db = await openDb(dbTargetFromEnv(env));
  try {
    const r = await rotateKeys(db.prisma, cipher, {
      batchSize: Number(values.batch),
      dryRun: values["dry-run"],
    });
    console.log(`${r.dryRun ? "dry run: would re-encrypt" : "re-encrypted"} to key ${r.currentKeyId}:`);
    for (const c of r.columns)
      console.log(
        `  ${c.column.padEnd(28)} already current ${c.current}, rotated ${c.rotated}, plaintext encrypted ${c.encrypted}${c.skipped ? `, changed meanwhile (run again) ${c.skipped}` : ""}`,
      );
    const left = r.columns.reduce((s, c) => s + c.skipped, 0);
    console.log(
      left ? `${left} values changed during the run: run again.` : "nothing left under an old key.",
    );
  } finally {
    await db.close();
  }
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : e);
  process.exit(1);
}
