// The native-speaker review round trip (issue 13.3): export rows, the checks on import, the file
// formats, and the CLI against a copy of the real locale files.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUTTON_MAX,
  checkPlurals,
  checkText,
  flatten,
  localeKeys,
  mergeReturned,
  parseCsv,
  parseXliff,
  pluralCategories,
  type ReviewRow,
  toCsv,
  toXliff,
} from "../../src/i18n/review.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const en = new Map([
  [
    "client",
    flatten(
      {
        hello: "Hello {{name}}, send <code>/status</code>.",
        go: "Go",
        left_one: "{{count}} day left",
        left_other: "{{count}} days left",
        choose_at_least_one: "Choose at least one.",
      },
      "",
    ),
  ],
]);

describe("the keys a locale must have", () => {
  it.each([
    ["en", ["left_one", "left_other"]],
    ["de-simple", ["left_one", "left_other"]],
    ["ru", ["left_few", "left_many", "left_one", "left_other"]],
    ["ar", ["left_few", "left_many", "left_one", "left_other", "left_two", "left_zero"]],
  ])("%s gets its own plural categories", (lng, forms) => {
    const keys = [...localeKeys(lng, en).get("client")!.keys()].filter((k) => k.startsWith("left_")).sort();
    expect(keys).toEqual(forms);
  });
  it("a key ending in _one without an _other is not a plural", () => {
    expect([...localeKeys("ar", en).get("client")!.keys()]).toContain("choose_at_least_one");
    expect([...localeKeys("ar", en).get("client")!.keys()]).not.toContain("choose_at_least_two");
  });
  it("the new forms are sourced from English _other", () => {
    expect(localeKeys("ar", en).get("client")!.get("left_two")).toBe("{{count}} days left");
  });
  it("Intl knows the categories", () => {
    expect(pluralCategories("pl")).toEqual(["few", "many", "one", "other"]);
  });
});

describe("checkText", () => {
  const row = { key: "client:hello", english: "Hello {{name}}, send <code>/status</code>.", maxLength: 60 };
  it.each([
    ["de", "Hallo {{name}}, senden Sie <code>/status</code>.", []],
    ["de", "Hallo {{nam}}, senden Sie <code>/status</code>.", ["placeholders differ"]],
    ["de", "Hallo {{name}}, senden Sie /status.", ["HTML tags differ"]],
    ["de", "", ["empty text", "placeholders differ", "HTML tags differ"]],
    ["de", `Hallo {{name}}, <code>/status</code>${"!".repeat(60)}`, ["longer than 60"]],
    [
      "ar",
      "مرحبا {{name}}، أرسل <code>/status</code>.",
      ["commands not isolated", "<code> spans not isolated"],
    ],
    ["ar", "مرحبا {{name}}، أرسل \u2066<code>\u2066/status\u2069</code>\u2069.", []],
  ])("%s %j", (lng, text, problems) => {
    const found = checkText(lng, row, text).map((p) => p.problem);
    expect(found.length).toBe(problems.length);
    for (const [i, p] of problems.entries()) expect(found[i]).toContain(p);
  });
});

describe("file formats", () => {
  const rows: ReviewRow[] = [
    {
      key: "client:hello",
      surface: "message",
      context: 'Telegram message · "quoted", with comma',
      maxLength: 3500,
      english: 'Line one\nline "two", <b>bold</b> & more',
      german: "Zeile",
      current: "",
      status: "missing",
      translation: 'Zeile eins\nZeile "zwei", <b>fett</b> & mehr',
    },
    {
      key: "client:go",
      surface: "button",
      context: "x",
      maxLength: BUTTON_MAX,
      english: "Go",
      german: "Los",
      current: "Los",
      status: "",
      translation: "Los",
    },
  ];
  it("CSV survives quotes, commas, newlines and the BOM", () => {
    const back = parseCsv(toCsv(rows));
    expect(back.map((r) => [r.cells.key, r.cells.translation, r.cells.english])).toEqual(
      rows.map((r) => [r.key, r.translation, r.english]),
    );
    expect(back[1]!.line).toBe(3); // spreadsheet rows, although the first record spans two lines
  });
  it("CSV without a translation column is refused by name", () => {
    expect(() => parseCsv("key,text\na,b\n")).toThrow(/no "translation" column/);
  });
  it("an unclosed quote is named with its line", () => {
    expect(() => parseCsv('key,translation\na,"open\n')).toThrow(/line 2/);
  });
  it("XLIFF survives markup and entities, and knows its language", () => {
    const x = parseXliff(toXliff("de", rows));
    expect(x.lng).toBe("de");
    expect(x.units.map((u) => [u.key, u.target])).toEqual(rows.map((r) => [r.key, r.translation]));
  });
});

describe("mergeReturned", () => {
  const currentFiles = new Map([
    [
      "client",
      {
        hello: "Hallo {{name}}, senden Sie <code>/status</code>.",
        go: "Los",
        left_one: "noch {{count}} Tag",
        left_other: "noch {{count}} Tage",
        choose_at_least_one: "Mindestens eins.",
      },
    ],
  ]);
  const merge = (returned: { key: string; translation: string }[], lng = "de", files = currentFiles) =>
    mergeReturned({
      lng,
      en,
      currentFiles: files,
      returned: returned.map((r, i) => ({ ...r, line: i + 2 })),
      maxLength: () => 100,
    });

  it("writes what changed, keeps what is empty or the same, and keeps key order", () => {
    const r = merge([
      { key: "client:go", translation: "Weiter" },
      { key: "client:hello", translation: "" },
      { key: "client:left_one", translation: "noch {{count}} Tag" },
    ]);
    expect(r.problems).toEqual([]);
    expect(r.changed).toEqual(["client:go"]);
    expect(Object.keys(r.files.get("client")!)).toEqual(Object.keys(currentFiles.get("client")!));
    expect(r.files.get("client")!.go).toBe("Weiter");
  });
  it("is all or nothing", () => {
    const r = merge([
      { key: "client:go", translation: "Weiter" },
      { key: "client:hello", translation: "Hallo {{nme}}, <code>/status</code>" },
      { key: "client:nope", translation: "x" },
      { key: "client:go", translation: "Los" },
    ]);
    expect(r.files.size).toBe(0);
    expect(r.changed).toEqual([]);
    expect(r.problems.map((p) => [p.line, p.key])).toEqual([
      [3, "client:hello"],
      [4, "client:nope"],
      [5, "client:go"],
    ]);
  });
  it("adds the plural forms a locale needs and refuses a file that still lacks them", () => {
    const ruFiles = new Map([["client", { ...currentFiles.get("client")! }]]);
    const lacking = merge([{ key: "client:left_few", translation: "осталось {{count}} дня" }], "ru", ruFiles);
    expect(lacking.problems.map((p) => p.problem)).toEqual(["plural forms missing for ru: _many"]);
    const full = merge(
      [
        { key: "client:left_few", translation: "осталось {{count}} дня" },
        { key: "client:left_many", translation: "осталось {{count}} дней" },
      ],
      "ru",
      ruFiles,
    );
    expect(full.problems).toEqual([]);
    expect(full.changed).toEqual(["client:left_few", "client:left_many"]);
  });
  it("checkPlurals names every missing form", () => {
    const texts = new Map([["client", flatten({ left_one: "a", left_other: "b" }, "")]]);
    expect(checkPlurals("ar", texts, en)[0]!.problem).toBe(
      "plural forms missing for ar: _few, _many, _two, _zero",
    );
  });
});

describe("the real locale files", () => {
  it("every locale exports with nothing missing and no label over its limit", () => {
    const out = mkdtempSync(join(tmpdir(), "i18n-review-"));
    const printed = execFileSync("npx", ["tsx", "scripts/i18n.ts", "review", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const lines = printed.trim().split("\n");
    expect(lines).toHaveLength(11);
    for (const l of lines) expect(l).toMatch(/\(missing 0, copies of English \d+, too long 0\)$/);
  });

  it("round trip: a reviewed CSV comes back into a copy of the locales, a broken one is refused with its line", () => {
    const work = mkdtempSync(join(tmpdir(), "i18n-import-"));
    cpSync(join(ROOT, "locales"), join(work, "locales"), { recursive: true });
    const out = join(work, "out");
    execFileSync(
      "npx",
      [
        "tsx",
        "scripts/i18n.ts",
        "review",
        "--locale",
        "ku",
        "--locales",
        join(work, "locales"),
        "--out",
        out,
      ],
      { cwd: ROOT },
    );
    const file = join(out, "anlauf-ku.csv");
    const recs = parseCsv(readFileSync(file, "utf8"));
    const target = recs.find((r) => r.cells.key === "client:intake.button.skip")!;
    expect(target.cells.surface).toBe("button");
    // change the translation cell (the last column) of that one row
    const rows = readFileSync(file, "utf8").split("\r\n");
    const i = rows.findIndex((r) => r.startsWith("client:intake.button.skip,"));
    rows[i] = `${rows[i]!.slice(0, rows[i]!.lastIndexOf(","))},Derbas bike ⏭`;
    writeFileSync(file, rows.join("\r\n"));
    const ok = spawnSync(
      "npx",
      [
        "tsx",
        "scripts/i18n.ts",
        "import",
        file,
        "--locales",
        join(work, "locales"),
        "--reviewer",
        "Test Reviewer",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(work, "locales/ku/client.json"), "utf8")).intake.button.skip).toBe(
      "Derbas bike ⏭",
    );
    expect(JSON.parse(readFileSync(join(work, "locales/reviews.json"), "utf8"))).toMatchObject([
      { lng: "ku", reviewer: "Test Reviewer", changed: 1 },
    ]);

    rows[i] = `${rows[i]!.slice(0, rows[i]!.lastIndexOf(","))},"Derbas {{x}}"`;
    writeFileSync(file, rows.join("\r\n"));
    const bad = spawnSync(
      "npx",
      ["tsx", "scripts/i18n.ts", "import", file, "--locales", join(work, "locales")],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`row ${i + 1}, client:intake.button.skip: placeholders differ`);
    expect(bad.stderr).toContain("nothing was written");
  }, 60_000);
});

describe("README", () => {
  it("names every locale without a recorded native review as needing one", () => {
    const reviewed = new Set(
      (JSON.parse(readFileSync(join(ROOT, "locales/reviews.json"), "utf8")) as { lng: string }[]).map(
        (r) => r.lng,
      ),
    );
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const line = readme.split("\n").find((l) => l.startsWith("Native review pending:")) ?? "";
    const translated = readdirSync(join(ROOT, "locales")).filter(
      (l) => !l.includes(".") && l !== "de" && l !== "en",
    );
    expect(translated).toContain("ku");
    for (const lng of translated) if (!reviewed.has(lng)) expect(line).toContain(`\`${lng}\``);
  });
});
