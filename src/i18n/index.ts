// i18next set up once per process from the JSON files in locales/ (clients, 12 languages) and
// locales-staff/ (case managers: de, en). Lookups never throw: a missing key falls back along
// de-simple → de → en, and the parity check in the tests keeps that from happening in practice.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import i18next, { type i18n, type TFunction } from "i18next";
import { CLIENT_LOCALES, type ClientLocale } from "../modules/intake/answers.ts";
import { isolateValue, isRtl } from "./bidi.ts";

export type { TFunction };
export { isRtl };

/**
 * i18next calls this for every {{value}} (alwaysFormat): in Arabic and Persian a name, code, time
 * or street is isolated so its Latin letters and digits keep their order (see bidi.ts). We use no
 * named formats ({{x, number}}), so replacing the built-in formatter loses nothing.
 */
const bidiFormatter = {
  type: "formatter" as const,
  init() {},
  add() {},
  addCached() {},
  format: (value: unknown, _format: string | undefined, lng: string | undefined) =>
    lng && isRtl(lng) ? isolateValue(value) : value,
};

type Resources = Record<string, Record<string, unknown>>;

function loadDir(dir: string): Resources {
  const out: Resources = {};
  for (const lng of readdirSync(dir)) {
    const p = join(dir, lng);
    if (!statSync(p).isDirectory()) continue;
    out[lng] = {};
    for (const f of readdirSync(p).filter((f) => f.endsWith(".json")))
      out[lng]![f.slice(0, -5)] = JSON.parse(readFileSync(join(p, f), "utf8"));
  }
  return out;
}

function merge(a: Resources, b: Resources): Resources {
  const out: Resources = { ...a };
  for (const [lng, ns] of Object.entries(b)) out[lng] = { ...(out[lng] ?? {}), ...ns };
  return out;
}

export async function createI18n(root = process.cwd()): Promise<i18n> {
  const resources = merge(loadDir(resolve(root, "locales")), loadDir(resolve(root, "locales-staff")));
  const inst = i18next.createInstance().use(bidiFormatter as never);
  await inst.init({
    resources: resources as never,
    lng: "en",
    fallbackLng: { "de-simple": ["de", "en"], default: ["en"] },
    supportedLngs: [...CLIENT_LOCALES],
    nonExplicitSupportedLngs: false,
    // one namespace per file name (client.json, appointments.json, staff.json, …): features keep
    // their texts in their own files and refer to them as "appointments:key"
    ns: [...new Set(Object.values(resources).flatMap((n) => Object.keys(n)))],
    defaultNS: "client",
    interpolation: { escapeValue: false, alwaysFormat: true },
    returnNull: false,
  });
  return inst;
}

/**
 * Telegram's language_code (e.g. "pt-br", "uk", "de") → the locale we speak, if it is the same
 * language. Our ku texts are Kurmanji (kmr); Sorani (ckb) is a different language in a different
 * script, so it gets no guess and the bot asks instead.
 */
export function suggestLocale(languageCode: string | undefined): ClientLocale | undefined {
  if (!languageCode) return undefined;
  const base = languageCode.toLowerCase().split(/[-_]/)[0]!;
  if (base === "kmr") return "ku";
  return (CLIENT_LOCALES as readonly string[]).includes(base) ? (base as ClientLocale) : undefined;
}

export const isClientLocale = (s: string): s is ClientLocale =>
  (CLIENT_LOCALES as readonly string[]).includes(s);
