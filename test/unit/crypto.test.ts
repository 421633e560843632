import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CryptoKeyError, createCipher, ENCRYPTED_FIELDS, generateKeySpec } from "../../src/privacy/crypto.ts";

describe("field encryption", () => {
  const k1 = generateKeySpec("k1");
  const k2 = generateKeySpec("k2");

  it("round-trips unicode and never stores the plaintext", () => {
    const c = createCipher(k1);
    for (const plain of ["Amira", "محمد", "Олена", "", "x".repeat(5000)]) {
      const stored = c.encrypt(plain);
      expect(stored.startsWith("v1.k1.")).toBe(true);
      if (plain) expect(stored).not.toContain(plain);
      expect(c.decrypt(stored)).toBe(plain);
    }
  });

  it("uses a fresh IV: the same value encrypts differently", () => {
    const c = createCipher(k1);
    expect(c.encrypt("Amira")).not.toBe(c.encrypt("Amira"));
  });

  it("rotates: new key encrypts, old key still decrypts", () => {
    const old = createCipher(k1).encrypt("Amira");
    const rotated = createCipher(`${k2},${k1}`);
    expect(rotated.decrypt(old)).toBe("Amira");
    expect(rotated.needsRotation(old)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt("Amira"))).toBe(false);
  });

  it.each([
    ["an unknown key id", (s: string) => s.replace("v1.k1.", "v1.zz.")],
    ["tampered data", (s: string) => `${s.slice(0, -2)}AA`],
    ["not an encrypted value", () => "Amira"],
  ])("refuses %s", (_name, mutate) => {
    const c = createCipher(k1);
    expect(() => c.decrypt(mutate(c.encrypt("Amira")))).toThrow(CryptoKeyError);
  });

  it("refuses a wrong key", () => {
    const stored = createCipher(k1).encrypt("Amira");
    const other = createCipher(generateKeySpec("k1"));
    expect(() => other.decrypt(stored)).toThrow(/does not decrypt/);
  });

  it("covers exactly the fields marked @encrypted in the schema", () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8");
    const marked: Record<string, string[]> = {};
    let model = "";
    let pending = false;
    for (const line of schema.split("\n")) {
      const m = /^model (\w+)/.exec(line);
      if (m) model = m[1]!;
      if (/^\s+\/\/\/.*@encrypted/.test(line)) pending = true;
      else if (pending && /^\s+\w+\s/.test(line)) {
        marked[model] = [...(marked[model] ?? []), line.trim().split(/\s+/)[0]!];
        pending = false;
      }
    }
    const declared = Object.fromEntries(Object.entries(ENCRYPTED_FIELDS).map(([k, v]) => [k, [...v]]));
    expect(marked).toEqual(declared);
  });
});
