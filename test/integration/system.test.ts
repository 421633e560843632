// The spine end to end: start the real system (no bot credentials), probe its HTTP surface, stop it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { main } from "../../src/main.ts";
import { OrgRepository } from "../../src/modules/org/org.repository.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";
import { EncryptionKeyCheckError } from "../../src/privacy/startup-check.ts";
import { startTestSystem, type TestSystem } from "../support/system.ts";

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ label: "system" });
});
afterAll(async () => {
  await sys.shutdown({ dropDb: true });
});

const get = (path: string) => fetch(`http://127.0.0.1:${sys.port}${path}`);

describe("running system", () => {
  it("answers /health with both stores up", async () => {
    const res = await get("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toContain('anlauf_check_up{check="postgres"} 1');
    expect(metrics).toContain('anlauf_check_up{check="redis"} 1');
  });

  it("answers /ready and /metrics", async () => {
    expect((await get("/ready")).status).toBe(200);
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toMatch(/anlauf_queue_jobs\{queue="work",state="waiting"\} \d+/);
    expect(metrics).toMatch(/anlauf_uptime_seconds \d+/);
  });

  it("answers unknown paths with 404, and has no Telegram or Slack route without credentials", async () => {
    expect((await get("/nope")).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${sys.port}/slack/events`, { method: "POST" })).status).toBe(404);
    expect(sys.bot).toBeUndefined();
    expect(sys.slack).toBeUndefined();
  });

  it("synced the organisation file into the database", async () => {
    const cms = await sys.ctx.db.caseManager.findMany();
    expect(cms).toHaveLength(8);
    expect(cms.reduce((s, c) => s + c.fte, 0)).toBe(8);
    expect(await sys.ctx.db.district.count()).toBe(10);
  });

  it("syncs idempotently and deactivates case managers removed from the file", async () => {
    const org = await loadOrganisation("orgs/bielefeld.yaml");
    const repo = new OrgRepository(sys.ctx.db);
    const before = await sys.ctx.db.caseManager.findMany({ orderBy: { id: "asc" } });
    await repo.sync(org);
    const after = await sys.ctx.db.caseManager.findMany({ orderBy: { id: "asc" } });
    expect(after.map(({ updatedAt: _, ...c }) => c)).toEqual(before.map(({ updatedAt: _, ...c }) => c));
    const leaving = org.caseManagers.find((c) => !c.teamLead)!;
    const r = await repo.sync({ ...org, caseManagers: org.caseManagers.filter((c) => c !== leaving) });
    expect(r.deactivated).toEqual([leaving.id]);
    expect((await sys.ctx.db.caseManager.findUniqueOrThrow({ where: { id: leaving.id } })).active).toBe(
      false,
    );
    await repo.sync(org);
  });

  it("reports health as degraded when Redis is gone", async () => {
    const other = await startTestSystem({ label: "sys-down", testDb: sys.testDb });
    other.ctx.redis.client.disconnect();
    const res = await fetch(`http://127.0.0.1:${other.port}/health`);
    expect(res.status).toBe(503);
    // the open endpoint gives the verdict only; which store is down is for /metrics (from this host)
    expect(await res.json()).toEqual({ status: "degraded" });
    const metrics = await (await fetch(`http://127.0.0.1:${other.port}/metrics`)).text();
    expect(metrics).toContain('anlauf_check_up{check="postgres"} 1');
    expect(metrics).toContain('anlauf_check_up{check="redis"} 0');
    await other.shutdown();
  });
});

describe("encryption keys at start", () => {
  it("refuses to start with a key that cannot read the stored personal data", async () => {
    await sys.ctx.db.client.create({
      data: { locale: "de", pseudonym: "K-KEYS", displayName: sys.ctx.cipher.encrypt("Amira") },
    });
    await expect(
      startTestSystem({
        label: "sys-key",
        testDb: sys.testDb,
        env: { ANLAUF_ENCRYPTION_KEYS: generateKeySpec("test") },
      }),
    ).rejects.toThrow(EncryptionKeyCheckError);
    await sys.ctx.db.client.delete({ where: { pseudonym: "K-KEYS" } });
  });
});

describe("main: bad configuration", () => {
  it("exits 1 and lists every problem of env and organisation file", async () => {
    const errors: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => errors.push(a.join(" "));
    try {
      const code = await main([], { PORT: "-1", ANLAUF_ORG: "test/fixtures/broken-org.yaml" });
      expect(code).toBe(1);
    } finally {
      console.error = orig;
    }
    const out = errors.join("\n");
    expect(out).toMatch(/ANLAUF_ENCRYPTION_KEYS/);
    expect(out).toMatch(/PORT/);
    expect(out).toMatch(/broken-org\.yaml:\d+:\d+/);
  });

  it("refuses an unknown role", async () => {
    const orig = console.error;
    console.error = () => {};
    try {
      expect(await main(["--role", "everything"], {})).toBe(1);
    } finally {
      console.error = orig;
    }
  });
});
