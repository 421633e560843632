// Display names for the report's keys: topics, closure reasons and households come from the staff
// texts (locales-staff/<lng>/cases.json), countries from the ICU data of Node (Intl.DisplayNames).
import type { TFunction } from "i18next";
import { STAFF_CLOSURE_REASONS } from "../cases/phases.ts";

export const CLOSURE_REASONS_ORDER: readonly string[] = [...STAFF_CLOSURE_REASONS, "erased"];

export function countryName(code: string, lng: string, t: TFunction): string {
  if (code === "unknown") return t("cases:report.unknown");
  try {
    return (
      new Intl.DisplayNames([lng === "de" ? "de" : "en"], { type: "region" }).of(code.toUpperCase()) ?? code
    );
  } catch {
    return code;
  }
}

export interface LabelSet {
  topic(key: string): string;
  closure(key: string): string;
  household(key: string): string;
  country(code: string): string;
  /** the assessment's life areas (casework texts) */
  area(key: string): string;
  /** districts, agencies and referral targets already carry their names from the organisation file */
  plain(key: string, label: string): string;
}

export function labelSet(t: TFunction, lng: string): LabelSet {
  const or = (k: string, fallback: string) => {
    const v = t(k);
    return v === k || v === k.split(":")[1] ? fallback : v;
  };
  return {
    topic: (k) => or(`cases:topics.${k}`, k),
    closure: (k) => or(`cases:closure.${k}`, k),
    household: (k) => or(`cases:report.household.${k}`, k),
    country: (c) => countryName(c, lng, t),
    area: (k) => (k === "unknown" ? t("cases:report.unknown") : or(`casework:area.${k}`, k)),
    plain: (k, label) => (k === "unknown" ? t("cases:report.unknown") : label),
  };
}
