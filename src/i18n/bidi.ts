// Latin inside Arabic and Persian text. The Unicode bidi algorithm reorders neutral characters
// (slashes, hyphens, spaces, digits) by their neighbours, so "/start", "BI-7Q4K-2M", "Niederwall 23,
// 33602 Bielefeld" come out scrambled in an RTL sentence. Isolates (U+2066–U+2069) make each such
// run a unit laid out on its own. Telegram also picks a paragraph's direction from its first strong
// character, so RTL lines start with a RIGHT-TO-LEFT MARK. One module for all of it: the locale
// files, the i18next formatter and the Telegram renderers use these functions.

export const LRI = "\u2066"; // left-to-right isolate: commands and codes, always Latin
export const FSI = "\u2068"; // first-strong isolate: interpolated values, direction of their own
export const PDI = "\u2069";
export const RLM = "\u200f";
const OPENERS = /[\u2066\u2067\u2068]/;
const ISOLATES = /[\u2066-\u2069]/g;

const RTL = new Set(["ar", "fa"]);
export const isRtl = (lng: string): boolean => RTL.has(lng.split("-")[0]!);

/** `s` as one unit in the surrounding text (FSI: the unit takes the direction of its first letter). */
export const isolate = (s: string, opener: string = FSI): string => (s === "" ? s : `${opener}${s}${PDI}`);

/**
 * An interpolated value for an RTL text: a single line of plain text is isolated; markup and
 * multi-line blocks (office lists, pre-rendered HTML) are left alone, since an isolate cannot span
 * lines and must not split a tag.
 */
export function isolateValue(value: unknown): unknown {
  if (typeof value !== "string" || value === "" || /[\n<>]/.test(value) || OPENERS.test(value[0]!))
    return value;
  return isolate(value);
}

// a Telegram command: "/" after a space, start or punctuation (not "</b>", not a URL path)
export const COMMAND = /(?<![\p{L}\p{N}_/<:.\u2066\u2067\u2068])\/[a-z][a-z0-9_]*(?![\p{L}\p{N}_\u2069])/gu;

/** The /commands in `text` that are not inside an isolate. */
export function unisolatedCommands(text: string): string[] {
  return [...text.matchAll(COMMAND)].map((m) => m[0]);
}

/** Wraps every /command not yet isolated in LRI … PDI (for the locale files). */
export const isolateCommands = (text: string): string => text.replace(COMMAND, (c) => isolate(c, LRI));

const CODE_SPAN = /<code>([\s\S]*?)<\/code>/g;
const ISOLATED_CODE = new RegExp(`${LRI}<code>[^<]*</code>${PDI}`, "g");

/** `<code>` spans not wrapped as `LRI<code>…</code>PDI`. */
export function unisolatedCodeSpans(text: string): string[] {
  return [...text.replace(ISOLATED_CODE, "").matchAll(CODE_SPAN)].map((m) => m[0]);
}

/** Wraps every `<code>…</code>` not yet isolated in LRI … PDI (for the locale files). */
export function isolateCodeSpans(text: string): string {
  return text.replace(CODE_SPAN, (span, _inner, offset: number) =>
    text[offset - 1] === LRI ? span : isolate(span, LRI),
  );
}

/**
 * The final form of a client text: in RTL languages every line starts with RLM, and a code shown
 * in `<code>` holds no isolate of its own (the span is isolated outside), so tapping it copies the
 * bare code.
 */
export function directed(text: string, locale: string): string {
  if (!isRtl(locale)) return text;
  return text
    .replace(CODE_SPAN, (_span, inner: string) => `<code>${inner.replace(ISOLATES, "")}</code>`)
    .split("\n")
    .map((line) => (line.length > 0 && !line.startsWith(RLM) ? `${RLM}${line}` : line))
    .join("\n");
}
