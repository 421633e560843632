// Real processes of `src/main.ts` on one throwaway Postgres database and one Redis prefix, as a
// deployment scales out: test/integration/multi-process.test.ts (faults) and bench/scale.ts
// (throughput with 1 and 3 workers) use it.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { freePort } from "../../src/infra/redis.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";

const BASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/anlauf_test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const withDb = (name: string) => {
  const u = new URL(BASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

export interface Proc {
  role: "telegram" | "worker" | "slack" | "all";
  port: number;
  child: ChildProcess;
  log: string[];
  alive: boolean;
}

export interface Cluster {
  dbUrl: string;
  prefix: string;
  sql: pg.Pool;
  procs: Proc[];
  /** starts one process and waits until it answers /health */
  start(role: Proc["role"], env?: Record<string, string>): Promise<Proc>;
  /** what the processes logged, for a failure message */
  logs(): string;
  /** kills every process, drops the database and the Redis keys */
  close(): Promise<void>;
}

export async function createCluster(label: string, env: Record<string, string> = {}): Promise<Cluster> {
  const dbName = `anlauf_${label}_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: withDb("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const dbUrl = withDb(dbName);
  const prefix = `t-${label}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const keys = generateKeySpec(label);
  const sql = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const procs: Proc[] = [];

  const start = async (role: Proc["role"], extra: Record<string, string> = {}): Promise<Proc> => {
    const port = await freePort();
    const log: string[] = [];
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--role", role], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        LOG_LEVEL: "warn",
        PORT: String(port),
        DATABASE_URL: dbUrl,
        DATABASE_POOL_MAX: "4",
        REDIS_URL,
        ANLAUF_QUEUE_PREFIX: prefix,
        ANLAUF_ENCRYPTION_KEYS: keys,
        ...env,
        ...extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const p: Proc = { role, port, child, log, alive: true };
    child.stdout!.on("data", (d) => log.push(String(d)));
    child.stderr!.on("data", (d) => log.push(String(d)));
    child.on("exit", () => {
      p.alive = false;
    });
    procs.push(p);
    const until = Date.now() + 240_000;
    for (;;) {
      if (!p.alive) throw new Error(`${role} process exited at start:\n${log.join("").slice(-3000)}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return p;
      } catch {}
      if (Date.now() > until)
        throw new Error(`${role} process not healthy in time:\n${log.join("").slice(-3000)}`);
      await sleep(300);
    }
  };

  return {
    dbUrl,
    prefix,
    sql,
    procs,
    start,
    logs: () =>
      procs
        .map((p) => `${p.role}:${p.port} ${p.alive ? "alive" : "dead"}\n${p.log.join("").slice(-1500)}`)
        .join("\n"),
    close: async () => {
      for (const p of procs) p.child.kill("SIGKILL");
      await sleep(200);
      await sql.end();
      const a = new pg.Client({ connectionString: withDb("postgres") });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await a.end();
      const redis = new Redis(REDIS_URL);
      const stale = await redis.keys(`${prefix}*`);
      for (let i = 0; i < stale.length; i += 500) await redis.del(...stale.slice(i, i + 500));
      await redis.quit();
    },
  };
}
