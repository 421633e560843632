// Wall-clock time in an IANA zone without a date library: Intl.DateTimeFormat tells the offset of an
// instant, and a local time maps to 0 (spring-forward gap), 1 or 2 (autumn fold) instants.
export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(
  ms: number,
  timeZone: string,
): { date: LocalDate; hour: number; minute: number; second: number } {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(ms))
    if (p.type !== "literal") out[p.type] = Number(p.value);
  return {
    date: { year: out.year!, month: out.month!, day: out.day! },
    hour: out.hour!,
    minute: out.minute!,
    second: out.second!,
  };
}

/** Local minus UTC in minutes at an instant (Europe/Berlin: 60 in winter, 120 in summer). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.date.year, w.date.month - 1, w.date.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - (ms - (((ms % 1000) + 1000) % 1000))) / MINUTE);
}

export function localDateOf(instant: Date | number, timeZone: string): LocalDate {
  return wallClock(typeof instant === "number" ? instant : instant.getTime(), timeZone).date;
}

/** Minutes after local midnight (wall clock) of an instant. */
export function localMinuteOf(instant: Date | number, timeZone: string): number {
  const w = wallClock(typeof instant === "number" ? instant : instant.getTime(), timeZone);
  return w.hour * 60 + w.minute;
}

export function addDays(d: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(d: LocalDate): number {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
}

export const compareDates = (a: LocalDate, b: LocalDate): number =>
  a.year - b.year || a.month - b.month || a.day - b.day;

export const dateKey = (d: LocalDate): string =>
  `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/**
 * The instants at which the wall clock shows `minuteOfDay` on `date`, earliest first: none in the
 * spring-forward gap (02:30 on 29 March 2026 in Berlin), two in the autumn fold (02:30 on 25 October).
 */
export function localToInstants(date: LocalDate, minuteOfDay: number, timeZone: string): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  // the offsets in force a day either side cover every real zone (no zone changes twice in 48 h)
  const offsets = new Set([offsetMinutes(wall - DAY, timeZone), offsetMinutes(wall + DAY, timeZone)]);
  const out: number[] = [];
  for (const o of offsets) {
    const instant = wall - o * MINUTE;
    if (offsetMinutes(instant, timeZone) === o) out.push(instant);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The first instant of a local day (midnight, or the first minute after a gap at midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  for (let m = 0; m < 24 * 60; m += 15) {
    const i = localToInstants(date, m, timeZone)[0];
    if (i !== undefined) return i;
  }
  return Date.UTC(date.year, date.month - 1, date.day);
}
