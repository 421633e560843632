// The client texts are sent with parse_mode HTML. Telegram rejects a message with a stray "<" or "&",
// so every text may only contain the few tags below; interpolated values are escaped by the bot.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";

const ALLOWED_TAGS = /<\/?(b|i|code)>/g;

function flatten(obj: Record<string, unknown>, prefix = ""): [string, string][] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object"
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[`${prefix}${k}`, String(v)] as [string, string]],
  );
}

const locales = readdirSync("locales").filter((d) => !d.startsWith("."));

describe.each(locales)("locales/%s/client.json", (lng) => {
  const entries = flatten(JSON.parse(readFileSync(`locales/${lng}/client.json`, "utf8")));

  it.each(entries)("%s is safe Telegram HTML", (_key, text) => {
    const rest = text.replace(ALLOWED_TAGS, "");
    expect(rest).not.toMatch(/[<>]/);
    expect(rest).not.toMatch(/&(?!(lt|gt|amp|quot);)/);
    // tags are balanced
    for (const tag of ["b", "i", "code"])
      expect((text.match(new RegExp(`<${tag}>`, "g")) ?? []).length).toBe(
        (text.match(new RegExp(`</${tag}>`, "g")) ?? []).length,
      );
  });

  it("keeps the commands under Telegram's 256 characters", () => {
    for (const [key, text] of entries.filter(([k]) => k.startsWith("commands.")))
      expect(text.length, key).toBeLessThanOrEqual(256);
  });
});

describe("plurals", () => {
  it.each([
    ["en", 1, "1 child"],
    ["en", 0, "0 children"],
    ["de", 1, "1 Kind"],
    ["de", 3, "3 Kinder"],
  ])("%s: %i children", async (lng, count, text) => {
    const i18n = await createI18n();
    expect(i18n.t("intake.summary.children", { lng, ns: "client", count })).toBe(text);
  });
});
