// Field encryption at rest: AES-256-GCM, a fresh 96-bit IV per value, the key id stored with the
// ciphertext so keys can rotate ("v1.<keyId>.<iv>.<tag>.<data>", base64url parts). The first key of
// ANLAUF_ENCRYPTION_KEYS encrypts; every listed key decrypts. A value under an unknown key id is an
// error, never silently returned as plaintext.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** Every `/// @encrypted` field in prisma/schema.prisma; a unit test keeps the two in step. */
export const ENCRYPTED_FIELDS = {
  Client: ["displayName", "phone"],
  HouseholdMember: ["firstName"],
  Goal: ["text", "steps"],
  Assignment: ["declineReason"],
  RelayedMessage: ["body"],
  AssessmentArea: ["notes"],
  Referral: ["note"],
  CaseConference: ["decisions"],
  Appointment: ["address"],
} as const;

export class CryptoKeyError extends Error {}

export interface FieldCipher {
  readonly currentKeyId: string;
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** true when the value is not under the current key (for rotation) */
  needsRotation(stored: string): boolean;
}

export function parseKeys(spec: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const part of spec.split(",")) {
    const [id, b64] = part.split(":");
    if (!id || !b64) throw new CryptoKeyError("ANLAUF_ENCRYPTION_KEYS: expected keyId:base64key");
    const key = Buffer.from(b64, "base64");
    if (key.length !== 32) throw new CryptoKeyError(`ANLAUF_ENCRYPTION_KEYS: key ${id} is not 32 bytes`);
    if (keys.has(id)) throw new CryptoKeyError(`ANLAUF_ENCRYPTION_KEYS: key id ${id} appears twice`);
    keys.set(id, key);
  }
  return keys;
}

export function generateKeySpec(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

export function createCipher(spec: string): FieldCipher {
  const keys = parseKeys(spec);
  const currentKeyId = [...keys.keys()][0]!;
  const current = keys.get(currentKeyId)!;
  return {
    currentKeyId,
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", current, iv);
      const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return [
        "v1",
        currentKeyId,
        iv.toString("base64url"),
        c.getAuthTag().toString("base64url"),
        data.toString("base64url"),
      ].join(".");
    },
    decrypt(stored) {
      const [v, kid, iv, tag, data] = stored.split(".");
      if (v !== "v1" || !kid || !iv || !tag || data === undefined)
        throw new CryptoKeyError("not an encrypted value");
      const key = keys.get(kid);
      if (!key) throw new CryptoKeyError(`value is encrypted with key ${kid}, which is not configured`);
      const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      d.setAuthTag(Buffer.from(tag, "base64url"));
      try {
        return Buffer.concat([d.update(Buffer.from(data, "base64url")), d.final()]).toString("utf8");
      } catch {
        throw new CryptoKeyError(`value under key ${kid} does not decrypt: wrong key or tampered data`);
      }
    },
    needsRotation(stored) {
      return stored.split(".")[1] !== currentKeyId;
    },
  };
}
