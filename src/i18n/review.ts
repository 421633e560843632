// The native-speaker review of the client texts (issue 13.3), as pure functions: what a translator
// gets (one row per key: English source, German original, current text, a length limit, where the
// text appears) in CSV or XLIFF 1.2, and what comes back (parsed, checked, merged into the locale
// files). The CLI around it is scripts/i18n.ts; the rules here are table-tested in
// test/unit/i18n-review.test.ts.
//
// Why these checks on import: a reviewed file is edited offline, in a spreadsheet or a CAT tool, by
// someone who does not run the bot. Anything that would break at runtime has to be caught before the
// text is written: a renamed {{placeholder}} (i18next prints it literally), a lost <b>/<code> tag
// (Telegram rejects unbalanced HTML and the message is not sent), a missing plural form (ar needs six),
// a /command that the bidi algorithm turns into "start/", a button label Telegram cuts off.
import { isRtl, unisolatedCodeSpans, unisolatedCommands } from "./bidi.ts";

export { parseCsv, parseXliff, toCsv, toXliff } from "./review-formats.ts";

export type Flat = Map<string, string>;
export type Surface = "button" | "toast" | "message";

export interface ReviewRow {
  /** "<namespace>:<dotted.path>", e.g. "client:start.resume.continue" */
  readonly key: string;
  readonly surface: Surface;
  /** where the text appears: the source files that use it, or the section when it is built dynamically */
  readonly context: string;
  readonly maxLength: number;
  readonly english: string;
  readonly german: string;
  /** the text in the locale today ("" if missing) */
  readonly current: string;
  /** "missing", "copy of English", "too long", or "" */
  readonly status: string;
  /** what the translator returns; prefilled with `current` */
  readonly translation: string;
}

/** Telegram shows about this many characters of an inline button on a phone before cutting it. */
export const BUTTON_MAX = 40;
/** The pop-up answer to a button press (answerCallbackQuery) may be 200 characters. */
export const TOAST_MAX = 200;
/** A message may be 4,096 characters after interpolation; this leaves room for the values. */
export const MESSAGE_MAX = 3500;

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
/** A plural key is one whose base also has an "_other" form ("choose_at_least_one" alone is not). */
const pluralBase = (flat: ReadonlyMap<string, string>, path: string): string | null => {
  if (!PLURAL_SUFFIX.test(path)) return null;
  const base = path.replace(PLURAL_SUFFIX, "");
  return flat.has(`${base}_other`) ? base : null;
};

export function flatten(obj: unknown, prefix: string, out: Flat = new Map()): Flat {
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, String(v));
  }
  return out;
}

/** Sets a dotted path inside a nested object, creating objects on the way; keeps existing key order. */
export function setPath(obj: Record<string, unknown>, path: string, value: string): void {
  const parts = path.split(".");
  let node = obj;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (!next || typeof next !== "object") node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export const placeholders = (s: string): string[] =>
  [...s.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
export const tags = (s: string): string[] =>
  [...s.matchAll(/<\/?([a-z]+)[^>]*>/gi)].map((m) => m[0].replace(/\s.*>$/, ">").toLowerCase()).sort();

/** Plural categories the locale's grammar has (CLDR via Intl); de-simple follows German. */
export function pluralCategories(lng: string): string[] {
  const tag = lng === "de-simple" ? "de" : lng;
  try {
    return [...new Intl.PluralRules(tag).resolvedOptions().pluralCategories].sort();
  } catch {
    return ["one", "other"];
  }
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export interface RowInputs {
  readonly lng: string;
  /** namespace → flat texts */
  readonly en: ReadonlyMap<string, Flat>;
  readonly de: ReadonlyMap<string, Flat>;
  readonly current: ReadonlyMap<string, Flat>;
  /** "<ns>:<path>" → usage sites ("src/telegram/keyboards.ts") and whether one of them is a button */
  readonly usage: ReadonlyMap<string, { files: readonly string[]; button: boolean; toast?: boolean }>;
}

/**
 * The keys a locale must have, each with its English source: the English keys, except that a plural
 * key gets the locale's own categories (ar: six, ru: four, …), each sourced from the English form of
 * the same category or else from the English "_other".
 */
export function localeKeys(lng: string, en: ReadonlyMap<string, Flat>): Map<string, Flat> {
  const need = pluralCategories(lng);
  const out = new Map<string, Flat>();
  for (const [ns, flat] of en) {
    const keys: Flat = new Map();
    for (const [path, text] of flat) {
      const base = pluralBase(flat, path);
      if (base === null) {
        keys.set(path, text);
        continue;
      }
      if (keys.has(`${base}_${need[0]}`)) continue;
      for (const c of need)
        keys.set(`${base}_${c}`, flat.get(`${base}_${c}`) ?? flat.get(`${base}_other`) ?? text);
    }
    out.set(ns, keys);
  }
  return out;
}

const SURFACE_NAMES: Record<Surface, string> = {
  button: "Telegram button label (plain text, keep it short)",
  toast: "Telegram pop-up after a button press",
  message: "Telegram message",
};

/** The review rows of one locale, in the order of the English files. */
export function reviewRows(inp: RowInputs): ReviewRow[] {
  const rows: ReviewRow[] = [];
  for (const [ns, en] of localeKeys(inp.lng, inp.en)) {
    const de = inp.de.get(ns) ?? new Map();
    const cur = inp.current.get(ns) ?? new Map();
    for (const [path, english] of en) {
      const key = `${ns}:${path}`;
      const used = inp.usage.get(key) ?? inp.usage.get(`${ns}:${path.replace(PLURAL_SUFFIX, "")}`);
      const surface: Surface = used?.button ? "button" : used?.toast ? "toast" : "message";
      const maxLength = { button: BUTTON_MAX, toast: TOAST_MAX, message: MESSAGE_MAX }[surface];
      const current = cur.get(path) ?? "";
      const status =
        current === ""
          ? "missing"
          : inp.lng !== "en" && current === english && english.length > 12
            ? "copy of English"
            : visibleLength(current) > maxLength
              ? "too long"
              : "";
      const context = used?.files.length
        ? `${SURFACE_NAMES[surface]} · ${used.files.join(", ")}`
        : `Telegram message · section "${ns}:${path.split(".").slice(0, -1).join(".") || path}"`;
      rows.push({
        key,
        surface,
        context,
        maxLength,
        english,
        german: de.get(path) ?? "",
        current,
        status,
        translation: current,
      });
    }
  }
  return rows;
}

/** Length as the reader sees it: tags and bidi controls do not count. */
export const visibleLength = (s: string): number =>
  [...s.replace(/<[^>]+>/g, "").replace(/[\u200e\u200f\u2066-\u2069]/g, "")].length;

export type ImportProblem = { key: string; line?: number; problem: string };

/**
 * Checks one returned text against its English source and the locale's rules. Empty = fine.
 * `line` is the row in the file the translator edited, for the error message.
 */
export function checkText(
  lng: string,
  row: { key: string; english: string; maxLength: number; line?: number },
  text: string,
): ImportProblem[] {
  const out: ImportProblem[] = [];
  const p = (problem: string) => out.push({ key: row.key, line: row.line, problem });
  if (text.trim() === "") p("empty text");
  const want = placeholders(row.english);
  const got = placeholders(text);
  const list = (xs: readonly string[]) => (xs.length ? xs.map((x) => `{{${x}}}`).join(", ") : "none");
  if (!sameList(want, got))
    p(`placeholders differ: the English text has ${list(want)}, this one ${list(got)}`);
  if (!sameList(tags(row.english), tags(text)))
    p(`HTML tags differ from the English text (${tags(row.english).join(" ") || "none"})`);
  if (visibleLength(text) > row.maxLength)
    p(`longer than ${row.maxLength} characters (${visibleLength(text)})`);
  if (isRtl(lng)) {
    const cmds = unisolatedCommands(text);
    if (cmds.length)
      p(`commands not isolated for right-to-left text: ${cmds.join(", ")} (wrap each in U+2066 … U+2069)`);
    const codes = unisolatedCodeSpans(text);
    if (codes.length) p(`<code> spans not isolated for right-to-left text (wrap in U+2066 … U+2069)`);
  }
  return out;
}

/**
 * After the merge: every plural key has exactly the categories the locale's grammar needs
 * (ar: zero one two few many other; ru/uk/pl: one few many other; de/en: one other).
 */
export function checkPlurals(
  lng: string,
  texts: ReadonlyMap<string, Flat>,
  en: ReadonlyMap<string, Flat>,
): ImportProblem[] {
  const need = pluralCategories(lng);
  const out: ImportProblem[] = [];
  for (const [ns, enFlat] of en) {
    const bases = new Set([...enFlat.keys()].flatMap((k) => pluralBase(enFlat, k) ?? []));
    const flat = texts.get(ns) ?? new Map();
    for (const base of bases) {
      const missing = need.filter((c) => !flat.has(`${base}_${c}`));
      if (missing.length)
        out.push({
          key: `${ns}:${base}`,
          problem: `plural forms missing for ${lng}: ${missing.map((c) => `_${c}`).join(", ")}`,
        });
    }
  }
  return out;
}

// ─── the merge ───

export interface Returned {
  readonly line: number;
  readonly key: string;
  readonly translation: string;
}

export interface MergeResult {
  readonly problems: ImportProblem[];
  /** "<ns>:<path>" of texts that change */
  readonly changed: string[];
  /** namespace → the new nested file content (only namespaces with changes) */
  readonly files: Map<string, Record<string, unknown>>;
}

/**
 * Merges returned texts into the current locale files. All or nothing: with any problem, `files` is
 * empty and nothing is to be written. An empty translation cell keeps the current text.
 */
export function mergeReturned(args: {
  lng: string;
  returned: readonly Returned[];
  en: ReadonlyMap<string, Flat>;
  currentFiles: ReadonlyMap<string, Record<string, unknown>>;
  maxLength: (key: string) => number;
}): MergeResult {
  const problems: ImportProblem[] = [];
  const changed: string[] = [];
  const files = new Map<string, Record<string, unknown>>();
  const seen = new Set<string>();
  const expected = localeKeys(args.lng, args.en);
  for (const r of args.returned) {
    const [ns, path] = splitKey(r.key);
    const english = ns && path ? expected.get(ns)?.get(path) : undefined;
    if (english === undefined) {
      problems.push({
        key: r.key,
        line: r.line,
        problem: `unknown key for ${args.lng} (not in the English files)`,
      });
      continue;
    }
    if (seen.has(r.key)) {
      problems.push({ key: r.key, line: r.line, problem: "key appears twice" });
      continue;
    }
    seen.add(r.key);
    if (r.translation === "") continue;
    const current = flatten(args.currentFiles.get(ns!) ?? {}, "").get(path!);
    if (current === r.translation) continue;
    const found = checkText(
      args.lng,
      { key: r.key, english, maxLength: args.maxLength(r.key), line: r.line },
      r.translation,
    );
    if (found.length) {
      problems.push(...found);
      continue;
    }
    const file = files.get(ns!) ?? structuredClone(args.currentFiles.get(ns!) ?? {});
    setPath(file, path!, r.translation);
    files.set(ns!, file);
    changed.push(r.key);
  }
  const after = new Map<string, Flat>();
  for (const ns of args.en.keys())
    after.set(ns, flatten(files.get(ns) ?? args.currentFiles.get(ns) ?? {}, ""));
  problems.push(...checkPlurals(args.lng, after, args.en));
  return problems.length ? { problems, changed: [], files: new Map() } : { problems, changed, files };
}

function splitKey(key: string): [string | undefined, string | undefined] {
  const i = key.indexOf(":");
  return i < 0 ? [undefined, undefined] : [key.slice(0, i), key.slice(i + 1)];
}
