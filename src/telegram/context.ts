// The context every Telegram feature sees: grammY's Context plus the client's language and a
// translator bound to it. Features never build text themselves: everything is an i18n key.
import { Context } from "grammy";
import type { TFunction } from "i18next";
import type { ClientLocale } from "../modules/intake/answers.ts";

export class BotContext extends Context {
  locale: ClientLocale = "en";
  t: TFunction = ((key: string) => key) as unknown as TFunction;
  /** the client row id once the person is known to us */
  clientId?: string;
}
