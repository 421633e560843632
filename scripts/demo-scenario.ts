// The scripted walk-through of the offline demo. Grows with each capability.
import type { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { System } from "../src/app/system.ts";

export async function playScenario(args: {
  telegram: TelegramServer;
  token: string;
  system: System;
  slackCalls: string[];
  print: (s: string) => void;
}): Promise<void> {
  args.print("scenario: nothing to play yet");
}
