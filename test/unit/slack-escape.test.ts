import { describe, expect, it } from "vitest";
import { chunkEscaped, clipEscaped, INERT, slackEscape, verbatimSection } from "../../src/slack/escape.ts";

const HOSTILE = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U0123ABC>",
  "<#C0TEAM>",
  "<https://evil.example|Open case file>",
];

describe("slackEscape", () => {
  it("turns every piece of Slack markup a client could type into text", () => {
    for (const h of HOSTILE) {
      const e = slackEscape(`hi ${h} there`);
      expect(e).not.toMatch(/[<>]/);
      expect(e).toContain(h.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    }
    expect(slackEscape("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });

  it("escapes an ampersand first, so typed entities stay visible as typed", () => {
    expect(slackEscape("&lt;!channel&gt;")).toBe("&amp;lt;!channel&amp;gt;");
    expect(slackEscape("")).toBe("");
    expect(slackEscape("Доброго дня 👋 *bold*")).toBe("Доброго дня 👋 *bold*");
  });

  it("clips and chunks escaped text without splitting an entity", () => {
    const e = slackEscape("ab<<<<<<");
    for (let max = 2; max <= e.length; max++) {
      const c = clipEscaped(e, max);
      expect(c.length).toBeLessThanOrEqual(max);
      expect(c.replace(/…$/, "")).toMatch(/^(?:[^&]|&(?:amp|lt|gt);)*$/);
      const parts = chunkEscaped(e, Math.max(max, 5));
      expect(parts.join("")).toBe(e);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(Math.max(max, 5));
        expect(p).toMatch(/^(?:[^&]|&(?:amp|lt|gt);)*$/);
      }
    }
    expect(clipEscaped("short", 10)).toBe("short");
    expect(chunkEscaped("", 10)).toEqual([""]);
  });

  it("sends with mentions and link names off, sections verbatim", () => {
    expect(INERT).toEqual({ parse: "none", link_names: false });
    expect(verbatimSection("x")).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "x", verbatim: true },
    });
  });
});
