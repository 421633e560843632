// Signed callback data for inline buttons. Telegram hands callback_data back verbatim, but anyone with
// a modified client can send any string, so every button carries a short HMAC over its payload:
//
//   <payload>.<sig>      payload: printable ASCII without spaces, at most 53 bytes
//                        sig: the first 10 base64url characters (60 bits) of HMAC-SHA256(key, payload)
//
// 53 + 1 + 10 = 64 bytes, Telegram's limit. The key is derived (HKDF) from a secret the process already
// has (the bot token), so buttons survive restarts and stop working when the token is rotated.
// Payloads are ids and codes only: callback data is visible to the client and to Telegram.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

export const CALLBACK_DATA_MAX_BYTES = 64;
export const SIGNATURE_CHARS = 10;
export const MAX_PAYLOAD_BYTES = CALLBACK_DATA_MAX_BYTES - 1 - SIGNATURE_CHARS;

const PAYLOAD = /^[\x21-\x7e]+$/;

export type DecodeResult =
  | { ok: true; payload: string; parts: string[] }
  | { ok: false; reason: "missing" | "malformed" | "signature" };

export interface CallbackCodec {
  /** payload → callback_data; throws on a payload that is too long or has forbidden characters */
  encode(payload: string): string;
  decode(data: string | undefined): DecodeResult;
}

export class CallbackPayloadError extends Error {
  override readonly name = "CallbackPayloadError";
}

export function deriveCallbackKey(secret: string): Buffer {
  if (!secret) throw new CallbackPayloadError("callback data needs a secret to derive its key from");
  return Buffer.from(hkdfSync("sha256", secret, "anlauf/telegram", "callback-data v1", 32));
}

export function createCallbackCodec(secret: string): CallbackCodec {
  const key = deriveCallbackKey(secret);
  const sign = (payload: string) =>
    createHmac("sha256", key).update(payload, "utf8").digest("base64url").slice(0, SIGNATURE_CHARS);
  return {
    encode(payload) {
      if (!PAYLOAD.test(payload))
        throw new CallbackPayloadError(`callback payload has forbidden characters: ${payload}`);
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
        throw new CallbackPayloadError(`callback payload longer than ${MAX_PAYLOAD_BYTES} bytes: ${payload}`);
      return `${payload}.${sign(payload)}`;
    },
    decode(data) {
      if (typeof data !== "string" || data.length === 0) return { ok: false, reason: "missing" };
      if (Buffer.byteLength(data) > CALLBACK_DATA_MAX_BYTES) return { ok: false, reason: "malformed" };
      const dot = data.lastIndexOf(".");
      if (dot <= 0 || data.length - dot - 1 !== SIGNATURE_CHARS) return { ok: false, reason: "malformed" };
      const payload = data.slice(0, dot);
      if (!PAYLOAD.test(payload)) return { ok: false, reason: "malformed" };
      const given = Buffer.from(data.slice(dot + 1));
      const expected = Buffer.from(sign(payload));
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: "signature" };
      return { ok: true, payload, parts: payload.split(":") };
    },
  };
}
