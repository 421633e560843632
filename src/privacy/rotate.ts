// Key rotation: re-encrypts every @encrypted value that is not under the current key (the first of
// ANLAUF_ENCRYPTION_KEYS). Batched, one transaction per batch, idempotent (a value already under the
// current key is skipped; an update only applies if the value is still the one that was read), so it
// can run while the system runs and be repeated after an interruption. Plaintext left over from
// before encryption is encrypted too. A value under a key that is not configured stops the run with a
// clear message: nothing under that key can be rotated until the key is configured.
// Values are rewritten as v2, bound to their table, column and row (crypto.ts); a v1 value under the
// current key is rewritten too, and a v2 value bound to another row stops the run like a lost key.
// The values inside JSON columns (ENCRYPTED_JSON_PATHS) are rotated like columns.
import type { Db } from "../db/client.ts";
import { CryptoKeyError, type FieldCipher } from "./crypto.ts";
import { encryptedSources } from "./startup-check.ts";

export interface RotationCounts {
  column: string;
  /** already under the current key */
  current: number;
  rotated: number;
  /** plaintext values that were encrypted */
  encrypted: number;
  /** changed by someone else between read and write: left for the next run */
  skipped: number;
}

export interface RotationResult {
  currentKeyId: string;
  columns: RotationCounts[];
  dryRun: boolean;
}

export async function rotateKeys(
  db: Db,
  cipher: FieldCipher,
  opts: { batchSize?: number; dryRun?: boolean; onBatch?: (c: RotationCounts) => void } = {},
): Promise<RotationResult> {
  const batch = Math.max(1, opts.batchSize ?? 500);
  const prefix = `v2.${cipher.currentKeyId}.`;
  const columns: RotationCounts[] = [];
  for (const src of encryptedSources()) {
    const col = src.value;
    const tbl = src.table;
    const counts: RotationCounts = { column: src.label, current: 0, rotated: 0, encrypted: 0, skipped: 0 };
    const [cur] = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM ${tbl} WHERE ${col} LIKE $1`,
      `${prefix}%`,
    );
    counts.current = Number(cur?.n ?? 0);
    let after = "";
    for (;;) {
      const rows = await db.$queryRawUnsafe<{ id: string; v: string }[]>(
        `SELECT ${src.id} AS id, ${col} AS v FROM ${tbl}
          WHERE ${col} IS NOT NULL AND ${col} <> '' AND ${col} NOT LIKE $1 AND ${src.id} > $2
          ORDER BY ${src.id} LIMIT ${batch}`,
        `${prefix}%`,
        after,
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      const updates = rows.map((r) => {
        const ctx = src.context(r.id);
        if (!r.v.startsWith("v1.") && !r.v.startsWith("v2."))
          return { ...r, next: cipher.encrypt(r.v, ctx), plain: true };
        try {
          return { ...r, next: cipher.encrypt(cipher.decrypt(r.v, ctx), ctx), plain: false };
        } catch (e) {
          throw new CryptoKeyError(
            `${src.label} row ${r.id}: ${(e as Error).message}; nothing in this batch was changed`,
          );
        }
      });
      if (!opts.dryRun) {
        await db.$transaction(async (tx) => {
          for (const u of updates) {
            const n = await tx.$executeRawUnsafe(
              `UPDATE ${tbl} SET ${src.set} WHERE ${src.id} = $2 AND ${col} = $3`,
              u.next,
              u.id,
              u.v,
            );
            if (n === 1) u.plain ? counts.encrypted++ : counts.rotated++;
            else counts.skipped++;
          }
        });
      } else for (const u of updates) u.plain ? counts.encrypted++ : counts.rotated++;
      opts.onBatch?.(counts);
    }
    columns.push(counts);
  }
  return { currentKeyId: cipher.currentKeyId, columns, dryRun: !!opts.dryRun };
}
