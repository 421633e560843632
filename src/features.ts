// The vertical slices that make up anlauf, in the order their Telegram handlers should see updates.
import type { Feature } from "./app/feature.ts";
import { appointmentsFeature } from "./app/features/appointments.ts";
import { casesFeature } from "./app/features/cases.ts";
import { clientFallbackFeature, createIntakeFeature } from "./app/features/intake.ts";
import { matchingFeature } from "./app/features/matching.ts";
import { createPrivacyFeature } from "./app/features/privacy.ts";
import { surveyFeature } from "./app/features/survey.ts";
import { slackFeature } from "./slack/feature.ts";
import type { FloodLimits } from "./telegram/features/flood.ts";
import { relayFeature } from "./telegram/features/relay.ts";

export interface FeatureOptions {
  /** the client flood limit (tests that script a person tap faster than people do) */
  flood?: Partial<FloodLimits>;
}

export function allFeatures(opts: FeatureOptions = {}): Feature[] {
  // privacyFeature first: /mydata and /delete (it filters private chats and checks its signed buttons
  // itself); the intake next (its guard filters groups, edits, floods and unsigned buttons for all
  // that follow; /status shows the wait list's standing); the relay of free text to the case manager
  // after every feature that asks for free text; clientFallbackFeature last (it answers whatever no
  // feature handled)
  return [
    createPrivacyFeature(opts.flood ? { flood: opts.flood } : {}),
    createIntakeFeature(opts.flood ? { flood: opts.flood } : {}),
    slackFeature(),
    matchingFeature(),
    appointmentsFeature,
    casesFeature,
    surveyFeature,
    relayFeature,
    clientFallbackFeature,
  ];
}
