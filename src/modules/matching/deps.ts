// What the matching, triage and wait-list services need from the running system. Tests and the bench
// hand in recording or no-op parts; the feature builds them from the AppContext.
import type { Organisation } from "../../config/org.schema.ts";
import type { Db } from "../../db/client.ts";
import type { Logger } from "../../lib/logger.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import type { ClientNotifier, StaffNotifier } from "../notify/notifier.ts";
import type { MatchingOptions } from "./policy.ts";

/** The part of the producer the services use (a real Producer fits). */
export type JobSink = Pick<Producer<Jobs>, "enqueue" | "cancel">;

export interface MatchingDeps {
  db: Db;
  org: Organisation;
  jobs: JobSink;
  clients: ClientNotifier;
  staff: StaffNotifier;
  log: Logger;
  now: () => Date;
  /** encrypts decline reasons (an @encrypted field); without it the free text is not stored */
  cipher?: FieldCipher;
  options?: MatchingOptions;
}

/** A JobSink that drops everything (bench, one-off CLI runs without Redis). */
export const nullJobs: JobSink = {
  enqueue: (async () => undefined) as unknown as JobSink["enqueue"],
  cancel: (async () => false) as JobSink["cancel"],
};

/** A JobSink that records every call; for tests. */
export function recordingJobs(): JobSink & { calls: { name: string; payload: unknown; delay?: number }[] } {
  const calls: { name: string; payload: unknown; delay?: number }[] = [];
  return {
    calls,
    enqueue: (async (name: string, payload: unknown, opts?: { delay?: number }) => {
      calls.push({ name, payload, ...(opts?.delay !== undefined ? { delay: opts.delay } : {}) });
      return undefined;
    }) as unknown as JobSink["enqueue"],
    cancel: (async (name: string, payload: unknown) => {
      calls.push({ name: `cancel:${name}`, payload });
      return true;
    }) as JobSink["cancel"],
  };
}
