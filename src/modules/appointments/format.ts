// Dates and times as the client reads them: in the municipality's time zone (DST is Intl's
// business), in the client's language and month names. Always the Gregorian calendar — the
// appointment is in Germany and letters from offices use it; Persian (fa) would otherwise default to
// the Solar Hijri calendar. Always Latin digits: the same message carries reference codes
// ("BI-7Q4K-2M"), postcodes, phone numbers and i18next counts, which are Latin, so Persian (or
// Arabic-Indic) digits in the date alone would mix two digit systems in one message.
const cache = new Map<string, Intl.DateTimeFormat>();

/** Our locale codes → BCP 47 tags Intl understands; de-simple (Leichte Sprache) formats as German. */
export function intlLocale(locale: string): string {
  const base = locale === "de-simple" ? "de" : locale;
  return `${base}-u-ca-gregory-nu-latn`;
}

function fmt(locale: string, timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(locale), { timeZone, ...opts });
    cache.set(key, f);
  }
  return f;
}

/** Button label: "Mo., 30. März, 09:00" / "Mon, Mar 30, 09:00 AM". */
export function formatSlotShort(d: Date, locale: string, timeZone: string): string {
  return fmt(locale, timeZone, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

/** "Montag, 30. März 2026" */
export function formatDateLong(d: Date, locale: string, timeZone: string): string {
  return fmt(locale, timeZone, { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(d);
}

/** "07.12.2026" / "7 Dec 2026": a date in a sentence (consent given on …). */
export function formatDateMedium(d: Date, locale: string, timeZone: string): string {
  return fmt(locale, timeZone, { dateStyle: "medium" }).format(d);
}

/** "09:00" */
export function formatTime(d: Date, locale: string, timeZone: string): string {
  return fmt(locale, timeZone, { hour: "2-digit", minute: "2-digit" }).format(d);
}

/** Date and time in one phrase as the language writes it: "Montag, 30. März 2026 um 09:00". */
export function formatWhen(d: Date, locale: string, timeZone: string): string {
  return fmt(locale, timeZone, { dateStyle: "full", timeStyle: "short" }).format(d);
}
