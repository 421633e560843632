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

  describe("v2: bound to table, column and row (additional data)", () => {
    const here = { table: "Client", column: "displayName", row: "0190aaaa-0000-7000-8000-000000000001" };
    it("round-trips where it was written and is refused anywhere else", () => {
      const c = createCipher(k1);
      const stored = c.encrypt("Amira", here);
      expect(stored.startsWith("v2.k1.")).toBe(true);
      expect(stored).not.toContain("Client");
      expect(c.decrypt(stored, here)).toBe("Amira");
      expect(() => c.decrypt(stored, { ...here, row: "0190aaaa-0000-7000-8000-000000000002" })).toThrow(
        /another row or field/,
      );
      expect(() => c.decrypt(stored, { ...here, column: "phone" })).toThrow(CryptoKeyError);
    });
    it("a relabelled context fails authentication, not just the comparison", () => {
      const c = createCipher(k1);
      const parts = c.encrypt("Amira", here).split(".");
      const other = { ...here, row: "0190aaaa-0000-7000-8000-000000000002" };
      parts[2] = Buffer.from(`${other.table}.${other.column}.${other.row}`).toString("base64url");
      expect(() => c.decrypt(parts.join("."), other)).toThrow(/does not decrypt/);
      expect(() => c.decrypt(parts.join("."))).toThrow(/does not decrypt/);
    });
    it("v1 values (no additional data) still decrypt, with or without an expected place", () => {
      const c = createCipher(k1);
      const v1 = c.encrypt("Amira");
      expect(v1.startsWith("v1.k1.")).toBe(true);
      expect(c.decrypt(v1, here)).toBe("Amira");
      expect(createCipher(`${k2},${k1}`).decrypt(c.encrypt("Amira", here), here)).toBe("Amira");
    });
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
