// Locale checks for client (12 languages) and staff (de, en) texts:
//   1. parity: the same keys and {{placeholders}} as en — the shared checker when the workspace has
//      it (../shared/tools/check-locales.mjs), so everyone runs the same rules;
//   2. untranslated copies: a text longer than a few words that is word for word the English one
//      (a translator skipped it), unless ALLOW_IDENTICAL says it is meant to be the same;
//   3. right-to-left locales (ar, fa): every /command and <code> span wrapped in LRI … PDI, or the
//      bidi algorithm shows "/start" as "start/" (see src/i18n/bidi.ts).
// Usage: node scripts/check-locales.mjs [dir …]   (default: locales locales-staff). Exit 1 on a finding.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ["locales", "locales-staff"];
const REF = "en";
const RTL = new Set(["ar", "fa"]);
const MIN_LENGTH = 12;

/**
 * Keys whose text is the same in English and in the listed locales on purpose: names of things,
 * codes. "*" = every locale. Keep it short; a long list hides untranslated texts.
 */
const ALLOW_IDENTICAL = {
  // the product's name and the word "ID", as the app itself shows it
  "privacy.export.field.telegramUserId": "*",
};

// the same pattern as COMMAND in src/i18n/bidi.ts (a unit test keeps them equal)
const COMMAND = /(?<![\p{L}\p{N}_/<:.\u2066\u2067\u2068])\/[a-z][a-z0-9_]*(?![\p{L}\p{N}_\u2069])/gu;
const CODE_SPAN = /<code>[\s\S]*?<\/code>/g;
const ISOLATED_CODE = /\u2066<code>[^<]*<\/code>\u2069/g;

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const key = `${prefix}.${k}`;
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = String(v);
  }
  return out;
}

function load(dir, lng) {
  const out = {};
  const p = join(dir, lng);
  for (const f of readdirSync(p).filter((f) => f.endsWith(".json")))
    flatten(JSON.parse(readFileSync(join(p, f), "utf8")), f.slice(0, -5), out);
  return out;
}

/** What a reader sees of a text: without tags, placeholders, emoji and punctuation runs. */
const visible = (s) =>
  s
    .replace(/<[^>]+>/g, "")
    .replace(/\{\{[^}]*\}\}/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

const allowed = (key, lng) => {
  const who = ALLOW_IDENTICAL[key];
  return who === "*" || (Array.isArray(who) && who.includes(lng));
};

let findings = 0;
const report = (msg) => {
  console.log(msg);
  findings++;
};

for (const dir of dirs) {
  if (!existsSync(dir)) continue;
  const lngs = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory());
  if (!lngs.includes(REF)) continue;
  const ref = load(dir, REF);
  for (const lng of lngs) {
    if (lng === REF) continue;
    const texts = load(dir, lng);
    for (const [key, text] of Object.entries(texts)) {
      if (ref[key] === text && visible(text).length > MIN_LENGTH && !allowed(key, lng))
        report(
          `${dir}/${lng}: ${key} is the English text, untranslated: ${JSON.stringify(text.slice(0, 80))}`,
        );
      if (!RTL.has(lng)) continue;
      for (const c of text.matchAll(COMMAND))
        report(`${dir}/${lng}: ${key}: ${c[0]} is not isolated (write \\u2066${c[0]}\\u2069)`);
      for (const span of text.replace(ISOLATED_CODE, "").matchAll(CODE_SPAN))
        report(`${dir}/${lng}: ${key}: ${span[0]} is not isolated (write \\u2066${span[0]}\\u2069)`);
    }
  }
}

const shared = "../shared/tools/check-locales.mjs";
let parity = "shared parity checker not present: parity is tested in test/unit/locales.test.ts";
if (existsSync(shared)) {
  parity = "parity checked";
  for (const dir of dirs.filter((d) => existsSync(d))) {
    try {
      execFileSync("node", [shared, dir, REF], { stdio: "inherit" });
    } catch {
      findings++;
    }
  }
}
console.log(`${parity}; ${findings} finding(s) from parity, untranslated copies and RTL isolation`);
process.exit(findings ? 1 : 0);
