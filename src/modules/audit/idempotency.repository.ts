// Processed-once keys of staff submissions (the Slack view id): claimed in the transaction of the
// change they guard, so a retry of a stored submission finds its key and stores nothing twice.
import type { Db, Tx } from "../../db/client.ts";

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown })?.code === "P2002";

export class IdempotencyRepository {
  constructor(private readonly db: Db | Tx) {}

  /** False when the key was used before: a Slack retry of a submission already stored. */
  async claim(key: string, scope: string, now: Date): Promise<boolean> {
    try {
      await this.db.idempotencyKey.create({ data: { key, scope, createdAt: now } });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async seen(key: string): Promise<boolean> {
    return (await this.db.idempotencyKey.count({ where: { key } })) > 0;
  }
}
