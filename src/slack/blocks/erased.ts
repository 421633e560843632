// What stays of an erased case's assignment card and thread root in Slack (issue 15.9): the reference
// code and that the person asked for erasure, in both staff languages (the message is in a DM whose
// reader's language the clean-up does not look up), nothing personal and no buttons.
import type { i18n } from "i18next";

export function erasedCardText(i18n: i18n, referenceCode: string): string {
  return (["de", "en"] as const)
    .map((lng) => String(i18n.t("privacy.erased_card", { lng, ns: "cases", referenceCode })))
    .join("\n");
}
