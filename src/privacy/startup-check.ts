// Start-up check of the encryption keys: a process whose ANLAUF_ENCRYPTION_KEYS cannot read what is
// stored must stop before it serves anyone (and before it writes new values next to unreadable
// ones). Looks at every @encrypted column: the key ids in use must all be configured, and a sample
// of values per column must decrypt. Fails with one clear message naming columns and key ids, never
// values. Call it in the system start, right after the database is opened and the cipher is made:
//   await assertKeysWork(db.prisma, ctx.cipher)
import type { Db } from "../db/client.ts";
import { CryptoKeyError, ENCRYPTED_FIELDS, type FieldCipher } from "./crypto.ts";

export class EncryptionKeyCheckError extends Error {
  override readonly name = "EncryptionKeyCheckError";
  constructor(readonly problems: string[]) {
    super(
      `the encryption keys in ANLAUF_ENCRYPTION_KEYS cannot read the stored data:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Configure the missing key (keyId:base64, the first key encrypts, all listed keys decrypt) or restore the right one. Nothing was written.",
    );
  }
}

export interface KeyCheckSummary {
  /** key id → values under it, over all encrypted columns */
  keyIds: Record<string, number>;
  sampled: number;
  /** values that are not in the encrypted format (should be 0) */
  plaintext: number;
}

export const encryptedColumns = (): [table: string, column: string][] =>
  Object.entries(ENCRYPTED_FIELDS).flatMap(([table, cols]) => cols.map((c): [string, string] => [table, c]));

export async function assertKeysWork(
  db: Db,
  cipher: FieldCipher,
  opts: { samplePerColumn?: number } = {},
): Promise<KeyCheckSummary> {
  const problems: string[] = [];
  try {
    if (cipher.decrypt(cipher.encrypt("probe")) !== "probe")
      problems.push("the current key does not round-trip");
  } catch (e) {
    problems.push(`the current key does not work: ${(e as Error).message}`);
  }
  const summary: KeyCheckSummary = { keyIds: {}, sampled: 0, plaintext: 0 };
  const n = opts.samplePerColumn ?? 20;
  for (const [table, column] of encryptedColumns()) {
    const col = `"${column}"`;
    const tbl = `"${table}"`;
    const ids = await db.$queryRawUnsafe<{ kid: string; n: bigint }[]>(
      `SELECT CASE WHEN ${col} LIKE 'v1.%' THEN split_part(${col}, '.', 2) ELSE '' END AS kid, count(*) AS n
         FROM ${tbl} WHERE ${col} IS NOT NULL AND ${col} <> '' GROUP BY 1`,
    );
    for (const r of ids) {
      if (r.kid === "") {
        summary.plaintext += Number(r.n);
        continue;
      }
      summary.keyIds[r.kid] = (summary.keyIds[r.kid] ?? 0) + Number(r.n);
    }
    // a sample per key id in use, so every key is tried
    for (const { kid } of ids.filter((r) => r.kid !== "")) {
      const rows = await db.$queryRawUnsafe<{ v: string }[]>(
        `SELECT ${col} AS v FROM ${tbl} WHERE ${col} LIKE $1 ORDER BY random() LIMIT ${Math.max(1, Math.floor(n))}`,
        `v1.${kid}.%`,
      );
      for (const { v } of rows) {
        summary.sampled++;
        try {
          cipher.decrypt(v);
        } catch (e) {
          const msg = e instanceof CryptoKeyError ? e.message : "decryption failed";
          problems.push(`${table}.${column}: ${msg}`);
          break;
        }
      }
    }
  }
  if (problems.length) throw new EncryptionKeyCheckError([...new Set(problems)]);
  return summary;
}
