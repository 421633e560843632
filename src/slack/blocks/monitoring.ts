// The daily monitoring digest a member of staff gets as a DM (issue 11.5), as a pure function of
// the planned Digest: reference codes only, never client names; partner and staff names come from
// the org file and the staff directory and are escaped all the same.

import type { DigestView } from "../../modules/cases/monitoring.service.ts";
import type { DigestSection, DueItem } from "../../modules/cases/monitoring.ts";
import { slackEscape as esc } from "../escape.ts";
import {
  type Block,
  capBlocks,
  context,
  fmtDate,
  header,
  MAX_MESSAGE_BLOCKS,
  section,
  type T,
} from "./common.ts";

const MAX_LINES = 15;

function lines(items: readonly string[], t: T): string {
  const shown = items.slice(0, MAX_LINES);
  if (items.length > MAX_LINES) shown.push(t("monitoring.more", { count: items.length - MAX_LINES }));
  return shown.join("\n");
}

const dueLine = (d: DueItem, t: T, lng: string): string =>
  `• \`${esc(d.referenceCode)}\` ${t(`monitoring.kind.${d.kind}`)} · ${fmtDate(d.at, lng)}${
    d.lateDays > 0 ? ` · ${t("monitoring.late", { count: d.lateDays })}` : ""
  }`;

function sectionBlocks(s: DigestSection, partners: ReadonlyMap<string, string>, t: T, lng: string): Block[] {
  const out: Block[] = [];
  if (s.overdue.length)
    out.push(
      section(
        `*${t("monitoring.overdue")}*\n${lines(
          s.overdue.map((d) => dueLine(d, t, lng)),
          t,
        )}`,
      ),
    );
  if (s.dueToday.length)
    out.push(
      section(
        `*${t("monitoring.due_today")}*\n${lines(
          s.dueToday.map((d) => dueLine(d, t, lng)),
          t,
        )}`,
      ),
    );
  if (s.silent.length)
    out.push(
      section(
        `*${t("monitoring.silent")}*\n${lines(
          s.silent.map(
            (x) => `• \`${esc(x.referenceCode)}\` ${t("monitoring.silent_days", { count: x.days })}`,
          ),
          t,
        )}`,
      ),
    );
  if (s.toChase.length)
    out.push(
      section(
        `*${t("monitoring.to_chase")}*\n${lines(
          s.toChase.map(
            (r) =>
              `• \`${esc(r.referenceCode)}\` ${esc(partners.get(r.partnerId) ?? r.partnerId)} · ${t(
                "monitoring.expected",
                { date: fmtDate(r.expectedBy, lng) },
              )}`,
          ),
          t,
        )}`,
      ),
    );
  return out;
}

export function buildMonitoringDigest(
  v: DigestView,
  partners: ReadonlyMap<string, string>,
  day: Date,
  t: T,
  lng: string,
): { text: string; blocks: Block[] } {
  const { digest } = v;
  const title = t("monitoring.title", { date: fmtDate(day, lng) });
  const blocks: Block[] = [header(title), ...sectionBlocks(digest.own, partners, t, lng)];
  for (const d of digest.deputising) {
    blocks.push(
      section(`*${t("monitoring.deputising", { name: esc(v.names.get(d.forCmId) ?? d.forCmId) })}*`),
    );
    blocks.push(...sectionBlocks(d.section, partners, t, lng));
  }
  if (digest.team.length)
    blocks.push(
      section(
        `*${t("monitoring.team")}*\n${lines(
          digest.team.map(
            (l) =>
              `• ${esc(v.names.get(l.cmId) ?? l.cmId)}: ${t("monitoring.team_line", {
                overdue: l.overdue,
                silent: l.silent,
              })}`,
          ),
          t,
        )}`,
      ),
    );
  blocks.push(context(t("monitoring.footer")));
  const counts = digest.own.overdue.length + digest.own.dueToday.length;
  return {
    text: t("monitoring.summary", { title, count: counts }),
    blocks: capBlocks(blocks, MAX_MESSAGE_BLOCKS, (n) => t("monitoring.more", { count: n })),
  };
}
