import { describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/feature.ts";
import {
  formatDateLong,
  formatDateMedium,
  formatSlotShort,
  formatWhen,
} from "../../src/modules/appointments/format.ts";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";
import { formatDate } from "../../src/telegram/features/shared.ts";

const TZ = "Europe/Berlin";

// 2026-12-07 is 16 Azar 1405 in the Solar Hijri calendar and 27 Jumada II 1448 in the Hijri one.
// The message that shows the date also shows a reference code, a postcode or a count in Latin
// digits, so the date must not bring a second digit system.
describe("client dates: Gregorian, one digit system", () => {
  const day = new Date("2026-12-07T09:00:00Z");
  const NON_LATIN_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/;
  const formats = { formatWhen, formatDateLong, formatDateMedium, formatSlotShort };
  const cases = CLIENT_LOCALES.flatMap((lng) =>
    Object.entries(formats).map(([name, f]) => [lng, name, f] as const),
  );
  it.each(cases)("%s %s", (lng, name, f) => {
    const text = f(day, lng, TZ);
    if (name !== "formatSlotShort") expect(text).toContain("2026");
    expect(text).not.toMatch(/1405|1448/);
    expect(text).not.toMatch(NON_LATIN_DIGITS);
    expect(text).toMatch(/7/);
  });

  it("fa: the Persian month name of the Gregorian calendar, not the Solar Hijri one", () => {
    const text = formatDateLong(day, "fa", TZ);
    expect(text).toContain("دسامبر");
    expect(text).not.toContain("آذر");
  });
});

describe("formatDate (consent given on …, withdrawn on …)", () => {
  const app = { org: { municipality: { timezone: TZ } } } as unknown as AppContext;
  it.each(["fa", "ar"] as const)("%s: Gregorian 2026 in Latin digits", (lng) => {
    const text = formatDate(app, lng, new Date("2026-12-07T09:00:00Z"));
    expect(text).toContain("2026");
    expect(text).not.toMatch(/1405|1448|[\u0660-\u0669\u06F0-\u06F9]/);
  });
});
