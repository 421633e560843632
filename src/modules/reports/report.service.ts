// One call for everything that publishes the report: the CLI (scripts/report.ts), the scheduled
// Slack post and `/kim report` (the Slack feature calls `createReportBundle`).
import type { i18n } from "i18next";
import type { Organisation } from "../../config/org.schema.ts";
import type { Report, ReportVariant } from "./aggregate.ts";
import { renderChartSvg } from "./chart.ts";
import { renderCsv, renderMarkdown, reportFileStem } from "./render.ts";
import { renderHtml } from "./render-html.ts";
import { renderXlsx } from "./render-xlsx.ts";
import { buildReport, type ReportDb } from "./report.repository.ts";

export interface ReportBundle {
  report: Report;
  markdown: string;
  csv: string;
  svg: string;
  /** one self-contained page with the tables and bar charts, to mail to the committee */
  html: string;
  /** one sheet per table */
  xlsx: Buffer;
  /** e.g. "report-2026-01-01-2026-12-31-public" */
  fileStem: string;
}

export interface ReportRequest {
  from: Date;
  /** exclusive */
  to: Date;
  variant: ReportVariant;
  lng: "en" | "de";
  now: Date;
}

export async function createReportBundle(
  deps: { db: ReportDb; org: Organisation; i18n: i18n },
  req: ReportRequest,
): Promise<ReportBundle> {
  const report = await buildReport(deps.db, deps.org, req);
  const t = deps.i18n.getFixedT(req.lng, "cases");
  return {
    report,
    markdown: renderMarkdown(report, { t, lng: req.lng }),
    csv: renderCsv(report, { t, lng: req.lng }),
    svg: await renderChartSvg(report, { t, lng: req.lng }),
    // both take a few milliseconds even for 10,000 cases: cheaper to render than to ask which are wanted
    html: renderHtml(report, { t, lng: req.lng }),
    xlsx: await renderXlsx(report, { t, lng: req.lng }),
    fileStem: reportFileStem(report),
  };
}

export const REPORT_FORMATS = ["md", "csv", "svg", "html", "xlsx"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The file contents of a bundle by extension, for whoever writes them next to each other. */
export function reportFiles(b: ReportBundle, formats: readonly ReportFormat[] = REPORT_FORMATS) {
  const content: Record<ReportFormat, string | Buffer> = {
    md: b.markdown,
    csv: b.csv,
    svg: b.svg,
    html: b.html,
    xlsx: b.xlsx,
  };
  return formats.map((ext) => ({ name: `${b.fileStem}.${ext}`, content: content[ext] }));
}

/** "md,html" → ["md", "html"]; unknown names are an error that lists the known ones. */
export function parseReportFormats(list: string): ReportFormat[] {
  const names = list
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !(REPORT_FORMATS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new Error(`--format takes a list of ${REPORT_FORMATS.join(",")} (got "${list}")`);
  return [...new Set(names)] as ReportFormat[];
}

/** "2026-01-01" → that day 00:00 UTC; `--to` is inclusive for people, so the range ends a day later. */
export function parseReportRange(from: string, to: string): { from: Date; to: Date } {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to)) throw new Error("--from and --to must be dates YYYY-MM-DD");
  const f = new Date(`${from}T00:00:00.000Z`);
  const t = new Date(new Date(`${to}T00:00:00.000Z`).getTime() + 86_400_000);
  if (Number.isNaN(f.getTime()) || Number.isNaN(t.getTime()))
    throw new Error("--from and --to must be real dates");
  if (t <= f) throw new Error("--to must not be before --from");
  return { from: f, to: t };
}

/** The previous calendar month of `now` (what the scheduled post reports). */
export function previousMonth(now: Date): { from: Date; to: Date } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return { from, to };
}
