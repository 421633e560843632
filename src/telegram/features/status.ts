// /status: where the client stands, in their language. The chat keeps one status message: /status
// sends a fresh one where the person is looking and deletes the previous one (Client.statusMessageId);
// status pushes from the queue (telegram.send with asStatus) edit it in place.
import { Composer } from "grammy";
import type { AppContext } from "../../app/feature.ts";
import type { ClientLocale } from "../../modules/intake/answers.ts";
import type { Standing } from "../../modules/status/standing.ts";
import type { BotContext } from "../context.ts";
import { referralBlocks } from "./info.ts";
import { type ClientServices, escapeHtml, html, render, send, tr } from "./shared.ts";

/**
 * The expected waiting time as a sentence: days up to three weeks, weeks beyond, a single number when
 * the range collapses ("about 2 days", never "about 0 to 2 days"), or "we cannot say yet".
 */
export function etaText(
  app: AppContext,
  locale: ClientLocale,
  eta: { low: number; high: number } | null,
): string {
  if (!eta || !(eta.high >= 0)) return render(app, locale, "status.eta.unknown");
  const days = eta.high <= 21;
  const unit = (n: number) => (days ? Math.max(1, Math.round(n)) : Math.max(1, Math.round(n / 7)));
  const high = unit(eta.high);
  const low = Math.min(unit(eta.low), high);
  if (low === high)
    return render(app, locale, days ? "status.eta.aboutDays" : "status.eta.aboutWeeks", { count: high });
  return render(app, locale, days ? "status.eta.days" : "status.eta.weeks", { low, high });
}

/** The text of a standing in a locale (HTML). Used by /status; the same keys serve status pushes. */
export function standingText(app: AppContext, locale: ClientLocale, st: Standing): string {
  const r = (key: string, params?: Parameters<typeof render>[3]) => render(app, locale, key, params);
  switch (st.kind) {
    case "none":
      return r(st.intakeInProgress ? "status.none.inProgress" : "status.none.notStarted");
    case "submitted":
      return r("status.submitted", { code: st.referenceCode });
    case "referral": {
      const target = referralBlocks(app, [st.targetId]) || escapeHtml(st.targetId);
      const reasonKey = `status.reason.${st.reasonCode}`;
      const reason = app.i18n.exists(reasonKey, { lng: locale, ns: "client" }) ? `\n\n${r(reasonKey)}` : "";
      return `${r("status.referral", { code: st.referenceCode, target: html(target) })}${reason}`;
    }
    case "waiting":
      return [
        r("status.waiting", { code: st.referenceCode, position: st.position, count: st.total }),
        etaText(app, locale, st.etaDays),
        r("status.waitingWhy"),
      ].join("\n\n");
    case "pending":
      return r("status.pending", { code: st.referenceCode });
    case "assigned":
      return r("status.assigned", { code: st.referenceCode, name: st.cmFirstName, agency: st.agencyName });
    case "closed":
      return r("status.closed", { code: st.referenceCode });
  }
}

export function statusComposer(s: ClientServices): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command("status", async (ctx) => {
    const clientId = ctx.clientId;
    if (!clientId) return void (await send(ctx, tr(ctx, "status.unknown")));
    const standing = await s.standing.standingOf(clientId, s.app.now());
    const previous = (await s.intakes.recipient(clientId))?.statusMessageId ?? null;
    const id = await send(ctx, standingText(s.app, ctx.locale, standing));
    await s.intakes.setStatusMessageId(clientId, id);
    if (previous !== null && previous !== id)
      await ctx.api.deleteMessage(ctx.chat!.id, previous).catch(() => {});
  });
  return c;
}
