// Statutory public holidays of North Rhine-Westphalia (Feiertagsgesetz NRW): no consultation hours on
// these days, without anybody having to enter them. Pure; the service turns them into whole local days.
import { addDays, type LocalDate, localToInstants } from "./zoned.ts";

/** Easter Sunday (Gregorian calendar; anonymous algorithm of Meeus/Jones/Butcher). */
export function easterSunday(year: number): LocalDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

export type HolidayCalendar = "nrw" | "none";

/** The eleven statutory holidays of NRW in a year, in date order. */
export function nrwHolidays(year: number): { date: LocalDate; name: string }[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number) => ({ year, month, day });
  return [
    { date: fixed(1, 1), name: "Neujahr" },
    { date: addDays(easter, -2), name: "Karfreitag" },
    { date: addDays(easter, 1), name: "Ostermontag" },
    { date: fixed(5, 1), name: "Tag der Arbeit" },
    { date: addDays(easter, 39), name: "Christi Himmelfahrt" },
    { date: addDays(easter, 50), name: "Pfingstmontag" },
    { date: addDays(easter, 60), name: "Fronleichnam" },
    { date: fixed(10, 3), name: "Tag der Deutschen Einheit" },
    { date: fixed(11, 1), name: "Allerheiligen" },
    { date: fixed(12, 25), name: "1. Weihnachtstag" },
    { date: fixed(12, 26), name: "2. Weihnachtstag" },
  ].sort((x, y) => x.date.month - y.date.month || x.date.day - y.date.day);
}

/** Holidays as whole local days [midnight, next midnight) overlapping [from, to). */
export function holidayIntervals(
  calendar: HolidayCalendar,
  from: Date,
  to: Date,
  timeZone: string,
): { from: Date; to: Date }[] {
  if (calendar === "none") return [];
  const out: { from: Date; to: Date }[] = [];
  for (let y = from.getUTCFullYear() - 1; y <= to.getUTCFullYear() + 1; y++) {
    for (const h of nrwHolidays(y)) {
      const start = localToInstants(h.date, 0, timeZone)[0];
      const next = addDays(h.date, 1);
      const end = localToInstants(next, 0, timeZone)[0];
      if (start === undefined || end === undefined) continue;
      if (start < to.getTime() && end > from.getTime())
        out.push({ from: new Date(start), to: new Date(end) });
    }
  }
  return out;
}
