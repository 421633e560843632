import { describe, expect, it } from "vitest";
import {
  CODE_ALPHABET,
  generatePseudonym,
  generateReferenceCode,
  isValidReferenceCode,
  normalizeReferenceCode,
  referencePrefix,
} from "../../src/modules/intake/reference-code.ts";

describe("reference codes", () => {
  it("look like BI-7Q4K-2M and validate", () => {
    for (let i = 0; i < 500; i++) {
      const code = generateReferenceCode("BI");
      expect(code).toMatch(/^BI-[2-9A-Z]{4}-[2-9A-Z]{2}$/);
      expect(isValidReferenceCode(code)).toBe(true);
    }
  });

  it("use no look-alike characters", () => {
    for (const c of "01ILOU") expect(CODE_ALPHABET).not.toContain(c);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it("catch a typo and a swap of neighbours", () => {
    const code = generateReferenceCode("BI", () => 5); // deterministic body
    const [p, a, b] = code.split("-") as [string, string, string];
    const typo = `${p}-${a.slice(0, 1)}${a[1] === "C" ? "D" : "C"}${a.slice(2)}-${b}`;
    expect(isValidReferenceCode(typo)).toBe(false);
    const body = generateReferenceCode(
      "BI",
      (() => {
        const seq = [3, 7, 11, 2, 19];
        let i = 0;
        return () => seq[i++ % seq.length]!;
      })(),
    );
    const [, x, y] = body.split("-") as [string, string, string];
    const swapped = `BI-${x[1]}${x[0]}${x.slice(2)}-${y}`;
    expect(isValidReferenceCode(body)).toBe(true);
    expect(isValidReferenceCode(swapped)).toBe(false);
  });

  it("normalizes what people type", () => {
    const code = generateReferenceCode("KW");
    expect(normalizeReferenceCode(code.toLowerCase().replace(/-/g, " "))).toBe(code);
    expect(normalizeReferenceCode("nonsense")).toBeUndefined();
  });

  it("prefix from the municipality id", () => {
    expect(referencePrefix("bielefeld")).toBe("BI");
    expect(referencePrefix("kreis-warendorf")).toBe("KW");
    expect(referencePrefix("x")).toBe("XX");
  });

  it("pseudonyms look like K-7F3Q", () => {
    expect(generatePseudonym()).toMatch(/^K-[2-9A-Z]{4}$/);
    expect(generatePseudonym(6)).toMatch(/^K-[2-9A-Z]{6}$/);
  });
});
