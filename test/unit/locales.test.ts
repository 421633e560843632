import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createI18n, isRtl, suggestLocale } from "../../src/i18n/index.ts";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";

const checker = "../shared/tools/check-locales.mjs";

describe("locales", () => {
  it.skipIf(!existsSync(checker))("client locales have the same keys and placeholders as en", () => {
    const out = execFileSync("node", [checker, "locales", "en"], { encoding: "utf8" });
    expect(out).toMatch(/ 0 gaps/);
  });

  it.skipIf(!existsSync(checker))("staff locales have the same keys and placeholders as en", () => {
    const out = execFileSync("node", [checker, "locales-staff", "en"], { encoding: "utf8" });
    expect(out).toMatch(/ 0 gaps/);
  });

  it("every client language the bot offers has its texts", () => {
    const missing = CLIENT_LOCALES.filter((l) => !existsSync(`locales/${l}/client.json`));
    expect(missing).toEqual([]);
  });

  it("falls back de-simple → de → en for a key a locale lacks", async () => {
    const i18n = await createI18n();
    i18n.addResource("de", "client", "test.onlyInDe", "nur deutsch");
    i18n.addResource("en", "client", "test.onlyInEn", "english only");
    expect(i18n.t("test.onlyInDe", { lng: "de-simple", ns: "client" })).toBe("nur deutsch");
    expect(i18n.t("test.onlyInEn", { lng: "de-simple", ns: "client" })).toBe("english only");
    expect(i18n.t("test.onlyInEn", { lng: "ar", ns: "client" })).toBe("english only");
  });

  it.each([
    ["ar", true],
    ["fa", true],
    ["de", false],
    ["ku", false],
  ])("%s is right-to-left: %s", (lng, rtl) => expect(isRtl(lng)).toBe(rtl));

  it.each([
    ["uk", "uk"],
    ["de-AT", "de"],
    ["pt-br", undefined],
    ["ku", "ku"],
    ["kmr", "ku"],
    ["ku-TR", "ku"],
    // Sorani is not Kurmanji: no guess, the bot asks
    ["ckb", undefined],
    ["ckb-IQ", undefined],
    ["fa-IR", "fa"],
    [undefined, undefined],
  ])("suggests a locale for Telegram language_code %s", (code, want) =>
    expect(suggestLocale(code)).toBe(want),
  );
});
