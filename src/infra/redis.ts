// Redis for the queue and short-lived state. When the configured Redis is the default local one and
// nothing answers, we start a private redis-server (if installed) so `npm run demo` works on a fresh
// laptop; otherwise we stop with one sentence that says how to get one.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { Cluster, Redis } from "ioredis";
import type { Logger } from "../lib/logger.ts";

export interface RedisHandle {
  url: string;
  /** a client for commands (not for blocking worker connections) */
  client: Redis;
  /** a fresh connection suitable for BullMQ workers */
  connect(): Redis;
  close(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

async function ping(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1500,
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? res(addr.port) : rej(new Error("no port"))));
    });
  });
}

async function startPrivateRedis(
  dataDir: string,
  log: Logger,
): Promise<{ url: string; child: ChildProcess }> {
  const dir = resolve(join(dataDir, "redis"));
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
    { stdio: "ignore" },
  );
  const spawned = await new Promise<boolean>((res) => {
    child.once("error", () => res(false));
    child.once("spawn", () => res(true));
  });
  if (!spawned)
    throw new RedisUnavailableError(
      "No Redis answers at REDIS_URL and no redis-server is installed: install one (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) or set REDIS_URL.",
    );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await ping(url)) {
      log.info({ port, dir }, "started a private redis-server");
      return { url, child };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new RedisUnavailableError(`redis-server started but did not answer on port ${port}`);
}

/** "host:port,host:port" → ioredis cluster seed nodes */
export const clusterNodes = (spec: string) =>
  spec.split(",").map((hp) => {
    const i = hp.lastIndexOf(":");
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  });

/**
 * Redis Cluster (REDIS_CLUSTER_NODES). The handle's type stays `Redis`: every command we send is a
 * single-key command or a multi-key one on keys of one hash-tagged prefix (one slot), which ioredis'
 * Cluster routes like a single server; the one exception, SCAN, goes to every master
 * (queue/scrub.ts scanNodes).
 */
function openCluster(opts: { url: string; nodes: string; log: Logger }): RedisHandle {
  const u = new URL(opts.url);
  const redisOptions = {
    maxRetriesPerRequest: null,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
  };
  const connections: Cluster[] = [];
  const connect = () => {
    const c = new Cluster(clusterNodes(opts.nodes), { redisOptions });
    c.on("error", (e) => opts.log.warn({ err: e.message }, "redis cluster connection error"));
    connections.push(c);
    return c as unknown as Redis;
  };
  const client = connect();
  return {
    url: opts.nodes,
    client,
    connect,
    close: async () => {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

export async function openRedis(opts: {
  url: string;
  dataDir: string;
  allowPrivate: boolean;
  log: Logger;
  /** REDIS_CLUSTER_NODES */
  clusterNodes?: string | undefined;
}): Promise<RedisHandle> {
  if (opts.clusterNodes) return openCluster({ url: opts.url, nodes: opts.clusterNodes, log: opts.log });
  let url = opts.url;
  let child: ChildProcess | undefined;
  if (!(await ping(url))) {
    if (!opts.allowPrivate) throw new RedisUnavailableError(`Redis at ${redact(url)} does not answer.`);
    ({ url, child } = await startPrivateRedis(opts.dataDir, opts.log));
  }
  const connections: Redis[] = [];
  const connect = () => {
    // workers block on Redis: BullMQ requires maxRetriesPerRequest null for them
    const c = new Redis(url, { maxRetriesPerRequest: null });
    c.on("error", (e) => opts.log.warn({ err: e.message }, "redis connection error"));
    connections.push(c);
    return c;
  };
  const client = connect();
  return {
    url,
    client,
    connect,
    close: async () => {
      // connections we create are ours to close: BullMQ does not close connections passed in
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      if (child) child.kill("SIGTERM");
    },
  };
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}
