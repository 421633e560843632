// Weekly consultation hours as staff type them into the Slack modal, one line per block of time:
//
//   09:00-12:00 in_person            (in person at their own office)
//   09:00-12:00 in_person heepen-office
//   14:00-16:00 phone
//   13:00-15:00 video
//
// Pure parsing and printing, so the modal handler only maps errors to blocks.
import type { ContactMode, WeeklyRule } from "./slots.ts";

const MODE_WORDS: Record<string, ContactMode> = {
  in_person: "in_person",
  "in-person": "in_person",
  person: "in_person",
  office: "in_person",
  "vor-ort": "in_person",
  vorort: "in_person",
  präsenz: "in_person",
  praesenz: "in_person",
  phone: "phone",
  telefon: "phone",
  tel: "phone",
  video: "video",
};

const LINE = /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})(?:\s+(\S+))?(?:\s+(\S+))?$/;

export type FormProblem = {
  weekday: number;
  line: number;
  code: "format" | "time" | "order" | "mode" | "office" | "overlap";
};

export function parseHoursLines(
  weekday: number,
  text: string,
  opts: { defaultOfficeId: string | null; officeIds: ReadonlySet<string> },
): { rules: WeeklyRule[]; problems: FormProblem[] } {
  const rules: WeeklyRule[] = [];
  const problems: FormProblem[] = [];
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    const m = LINE.exec(raw.toLowerCase());
    if (!m) {
      problems.push({ weekday, line, code: "format" });
      continue;
    }
    const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 > 0)) {
      problems.push({ weekday, line, code: "time" });
      continue;
    }
    const fromMin = h1 * 60 + m1;
    const toMin = h2 * 60 + m2;
    if (toMin <= fromMin) {
      problems.push({ weekday, line, code: "order" });
      continue;
    }
    const mode = m[5] ? MODE_WORDS[m[5]] : "in_person";
    if (!mode) {
      problems.push({ weekday, line, code: "mode" });
      continue;
    }
    let officeId: string | null = null;
    if (mode === "in_person") {
      officeId = m[6] ?? opts.defaultOfficeId;
      if (officeId && !opts.officeIds.has(officeId)) {
        problems.push({ weekday, line, code: "office" });
        continue;
      }
    } else if (m[6]) {
      problems.push({ weekday, line, code: "format" });
      continue;
    }
    const clash = rules.find((r) => fromMin < r.toMin && r.fromMin < toMin);
    if (clash) {
      problems.push({ weekday, line, code: "overlap" });
      continue;
    }
    rules.push({ weekday, fromMin, toMin, mode, officeId });
  }
  return { rules: rules.sort((a, b) => a.fromMin - b.fromMin), problems };
}

const hhmm = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;

/** The lines of one weekday for the modal's initial value. */
export function formatHoursLines(
  rules: readonly WeeklyRule[],
  weekday: number,
  defaultOfficeId: string | null,
): string {
  return rules
    .filter((r) => r.weekday === weekday)
    .sort((a, b) => a.fromMin - b.fromMin)
    .map((r) => {
      const office =
        r.mode === "in_person" && r.officeId && r.officeId !== defaultOfficeId ? ` ${r.officeId}` : "";
      return `${hhmm(r.fromMin)}-${hhmm(r.toMin)} ${r.mode}${office}`;
    })
    .join("\n");
}
