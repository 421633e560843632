// The retention queries (policy: src/modules/privacy/retention.ts): who is due for erasure and since when.
// Ids, pseudonyms and dates only, never personal values.
import type { Db } from "../../db/client.ts";

/** The handle the retention run passes through to these queries. */
export type RetentionDb = Db;

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
  db: RetentionDb,
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
