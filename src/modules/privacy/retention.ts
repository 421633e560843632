// Retention: personal data is erased a configurable time after it stopped being needed
// (organisation file, section `retention`):
// - closed: every request of the client is finished (its case closed, or it was referred elsewhere)
//   for `afterClosureDays` (default 90, like Integreat), nothing is waiting or open, and the client
//   has not written since → erased like a /delete (the report keeps its tallies)
// - abandoned: an intake was started but never submitted, and the conversation has been silent for
//   `abandonedIntakeDays` (default 30) → erased; a client without any submitted request is deleted
//   completely (there is nothing to count)
// `findRetentionCandidates` is the dry run: ids, pseudonyms and dates only, never personal values.
import type { Db } from "../../db/client.ts";
import type { ErasureService } from "./erase.ts";

const DAY = 86_400_000;

export interface RetentionPolicy {
  afterClosureDays: number;
  abandonedIntakeDays: number;
}

export interface RetentionCandidate {
  clientId: string;
  pseudonym: string;
  reason: "closed" | "abandoned";
  /** when the data stopped being needed (last closure / referral, or the last conversation step) */
  since: Date;
}

export async function findRetentionCandidates(
  db: Db,
  now: Date,
  policy: RetentionPolicy,
): Promise<RetentionCandidate[]> {
  const closedCutoff = new Date(now.getTime() - policy.afterClosureDays * DAY);
  const abandonedCutoff = new Date(now.getTime() - policy.abandonedIntakeDays * DAY);
  const out: RetentionCandidate[] = [];

  // finished: at least one request, every request done before the cutoff, quiet since
  const finished = await db.client.findMany({
    where: {
      erasedAt: null,
      lastSeenAt: { lt: closedCutoff },
      intakes: { some: {} },
      waitlistEntries: { none: { status: "waiting" } },
      cases: { none: { OR: [{ phase: { not: "closed" } }, { closedAt: { gte: closedCutoff } }] } },
    },
    select: {
      id: true,
      pseudonym: true,
      conversation: { select: { updatedAt: true } },
      intakes: {
        select: {
          submittedAt: true,
          triage: { select: { route: true, decidedAt: true } },
          case: { select: { closedAt: true } },
        },
      },
    },
  });
  for (const c of finished) {
    if (c.conversation && c.conversation.updatedAt >= closedCutoff) continue;
    let last = 0;
    let done = true;
    for (const i of c.intakes) {
      const end = i.case?.closedAt ?? (i.triage?.route === "referral" ? i.triage.decidedAt : null);
      if (!end || end >= closedCutoff) {
        done = false;
        break;
      }
      last = Math.max(last, end.getTime());
    }
    if (done) out.push({ clientId: c.id, pseudonym: c.pseudonym, reason: "closed", since: new Date(last) });
  }

  // abandoned: never submitted, the conversation silent since the cutoff
  const abandoned = await db.client.findMany({
    where: {
      erasedAt: null,
      intakes: { none: {} },
      lastSeenAt: { lt: abandonedCutoff },
      OR: [{ conversation: { is: null } }, { conversation: { updatedAt: { lt: abandonedCutoff } } }],
    },
    select: { id: true, pseudonym: true, lastSeenAt: true, conversation: { select: { updatedAt: true } } },
  });
  for (const c of abandoned)
    out.push({
      clientId: c.id,
      pseudonym: c.pseudonym,
      reason: "abandoned",
      since: c.conversation?.updatedAt ?? c.lastSeenAt,
    });
  return out.sort((a, b) => a.since.getTime() - b.since.getTime());
}

export interface RetentionRun {
  dryRun: boolean;
  candidates: RetentionCandidate[];
  erased: number;
  failed: number;
}

export async function runRetention(
  deps: { db: Db; erasure: Pick<ErasureService, "erase">; now: () => Date },
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
