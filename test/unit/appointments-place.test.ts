// The place line of an appointment message: an in-person appointment without a known office must not
// read like a phone call (issue 13: it fell back to the phone text), and a home visit has its own text,
// in every client language.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";
import { placeKey } from "../../src/telegram/appointments-messages.ts";

const office = { name: "Bürgeramt", street: "Weg 1", postcode: "33602", city: "Bielefeld" } as never;

describe("placeKey", () => {
  it.each([
    ["in_person", office, "in_person"],
    ["in_person", null, "in_person_no_office"],
    ["phone", null, "phone"],
    ["video", null, "video"],
    ["home_visit", null, "home_visit"],
  ])("%s with office %s → %s", (mode, o, key) => {
    expect(placeKey({ mode, office: o } as never)).toBe(key);
  });
});

describe("place texts in every locale", async () => {
  const i18n = await createI18n();
  it.each(CLIENT_LOCALES)("%s: in person without office and home visit are their own texts", (lng) => {
    const t = i18n.getFixedT(lng, "appointments");
    for (const ns of ["confirmed", "ics"]) {
      const noOffice = t(`${ns}.in_person_no_office`);
      expect(noOffice).not.toBe(`${ns}.in_person_no_office`);
      expect(noOffice).not.toBe(t(`${ns}.phone`));
      expect(t(`${ns}.home_visit`)).not.toBe(`${ns}.home_visit`);
    }
  });
});
