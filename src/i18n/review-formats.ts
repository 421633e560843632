// The two file formats of the native-speaker review (src/i18n/review.ts): CSV for a spreadsheet and
// XLIFF 1.2 for a translation tool. Both carry the same rows and come back as (line, key, translation).
import type { ReviewRow } from "./review.ts";

// ─── CSV (RFC 4180, UTF-8 with BOM so spreadsheet programs pick the encoding) ───

export const CSV_COLUMNS = [
  "key",
  "surface",
  "max_length",
  "status",
  "context",
  "english",
  "german",
  "current",
  "translation",
] as const;

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rows: readonly ReviewRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows)
    lines.push(
      [r.key, r.surface, r.maxLength, r.status, r.context, r.english, r.german, r.current, r.translation]
        .map(csvCell)
        .join(","),
    );
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

/**
 * Parses CSV into records by header name. `line` is the row number a spreadsheet shows (the header
 * is row 1), which is what the translator sees, not the physical line (a text may span lines).
 */
export function parseCsv(text: string): { line: number; cells: Record<string, string> }[] {
  const src = text.replace(/^\ufeff/, "");
  const records: { line: number; values: string[] }[] = [];
  let field = "";
  let values: string[] = [];
  let quoted = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      values.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      values.push(field);
      if (values.some((v) => v !== "")) records.push({ line: startLine, values });
      values = [];
      field = "";
      line++;
      startLine = line;
    } else field += c;
  }
  if (quoted) throw new Error(`CSV: a quoted field opened on line ${startLine} is never closed`);
  values.push(field);
  if (values.some((v) => v !== "")) records.push({ line: startLine, values });
  const [head, ...body] = records;
  if (!head) return [];
  const names = head.values.map((h) => h.trim());
  for (const need of ["key", "translation"])
    if (!names.includes(need))
      throw new Error(`CSV: the header has no "${need}" column (found: ${names.join(", ")})`);
  return body.map((r, i) => ({
    line: i + 2,
    cells: Object.fromEntries(names.map((n, i) => [n, r.values[i] ?? ""])),
  }));
}

// ─── XLIFF 1.2 (what OmegaT, Trados, memoQ and Weblate all read) ───

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const xmlUnescape = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, "&");

export function toXliff(lng: string, rows: readonly ReviewRow[]): string {
  const units = rows.map((r) => {
    const state =
      r.status === "missing" ? "new" : r.status ? "needs-translation" : "needs-review-translation";
    return [
      `      <trans-unit id="${xmlEscape(r.key)}" maxwidth="${r.maxLength}" size-unit="char" xml:space="preserve">`,
      `        <source xml:lang="en">${xmlEscape(r.english)}</source>`,
      `        <target xml:lang="${lng}" state="${state}">${xmlEscape(r.translation)}</target>`,
      `        <note from="context">${xmlEscape(r.context)}</note>`,
      r.german ? `        <note from="german-original">${xmlEscape(r.german)}</note>` : "",
      r.status ? `        <note from="status">${xmlEscape(r.status)}</note>` : "",
      "      </trans-unit>",
    ]
      .filter(Boolean)
      .join("\n");
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">',
    `  <file original="anlauf/locales" source-language="en" target-language="${lng}" datatype="plaintext">`,
    "    <body>",
    ...units,
    "    </body>",
    "  </file>",
    "</xliff>",
    "",
  ].join("\n");
}

export function parseXliff(text: string): {
  lng: string | null;
  units: { line: number; key: string; target: string }[];
} {
  const lng = /target-language="([^"]+)"/.exec(text)?.[1] ?? null;
  const units: { line: number; key: string; target: string }[] = [];
  const re = /<trans-unit\b[^>]*\bid="([^"]*)"[^>]*>([\s\S]*?)<\/trans-unit>/g;
  for (const m of text.matchAll(re)) {
    const target = /<target\b[^>]*>([\s\S]*?)<\/target>|<target\b[^>]*\/>/.exec(m[2]!);
    const line = text.slice(0, m.index).split("\n").length;
    units.push({ line, key: xmlUnescape(m[1]!), target: target ? xmlUnescape(target[1] ?? "") : "" });
  }
  return { lng, units };
}
