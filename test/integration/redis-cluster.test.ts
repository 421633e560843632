// Issue 14.5: the queue runs on Redis Cluster when its prefix carries a hash tag. BullMQ's Lua
// scripts touch several keys of a queue at once; Redis Cluster refuses a script whose keys live in
// different slots (CROSSSLOT). With the prefix "{anlauf}" every key hashes on "anlauf" and lands in
// one slot. This test starts a real three-master cluster from the redis-server on the machine
// (skipped, saying so, where there is none), runs our Producer and worker on it with the hash-tagged
// prefix, and shows the control: without the hash tag the same add fails.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, parseEnv } from "../../src/config/env.ts";
import { freePort, openRedis } from "../../src/infra/redis.ts";
import { silentLogger } from "../../src/lib/logger.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";
import { defineJobs, job, Producer, startWorker } from "../../src/queue/registry.ts";
import { deleteRedisKeys } from "../../src/queue/scrub.ts";

const hasRedis = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    execFileSync("redis-cli", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasRedis) console.warn("redis-cluster.test: redis-server/redis-cli not installed, cluster test skipped");

const nodes: ChildProcess[] = [];
const clusters: Cluster[] = [];
let dir = "";
let ports: number[] = [];

const connect = () => {
  const c = new Cluster(
    ports.map((port) => ({ host: "127.0.0.1", port })),
    { redisOptions: { maxRetriesPerRequest: null } },
  );
  clusters.push(c);
  return c;
};

beforeAll(async () => {
  if (!hasRedis) return;
  dir = mkdtempSync(join(tmpdir(), "anlauf-cluster-"));
  ports = [await freePort(), await freePort(), await freePort()];
  for (const port of ports)
    nodes.push(
      spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          `nodes-${port}.conf`,
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          "no",
        ],
        { stdio: "ignore" },
      ),
    );
  for (const port of ports)
    for (let i = 0; i < 50; i++) {
      try {
        if (
          execFileSync("redis-cli", ["-p", String(port), "ping"])
            .toString()
            .trim() === "PONG"
        )
          break;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
  execFileSync(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ],
    {
      stdio: "ignore",
    },
  );
  for (let i = 0; i < 100; i++) {
    const info = execFileSync("redis-cli", ["-p", String(ports[0]), "cluster", "info"]).toString();
    if (info.includes("cluster_state:ok")) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.quit().catch(() => c.disconnect())));
  for (const n of nodes) n.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const registry = defineJobs({
  "demo.echo": job({
    queue: "work",
    schema: z.strictObject({ n: z.int() }),
    id: (p) => `echo.${p.n}`,
  }),
});

describe.skipIf(!hasRedis)("BullMQ on Redis Cluster", () => {
  it("runs jobs with the hash-tagged prefix, exactly once per deterministic id", async () => {
    const prefix = "{anlauf}";
    const producer = new Producer(registry, connect() as never, prefix);
    const seen: number[] = [];
    const worker = startWorker({
      registry,
      queue: "work",
      connection: connect() as never,
      prefix,
      log: silentLogger,
      handlers: { "demo.echo": async (p) => void seen.push(p.n) },
    });
    for (let n = 0; n < 20; n++) await producer.enqueue("demo.echo", { n });
    await producer.enqueue("demo.echo", { n: 3 }); // the same id again: no second job
    for (let i = 0; i < 100 && seen.length < 20; i++) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    await producer.close();
  });

  it("control: without the hash tag the cluster refuses BullMQ's multi-key scripts", async () => {
    const producer = new Producer(registry, connect() as never, "anlauf-untagged");
    await expect(producer.enqueue("demo.echo", { n: 1 })).rejects.toThrow(/CROSSSLOT|slot/i);
    await producer.close().catch(() => {});
  });

  it("the app's handle opens the cluster from REDIS_CLUSTER_NODES, and the erasure scrub scans the masters", async () => {
    const h = await openRedis({
      url: "redis://127.0.0.1:6379",
      clusterNodes: ports.map((p) => `127.0.0.1:${p}`).join(","),
      dataDir: dir,
      allowPrivate: false,
      log: silentLogger,
    });
    try {
      const prefix = "{anlauf}";
      await h.client.set(`${prefix}:tg:visitor:4711`, "x");
      await h.client.set(`${prefix}:tg:visitor:4712`, "y");
      await h.client.set(`${prefix}:work:4711`, "queue key, kept");
      expect(await deleteRedisKeys(h.client, prefix, ["4711"], ["work"])).toBe(1);
      expect(await h.client.get(`${prefix}:tg:visitor:4711`)).toBeNull();
      expect(await h.client.get(`${prefix}:tg:visitor:4712`)).toBe("y");
      expect(await h.client.get(`${prefix}:work:4711`)).not.toBeNull();
    } finally {
      await h.close();
    }
  });
});

describe("env for Redis Cluster", () => {
  const base = { ANLAUF_ENCRYPTION_KEYS: generateKeySpec("k1") };
  it("refuses cluster nodes without a hash-tagged prefix, accepts them with one", () => {
    expect(() => parseEnv({ ...base, REDIS_CLUSTER_NODES: "10.0.0.1:6379,10.0.0.2:6379" })).toThrow(
      /hash tag/,
    );
    const env = parseEnv({ ...base, REDIS_CLUSTER_NODES: "10.0.0.1:6379", ANLAUF_QUEUE_PREFIX: "{anlauf}" });
    expect(env.REDIS_CLUSTER_NODES).toBe("10.0.0.1:6379");
    expect(() =>
      parseEnv({ ...base, REDIS_CLUSTER_NODES: "nohost", ANLAUF_QUEUE_PREFIX: "{anlauf}" }),
    ).toThrow(ConfigError);
  });
});
