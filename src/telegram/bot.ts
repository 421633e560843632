// The grammY bot: a base of cross-cutting middleware (error boundary, per-chat ordering, duplicate
// update filter) plus one Composer per feature. `createBot(deps)` builds it without starting it, so
// tests can drive it through a Bot API peer and main decides between long polling and a webhook.

import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Composer, type Context, GrammyError, HttpError } from "grammy";
import type { Logger } from "../lib/logger.ts";
import { handleOnce, type UpdateDeduper } from "./dedupe.ts";

export type { UpdateDeduper } from "./dedupe.ts";

export interface BotDeps<C extends Context> {
  token: string;
  apiRoot: string;
  log: Logger;
  dedupe?: UpdateDeduper;
  /** installs context flavours (i18n, client session) before any feature runs */
  setup?: (bot: Bot<C>) => void;
  features: Composer<C>[];
  /** the last word for an update that no feature handled */
  fallback?: (ctx: C) => Promise<unknown>;
  /** what the user is told when a handler failed (localized by the caller) */
  onError?: (ctx: C) => Promise<unknown>;
  ContextConstructor?: new (...args: ConstructorParameters<typeof Context>) => C;
}

/** The per-chat key: updates of one chat run in order, different chats in parallel. */
export const chatKey = (ctx: Context): string | undefined =>
  ctx.chat?.id.toString() ?? ctx.from?.id.toString();

export function createBot<C extends Context>(deps: BotDeps<C>): Bot<C> {
  const bot = new Bot<C>(deps.token, {
    client: { apiRoot: deps.apiRoot },
    ...(deps.ContextConstructor ? { ContextConstructor: deps.ContextConstructor } : {}),
  });
  // Telegram's 429 answers carry retry_after; auto-retry waits and repeats instead of failing
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));

  bot.use(sequentialize(chatKey));
  if (deps.dedupe) {
    const dedupe = deps.dedupe;
    bot.use((ctx, next) => handleOnce(dedupe, ctx.update.update_id, next, deps.log));
  }
  deps.setup?.(bot);
  const guarded = bot.errorBoundary(async (err) => {
    const ctx = err.ctx;
    deps.log.error(
      {
        updateId: ctx.update.update_id,
        err: err.error instanceof Error ? err.error.name : "unknown",
        msg: describe(err.error),
      },
      "telegram handler failed",
    );
    await deps.onError?.(ctx).catch(() => {});
  });
  for (const f of deps.features) guarded.use(f);
  if (deps.fallback) guarded.use((ctx) => deps.fallback!(ctx));
  bot.catch((err) =>
    deps.log.error({ updateId: err.ctx.update.update_id, msg: describe(err.error) }, "telegram error"),
  );
  return bot;
}

/** An error summary safe for logs: Telegram's description or the error class, never message text. */
function describe(e: unknown): string {
  if (e instanceof GrammyError) return `bot api ${e.method}: ${e.error_code} ${e.description}`;
  if (e instanceof HttpError) return "network error talking to the Bot API";
  if (e instanceof Error) return `${e.name}: ${e.message.slice(0, 200)}`;
  return "non-error thrown";
}
