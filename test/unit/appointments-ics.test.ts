// The RFC 5545 serializer: structure, UTC times, escaping, folding at 75 octets without breaking UTF-8.
import { describe, expect, it } from "vitest";
import { buildIcs, escapeText, foldLine, icsDate } from "../../src/modules/appointments/ics.ts";

const event = {
  uid: "0193b3c4-0000-7000-8000-000000000001@anlauf",
  sequence: 2,
  start: new Date("2026-03-30T07:00:00Z"),
  end: new Date("2026-03-30T07:45:00Z"),
  stamp: new Date("2026-03-20T10:11:12.345Z"),
  summary: "Termin bei Miriam Hoffmann (Case Management)",
  location: "Fachstelle für Flüchtlinge – Neues Rathaus, Niederwall 23, 33602 Bielefeld",
  description: "Bitte bringen Sie mit:\n• Pass; Briefe",
};

describe("ics", () => {
  it("writes one VEVENT in a VCALENDAR with CRLF line ends and UTC times", () => {
    const ics = buildIcs(event);
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.split("\r\n").slice(0, 6)).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//anlauf//appointments//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      "BEGIN:VEVENT",
    ]);
    const unfolded = ics.replace(/\r\n /g, "");
    expect(unfolded).toContain("\r\nUID:0193b3c4-0000-7000-8000-000000000001@anlauf\r\n");
    expect(unfolded).toContain("\r\nSEQUENCE:2\r\n");
    expect(unfolded).toContain("\r\nDTSTART:20260330T070000Z\r\n");
    expect(unfolded).toContain("\r\nDTEND:20260330T074500Z\r\n");
    expect(unfolded).toContain("\r\nDTSTAMP:20260320T101112Z\r\n");
    expect(unfolded).toContain("\r\nSTATUS:CONFIRMED\r\n");
    expect(unfolded).toContain(
      "\r\nLOCATION:Fachstelle für Flüchtlinge – Neues Rathaus\\, Niederwall 23\\, 33602 Bielefeld\r\n",
    );
    expect(unfolded).toContain("\r\nDESCRIPTION:Bitte bringen Sie mit:\\n• Pass\\; Briefe\r\n");
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics.trimEnd().endsWith("END:VCALENDAR")).toBe(true);
  });

  it("no line is longer than 75 octets and unfolding restores the content", () => {
    const long = {
      ...event,
      description: "Долгий текст на русском языке, ".repeat(10) + "ملاحظة باللغة العربية ".repeat(5),
    };
    const ics = buildIcs(long);
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n /g, "")).toContain(`DESCRIPTION:${escapeText(long.description)}`);
  });

  it("a cancelled event says so", () => {
    const ics = buildIcs({ ...event, status: "CANCELLED" });
    expect(ics).toContain("METHOD:CANCEL");
    expect(ics).toContain("STATUS:CANCELLED");
  });

  it.each([
    ["a,b;c\\d", "a\\,b\\;c\\\\d"],
    ["line1\nline2\r\nline3", "line1\\nline2\\nline3"],
    ["plain", "plain"],
  ])("escapes %j", (input, want) => expect(escapeText(input)).toBe(want));

  it("folds at character boundaries", () => {
    const line = `X:${"€".repeat(40)}`; // 3 octets each
    const folded = foldLine(line);
    for (const part of folded.split("\r\n")) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, "")).toBe(line);
    expect(foldLine("short")).toBe("short");
  });

  it("formats dates as UTC basic format", () => {
    expect(icsDate(new Date("2026-10-25T01:30:00.999Z"))).toBe("20261025T013000Z");
  });
});
