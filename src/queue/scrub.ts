// What erasure needs of Redis, kept beside the queue because it must know the queues' own keys:
// jobs whose payload or id mentions one of a client's ids are removed (active ones finish and find
// the client gone), and other keys under our prefix that name those ids are deleted.
import type { JobType, Queue } from "bullmq";
import type { Redis } from "ioredis";

const JOB_STATES: JobType[] = ["wait", "delayed", "prioritized", "waiting-children", "completed", "failed"];

/** Removes every job whose payload mentions one of the ids (active jobs are left to finish). */
export async function removeQueuedJobs(queues: Queue[], ids: Set<string>, page = 500): Promise<number> {
  if (ids.size === 0) return 0;
  const needles = [...ids];
  let removed = 0;
  for (const q of queues) {
    for (let start = 0; ; start += page) {
      const jobs = await q.getJobs(JOB_STATES, start, start + page - 1, true);
      if (jobs.length === 0) break;
      let removedHere = 0;
      for (const j of jobs) {
        if (!j?.id) continue;
        const data = JSON.stringify(j.data ?? {});
        if (!needles.some((n) => data.includes(n) || j.id!.includes(n))) continue;
        try {
          await j.remove();
          removed++;
          removedHere++;
        } catch {
          // locked by a worker right now: it will find the client erased and do nothing
        }
      }
      // removing shifts the ranges: step back by what we removed
      start -= removedHere;
    }
  }
  return removed;
}

/**
 * Deletes keys under the prefix whose name contains one of the needles (client id, Telegram ids),
 * except the queues' own keys (those go through job.remove()) and those `keep` names.
 */
export async function deleteRedisKeys(
  redis: Redis,
  prefix: string,
  needles: string[],
  queueNames: string[],
  keep: (key: string) => boolean = () => false,
): Promise<number> {
  let deleted = 0;
  const queueKey = (k: string) => keep(k) || queueNames.some((q) => k.startsWith(`${prefix}:${q}:`));
  // the id as a whole key segment: "tg:visitor:42" matches 42, "tg:update:4242" does not
  const patterns = needles.filter(Boolean).flatMap((n) => [`${prefix}:*:${n}`, `${prefix}:*:${n}:*`]);
  for (const node of scanNodes(redis))
    for (const pattern of patterns) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        const mine = keys.filter((k) => !queueKey(k));
        // deleted through the client: on a cluster it routes the keys (one slot under a hash tag)
        if (mine.length) deleted += await redis.del(...mine);
      } while (cursor !== "0");
    }
  return deleted;
}

/** Where SCAN must run: the server itself, or every master of a Redis Cluster. */
function scanNodes(redis: Redis): Pick<Redis, "scan">[] {
  const cluster = redis as unknown as { isCluster?: boolean; nodes?: (role: "master") => Redis[] };
  return cluster.isCluster && cluster.nodes ? cluster.nodes("master") : [redis];
}

/** The erasure port: deletes keys under the prefix naming one of the needles, queues excepted. */
export const redisScrubber =
  (redis: Redis, prefix: string, queueNames: string[]) =>
  (needles: string[]): Promise<number> =>
    deleteRedisKeys(redis, prefix, needles, queueNames);
