// Defects a native-speaker review found in single locales (issue 13.2), each kept from coming back.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const texts = (lng: string): string =>
  readdirSync(`locales/${lng}`)
    .filter((f) => f.endsWith(".json"))
    .map((f) => readFileSync(`locales/${lng}/${f}`, "utf8"))
    .join("\n");

describe("locale defects", () => {
  it('pl: the Agentur für Arbeit is a "urząd pracy", not an "agencja pracy" (a private staffing agency)', () => {
    expect(texts("pl")).not.toMatch(/agencj[aiię]\s+pracy/i);
    expect(texts("pl")).toMatch(/[Uu]rz[ąę]d(zie)? pracy \(Agentur für Arbeit\)/);
  });
});
