import { describe, expect, it } from "vitest";
import { ConfigError, dbTargetFromEnv, parseEnv } from "../../src/config/env.ts";
import { generateKeySpec } from "../../src/privacy/crypto.ts";

const base = { ANLAUF_ENCRYPTION_KEYS: generateKeySpec("k1") };

describe("parseEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv(base);
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.PORT).toBe(3000);
    expect(env.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
    expect(env.SLACK_API_URL).toBe("https://slack.com/api/");
    expect(env.ANLAUF_ROLE).toBe("all");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.ANLAUF_METRICS_TOKEN).toBeUndefined();
  });

  it("takes a metrics token", () => {
    const token = "Zm9vYmFyYmF6cXV4cXV1eA-_~.+/=";
    expect(parseEnv({ ...base, ANLAUF_METRICS_TOKEN: token }).ANLAUF_METRICS_TOKEN).toBe(token);
    expect(parseEnv({ ...base, ANLAUF_METRICS_TOKEN: "" }).ANLAUF_METRICS_TOKEN).toBeUndefined();
  });

  it("treats empty strings as unset", () => {
    expect(
      parseEnv({ ...base, DATABASE_URL: "", TELEGRAM_BOT_TOKEN: " " }).TELEGRAM_BOT_TOKEN,
    ).toBeUndefined();
  });

  it("lists every problem at once and never echoes a value", () => {
    const secret = "xoxb-but-this-is-the-app-token-slot";
    try {
      parseEnv({
        PORT: "70000",
        REDIS_URL: "localhost:6379",
        TELEGRAM_BOT_TOKEN: "nonsense",
        TELEGRAM_WEBHOOK_URL: "https://example.org/telegram/webhook",
        SLACK_APP_TOKEN: secret,
        ANLAUF_ROLE: "everything",
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      const fields = err.problems.map((p) => p.split(":")[0]);
      expect(fields).toEqual(
        expect.arrayContaining([
          "ANLAUF_ENCRYPTION_KEYS",
          "PORT",
          "REDIS_URL",
          "TELEGRAM_BOT_TOKEN",
          "SLACK_APP_TOKEN",
          "ANLAUF_ROLE",
        ]),
      );
      expect(err.message).not.toContain(secret);
    }
  });

  it.each([
    [{ TELEGRAM_WEBHOOK_URL: "https://x.example/telegram/webhook" }, "TELEGRAM_WEBHOOK_SECRET"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "SLACK_SIGNING_SECRET"],
    [{ SLACK_SIGNING_SECRET: "0123456789abcdef0123" }, "SLACK_BOT_TOKEN"],
    [{ ANLAUF_ENCRYPTION_KEYS: "k1:tooshort" }, "ANLAUF_ENCRYPTION_KEYS"],
    [{ ANLAUF_METRICS_TOKEN: "short" }, "ANLAUF_METRICS_TOKEN"],
    [{ ANLAUF_METRICS_TOKEN: "has spaces in it which is not a token" }, "ANLAUF_METRICS_TOKEN"],
  ])("cross-field rule %o requires %s", (extra, field) => {
    expect(() => parseEnv({ ...base, ...extra })).toThrow(field);
  });

  it("accepts Socket Mode without a signing secret", () => {
    const env = parseEnv({ ...base, SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    expect(env.SLACK_APP_TOKEN).toBe("xapp-1");
  });

  it("chooses the embedded database without DATABASE_URL", () => {
    expect(dbTargetFromEnv({ ANLAUF_DATA_DIR: "/tmp/x" })).toEqual({
      kind: "embedded",
      dataDir: "/tmp/x/pglite",
    });
    expect(dbTargetFromEnv({ DATABASE_URL: "postgres://h/db" })).toEqual({
      kind: "postgres",
      url: "postgres://h/db",
    });
    // the pool per process (PgBouncer: keep processes × pool under its pool size)
    expect(parseEnv({ ...base, DATABASE_POOL_MAX: "4" }).DATABASE_POOL_MAX).toBe(4);
    expect(() => parseEnv({ ...base, DATABASE_POOL_MAX: "0" })).toThrow(ConfigError);
    expect(dbTargetFromEnv({ DATABASE_URL: "postgres://h/db", DATABASE_POOL_MAX: "4" })).toEqual({
      kind: "postgres",
      url: "postgres://h/db",
      poolMax: 4,
    });
  });

  it.each([
    ["anlauf", true],
    ["{anlauf}", true],
    ["{kim-nrw}:prod", true],
    ["{anlauf", false],
    ["an}lauf", false],
    ["{}", false],
    ["Anlauf", false],
  ])("queue prefix %j (a Redis Cluster needs a {hash tag})", (prefix, ok) => {
    if (ok) expect(parseEnv({ ...base, ANLAUF_QUEUE_PREFIX: prefix }).ANLAUF_QUEUE_PREFIX).toBe(prefix);
    else expect(() => parseEnv({ ...base, ANLAUF_QUEUE_PREFIX: prefix })).toThrow(ConfigError);
  });
});
