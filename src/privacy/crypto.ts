// Field encryption at rest: AES-256-GCM, a fresh 96-bit IV per value, the key id stored with the
// ciphertext so keys can rotate ("v1.<keyId>.<iv>.<tag>.<data>", base64url parts). The first key of
// ANLAUF_ENCRYPTION_KEYS encrypts; every listed key decrypts. A value under an unknown key id is an
// error, never silently returned as plaintext.
// v2 (security review 15.7) binds a value to where it is stored: "v2.<keyId>.<context>.<iv>.<tag>.<data>"
// with context = base64url("<table>.<column>.<row id>") and AES-GCM additional data "v2.<keyId>.<context>",
// so a ciphertext copied to another row or column, or relabelled, no longer verifies where the reader
// names the place it expects (decrypt's `expect`). v1 values (no additional data) still decrypt;
// rotation (rotate.ts) rewrites them as v2. Writers that know the row id pass a context; the others
// still write v1 until rotation upgrades them.
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
  Absence: ["note"],
  AvailabilityException: ["reason"],
} as const;

/**
 * Encrypted values that live inside JSON columns, by table: the column, the id column of the row and
 * the paths of the string values ("…Enc" keys). rotate.ts and startup-check.ts treat them like columns.
 */
export const ENCRYPTED_JSON_PATHS = {
  Conversation: { column: "draft", idColumn: "clientId", paths: [["draft", "displayNameEnc"]] },
  CaseEvent: { column: "data", idColumn: "id", paths: [["reasonEnc"]] },
} as const satisfies Record<
  string,
  { column: string; idColumn: string; paths: readonly (readonly string[])[] }
>;

export class CryptoKeyError extends Error {}

/** Where a value is stored: bound into v2 ciphertexts as additional data. */
export interface CipherContext {
  table: string;
  /** the column, or "<column>.<json path>" for a value inside a JSON column */
  column: string;
  row: string;
}

export const contextString = (c: CipherContext): string => `${c.table}.${c.column}.${c.row}`;

export interface FieldCipher {
  readonly currentKeyId: string;
  /** with a context: v2, bound to it; without: v1 */
  encrypt(plain: string, context?: CipherContext): string;
  /** `expect`: the place the caller read the value from; a v2 value bound elsewhere is refused */
  decrypt(stored: string, expect?: CipherContext): string;
  /** true when the value is not under the current key (rotate.ts also rewrites v1 values as v2) */
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
  const keyOf = (kid: string) => {
    const key = keys.get(kid);
    if (!key) throw new CryptoKeyError(`value is encrypted with key ${kid}, which is not configured`);
    return key;
  };
  const open = (kid: string, iv: string, tag: string, data: string, aad?: string) => {
    const d = createDecipheriv("aes-256-gcm", keyOf(kid), Buffer.from(iv, "base64url"));
    if (aad !== undefined) d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    try {
      return Buffer.concat([d.update(Buffer.from(data, "base64url")), d.final()]).toString("utf8");
    } catch {
      throw new CryptoKeyError(`value under key ${kid} does not decrypt: wrong key or tampered data`);
    }
  };
  return {
    currentKeyId,
    encrypt(plain, context) {
      const iv = randomBytes(12);
      const c = createCipheriv("aes-256-gcm", current, iv);
      const head = context
        ? ["v2", currentKeyId, Buffer.from(contextString(context), "utf8").toString("base64url")]
        : ["v1", currentKeyId];
      if (context) c.setAAD(Buffer.from(head.join("."), "utf8"));
      const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
      return [
        ...head,
        iv.toString("base64url"),
        c.getAuthTag().toString("base64url"),
        data.toString("base64url"),
      ].join(".");
    },
    decrypt(stored, expect) {
      const parts = stored.split(".");
      if (parts[0] === "v2" && parts.length === 6) {
        const [, kid, ctx, iv, tag, data] = parts as [string, string, string, string, string, string];
        if (!kid || !ctx || !iv || !tag) throw new CryptoKeyError("not an encrypted value");
        if (expect && Buffer.from(ctx, "base64url").toString("utf8") !== contextString(expect))
          throw new CryptoKeyError(`value under key ${kid} belongs to another row or field`);
        return open(kid, iv, tag, data, `v2.${kid}.${ctx}`);
      }
      const [v, kid, iv, tag, data] = parts;
      if (v !== "v1" || parts.length !== 5 || !kid || !iv || !tag || data === undefined)
        throw new CryptoKeyError("not an encrypted value");
      return open(kid, iv, tag, data);
    },
    needsRotation(stored) {
      return stored.split(".")[1] !== currentKeyId;
    },
  };
}

/**
 * For fields that became encrypted after values were stored in clear (staff free text): a value not
 * in the encrypted format is returned as it is (rotate.ts encrypts it on its next run); one that does
 * not decrypt reads as null rather than failing the screen that shows it.
 */
export function readMaybeEncrypted(
  cipher: FieldCipher,
  stored: string | null,
  at?: CipherContext,
): string | null {
  if (stored === null || stored === "") return null;
  if (!stored.startsWith("v1.") && !stored.startsWith("v2.")) return stored;
  try {
    return cipher.decrypt(stored, at);
  } catch {
    return null;
  }
}
