// The weekly digest for the team channel. Figures only: no client data, staff names only where a
// case manager is over capacity (which the weekly meeting needs to know).
import type { DigestFigures } from "../../modules/staff/digest.ts";
import { slackEscape } from "../escape.ts";
import {
  type Block,
  context,
  fieldsSection,
  fmtDate,
  header,
  loadBar,
  MAX_MESSAGE_BLOCKS,
  section,
  type T,
} from "./common.ts";

const pct = (x: number) => `${Math.round(x * 100)} %`;

export function buildDigest(f: DigestFigures, t: T, lng: string): { text: string; blocks: Block[] } {
  const title = t("digest.title", {
    from: fmtDate(f.from, lng),
    to: fmtDate(new Date(f.to.getTime() - 1), lng),
  });
  const blocks: Block[] = [
    header(title),
    fieldsSection([
      `*${t("digest.intakes")}*\n${f.newIntakes} (${t("digest.referrals", { count: f.referrals })})`,
      `*${t("digest.offered")}*\n${f.offered}`,
      `*${t("digest.accepted")}*\n${f.accepted}${f.acceptanceRate !== null ? ` (${pct(f.acceptanceRate)})` : ""}`,
      `*${t("digest.returned")}*\n${t("digest.returned_detail", { declined: f.declined, expired: f.expired })}`,
      `*${t("digest.closed")}*\n${f.closed}`,
      `*${t("digest.waiting")}*\n${t("digest.waiting_detail", { count: f.waiting, urgent: f.urgentWaiting, days: f.oldestWaitingDays ?? 0 })}`,
    ]),
    section(
      `*${t("digest.spread")}*\n${t("digest.spread_detail", { min: pct(f.minUtilisation), max: pct(f.maxUtilisation), points: f.spreadPoints })}\n${f.agencies
        .map(
          (a) =>
            `\`${loadBar(a.openCases, a.capacity)}\` ${a.openCases}/${a.capacity} · ${slackEscape(a.agencyName)}`,
        )
        .join("\n")}`,
    ),
  ];
  if (f.overCapacity.length)
    blocks.push(section(`*${t("digest.over")}*\n${f.overCapacity.map(slackEscape).join(", ")}`));
  blocks.push(context(t("digest.footer")));
  return { text: title, blocks: blocks.slice(0, MAX_MESSAGE_BLOCKS) };
}
