// A minimal iCalendar (RFC 5545) serializer for one appointment: VCALENDAR with one VEVENT, times in
// UTC (no VTIMEZONE needed; calendar apps show them in the device's zone), CRLF line ends, text
// escaping (\\ ; , newline) and folding of lines longer than 75 octets without splitting a UTF-8
// character. The UID stays the same across reschedules and SEQUENCE grows, so a calendar app updates
// the event it already has instead of adding a second one.

export interface IcsEvent {
  uid: string;
  /** grows with every change (the appointment's reschedule count) */
  sequence: number;
  start: Date;
  end: Date;
  /** DTSTAMP: when this version was produced */
  stamp: Date;
  summary: string;
  description?: string;
  location?: string;
  status?: "CONFIRMED" | "CANCELLED";
}

/** TEXT value escaping (RFC 5545 §3.3.11). */
export function escapeText(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

/** 20260330T070000Z */
export function icsDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Folds a content line at 75 octets (§3.1): continuation lines start with one space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let cur = "";
  let curBytes = 0;
  for (const ch of line) {
    const b = Buffer.byteLength(ch, "utf8");
    // the first line holds 75 octets, continuation lines 74 plus the leading space
    const max = out.length === 0 ? 75 : 74;
    if (curBytes + b > max) {
      out.push(cur);
      cur = "";
      curBytes = 0;
    }
    cur += ch;
    curBytes += b;
  }
  out.push(cur);
  return out.join("\r\n ");
}

export function buildIcs(ev: IcsEvent, prodId = "-//anlauf//appointments//EN"): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${prodId}`,
    "CALSCALE:GREGORIAN",
    `METHOD:${ev.status === "CANCELLED" ? "CANCEL" : "PUBLISH"}`,
    "BEGIN:VEVENT",
    `UID:${ev.uid}`,
    `SEQUENCE:${ev.sequence}`,
    `DTSTAMP:${icsDate(ev.stamp)}`,
    `DTSTART:${icsDate(ev.start)}`,
    `DTEND:${icsDate(ev.end)}`,
    `SUMMARY:${escapeText(ev.summary)}`,
    ...(ev.location ? [`LOCATION:${escapeText(ev.location)}`] : []),
    ...(ev.description ? [`DESCRIPTION:${escapeText(ev.description)}`] : []),
    `STATUS:${ev.status ?? "CONFIRMED"}`,
    "TRANSP:OPAQUE",
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}
