// Start-up check of the encryption keys: a process whose ANLAUF_ENCRYPTION_KEYS cannot read what is
// stored must stop before it serves anyone (and before it writes new values next to unreadable
// ones). Looks at every @encrypted column: the key ids in use must all be configured, and a sample
// of values per column must decrypt. Fails with one clear message naming columns and key ids, never
// values. Call it in the system start, right after the database is opened and the cipher is made:
//   await assertKeysWork(db.prisma, ctx.cipher)
import type { Db } from "../db/client.ts";
import {
  type CipherContext,
  CryptoKeyError,
  ENCRYPTED_FIELDS,
  ENCRYPTED_JSON_PATHS,
  type FieldCipher,
} from "./crypto.ts";

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

/**
 * Every place an encrypted value is stored, as SQL: the registered columns and the values inside JSON
 * columns (ENCRYPTED_JSON_PATHS, e.g. Conversation.draft → draft.displayNameEnc). `value` reads it as
 * text, `set` is the assignment that writes $1 back; `context` is what v2 binds it to.
 */
export interface EncryptedSource {
  /** "Table.column" or "Table.column.path" (messages, counts) */
  label: string;
  table: string;
  id: string;
  value: string;
  set: string;
  context(row: string): CipherContext;
}

export function encryptedSources(): EncryptedSource[] {
  const cols = encryptedColumns().map(
    ([table, column]): EncryptedSource => ({
      label: `${table}.${column}`,
      table: `"${table}"`,
      id: `"id"::text`,
      value: `"${column}"`,
      set: `"${column}" = $1`,
      context: (row) => ({ table, column, row }),
    }),
  );
  const json = Object.entries(ENCRYPTED_JSON_PATHS).flatMap(([table, j]) =>
    j.paths.map((path): EncryptedSource => {
      const p = `'{${path.join(",")}}'`;
      const column = `${j.column}.${path.join(".")}`;
      return {
        label: `${table}.${column}`,
        table: `"${table}"`,
        id: `"${j.idColumn}"::text`,
        value: `("${j.column}" #>> ${p})`,
        set: `"${j.column}" = jsonb_set("${j.column}", ${p}, to_jsonb($1::text))`,
        context: (row) => ({ table, column, row }),
      };
    }),
  );
  return [...cols, ...json];
}

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
  for (const src of encryptedSources()) {
    const col = src.value;
    const tbl = src.table;
    const ids = await db.$queryRawUnsafe<{ kid: string; n: bigint }[]>(
      `SELECT CASE WHEN ${col} LIKE 'v1.%' OR ${col} LIKE 'v2.%' THEN split_part(${col}, '.', 2) ELSE '' END AS kid, count(*) AS n
         FROM ${tbl} WHERE ${col} IS NOT NULL AND ${col} <> '' GROUP BY 1`,
    );
    for (const r of ids) {
      if (r.kid === "") {
        summary.plaintext += Number(r.n);
        continue;
      }
      summary.keyIds[r.kid] = (summary.keyIds[r.kid] ?? 0) + Number(r.n);
    }
    // a sample per key id in use, so every key is tried; v2 values must also be bound to their row
    for (const { kid } of ids.filter((r) => r.kid !== "")) {
      const rows = await db.$queryRawUnsafe<{ id: string; v: string }[]>(
        `SELECT ${src.id} AS id, ${col} AS v FROM ${tbl} WHERE ${col} LIKE $1 OR ${col} LIKE $2 ORDER BY random() LIMIT ${Math.max(1, Math.floor(n))}`,
        `v1.${kid}.%`,
        `v2.${kid}.%`,
      );
      for (const { id, v } of rows) {
        summary.sampled++;
        try {
          cipher.decrypt(v, src.context(id));
        } catch (e) {
          const msg = e instanceof CryptoKeyError ? e.message : "decryption failed";
          problems.push(`${src.label}: ${msg}`);
          break;
        }
      }
    }
  }
  if (problems.length) throw new EncryptionKeyCheckError([...new Set(problems)]);
  return summary;
}
