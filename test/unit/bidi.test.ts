// Latin runs in Arabic and Persian texts: /commands, codes and interpolated values are isolated,
// so the bidi algorithm cannot reorder their slashes, hyphens and digits.
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/feature.ts";
import {
  directed,
  FSI,
  isolateValue,
  LRI,
  PDI,
  RLM,
  unisolatedCodeSpans,
  unisolatedCommands,
} from "../../src/i18n/bidi.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { render } from "../../src/telegram/features/shared.ts";

function strings(obj: unknown, prefix: string): [string, string][] {
  if (typeof obj === "string") return [[prefix, obj]];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => strings(v, `${prefix}.${k}`));
}
const entriesOf = (lng: string) =>
  readdirSync(`locales/${lng}`).flatMap((f) =>
    strings(JSON.parse(readFileSync(`locales/${lng}/${f}`, "utf8")), `${lng}/${f.slice(0, -5)}`),
  );
const rtlEntries = [...entriesOf("ar"), ...entriesOf("fa")];

describe("ar and fa locale files", () => {
  it("contain /commands and codes at all (the test looks at something)", () => {
    expect(rtlEntries.filter(([, s]) => s.includes(`${LRI}/`)).length).toBeGreaterThan(20);
  });
  it.each(rtlEntries)("%s: every /command and <code> span is isolated", (_key, text) => {
    expect(unisolatedCommands(text)).toEqual([]);
    expect(unisolatedCodeSpans(text)).toEqual([]);
  });
});

describe("unisolatedCommands", () => {
  it.each([
    ["send /status now", ["/status"]],
    [`send ${LRI}/status${PDI} now`, []],
    [`send ${FSI}/start${PDI}`, []],
    ["(/mydata)", ["/mydata"]],
    ["<b>bold</b> and <i>x</i>", []],
    ["https://www.bielefeld.de/fluechtlinge", []],
    ["و/یا", []],
    ["/start", ["/start"]],
  ])("%j → %j", (text, want) => expect(unisolatedCommands(text)).toEqual(want));
});

describe("isolateValue", () => {
  it.each([
    ["Niederwall 23", `${FSI}Niederwall 23${PDI}`],
    ["BI-7Q4K-2M", `${FSI}BI-7Q4K-2M${PDI}`],
    ["", ""],
    ["• a\n• b", "• a\n• b"], // a block: an isolate cannot span lines
    ["<b>x</b>", "<b>x</b>"], // markup stays whole
    [`${FSI}done${PDI}`, `${FSI}done${PDI}`],
    [21, 21],
  ])("%j", (value, want) => expect(isolateValue(value)).toBe(want));
});

describe("rendered client texts", () => {
  let app: AppContext;
  beforeAll(async () => {
    app = { i18n: await createI18n() } as AppContext;
  });
  const code = "BI-7Q4K-2M";

  it.each(["ar", "fa"] as const)("%s: the reference code is isolated outside <code>, bare inside", (lng) => {
    const text = render(app, lng, "start.again.submitted", { code });
    expect(text).toContain(`${LRI}<code>${code}</code>${PDI}`);
    expect(text).toContain(`${LRI}/status${PDI}`);
    expect(text.startsWith(RLM)).toBe(true);
  });

  it.each(["ar", "fa"] as const)("%s: street, postcode and city each keep their order", (lng) => {
    const t = app.i18n.getFixedT(lng, "appointments");
    const line = t("confirmed.in_person", {
      office: "Rathaus",
      street: "Niederwall 23",
      postcode: "33602",
      city: "Bielefeld",
    });
    for (const v of ["Rathaus", "Niederwall 23", "33602", "Bielefeld"])
      expect(line).toContain(`${FSI}${v}${PDI}`);
  });

  it("plural forms still follow the count when values are isolated", () => {
    const t = app.i18n.getFixedT("ar", "appointments");
    expect(t("reminder.in_hours", { count: 2 })).toContain("ساعتين");
    expect(t("reminder.in_hours", { count: 5 })).toContain("5 ساعات");
  });

  it.each(["de", "en", "tr", "ru", "ku"] as const)("%s: left-to-right texts get no marks", (lng) => {
    const text = render(app, lng, "start.again.submitted", { code });
    expect(text).not.toMatch(/[\u200e\u200f\u2066-\u2069]/);
    expect(text).toContain(`<code>${code}</code>`);
  });

  it("directed: RLM per non-empty RTL line, nothing for LTR", () => {
    expect(directed("a\n\nb", "fa")).toBe(`${RLM}a\n\n${RLM}b`);
    expect(directed(`${RLM}a`, "ar")).toBe(`${RLM}a`);
    expect(directed(`<code>${FSI}X-1${PDI}</code>`, "ar")).toBe(`${RLM}<code>X-1</code>`);
    expect(directed("a\nb", "uk")).toBe("a\nb");
  });
});
