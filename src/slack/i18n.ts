// Staff texts come from locales-staff/<lng>/staff.json (namespace "staff"), German or English.
import type { i18n } from "i18next";
import { staffLanguageOf } from "../modules/staff/identity.ts";
import type { T } from "./blocks/common.ts";

export type StaffLanguage = "de" | "en";

export const staffT = (i18n: i18n, lng: StaffLanguage): T => {
  const t = i18n.getFixedT(lng, "staff");
  return (key, opts) => String(t(key, opts as never));
};

export interface LanguageCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ex: "EX", ttl: number): Promise<unknown>;
}

/**
 * The staff member's language from Slack (users.info with include_locale), cached for a day.
 * Anything but English, and any failure, means German.
 */
export function slackLanguageResolver(deps: {
  usersInfo: (user: string) => Promise<{ user?: { locale?: string } }>;
  cache: LanguageCache;
  prefix: string;
}): (slackUserId: string) => Promise<StaffLanguage> {
  return async (uid) => {
    const key = `${deps.prefix}:slack:lng:${uid}`;
    try {
      const cached = await deps.cache.get(key);
      if (cached === "de" || cached === "en") return cached;
      const r = await deps.usersInfo(uid);
      const lng = staffLanguageOf(r.user?.locale);
      await deps.cache.set(key, lng, "EX", 86_400);
      return lng;
    } catch {
      return "de";
    }
  };
}
