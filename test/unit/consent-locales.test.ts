// The consent screen as the bot renders it, in all twelve client languages, with both organisation
// files: the text must not promise buttons that do not exist (issue 13.2: "Tap 2 and 3" over
// unnumbered buttons). Every number the text uses is the number of a button, the agree button (1),
// or the heading of the per-office group (2); every toggle button carries a number the text explains.
// And Slack is named as the external provider it is, in the consent text and the info sheet.
import type { InlineKeyboardMarkup } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { type Organisation, REFERRAL_TARGET_KINDS } from "../../src/config/org.schema.ts";
import { createI18n } from "../../src/i18n/index.ts";
import { CLIENT_LOCALES, type ClientLocale } from "../../src/modules/intake/answers.ts";
import { CONSENT_VERSION } from "../../src/modules/intake/consent.repository.ts";
import type { BotContext } from "../../src/telegram/context.ts";
import { consentText, partnerGlossKey, partnerOffices } from "../../src/telegram/features/info.ts";
import type { ClientServices } from "../../src/telegram/features/shared.ts";
import { plainT } from "../../src/telegram/features/shared.ts";
import { consentKeyboard, noChoices } from "../../src/telegram/keyboards.ts";

let i18n: Awaited<ReturnType<typeof createI18n>>;
const orgs: Record<string, Organisation> = {};
beforeAll(async () => {
  i18n = await createI18n();
  for (const f of ["orgs/bielefeld.yaml", "orgs/kreis-warendorf.yaml"]) orgs[f] = await loadOrganisation(f);
});

const ctxOf = (locale: ClientLocale) =>
  ({ locale, t: i18n.getFixedT(locale, "client") }) as unknown as BotContext;
const servicesOf = (org: Organisation) => ({ app: { org } }) as unknown as ClientServices;

// what a reader sees: no tags, no bidi controls, Eastern Arabic digits as Latin ones
const visible = (s: string) =>
  s
    .replace(/<[^>]+>/g, "")
    .replace(/[\u200e\u200f\u2066-\u2069]/g, "")
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
const numbersIn = (s: string) => [...s.matchAll(/(?<![\p{L}\p{N}.])\d+(?:\.\d+)*/gu)].map((m) => m[0]);
const toggleNumbers = (k: InlineKeyboardMarkup) =>
  k.inline_keyboard
    .flat()
    .map((b) => /^(?:✅|⬜) (\d+(?:\.\d+)*) /.exec(b.text)?.[1])
    .filter((n): n is string => !!n);

const lengths: string[] = [];
afterAll(() => {
  if (process.env.PRINT_CONSENT_LENGTHS) console.log(lengths.join("\n"));
});

describe.each(["orgs/bielefeld.yaml", "orgs/kreis-warendorf.yaml"])("the consent screen (%s)", (file) => {
  it.each(CLIENT_LOCALES)("%s: text and buttons agree on their numbers", (locale) => {
    const org = orgs[file]!;
    const ctx = ctxOf(locale);
    const offices = partnerOffices(servicesOf(org).app);
    const keyboard = consentKeyboard(plainT(ctx), (p) => p, noChoices(offices), offices);
    const text = visible(consentText(ctx, servicesOf(org)).replace(CONSENT_VERSION, ""));

    const buttons = toggleNumbers(keyboard);
    // one toggle per office and one for Slack, each numbered
    expect(buttons).toHaveLength(offices.length + 1);
    expect(new Set(buttons).size).toBe(buttons.length);

    const used = numbersIn(text);
    for (const n of buttons) expect(used, `button ${n} is explained in the text`).toContain(n);
    for (const n of new Set(used)) {
      if (buttons.includes(n)) continue;
      if (n === "1") continue; // case management: the agree button, named in the text
      // the heading of the per-office group: once, and only as the parent of numbered buttons
      expect(
        buttons.some((b) => b.startsWith(`${n}.`)),
        `"${n}" in the text has no button`,
      ).toBe(true);
      expect(
        used.filter((u) => u === n),
        `"${n}" is a heading, not a button to tap`,
      ).toHaveLength(1);
    }
    // point 1 is the agree button, by its very label
    expect(text).toContain(plainT(ctx)("consent.agree"));
    // every office on a line of its own with its German name; the immigration office never hidden
    for (const o of org.referralTargets) {
      expect(text).toContain(o.name);
      expect(text).toContain(visible(plainT(ctx)(partnerGlossKey(o.kind))));
    }
    expect(org.referralTargets.some((r) => r.kind === "immigration-office")).toBe(true);
    // one Telegram message holds at most 4096 characters (entities not counted)
    expect(text.length).toBeLessThanOrEqual(4096);
    lengths.push(`${file} ${locale}: ${text.length}`);
  });
});

describe("Slack is named as an external provider", () => {
  it.each(CLIENT_LOCALES)("%s: consent text, info sheet and the toggle", (locale) => {
    const t = i18n.getFixedT(locale, "client");
    const strip = (s: string) => visible(s);
    expect(strip(t("consent.text"))).toContain("Slack Technologies");
    expect(strip(t("info.sheet"))).toContain("Slack Technologies");
    expect(strip(t("consent.toggle.slack"))).toContain("Slack");
    expect(strip(t("consent.purpose.slack_relay"))).toBe(strip(t("consent.toggle.slack")));
  });

  it("every kind of partner office has a gloss in every language", () => {
    // the schema's own list: a new kind without a gloss fails here
    const kinds = REFERRAL_TARGET_KINDS;
    for (const locale of CLIENT_LOCALES)
      for (const kind of kinds)
        expect(
          i18n.exists(partnerGlossKey(kind), { lng: locale, ns: "client", fallbackLng: false }),
          `${locale} ${kind}`,
        ).toBe(true);
  });
});
