// Deployment configuration (security review 15.12): compose takes every credential from .env (no
// literal passwords), Redis runs with a password that never appears on a command line, .env.example
// lists every variable compose reads, and telegram-test-api is a devDependency consistently in
// package.json and package-lock.json (its packages marked dev when no runtime dependency needs them).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const compose = parse(readFileSync("compose.yaml", "utf8")) as {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      command?: unknown;
      entrypoint?: unknown;
      healthcheck?: { test: unknown };
    }
  >;
};
const composeText = readFileSync("compose.yaml", "utf8");
const envExample = readFileSync(".env.example", "utf8");

describe("compose.yaml", () => {
  it("has no literal credentials: passwords are required variables", () => {
    const pg = compose.services.postgres!.environment!;
    expect(pg.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    const app = compose.services.app!.environment!;
    expect(app.DATABASE_URL).toContain("${POSTGRES_PASSWORD:?");
    expect(app.DATABASE_URL).not.toMatch(/\/\/anlauf:anlauf@/);
    expect(app.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@redis:6379$/);
  });

  it("runs Redis with requirepass, the password off the command line", () => {
    const redis = compose.services.redis!;
    expect(redis.environment?.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    const start = JSON.stringify([redis.entrypoint, redis.command]);
    expect(start).toContain("requirepass $${REDIS_PASSWORD}");
    // config on stdin ("-"), not "--requirepass <value>" (arguments are world-readable on the host)
    expect(start).toContain("redis-server - <<EOF");
    expect(start).not.toContain("--requirepass");
    expect(JSON.stringify(redis.healthcheck?.test)).toContain("REDISCLI_AUTH");
  });

  it(".env.example names every variable compose reads", () => {
    const used = new Set([...composeText.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const listed = new Set([...envExample.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !listed.has(v))).toEqual([]);
    // and holds no secret values
    for (const v of ["POSTGRES_PASSWORD", "REDIS_PASSWORD", "ANLAUF_ENCRYPTION_KEYS", "TELEGRAM_BOT_TOKEN"])
      expect(envExample).toMatch(new RegExp(`^${v}=$`, "m"));
  });
});

describe("telegram-test-api", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
  type Entry = {
    dev?: boolean;
    devOptional?: boolean;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const packages = lock.packages as Record<string, Entry>;

  it("is a devDependency, in package.json and the lock file's root package alike", () => {
    expect(pkg.dependencies["telegram-test-api"]).toBeUndefined();
    expect(pkg.devDependencies["telegram-test-api"]).toBeDefined();
    const root = packages[""]!;
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect((root as { devDependencies?: unknown }).devDependencies).toEqual(pkg.devDependencies);
  });

  it("is never imported by the runtime (src/)", () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (p === join("src", "generated")) continue;
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk("src");
    const importers = files.filter((f) =>
      /from\s+["']telegram-test-api|import\(["']telegram-test-api/.test(readFileSync(f, "utf8")),
    );
    expect(importers).toEqual([]);
  });

  it("the lock file marks dev exactly the packages no runtime dependency reaches", () => {
    // node's lookup: <from>/node_modules/<name>, then each parent's node_modules, then the root's
    const resolve = (from: string, name: string): string | undefined => {
      let base = from;
      for (;;) {
        const cand = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
        if (cand in packages) return cand;
        if (!base) return undefined;
        const i = base.lastIndexOf("node_modules/");
        base = i > 0 ? base.slice(0, i).replace(/\/$/, "") : "";
      }
    };
    const seen = new Set<string>();
    const stack = Object.keys(pkg.dependencies).map((n) => resolve("", n));
    while (stack.length) {
      const k = stack.pop();
      if (!k || seen.has(k)) continue;
      seen.add(k);
      const e = packages[k]!;
      // an optional peer is not installed for it (npm: "devOptional" when dev needs it anyway)
      const meta = (e as { peerDependenciesMeta?: Record<string, { optional?: boolean }> })
        .peerDependenciesMeta;
      const peers = Object.keys(e.peerDependencies ?? {}).filter((d) => !meta?.[d]?.optional);
      for (const d of [
        ...Object.keys(e.dependencies ?? {}),
        ...Object.keys(e.optionalDependencies ?? {}),
        ...peers,
      ])
        stack.push(resolve(k, d));
    }
    const wrong: string[] = [];
    for (const [k, e] of Object.entries(packages)) {
      if (!k || (e as { link?: boolean }).link || e.devOptional) continue;
      if (!!e.dev === seen.has(k)) wrong.push(`${k}: dev=${!!e.dev}`);
    }
    expect(wrong).toEqual([]);
    expect(packages["node_modules/telegram-test-api"]!.dev).toBe(true);
  });
});
