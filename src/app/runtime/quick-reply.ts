// Builds the quick reply use case from the running system's context: the one authorization rule, the
// client's language texts from the i18n instance, the municipality's time zone, the Telegram notifier.
import { QuickReplyRepository } from "../../modules/cases/quick-reply.repository.ts";
import { QuickReplyService } from "../../modules/cases/quick-reply.service.ts";
import { AccessRepository } from "../../modules/staff/access.repository.ts";
import { CaseAccess } from "../../modules/staff/access.service.ts";
import { type LanguageCache, slackLanguageResolver } from "../../slack/i18n.ts";
import type { QuickReplyDeps } from "../../slack/listeners/quick-reply.ts";
import { PrismaCaseQueries } from "../../slack/queries.ts";
import { clientNotifier } from "../../telegram/notifier.ts";
import type { AppContext } from "../feature.ts";

export const quickReplyOf = (app: AppContext): QuickReplyService =>
  new QuickReplyService({
    access: new CaseAccess(new AccessRepository(app.db), app.now),
    repo: new QuickReplyRepository(app.db),
    cipher: app.cipher,
    clients: clientNotifier(app),
    translate: (lng) => {
      const t = app.i18n.getFixedT(lng);
      return (key, opts) => String(t(key, opts as never));
    },
    timeZone: app.org.municipality.timezone,
    now: app.now,
  });

/** The listeners' dependencies; `usersInfo` (Bolt's users.info) tells the staff language, else German. */
export function quickReplyDeps(
  app: AppContext,
  usersInfo?: (user: string) => Promise<{ user?: { locale?: string } }>,
): QuickReplyDeps {
  const queries = new PrismaCaseQueries(app.db, app.org, app.cipher);
  return {
    quickReplies: quickReplyOf(app),
    caseByThread: async (channel, ts) => (await queries.caseByThread(channel, ts))?.caseId ?? null,
    ...(usersInfo
      ? {
          languageOf: slackLanguageResolver({
            usersInfo,
            cache: app.redis.client as unknown as LanguageCache,
            prefix: app.env.ANLAUF_QUEUE_PREFIX,
          }),
        }
      : {}),
    i18n: app.i18n,
    log: app.log,
  };
}
