// Plural forms as each language counts: i18next picks the form by Intl.PluralRules (CLDR), so every
// plural key needs exactly the categories of its language, and the forms must say the right thing.
// Arabic has six (zero, one, two, few = 3–10, many = 11–99, other = 100+); one and two are said
// without the number ("بعد ساعتين", never "بعد 2 ساعة"). Russian and Ukrainian use "one" for 21, 31, …
import { readdirSync, readFileSync } from "node:fs";
import type { i18n } from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";

type Flat = Record<string, string>;
function flatten(obj: Record<string, unknown>, prefix: string, out: Flat = {}): Flat {
  for (const [k, v] of Object.entries(obj))
    if (v && typeof v === "object") flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = String(v);
  return out;
}
const load = (lng: string): Flat =>
  Object.assign(
    {},
    ...readdirSync(`locales/${lng}`).map((f) =>
      flatten(JSON.parse(readFileSync(`locales/${lng}/${f}`, "utf8")), `${f.slice(0, -5)}:`),
    ),
  );

const en = load("en");
const pluralBases = [
  ...new Set(
    Object.keys(en)
      .filter((k) => k.endsWith("_other") && `${k.slice(0, -6)}_one` in en)
      .map((k) => k.slice(0, -6)),
  ),
];
const locales = readdirSync("locales").filter((d) => !d.startsWith("."));
const categories = (lng: string) =>
  new Intl.PluralRules(lng === "de-simple" ? "de" : lng).resolvedOptions().pluralCategories;

describe("plural keys have exactly the CLDR categories of their language", () => {
  it("finds the plural keys of en", () => expect(pluralBases.length).toBeGreaterThan(5));
  it.each(locales)("%s", (lng) => {
    const have = load(lng);
    const cats = categories(lng);
    for (const base of pluralBases) {
      const forms = Object.keys(have)
        .filter(
          (k) => k.startsWith(`${base}_`) && /^(zero|one|two|few|many|other)$/.test(k.slice(base.length + 1)),
        )
        .map((k) => k.slice(base.length + 1));
      expect(forms.sort(), `${lng} ${base}`).toEqual([...cats].sort());
    }
  });
});

let i18: i18n;
beforeAll(async () => {
  i18 = await createI18n();
});
const t = (lng: string, nsKey: string, count: number) => {
  const [ns, key] = nsKey.split(":") as [string, string];
  return i18.t(key, {
    lng,
    ns,
    count,
    position: 5,
    code: "BI-7Q4K-2M",
    referenceCode: "BI-7Q4K-2M",
    eta: "",
  });
};

describe("ar: dual and plural", () => {
  it.each([
    ["appointments:reminder.in_hours", 1, "بعد ساعة واحدة"],
    ["appointments:reminder.in_hours", 2, "بعد ساعتين"],
    ["appointments:reminder.in_hours", 3, "بعد 3 ساعات"],
    ["appointments:reminder.in_hours", 11, "بعد 11 ساعة"],
    ["appointments:reminder.in_minutes", 2, "بعد دقيقتين"],
    ["appointments:reminder.in_minutes", 5, "بعد 5 دقائق"],
    ["appointments:reminder.in_minutes", 30, "بعد 30 دقيقة"],
    ["client:intake.summary.adults", 1, "بالغ واحد"],
    ["client:intake.summary.adults", 2, "بالغان"],
    ["client:intake.summary.children", 0, "بلا أطفال"],
    ["client:intake.summary.children", 2, "طفلان"],
    ["client:intake.summary.children", 3, "3 أطفال"],
    ["client:intake.summary.children", 11, "11 طفلًا"],
    ["client:status.eta.aboutDays", 2, "يومان تقريبًا"],
    ["client:status.eta.aboutDays", 10, "10 أيام"],
    ["client:status.eta.aboutDays", 14, "14 يومًا"],
    ["client:status.eta.aboutWeeks", 2, "أسبوعان تقريبًا"],
    ["client:status.eta.aboutWeeks", 1, "أسبوع واحد"],
  ] as const)("%s count %i → %s", (key, count, want) => {
    const text = t("ar", key, count);
    expect(text).toContain(want);
    expect(text).not.toBe(t("en", key, count));
    // one and two are said by the word itself, not "1 …" / "2 …"
    if (count === 1 || count === 2) expect(text).not.toMatch(/\d/);
  });
});

describe("ru, uk, pl: 21 / 22 / 25", () => {
  it.each([
    ["ru", "appointments:reminder.in_hours", 21, "через 21 час."],
    ["ru", "appointments:reminder.in_hours", 22, "через 22 часа."],
    ["ru", "appointments:reminder.in_hours", 25, "через 25 часов."],
    ["ru", "client:intake.summary.children", 21, "21 ребёнок"],
    ["ru", "client:intake.summary.children", 22, "22 ребёнка"],
    ["ru", "client:intake.summary.children", 25, "25 детей"],
    ["ru", "client:status.eta.aboutDays", 21, "21 день"],
    ["ru", "client:status.eta.aboutDays", 22, "22 дня"],
    ["ru", "client:status.eta.aboutDays", 25, "25 дней"],
    ["uk", "appointments:reminder.in_minutes", 21, "через 21 хвилину."],
    ["uk", "appointments:reminder.in_minutes", 22, "через 22 хвилини."],
    ["uk", "appointments:reminder.in_minutes", 25, "через 25 хвилин."],
    ["uk", "client:intake.summary.children", 21, "21 дитина"],
    ["uk", "client:intake.summary.children", 22, "22 дитини"],
    ["uk", "client:intake.summary.children", 25, "25 дітей"],
    ["uk", "client:status.eta.aboutWeeks", 21, "21 тиждень"],
    ["uk", "client:status.eta.aboutWeeks", 22, "22 тижні"],
    ["uk", "client:status.eta.aboutWeeks", 25, "25 тижнів"],
    ["pl", "appointments:reminder.in_hours", 21, "za 21 godzin."],
    ["pl", "appointments:reminder.in_hours", 22, "za 22 godziny."],
    ["pl", "appointments:reminder.in_hours", 25, "za 25 godzin."],
    ["pl", "client:intake.summary.adults", 21, "21 osób dorosłych"],
    ["pl", "client:intake.summary.adults", 22, "22 osoby dorosłe"],
    ["pl", "client:intake.summary.adults", 25, "25 osób dorosłych"],
    ["pl", "client:status.eta.aboutWeeks", 21, "21 tygodni"],
    ["pl", "client:status.eta.aboutWeeks", 22, "22 tygodnie"],
    ["pl", "client:status.eta.aboutWeeks", 25, "25 tygodni"],
  ] as const)("%s %s %i → %s", (lng, key, count, want) => {
    const text = t(lng, key, count);
    expect(text).toContain(want);
    const cat = new Intl.PluralRules(lng).select(count);
    const [ns, k] = key.split(":") as [string, string];
    expect(text).toBe(i18.t(`${k}_${cat}`, { lng, ns, count }));
    expect(text).not.toBe(t("en", key, count));
  });
});

// The waiting-list texts use the "one" form for "nobody is waiting ahead of you". In ru and uk "one"
// also covers 21, 31, …: that form must still name the count, or person 5 of 21 reads "nobody ahead".
describe("waiting list with 21 people names the 21 in every language", () => {
  const keys = ["client:status.waiting", "client:triage.waitlisted", "client:waitlist.update"];
  it.each(locales.flatMap((lng) => keys.map((k) => [lng, k] as const)))("%s %s", (lng, key) => {
    expect(t(lng, key, 21)).toContain("21");
  });
});
