// Sample data must not reach clients: the shipped organisation files (fictional people, streets like
// "Musterweg 7") are for the demo, and a real file started from one of them keeps a placeholder
// here and there. The loader refuses these unless the file says `demo: true` at the top.
import type { ProblemPath } from "./org.schema.ts";

export interface PlaceholderProblem {
  path: ProblemPath;
  message: string;
}

const MARK_DEMO = 'or, for a sample file, set "demo: true" at the top';

// Names and addresses: "Musterstraße", "Beispielweg", "Max Mustermann", "Musterstadt". Only in
// these fields — free text such as an accessibility note may well say "zum Beispiel".
const NAME_FIELDS = new Set(["street", "city", "name"]);
const SAMPLE_NAME = /(^|[^\p{L}])(muster|beispiel)/iu;

// example.org and friends (RFC 2606/6761), and their German look-alikes
const SAMPLE_DOMAIN =
  /(^|[^\w-])([\w-]+\.)*(example|beispiel|muster)\.(org|com|net|de)\b|\.(example|invalid|test)(\/|$|\s)/i;

// Left for later: "TODO", "FIXME", "TBD", "XXX", "lorem ipsum". Case-sensitive, so "todo" in a
// sentence does not count; ids are skipped (a Slack id may contain XXX by chance).
const UNFINISHED = /\b(TODO|FIXME|TBD)\b|XXX/;
const LOREM = /lorem ipsum/i;
const isIdField = (key: string) => /(^id$|Id$|Channel$|^code$)/.test(key);

/**
 * A German phone number that cannot be real: "0123 456789", "01234 56789", "+49 000 000",
 * "0000 000000", "1111111". After the country code and the trunk 0, no German number starts with 0
 * or with 12 (no such area codes).
 */
export function isPlaceholderPhone(phone: string): boolean {
  const trimmed = phone.trim();
  let digits = trimmed.replace(/\D/g, "");
  if (trimmed.startsWith("+49")) digits = digits.slice(2);
  else if (digits.startsWith("0049")) digits = digits.slice(4);
  else if (trimmed.startsWith("+")) return false; // another country: we do not know its plan
  const national = digits.replace(/^0/, "");
  if (national.length === 0) return true;
  if (/^(0|12)/.test(national)) return true;
  return /^(\d)\1+$/.test(national);
}

function check(key: string, value: string): string | undefined {
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  if (/phone|fax/i.test(key) && isPlaceholderPhone(value))
    return `${shown} is a placeholder phone number: enter the real one, ${MARK_DEMO}`;
  if (NAME_FIELDS.has(key) && SAMPLE_NAME.test(value))
    return `${shown} looks like sample data (Muster…/Beispiel…): enter the real ${key}, ${MARK_DEMO}`;
  if (SAMPLE_DOMAIN.test(value)) return `${shown} is an example address: enter the real one, ${MARK_DEMO}`;
  if (!isIdField(key) && (UNFINISHED.test(value) || LOREM.test(value)))
    return `${shown} is not filled in yet (TODO/XXX): enter the real value, ${MARK_DEMO}`;
  if (key === "postcode" && /^0{5}$/.test(value))
    return `${shown} is a placeholder postcode: enter the real one, ${MARK_DEMO}`;
  return undefined;
}

/** Every string in the file (as parsed, before the schema) that looks like placeholder data. */
export function placeholderProblems(value: unknown): PlaceholderProblem[] {
  const out: PlaceholderProblem[] = [];
  const walk = (node: unknown, path: ProblemPath, key: string): void => {
    if (typeof node === "string" || typeof node === "number") {
      const message = check(key, String(node));
      if (message) out.push({ path, message });
    } else if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) walk(item, [...path, index], key);
    } else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) walk(v, [...path, k], k);
    }
  };
  walk(value, [], "");
  return out;
}

/** Whether the file declares itself sample data. */
export const isDemoFile = (value: unknown): boolean =>
  typeof value === "object" && value !== null && (value as { demo?: unknown }).demo === true;
