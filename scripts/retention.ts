// npm run retention [-- --dry-run]
// Erases personal data past the retention times of the organisation file (section `retention`,
// defaults: 90 days after all of a client's requests were finished, 30 days after an intake that was
// never submitted fell silent). --dry-run lists what would be erased: ids, pseudonyms, reason and
// since when, never personal values. Uses DATABASE_URL (or the embedded database) and REDIS_URL (to
// remove queued jobs of erased clients).
import { parseArgs } from "node:util";
import { ConfigError, dbTargetFromEnv, parseEnv } from "../src/config/env.ts";
import { loadOrganisation, OrganisationFileError } from "../src/config/org.load.ts";
import { retentionOf } from "../src/config/org.schema.ts";
import { openDb } from "../src/db/client.ts";
import { openRedis } from "../src/infra/redis.ts";
import { silentLogger } from "../src/lib/logger.ts";
import { ErasureService } from "../src/modules/privacy/erase.ts";
import { findRetentionCandidates, runRetention } from "../src/modules/privacy/retention.ts";
import { createCipher } from "../src/privacy/crypto.ts";
import { JOBS, QUEUES } from "../src/queue/jobs.ts";
import { Producer } from "../src/queue/registry.ts";
import { redisScrubber } from "../src/queue/scrub.ts";

const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false } } });

try {
  const env = parseEnv(process.env);
  const org = await loadOrganisation(env.ANLAUF_ORG);
  const policy = retentionOf(org);
  const db = await openDb(dbTargetFromEnv(env));
  const now = () => new Date();
  try {
    console.log(
      `retention: ${policy.afterClosureDays} days after closure, ${policy.abandonedIntakeDays} days after an abandoned intake`,
    );
    if (values["dry-run"]) {
      const list = await findRetentionCandidates(db.prisma, now(), policy);
      for (const c of list)
        console.log(
          `  would erase ${c.clientId} ${c.pseudonym} (${c.reason} since ${c.since.toISOString().slice(0, 10)})`,
        );
      console.log(`${list.length} clients would be erased (dry run: nothing changed).`);
    } else {
      const redis = await openRedis({
        url: env.REDIS_URL,
        dataDir: env.ANLAUF_DATA_DIR,
        allowPrivate: false,
        log: silentLogger,
      });
      const producer = new Producer(JOBS, redis.client, env.ANLAUF_QUEUE_PREFIX);
      try {
        const erasure = new ErasureService({
          db: db.prisma,
          cipher: createCipher(env.ANLAUF_ENCRYPTION_KEYS),
          producer,
          scrubRedis: redisScrubber(redis.client, env.ANLAUF_QUEUE_PREFIX, Object.values(QUEUES)),
          log: silentLogger,
          now,
        });
        const r = await runRetention({ db: db.prisma, erasure, now }, policy);
        for (const c of r.candidates)
          console.log(
            `  ${c.clientId} ${c.pseudonym} (${c.reason} since ${c.since.toISOString().slice(0, 10)})`,
          );
        console.log(
          `${r.erased} clients erased${r.failed ? `, ${r.failed} failed (see above, run again)` : ""}.`,
        );
      } finally {
        await producer.close();
        await redis.close();
      }
    }
  } finally {
    await db.close();
  }
} catch (e) {
  console.error(
    e instanceof ConfigError || e instanceof OrganisationFileError
      ? e.message
      : e instanceof Error
        ? e.message
        : e,
  );
  process.exit(1);
}
