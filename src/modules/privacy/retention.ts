// Retention: personal data is erased a configurable time after it stopped being needed
// (organisation file, section `retention`):
// - closed: every request of the client is finished (its case closed, or it was referred elsewhere)
//   for `afterClosureDays` (default 90, like Integreat), nothing is waiting or open, and the client
//   has not written since → erased like a /delete (the report keeps its tallies)
// - abandoned: an intake was started but never submitted, and the conversation has been silent for
//   `abandonedIntakeDays` (default 30) → erased; a client without any submitted request is deleted
//   completely (there is nothing to count)
// `findRetentionCandidates` (the query, in retention.repository.ts) is the dry run: ids, pseudonyms and
// dates only, never personal values.
import type { ErasureService } from "./erase.ts";
import {
  findRetentionCandidates,
  type RetentionCandidate,
  type RetentionDb,
  type RetentionPolicy,
} from "./retention.repository.ts";

// the CLI and the tests run the dry run on its own
export { findRetentionCandidates, type RetentionCandidate, type RetentionPolicy };

export interface RetentionRun {
  dryRun: boolean;
  candidates: RetentionCandidate[];
  erased: number;
  failed: number;
}

export async function runRetention(
  deps: { db: RetentionDb; erasure: Pick<ErasureService, "erase">; now: () => Date },
  policy: RetentionPolicy,
  opts: { dryRun?: boolean } = {},
): Promise<RetentionRun> {
  const candidates = await findRetentionCandidates(deps.db, deps.now(), policy);
  if (opts.dryRun) return { dryRun: true, candidates, erased: 0, failed: 0 };
  let erased = 0;
  let failed = 0;
  for (const c of candidates) {
    try {
      const r = await deps.erasure.erase(c.clientId, {
        mode: c.reason === "closed" ? "retention_closed" : "retention_abandoned",
        actor: "system",
      });
      if (r.status === "erased") erased++;
    } catch {
      failed++;
    }
  }
  return { dryRun: false, candidates, erased, failed };
}
