// "/kim report": the committee report as Markdown in the answer, then its HTML, xlsx and CSV files
// in the person's DM through the queue (job "slack.report_files", src/slack/report-files.ts).
// Who may see what is unchanged: the overview (team leads, coordinators) gets the public variant,
// the internal one with its small counts is supervision, i.e. team leads only.

import { lastDay } from "../../modules/reports/render.ts";
import { parseReportRange, previousMonth } from "../../modules/reports/report.service.ts";
import type { StaffActor } from "../../modules/staff/authorize.ts";
import { hasOverview, isLead } from "../../modules/staff/identity.ts";
import { clip, isoDay, type T } from "../blocks/common.ts";
import type { ListenerDeps } from "./common.ts";
import type { Reply } from "./kim.ts";

/** "/kim report [YYYY-MM-DD YYYY-MM-DD] [internal]": default the previous month, public variant. */
export function parseReportArgs(
  rest: readonly string[],
  now: Date,
): { from: Date; to: Date; variant: "public" | "internal" } | null {
  const days = rest.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r));
  const variant = rest.some((r) => r.toLowerCase() === "internal") ? "internal" : "public";
  if (rest.some((r) => !/^\d{4}-\d{2}-\d{2}$/.test(r) && !/^(internal|public)$/i.test(r))) return null;
  if (days.length === 0) return { ...previousMonth(now), variant };
  if (days.length !== 2) return null;
  try {
    return { ...parseReportRange(days[0]!, days[1]!), variant };
  } catch {
    return null;
  }
}

export async function kimReport(
  rest: readonly string[],
  member: StaffActor,
  t: T,
  lng: string,
  slackUserId: string | undefined,
  deps: ListenerDeps,
): Promise<string | Reply> {
  const { reports } = deps.ports;
  if (!hasOverview(member)) return t("errors.lead_only");
  if (!reports) return t("kim.report.later");
  const req = parseReportArgs(rest, deps.ports.now());
  if (!req) return t("kim.report.usage");
  // the internal variant shows small counts: supervision only
  if (req.variant === "internal" && !isLead(member)) return t("errors.lead_only");
  const language = lng === "en" ? "en" : "de";
  const period = { from: isoDay(req.from), to: lastDay(req.to) };
  const { markdown, empty } = reports.summary
    ? await reports.summary({ ...req, lng: language })
    : { markdown: await reports.markdown({ ...req, lng: language }), empty: false };
  if (empty) return t("kim.report.empty", period);
  const title =
    markdown
      .split("\n")
      .find((l) => l.trim())
      ?.replace(/^#+\s*/, "") ?? "KIM";
  const blocks: unknown[] = [{ type: "markdown", text: clip(markdown, 12_000) }];
  if (reports.sendFiles && slackUserId) {
    await reports.sendFiles({
      slackUserId,
      staffId: member.id,
      ...period,
      variant: req.variant,
      lng: language,
    });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: t("kim.report.files_follow", period) }],
    });
  }
  return { text: clip(title, 300), blocks };
}
