// Countries of origin for the intake: the code list (ISO 3166-1 alpha-2, plus XK for Kosovo, which ISO
// has not assigned but the EU, Germany's authorities and ICU all use), the buttons offered first, names
// in the person's language and the country's own, and the matcher for a typed name. PURE: the names
// come from the ICU data built into Node (Intl.DisplayNames), so the same Node gives the same answers.
// Only the code is ever stored, never what was typed (a typed text may be anything, even a name).
import type { ClientLocale } from "./answers.ts";

/** Every code a person can end up with; "XK" is Kosovo (user-assigned, see above). */
export const COUNTRY_CODES: readonly string[] = (
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ " +
  "BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR " +
  "CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
  "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU " +
  "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ " +
  "LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ " +
  "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF " +
  "PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI " +
  "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR " +
  "TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
).split(" ");
const CODE_SET = new Set(COUNTRY_CODES);
export const isCountryCode = (code: string): boolean => CODE_SET.has(code);

/** The most common countries of origin of KIM clients, offered as buttons in this order. */
export const COMMON_ORIGINS = [
  "UA",
  "SY",
  "AF",
  "TR",
  "IQ",
  "IR",
  "ER",
  "SO",
  "GN",
  "NG",
  "RU",
  "GE",
  "XK",
  "RS",
  "MK",
  "AL",
  "RO",
  "BG",
  "PL",
] as const;

/**
 * The country's name in its own (main) language and script, for the buttons: a person who reads
 * neither German nor the bot language still finds their country. Where a country has two main
 * languages both are given. Not translated.
 */
export const NATIVE_NAMES: Readonly<Record<(typeof COMMON_ORIGINS)[number], string>> = {
  UA: "Україна",
  SY: "سوريا",
  AF: "افغانستان",
  TR: "Türkiye",
  IQ: "العراق",
  IR: "ایران",
  ER: "ኤርትራ",
  SO: "Soomaaliya",
  GN: "Guinée",
  NG: "Nigeria",
  RU: "Россия",
  GE: "საქართველო",
  XK: "Kosova / Косово",
  RS: "Србија",
  MK: "Северна Македонија",
  AL: "Shqipëria",
  RO: "România",
  BG: "България",
  PL: "Polska",
};
export const nativeNameOf = (code: string): string | undefined =>
  (NATIVE_NAMES as Readonly<Record<string, string>>)[code];

/**
 * Other names people type that ICU does not give in our languages: older or everyday names, the
 * country's own name for the ones without a button, common English/German short forms.
 */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  GB: ["UK", "England", "Großbritannien", "Great Britain", "Britain"],
  US: ["USA", "Amerika", "America"],
  AE: ["UAE", "Emirate"],
  TR: ["Turkey", "Turkiye", "Türkiye", "Turkei"],
  IR: ["Persien", "Persia"],
  MM: ["Burma", "Birma"],
  CD: ["DR Kongo", "DRC", "Kongo Kinshasa", "Congo Kinshasa"],
  CG: ["Kongo Brazzaville", "Congo Brazzaville"],
  CI: ["Ivory Coast", "Elfenbeinküste", "Cote d'Ivoire"],
  BY: ["Weißrussland", "Belarus", "Беларусь"],
  MD: ["Moldawien", "Moldova"],
  MK: ["Mazedonien", "Macedonia", "Makedonija"],
  XK: ["Kosovo", "Kosova", "Kosovë"],
  CZ: ["Tschechei", "Czech Republic", "Česko"],
  ET: ["ኢትዮጵያ", "Äthiopien"],
  PS: ["Palestine", "Palästina", "فلسطين", "Gaza"],
  SD: ["السودان"],
  LB: ["لبنان"],
  EG: ["مصر"],
  YE: ["اليمن"],
  LY: ["ليبيا"],
  PK: ["پاکستان"],
  TJ: ["Тоҷикистон"],
  AM: ["Հայաստան"],
  AZ: ["Azərbaycan"],
  BA: ["Bosna i Hercegovina", "Bosnien"],
  ME: ["Crna Gora", "Црна Гора"],
  HR: ["Hrvatska"],
  HU: ["Magyarország"],
  GR: ["Ελλάδα", "Hellas"],
  VN: ["Việt Nam"],
  CN: ["中国"],
  IN: ["भारत", "Bharat"],
  LK: ["ශ්‍රී ලංකාව", "இலங்கை"],
  GM: ["Gambia"],
  SL: ["Sierra Leone"],
  CM: ["Cameroun"],
  SN: ["Sénégal"],
  ML: ["Mali"],
  TN: ["تونس"],
  DZ: ["الجزائر"],
  MA: ["المغرب"],
  JO: ["الأردن"],
  KW: ["الكويت"],
  SA: ["السعودية"],
};

/** ICU locales behind the client locales (Leichte Sprache uses the German names). */
const ICU_LOCALES = ["de", "en", "ar", "fa", "ku", "tr", "ru", "uk", "pl", "bg", "ro"] as const;
const icuLocaleOf = (l: ClientLocale | string): string => (l === "de-simple" ? "de" : l);

const displayNames = new Map<string, Intl.DisplayNames>();
function namesIn(locale: string): Intl.DisplayNames {
  let d = displayNames.get(locale);
  if (!d) {
    d = new Intl.DisplayNames([locale, "en"], { type: "region", fallback: "code" });
    displayNames.set(locale, d);
  }
  return d;
}

/** The country's name in the person's language ("Syrien", "سوريا", "Sûrîye"). */
export function countryName(code: string, locale: ClientLocale | string): string {
  try {
    return namesIn(icuLocaleOf(locale)).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * A button label: the name in the person's language, then the country's own name where it is a
 * different text ("Syrien · سوريا"), so both the person and a helper reading along find it.
 */
export function countryLabel(code: string, locale: ClientLocale | string): string {
  const name = countryName(code, locale);
  const native = nativeNameOf(code);
  return native && normalizeName(native) !== normalizeName(name) ? `${name} · ${native}` : name;
}

// ── matching a typed name ─────────────────────────────────────────────────────────────────────────

const ARABIC_FOLD: Readonly<Record<string, string>> = {
  ی: "ي",
  ى: "ي",
  ک: "ك",
  ة: "ه",
  ۀ: "ه",
  ە: "ه",
  ٱ: "ا",
};

/**
 * What two spellings of a name have in common: no case, no accents or Arabic vowel marks, one form of
 * the letters Arabic and Persian write differently (ي/ی, ك/ک), no punctuation, single spaces.
 */
export function normalizeName(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}\u0640]/gu, "") // accents, harakat, hamza marks; bidi controls, ZWNJ; tatweel
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[یىکةۀەٱ]/g, (c) => ARABIC_FOLD[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

interface IndexEntry {
  code: string;
  name: string;
  words: string[];
}

/**
 * Names some locales give one country that people use for two (Congo-Brazzaville and the DR Congo):
 * they never decide on their own; both countries are offered.
 */
const AMBIGUOUS = new Set(["kongo", "congo", "конго", "الكونغو", "کنگو"].map(normalizeName));

let index: IndexEntry[] | undefined;
/** Every name of every country, normalized: ICU names in our 11 ICU locales, native names, aliases. */
function nameIndex(): IndexEntry[] {
  if (index) return index;
  const out: IndexEntry[] = [];
  for (const code of COUNTRY_CODES) {
    const names = new Set<string>();
    for (const l of ICU_LOCALES) {
      const n = countryName(code, l);
      if (n !== code) names.add(normalizeName(n));
    }
    const native = nativeNameOf(code);
    if (native) for (const part of native.split("/")) names.add(normalizeName(part));
    for (const a of ALIASES[code] ?? []) names.add(normalizeName(a));
    for (const name of names) if (name) out.push({ code, name, words: name.split(" ") });
  }
  index = out;
  return out;
}

/** Levenshtein distance, stopping early once it is above `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

export const MAX_COUNTRY_CANDIDATES = 6;

export interface CountryMatch {
  /** set when the text names exactly one country (a full name in any of our languages) */
  code?: string;
  /** the countries the text may mean, best first (the code alone when there is one) */
  candidates: string[];
}

/**
 * Which country a typed text means. A full name (any of our 12 languages, the native name or a common
 * alias, ignoring case, accents and Arabic/Persian letter forms) decides; otherwise names that start
 * with the text, have a word that does, or are one or two typos away are offered, best first.
 */
export function matchCountry(text: string): CountryMatch {
  const q = normalizeName(text);
  if ([...q].length < 2 || q.length > 60) return { candidates: [] };
  const score = new Map<string, number>();
  const bump = (code: string, s: number) => {
    if (s > (score.get(code) ?? 0)) score.set(code, s);
  };
  const maxTypos = q.length >= 8 ? 2 : q.length >= 4 ? 1 : 0;
  for (const e of nameIndex()) {
    if (e.name === q && !AMBIGUOUS.has(q)) bump(e.code, 100);
    else if (q.length >= 3 && e.name.startsWith(q)) bump(e.code, 60);
    else if (q.length >= 3 && e.words.some((w) => w.startsWith(q))) bump(e.code, 50);
    else if (maxTypos > 0) {
      const d = distance(q, e.name, maxTypos);
      if (d <= maxTypos) bump(e.code, 40 - 10 * d);
      else if (q.length >= 5 && e.words.some((w) => distance(q, w, 1) <= 1)) bump(e.code, 20);
    }
  }
  const common = COMMON_ORIGINS as readonly string[];
  const rank = (c: string) => (common.includes(c) ? common.indexOf(c) : common.length);
  const ranked = [...score.entries()]
    .sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))
    .map(([c]) => c);
  const exact = ranked.filter((c) => score.get(c) === 100);
  if (exact.length === 1) return { code: exact[0]!, candidates: exact };
  return { candidates: (exact.length ? exact : ranked).slice(0, MAX_COUNTRY_CANDIDATES) };
}
