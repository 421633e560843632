import { describe, expect, it } from "vitest";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";
import {
  COMMON_ORIGINS,
  COUNTRY_CODES,
  countryLabel,
  countryName,
  isCountryCode,
  MAX_COUNTRY_CANDIDATES,
  matchCountry,
  NATIVE_NAMES,
  normalizeName,
} from "../../src/modules/intake/countries.ts";

describe("countries: the code list", () => {
  it("has every ISO 3166-1 alpha-2 country once, plus Kosovo, and the common ones in it", () => {
    expect(new Set(COUNTRY_CODES).size).toBe(COUNTRY_CODES.length);
    expect(COUNTRY_CODES.length).toBe(250);
    expect(COUNTRY_CODES.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
    for (const c of COMMON_ORIGINS) expect(isCountryCode(c), c).toBe(true);
    expect(Object.keys(NATIVE_NAMES).sort()).toEqual([...COMMON_ORIGINS].sort());
    for (const gone of ["SU", "YU", "UK", "EU", "ZZ"]) expect(isCountryCode(gone)).toBe(false);
  });

  it("names every common country in every client language (not just its code)", () => {
    for (const l of CLIENT_LOCALES)
      for (const c of COMMON_ORIGINS) expect(countryName(c, l), `${c} in ${l}`).not.toBe(c);
  });
});

describe("countries: labels", () => {
  const table: [string, string, string][] = [
    ["SY", "de", "Syrien · سوريا"],
    ["SY", "ar", "سوريا"],
    ["UA", "uk", "Україна"],
    ["UA", "en", "Ukraine · Україна"],
    ["TR", "tr", "Türkiye"],
    ["DE", "de-simple", "Deutschland"],
  ];
  it.each(table)("%s in %s → %s", (code, lng, label) => expect(countryLabel(code, lng)).toBe(label));
});

describe("countries: normalizing a name", () => {
  const table: [string, string][] = [
    ["  Türkei ", "turkei"],
    ["CÔTE D’IVOIRE", "cote d ivoire"],
    ["Großbritannien", "grossbritannien"],
    ["ایران", "ايران"], // Persian yeh = Arabic yeh
    ["أفغانستان", "افغانستان"], // hamza on alif dropped
    ["سُورِيَا", "سوريا"], // vowel marks dropped
    ["\u2068Syria\u2069", "syria"], // bidi isolates dropped
  ];
  it.each(table)("%s → %s", (text, normalized) => expect(normalizeName(text)).toBe(normalized));
});

describe("countries: matching a typed name", () => {
  // [typed, the code it decides on (or undefined), a code that must be among the candidates]
  const table: [string, string | undefined, string][] = [
    ["Syrien", "SY", "SY"],
    ["syria", "SY", "SY"],
    ["سوريا", "SY", "SY"],
    ["سوریه", "SY", "SY"],
    ["Sûrîye", "SY", "SY"],
    ["Afghanistan", "AF", "AF"],
    ["Efxanistan", "AF", "AF"],
    ["Afganistan", "AF", "AF"],
    ["Türkei", "TR", "TR"],
    ["turkey", "TR", "TR"],
    ["Украина", "UA", "UA"],
    ["Україна", "UA", "UA"],
    ["Irak", "IQ", "IQ"],
    ["العراق", "IQ", "IQ"],
    ["ایران", "IR", "IR"],
    ["ኤርትራ", "ER", "ER"],
    ["Soomaaliya", "SO", "SO"],
    ["Guinée", "GN", "GN"],
    ["Nigeria", "NG", "NG"],
    ["Russland", "RU", "RU"],
    ["საქართველო", "GE", "GE"],
    ["Грузия", "GE", "GE"],
    ["Kosova", "XK", "XK"],
    ["Србија", "RS", "RS"],
    ["Mazedonien", "MK", "MK"],
    ["Shqipëria", "AL", "AL"],
    ["Rumänien", "RO", "RO"],
    ["България", "BG", "BG"],
    ["Polska", "PL", "PL"],
    ["Eritreea", "ER", "ER"],
    // typos and beginnings: offered, not decided
    ["Afghanistn", undefined, "AF"],
    ["Sirien", undefined, "SY"],
    ["Eritr", undefined, "ER"],
    ["Kongo", undefined, "CD"],
    ["Congo", undefined, "CG"],
  ];
  it.each(table)("%s", (text, code, candidate) => {
    const m = matchCountry(text);
    expect(m.code).toBe(code);
    expect(m.candidates).toContain(candidate);
    expect(m.candidates.length).toBeLessThanOrEqual(MAX_COUNTRY_CANDIDATES);
  });

  it("decides nothing for what is no country, too short, or too long", () => {
    for (const text of ["", "x", "Atlantis", "hello", "1234", "a".repeat(200)])
      expect(matchCountry(text)).toEqual({ candidates: [] });
  });

  it("offers the common countries first among several beginnings", () => {
    expect(matchCountry("Ira").candidates.slice(0, 2)).toEqual(["IQ", "IR"]);
  });
});
