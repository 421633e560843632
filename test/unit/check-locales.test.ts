// scripts/check-locales.mjs, our locale check beyond key parity: untranslated copies of the English
// text, and /commands or codes left unisolated in right-to-left locales.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND } from "../../src/i18n/bidi.ts";

const SCRIPT = resolve("scripts/check-locales.mjs");

function run(cwd: string, ...dirs: string[]): { code: number; out: string } {
  try {
    return {
      code: 0,
      out: execFileSync("node", [SCRIPT, ...dirs], { cwd, encoding: "utf8", stdio: "pipe" }),
    };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}

function fixture(files: Record<string, Record<string, unknown>>): string {
  const root = mkdtempSync(join(tmpdir(), "locales-"));
  for (const [path, content] of Object.entries(files)) {
    const [lng, ns] = path.split("/") as [string, string];
    mkdirSync(join(root, "locales", lng), { recursive: true });
    writeFileSync(join(root, "locales", lng, `${ns}.json`), JSON.stringify(content));
  }
  return root;
}

const EN = {
  welcome: "Please bring your documents to the appointment.",
  hint: "Send /start to begin.",
  code: "Your number: <code>{{code}}</code>",
  ok: "OK",
};

describe("scripts/check-locales.mjs", () => {
  it("passes on the repository's locales", () => {
    const { code, out } = run(process.cwd());
    expect(out).toMatch(/ 0 finding/);
    expect(code).toBe(0);
  });

  it.each([
    [
      "an English copy in tr",
      "tr",
      { ...EN, hint: "Başlamak için /start gönderin." },
      /tr: client\.welcome is the English text/,
    ],
    [
      "an unisolated /command in fa",
      "fa",
      {
        welcome: "لطفاً مدارک خود را بیاورید.",
        hint: "برای شروع /start را بفرستید.",
        code: "شماره: \u2066<code>{{code}}</code>\u2069",
        ok: "OK",
      },
      /fa: client\.hint: \/start is not isolated/,
    ],
    [
      "an unisolated <code> in ar",
      "ar",
      {
        welcome: "يرجى إحضار مستنداتك.",
        hint: "أرسل \u2066/start\u2069 للبدء.",
        code: "رقمك: <code>{{code}}</code>",
        ok: "OK",
      },
      /ar: client\.code: <code>\{\{code\}\}<\/code> is not isolated/,
    ],
  ])("flags %s", (_what, lng, texts, finding) => {
    const root = fixture({ "en/client": EN, [`${lng}/client`]: texts });
    const { code, out } = run(root, "locales");
    expect(out).toMatch(finding);
    expect(out).toMatch(/ 1 finding/);
    expect(code).toBe(1);
  });

  it("accepts short identical words, isolated commands and allow-listed keys", () => {
    const root = fixture({
      "en/client": EN,
      "en/privacy": { export: { field: { telegramUserId: "Telegram ID of the account" } } },
      "ar/client": {
        welcome: "يرجى إحضار مستنداتك إلى الموعد.",
        hint: "أرسل \u2066/start\u2069 للبدء.",
        code: "رقمك: \u2066<code>{{code}}</code>\u2069",
        ok: "OK",
      },
      "ar/privacy": { export: { field: { telegramUserId: "Telegram ID of the account" } } },
    });
    const { code, out } = run(root, "locales");
    expect(out).toMatch(/ 0 finding/);
    expect(code).toBe(0);
  });

  it("uses the same /command pattern as src/i18n/bidi.ts", () => {
    const source = readFileSync(SCRIPT, "utf8");
    expect(source).toContain(`const COMMAND = /${COMMAND.source}/${COMMAND.flags};`);
  });
});
