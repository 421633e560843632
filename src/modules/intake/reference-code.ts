// Codes people read aloud on the phone or copy from a screen: an alphabet without look-alikes
// (no 0/O, 1/I/L, U/V pairs), grouped, with a check character so a typo is caught.
//
//   reference code  "BI-7Q4K-2M"  municipality prefix, 5 random characters, 1 check character
//   pseudonym       "K-7F3Q"      the handle staff see instead of a name
import { randomInt } from "node:crypto";

export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
// prime: catches a single wrong character (except the one pair 29 apart: "2"/"Z") and every swap of
// two neighbours
const CHECK_MODULUS = 29;

type Random = (maxExclusive: number) => number;
const secureRandom: Random = (n) => randomInt(n);

function randomChars(n: number, random: Random): string {
  let out = "";
  for (let i = 0; i < n; i++) out += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return out;
}

function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * CODE_ALPHABET.indexOf(body[i]!);
  return CODE_ALPHABET[sum % CHECK_MODULUS]!;
}

/** "bielefeld" → "BI", "kreis-warendorf" → "KW": two letters people recognise. */
export function referencePrefix(municipalityId: string): string {
  const parts = municipalityId.split("-").filter(Boolean);
  const letters = parts.length >= 2 ? `${parts[0]![0]}${parts[1]![0]}` : (parts[0] ?? "xx").slice(0, 2);
  return letters
    .toUpperCase()
    .replace(/[^A-Z]/g, "X")
    .padEnd(2, "X");
}

export function generateReferenceCode(prefix: string, random: Random = secureRandom): string {
  const body = randomChars(5, random);
  return `${prefix}-${body.slice(0, 4)}-${body[4]}${checkChar(body)}`;
}

const REFERENCE = new RegExp(`^([A-Z]{2})-([${CODE_ALPHABET}]{4})-([${CODE_ALPHABET}])([${CODE_ALPHABET}])$`);

export function isValidReferenceCode(code: string): boolean {
  const m = REFERENCE.exec(code);
  if (!m) return false;
  const body = `${m[2]}${m[3]}`;
  return checkChar(body) === m[4];
}

/** Accepts what people type ("bi 7q4k 2m", "BI-7Q4K-2M") and returns the canonical code, if valid. */
export function normalizeReferenceCode(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (compact.length !== 8) return undefined;
  const code = `${compact.slice(0, 2)}-${compact.slice(2, 6)}-${compact.slice(6)}`;
  return isValidReferenceCode(code) ? code : undefined;
}

export function generatePseudonym(length = 4, random: Random = secureRandom): string {
  return `K-${randomChars(length, random)}`;
}
