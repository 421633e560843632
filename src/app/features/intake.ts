// The Telegram front door as a vertical slice: language, info sheet, consent, the questionnaire,
// /status, the small commands, and the outbound `telegram.send` job.
//
// Order matters (src/features.ts): the intake comes before the client features that follow (its
// guard filters groups, edits, floods and unsigned buttons for them) and `clientFallbackFeature`
// LAST (it answers whatever nobody handled).
//
// The /status text comes from the wait list's StandingSource (position, ETA, case manager).
import { Composer } from "grammy";
import { IntakeRepository } from "../../modules/intake/intake.repository.ts";
import type { BotContext } from "../../telegram/context.ts";
import { consentComposer } from "../../telegram/features/consent.ts";
import { fallbackComposer } from "../../telegram/features/fallback.ts";
import { guardComposer } from "../../telegram/features/guard.ts";
import { helpComposer } from "../../telegram/features/help.ts";
import { intakeComposer } from "../../telegram/features/intake.ts";
import { type ClientServiceOptions, createServices } from "../../telegram/features/shared.ts";
import { startComposer } from "../../telegram/features/start.ts";
import { statusComposer } from "../../telegram/features/status.ts";
import { telegramSendHandler } from "../../telegram/notifier.ts";
import type { AppContext, Feature } from "../feature.ts";

export type IntakeFeatureOptions = ClientServiceOptions;

export function createIntakeFeature(opts: IntakeFeatureOptions = {}): Feature {
  return {
    name: "intake",
    telegram: (app: AppContext) => {
      const s = createServices(app, opts);
      const c = new Composer<BotContext>();
      c.use(
        guardComposer(s),
        startComposer(s),
        consentComposer(s),
        intakeComposer(s),
        statusComposer(s),
        helpComposer(s),
      );
      return c;
    },
    jobs: (app: AppContext) => ({
      "telegram.send": telegramSendHandler(app, new IntakeRepository(app.db, app.cipher)),
    }),
  };
}

export const intakeFeature: Feature = createIntakeFeature();

/** Must be the last feature: the localized answer to stickers, photos, unknown commands and stray text. */
export const clientFallbackFeature: Feature = {
  name: "client-fallback",
  telegram: () => fallbackComposer(),
};
