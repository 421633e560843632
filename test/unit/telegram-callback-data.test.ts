import { describe, expect, it } from "vitest";
import {
  CALLBACK_DATA_MAX_BYTES,
  CallbackPayloadError,
  createCallbackCodec,
  MAX_PAYLOAD_BYTES,
  SIGNATURE_CHARS,
} from "../../src/telegram/callback-data.ts";

const codec = createCallbackCodec("123456:TEST-token-for-callback-data");

describe("signed callback data", () => {
  it("round-trips a payload and splits it into parts", () => {
    const data = codec.encode("i:to:t:education_language");
    expect(data).toMatch(new RegExp(`^i:to:t:education_language\\.[A-Za-z0-9_-]{${SIGNATURE_CHARS}}$`));
    expect(codec.decode(data)).toEqual({
      ok: true,
      payload: "i:to:t:education_language",
      parts: ["i", "to", "t", "education_language"],
    });
  });

  it("fits Telegram's 64-byte limit at the longest payload", () => {
    const payload = "x".repeat(MAX_PAYLOAD_BYTES);
    const data = codec.encode(payload);
    expect(Buffer.byteLength(data)).toBe(CALLBACK_DATA_MAX_BYTES);
    expect(codec.decode(data).ok).toBe(true);
  });

  it("refuses to sign what does not fit or contains spaces or non-ASCII", () => {
    expect(() => codec.encode("x".repeat(MAX_PAYLOAD_BYTES + 1))).toThrow(CallbackPayloadError);
    expect(() => codec.encode("i:na:t:two words")).toThrow(CallbackPayloadError);
    expect(() => codec.encode("l:ع")).toThrow(CallbackPayloadError);
    expect(() => codec.encode("")).toThrow(CallbackPayloadError);
  });

  it("payloads may contain dots: the signature is after the last one", () => {
    const data = codec.encode("k:v1.2:x");
    expect(codec.decode(data)).toMatchObject({ ok: true, payload: "k:v1.2:x" });
  });

  const valid = codec.encode("c:y:10");
  const sig = valid.slice(-SIGNATURE_CHARS);
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);

  it.each([
    ["changed payload, old signature", `c:y:11.${sig}`, "signature"],
    ["one signature character changed", flip(valid, valid.length - 1), "signature"],
    [
      "signature of another key",
      createCallbackCodec("999:other-token-xxxxxxxxxxxxxxxx").encode("c:y:10"),
      "signature",
    ],
    ["no signature", "c:y:10", "malformed"],
    ["signature too short", valid.slice(0, -1), "malformed"],
    ["only a signature", `.${sig}`, "malformed"],
    ["empty", "", "missing"],
    ["over 64 bytes", `${"a".repeat(60)}.${sig}`, "malformed"],
    ["non-ASCII payload", `ü:x.${sig}`, "malformed"],
    ["space in payload", `c y.${sig}`, "malformed"],
  ])("rejects %s", (_name, data, reason) => {
    expect(codec.decode(data)).toEqual({ ok: false, reason });
  });

  it("rejects undefined (a game button has no data)", () => {
    expect(codec.decode(undefined)).toEqual({ ok: false, reason: "missing" });
  });

  it("a different secret derives a different key (rotation invalidates buttons)", () => {
    const other = createCallbackCodec("123456:another-token-entirely");
    expect(other.decode(valid).ok).toBe(false);
    expect(other.encode("c:y:10")).not.toBe(valid);
  });

  it("random strings practically never pass", () => {
    let passed = 0;
    for (let i = 0; i < 2000; i++) {
      const len = 1 + Math.floor(Math.random() * 64);
      let s = "";
      for (let j = 0; j < len; j++) s += String.fromCharCode(33 + Math.floor(Math.random() * 94));
      if (codec.decode(s).ok) passed++;
    }
    expect(passed).toBe(0);
  });
});
