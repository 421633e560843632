// The generic half of the shared queue: a typed registry of job definitions (name → queue, zod payload
// schema, deterministic id), a producer that validates before it enqueues, and a worker that validates
// before it runs. Broken payloads fail permanently with the zod message instead of crashing or retrying.
import { type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { z } from "zod";
import type { Logger } from "../lib/logger.ts";
import { removeQueuedJobs } from "./scrub.ts";

export interface JobDef<S extends z.ZodType = z.ZodType> {
  queue: string;
  schema: S;
  /** Same payload → same id, so a double enqueue is a no-op (BullMQ dedupes on job id). */
  id: (payload: z.infer<S>) => string;
  opts?: JobsOptions;
}

export type Registry = Record<string, JobDef>;
export type PayloadOf<R extends Registry, N extends keyof R> = z.infer<R[N]["schema"]>;
export type Handler<P> = (payload: P, job: Job) => Promise<unknown>;
export type Handlers<R extends Registry> = { [N in keyof R]?: Handler<PayloadOf<R, N>> };

export const defineJobs = <R extends Registry>(r: R): R => r;
/** Ties an id function to its schema so the payload type is inferred inside `id`. */
export const job = <S extends z.ZodType>(def: JobDef<S>): JobDef<S> => def;

const DEFAULT_OPTS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  // keep a bounded history: enough to debug, not enough to fill Redis
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

export class JobPayloadError extends Error {
  constructor(
    readonly jobName: string,
    readonly issues: string,
  ) {
    super(`payload of ${jobName} is invalid: ${issues}`);
    this.name = "JobPayloadError";
  }
}

function validate(registry: Registry, name: string, payload: unknown): unknown {
  const def = registry[name];
  if (!def) throw new JobPayloadError(name, "unknown job name");
  const parsed = def.schema.safeParse(payload);
  if (!parsed.success)
    throw new JobPayloadError(
      name,
      parsed.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; "),
    );
  return parsed.data;
}

/** BullMQ refuses custom ids that contain ":" or are integers; map ours onto a safe alphabet. */
const safeId = (id: string) => `j-${id.replace(/[^A-Za-z0-9._-]/g, "_")}`;

export class Producer<R extends Registry> {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly registry: R,
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<N extends keyof R & string>(
    name: N,
    payload: PayloadOf<R, N>,
    opts: JobsOptions = {},
  ): Promise<Job> {
    const data = validate(this.registry, name, payload) as PayloadOf<R, N>;
    const def = this.registry[name]!;
    return this.queue(def.queue).add(name, data, {
      ...DEFAULT_OPTS,
      ...def.opts,
      ...opts,
      jobId: opts.jobId ?? safeId(def.id(data)),
    });
  }

  /** Removes a job by its deterministic id (e.g. a reminder of a cancelled appointment). */
  async cancel<N extends keyof R & string>(name: N, payload: PayloadOf<R, N>): Promise<boolean> {
    const def = this.registry[name]!;
    const removed = await this.queue(def.queue).remove(safeId(def.id(payload)));
    return removed === 1;
  }

  /** Erasure: removes every queued, delayed, completed or failed job that names one of the ids. */
  async removeJobsMentioning(ids: Set<string>): Promise<number> {
    const names = [...new Set(Object.values(this.registry).map((d) => d.queue))];
    return removeQueuedJobs(
      names.map((n) => this.queue(n)),
      ids,
    );
  }

  jobIdOf<N extends keyof R & string>(name: N, payload: PayloadOf<R, N>): string {
    return safeId(this.registry[name]!.id(payload));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

export interface WorkerOptions {
  concurrency?: number;
  limiter?: { max: number; duration: number };
}

/**
 * One worker per queue; dispatches by job name. Validation failures and unknown names are
 * permanent (UnrecoverableError: no retries, the job stays in "failed" with the message).
 */
export function startWorker<R extends Registry>(args: {
  registry: R;
  queue: string;
  handlers: Handlers<R>;
  connection: Redis;
  prefix: string;
  log: Logger;
  options?: WorkerOptions;
}): Worker {
  const { registry, handlers, log } = args;
  const worker = new Worker(
    args.queue,
    async (job) => {
      const handler = handlers[job.name as keyof R] as Handler<unknown> | undefined;
      let payload: unknown;
      try {
        payload = validate(registry, job.name, job.data);
      } catch (e) {
        throw new UnrecoverableError((e as Error).message);
      }
      if (!handler) throw new UnrecoverableError(`no handler for ${job.name} on queue ${args.queue}`);
      return handler(payload, job);
    },
    {
      connection: args.connection,
      prefix: args.prefix,
      concurrency: args.options?.concurrency ?? 10,
      ...(args.options?.limiter ? { limiter: args.options.limiter } : {}),
    },
  );
  worker.on("failed", (job, err) => {
    // ids only: payloads are ids by contract, but error messages of handlers are not trusted to be
    log.warn(
      { queue: args.queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.name },
      "job failed",
    );
  });
  worker.on("error", (err) => log.error({ queue: args.queue, err: err.message }, "worker error"));
  return worker;
}
