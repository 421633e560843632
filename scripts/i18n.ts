// `npm run i18n:review -- --locale ar [--format csv|xliff] [--out dir]`: one file per locale for a
// native speaker to fill in offline (key, English source, German original, current text, length
// limit, where the text appears).
// `npm run i18n:import -- <file> [--reviewer "Name, role"] [--dry-run]`: brings it back, checked
// (placeholders, HTML tags, plural forms of the locale, RTL isolation, length), all or nothing, and
// records the review in locales/reviews.json so the README can say which locales a native speaker
// has signed. The rules live in src/i18n/review.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  type Flat,
  flatten,
  type ImportProblem,
  mergeReturned,
  parseCsv,
  parseXliff,
  type Returned,
  reviewRows,
  toCsv,
  toXliff,
} from "../src/i18n/review.ts";

const ROOT = resolve(import.meta.dirname, "..");
// --locales <dir> points both commands at a copy (the tests import into a temporary one)
let LOCALES = join(ROOT, "locales");
const reviewsFile = () => join(LOCALES, "reviews.json");

export interface ReviewRecord {
  lng: string;
  reviewer: string;
  date: string;
  changed: number;
  rows: number;
}

const locales = () =>
  readdirSync(LOCALES)
    .filter((d) => statSync(join(LOCALES, d)).isDirectory())
    .sort();

function loadFiles(lng: string): Map<string, Record<string, unknown>> {
  const dir = join(LOCALES, lng);
  const out = new Map<string, Record<string, unknown>>();
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort())
    out.set(f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), "utf8")));
  return out;
}

const flatAll = (files: Map<string, Record<string, unknown>>) =>
  new Map<string, Flat>([...files].map(([ns, obj]) => [ns, flatten(obj, "")]));

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated") yield* walk(p);
    } else if (p.endsWith(".ts")) yield p;
  }
}

/** Where each key is used in src/, and whether it labels a button there (for context and length). */
function usageIndex(en: Map<string, Flat>) {
  const byPath = new Map<string, string[]>();
  for (const [ns, flat] of en)
    for (const path of flat.keys()) {
      const k = path.replace(/_(zero|one|two|few|many|other)$/, "");
      byPath.set(k, [...(byPath.get(k) ?? []), ns]);
      byPath.set(path, [...(byPath.get(path) ?? []), ns]);
    }
  const usage = new Map<string, { files: string[]; button: boolean; toast: boolean }>();
  // a label: the key is the first argument of t(…) that is itself the first argument of a button
  const BUTTON = /(?:\bbutton|\.text|\.url|\bbtn)\(\s*(?:\w+\.)?t\($/;
  // a pop-up answer to a button press (Telegram allows 200 characters)
  const TOAST = /answerCallbackQuery\(\{\s*text:\s*(?:\w+\.)?t\($/;
  for (const file of walk(join(ROOT, "src"))) {
    const rel = relative(ROOT, file);
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line) => {
        for (const m of line.matchAll(/["'`]([a-z][\w-]*:)?([a-zA-Z][\w]*(?:\.[\w]+)+)["'`]/g)) {
          const nss = m[1] ? [m[1].slice(0, -1)] : (byPath.get(m[2]!) ?? []);
          for (const ns of nss) {
            const key = `${ns}:${m[2]}`;
            const u = usage.get(key) ?? { files: [], button: false, toast: false };
            if (!u.files.includes(rel) && u.files.length < 3) u.files.push(rel);
            const before = line.slice(Math.max(0, (m.index ?? 0) - 60), m.index);
            u.button ||= BUTTON.test(before);
            u.toast ||= TOAST.test(before);
            usage.set(key, u);
          }
        }
      });
  }
  return usage;
}

function review(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      locale: { type: "string", multiple: true },
      format: { type: "string", default: "csv" },
      out: { type: "string", default: "i18n-review" },
      locales: { type: "string" },
    },
  });
  if (values.locales) LOCALES = resolve(values.locales);
  const all = locales();
  const wanted =
    !values.locale || values.locale.includes("all") ? all.filter((l) => l !== "en") : values.locale;
  const unknown = wanted.filter((l) => !all.includes(l));
  if (unknown.length) {
    console.error(`unknown locale ${unknown.join(", ")}; the locales are: ${all.join(", ")}`);
    return 2;
  }
  if (values.format !== "csv" && values.format !== "xliff") {
    console.error(`--format must be csv or xliff (got "${values.format}")`);
    return 2;
  }
  const en = flatAll(loadFiles("en"));
  const de = flatAll(loadFiles("de"));
  const usage = usageIndex(en);
  mkdirSync(resolve(values.out!), { recursive: true });
  for (const lng of wanted) {
    const rows = reviewRows({ lng, en, de, current: flatAll(loadFiles(lng)), usage });
    const file = resolve(values.out!, `anlauf-${lng}.${values.format === "csv" ? "csv" : "xlf"}`);
    writeFileSync(file, values.format === "csv" ? toCsv(rows) : toXliff(lng, rows));
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    console.log(
      `${lng}: ${rows.length} texts → ${relative(process.cwd(), file)} (missing ${count("missing")}, copies of English ${count("copy of English")}, too long ${count("too long")})`,
    );
  }
  return 0;
}

function readReturned(
  file: string,
  lngFlag?: string,
): { lng: string; returned: Returned[]; maxOf: Map<string, number> } {
  const text = readFileSync(file, "utf8");
  const maxOf = new Map<string, number>();
  if (extname(file) === ".xlf" || extname(file) === ".xliff") {
    const x = parseXliff(text);
    for (const m of text.matchAll(/<trans-unit\b[^>]*\bid="([^"]*)"[^>]*\bmaxwidth="(\d+)"/g))
      maxOf.set(m[1]!, Number(m[2]));
    const lng = lngFlag ?? x.lng ?? "";
    return {
      lng,
      returned: x.units.map((u) => ({ line: u.line, key: u.key, translation: u.target })),
      maxOf,
    };
  }
  const recs = parseCsv(text);
  for (const r of recs) if (r.cells.max_length) maxOf.set(r.cells.key!, Number(r.cells.max_length));
  const lng = lngFlag ?? /anlauf-([a-z-]+)\.csv$/.exec(basename(file))?.[1] ?? "";
  return {
    lng,
    returned: recs.map((r) => ({
      line: r.line,
      key: r.cells.key ?? "",
      translation: r.cells.translation ?? "",
    })),
    maxOf,
  };
}

function importFile(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      locale: { type: "string" },
      reviewer: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      locales: { type: "string" },
    },
  });
  if (values.locales) LOCALES = resolve(values.locales);
  const file = positionals[0];
  if (!file || !existsSync(file)) {
    console.error(
      file
        ? `no such file: ${file}`
        : "usage: npm run i18n:import -- <anlauf-<locale>.csv|.xlf> [--reviewer NAME] [--dry-run]",
    );
    return 2;
  }
  const { lng, returned, maxOf } = readReturned(file, values.locale);
  if (!locales().includes(lng) || lng === "en") {
    console.error(
      `cannot tell the locale of ${file} (got "${lng}"); name it anlauf-<locale>.csv or pass --locale`,
    );
    return 2;
  }
  const en = flatAll(loadFiles("en"));
  const currentFiles = loadFiles(lng);
  // the limit is ours, not the file's: a translator who raises max_length does not lift it
  const ours = new Map(
    reviewRows({ lng, en, de: new Map(), current: flatAll(currentFiles), usage: usageIndex(en) }).map((r) => [
      r.key,
      r.maxLength,
    ]),
  );
  const result = mergeReturned({
    lng,
    returned,
    en,
    currentFiles,
    maxLength: (k) => ours.get(k) ?? maxOf.get(k) ?? 3500,
  });
  if (result.problems.length) {
    console.error(`${file}: ${result.problems.length} problem(s); nothing was written.`);
    for (const p of result.problems)
      console.error(`  ${describe(p, extname(file) === ".csv" ? "row" : "line")}`);
    return 1;
  }
  console.log(
    `${lng}: ${result.changed.length} text(s) change${values["dry-run"] ? " (dry run, nothing written)" : ""}`,
  );
  for (const k of result.changed) console.log(`  ${k}`);
  if (values["dry-run"]) return 0;
  for (const [ns, obj] of result.files)
    writeFileSync(join(LOCALES, lng, `${ns}.json`), `${JSON.stringify(obj, null, 2)}\n`);
  if (values.reviewer) {
    const reviews: ReviewRecord[] = existsSync(reviewsFile())
      ? JSON.parse(readFileSync(reviewsFile(), "utf8"))
      : [];
    reviews.push({
      lng,
      reviewer: values.reviewer,
      date: new Date().toISOString().slice(0, 10),
      changed: result.changed.length,
      rows: returned.length,
    });
    writeFileSync(reviewsFile(), `${JSON.stringify(reviews, null, 2)}\n`);
    console.log(`review by ${values.reviewer} recorded in locales/reviews.json`);
  }
  return 0;
}

const describe = (p: ImportProblem, unit: string) =>
  `${p.line ? `${unit} ${p.line}, ` : ""}${p.key}: ${p.problem}`;

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === "review") process.exitCode = review(rest);
else if (cmd === "import") process.exitCode = importFile(rest);
else {
  console.error("usage: tsx scripts/i18n.ts review|import …");
  process.exitCode = 2;
}
