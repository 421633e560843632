// The environment is parsed once, in main, into a typed Config. Every problem is reported at once
// (not just the first) and the process exits 1 before anything starts. No secret has a default.
import { z } from "zod";
import type { DbTarget } from "../db/client.ts";

const optional = (s: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), s.optional());

const url = (what: string) => z.url({ error: `must be a URL (${what})` });

export const ROLES = ["all", "telegram", "slack", "worker"] as const;
export type Role = (typeof ROLES)[number];

const keyList = z
  .string()
  .regex(
    /^[a-z0-9-]{1,16}:[A-Za-z0-9+/]{43}=(,[a-z0-9-]{1,16}:[A-Za-z0-9+/]{43}=)*$/,
    "must be keyId:base64(32 bytes)[,keyId:base64…] — the first key encrypts, all decrypt",
  );

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    ANLAUF_ROLE: z.enum(ROLES).default("all"),
    ANLAUF_ORG: z.string().min(1).default("orgs/bielefeld.yaml"),
    ANLAUF_DATA_DIR: z.string().min(1).default(".data"),
    ANLAUF_ENCRYPTION_KEYS: keyList,
    DATABASE_URL: optional(
      z.string().regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://"),
    ),
    /** connections per process to Postgres (node-postgres pool) */
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .default("redis://127.0.0.1:6379"),
    // on Redis Cluster the prefix must carry a hash tag, "{anlauf}", so every key of a queue lands in
    // one slot (test/integration/redis-cluster.test.ts); a plain prefix is fine on one Redis
    /**
     * Redis Cluster: the seed nodes, "host:port,host:port"; REDIS_URL then only lends the password
     * and TLS (rediss://). Needs a hash-tagged ANLAUF_QUEUE_PREFIX such as "{anlauf}".
     */
    REDIS_CLUSTER_NODES: optional(
      z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, 'must be "host:port,host:port"'),
    ),
    ANLAUF_QUEUE_PREFIX: z
      .string()
      .regex(
        /^(\{[a-z0-9_-]+\}|[a-z0-9_-])[a-z0-9:_-]*$/,
        'lower-case letters, digits, : _ -, optionally starting with a {hash tag} for Redis Cluster, e.g. "{anlauf}"',
      )
      .default("anlauf"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** bearer token for /metrics; without it /metrics answers requests from this host only */
    ANLAUF_METRICS_TOKEN: optional(
      z.string().regex(/^[A-Za-z0-9._~+/=-]{24,256}$/, "24–256 characters of A–Z, a–z, 0–9 and ._~+/=-"),
    ),
    TELEGRAM_BOT_TOKEN: optional(z.string().regex(/^\d+:[\w-]{20,}$/, "must look like 123456:ABC-…")),
    TELEGRAM_API_ROOT: url("Bot API root").default("https://api.telegram.org"),
    TELEGRAM_WEBHOOK_URL: optional(url("public HTTPS address of /telegram/webhook")),
    TELEGRAM_WEBHOOK_SECRET: optional(
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "16–256 characters of A–Z, a–z, 0–9, _ and -"),
    ),
    SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-/, "must start with xoxb-")),
    SLACK_SIGNING_SECRET: optional(z.string().min(16, "looks too short for a Slack signing secret")),
    SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-/, "must start with xapp-")),
    SLACK_API_URL: url("Web API base, ending in /api/").default("https://slack.com/api/"),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET)
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "is required when TELEGRAM_WEBHOOK_URL is set (Telegram sends it back on every update)",
      });
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET)
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_SIGNING_SECRET"],
        message: "is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)",
      });
    if (env.REDIS_CLUSTER_NODES && !env.ANLAUF_QUEUE_PREFIX.startsWith("{"))
      ctx.addIssue({
        code: "custom",
        path: ["ANLAUF_QUEUE_PREFIX"],
        message:
          'needs a hash tag on Redis Cluster, e.g. "{anlauf}" (BullMQ keys of a queue must share a slot)',
      });
    if (!env.SLACK_BOT_TOKEN && (env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET))
      ctx.addIssue({
        code: "custom",
        path: ["SLACK_BOT_TOKEN"],
        message: "is required when other SLACK_* credentials are set",
      });
  });

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  // never echo values: some of them are secrets
  throw new ConfigError(
    result.error.issues.map((i) => `${i.path.join(".") || "(environment)"}: ${i.message}`),
  );
}

export function dbTargetFromEnv(
  source:
    | (Pick<Env, "DATABASE_URL" | "ANLAUF_DATA_DIR"> & { DATABASE_POOL_MAX?: number | string })
    | NodeJS.ProcessEnv,
): DbTarget {
  const url = source.DATABASE_URL;
  const max = Number(source.DATABASE_POOL_MAX);
  if (url) return { kind: "postgres", url, ...(Number.isInteger(max) && max > 0 ? { poolMax: max } : {}) };
  return { kind: "embedded", dataDir: `${source.ANLAUF_DATA_DIR ?? ".data"}/pglite` };
}
