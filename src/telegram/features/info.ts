// The screens a newcomer sees before the questionnaire: the language picker, the information sheet
// (Infoblatt) and the consent screen. Shared by /start, /language and /consent.
import type { AppContext } from "../../app/feature.ts";
import { isolate, isRtl, LRI } from "../../i18n/bidi.ts";
import { suggestLocale } from "../../i18n/index.ts";
import type { ClientLocale } from "../../modules/intake/answers.ts";
import { CONSENT_VERSION } from "../../modules/intake/consent.repository.ts";
import type { BotContext } from "../context.ts";
import {
  CONSENT_NUMBER,
  consentKeyboard,
  infoSheetKeyboard,
  languagePicker,
  noChoices,
  type OptionalChoices,
  type PartnerOffice,
} from "../keyboards.ts";
import {
  type ClientServices,
  directed,
  escapeHtml,
  html,
  officeLines,
  plainT,
  send,
  signer,
  tr,
} from "./shared.ts";

export async function showLanguagePicker(
  ctx: BotContext,
  s: ClientServices,
  current?: ClientLocale,
): Promise<number> {
  const suggested = current ?? suggestLocale(ctx.from?.language_code);
  // the prompt in the suggested language and in English and German, since the person may read neither
  const prompt = (lng: ClientLocale) => escapeHtml(s.app.i18n.t("start.pickLanguage", { lng, ns: "client" }));
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const lng of [suggested ?? "en", "en", "de"] as ClientLocale[]) {
    const text = prompt(lng);
    if (seen.has(text)) continue; // a language without its own texts yet falls back to English
    seen.add(text);
    unique.push(directed(text, lng));
  }
  return send(ctx, `🌐 ${unique.join("\n")}`, languagePicker(signer(s), suggested));
}

const agencyLines = (app: AppContext) => app.org.agencies.map((a) => `• ${escapeHtml(a.name)}`).join("\n");

export async function showInfoSheet(ctx: BotContext, s: ClientServices): Promise<number> {
  const text = tr(ctx, "info.sheet", {
    municipality: s.app.org.municipality.name,
    agencies: html(agencyLines(s.app)),
    offices: html(officeLines(s.app)),
    version: CONSENT_VERSION,
    deleteHint: html(tr(ctx, "info.deleteHint")),
  });
  return send(ctx, text, infoSheetKeyboard(plainT(ctx), signer(s)));
}

/** The partner offices a release from confidentiality is asked for, one by one: the referral targets. */
export const partnerOffices = (app: AppContext): PartnerOffice[] =>
  app.org.referralTargets.map((r) => ({ id: r.id, name: r.name }));

/** The i18n key of the one-line gloss of an office kind ("employment-agency" → …employment_agency). */
export const partnerGlossKey = (kind: string): string => `consent.partner_gloss.${kind.replace(/-/g, "_")}`;

/**
 * A German name inside Arabic or Persian text: an isolate of its own, so its words and brackets
 * keep their order ("… (Bürgeramt)" would otherwise lose its closing bracket to the RTL line).
 */
export const latin = (ctx: BotContext, s: string): string => (isRtl(ctx.locale) ? isolate(s, LRI) : s);

/**
 * Consent item 2, one line per office: its number (the same as on its button), its German name as
 * the organisation file has it, and a gloss in the client's language of what that office is. Every
 * office on a line of its own: none (the immigration office least of all) is hidden in a group.
 */
export function partnerLines(ctx: BotContext, app: AppContext): string {
  return app.org.referralTargets
    .map(
      (r, i) =>
        `${CONSENT_NUMBER.partner(i)} <b>${latin(ctx, escapeHtml(r.name))}</b>\n${tr(ctx, partnerGlossKey(r.kind))}`,
    )
    .join("\n");
}

export function consentText(ctx: BotContext, s: ClientServices): string {
  return tr(ctx, "consent.text", {
    partners: html(partnerLines(ctx, s.app)),
    version: CONSENT_VERSION,
    // the text names the agree button by its label, so the two cannot drift apart
    agree: plainT(ctx)("consent.agree"),
  });
}

export async function showConsent(
  ctx: BotContext,
  s: ClientServices,
  choices: OptionalChoices = noChoices(partnerOffices(s.app)),
) {
  return send(
    ctx,
    consentText(ctx, s),
    consentKeyboard(plainT(ctx), signer(s), choices, partnerOffices(s.app)),
  );
}

/** Referral addresses from the organisation file, as escaped HTML blocks. */
export function referralBlocks(app: AppContext, ids?: readonly string[]): string {
  const targets = ids ? app.org.referralTargets.filter((r) => ids.includes(r.id)) : app.org.referralTargets;
  return targets
    .map((r) => {
      const lines = [`<b>${escapeHtml(r.name)}</b>`];
      if (r.address)
        lines.push(
          `${escapeHtml(r.address.street)}, ${escapeHtml(r.address.postcode)} ${escapeHtml(r.address.city)}`,
        );
      if (r.phone) lines.push(`☎ ${escapeHtml(r.phone)}`);
      if (r.hours) lines.push(`🕘 ${escapeHtml(r.hours)}`);
      if (r.url) lines.push(escapeHtml(r.url));
      return lines.join("\n");
    })
    .join("\n\n");
}
