// The report's chart: horizontal bars of cases by topic, district and country of origin, drawn by
// Vega-Lite and rendered to SVG in Node (no browser, no canvas, no native build). Suppressed cells
// are left out of the bars; the Markdown and CSV say which ones.
import type { TFunction } from "i18next";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Report, Table } from "./aggregate.ts";
import { labelSet } from "./labels.ts";

interface Bar {
  group: string;
  label: string;
  cases: number;
}

const MAX_BARS = 12;

export async function renderChartSvg(
  r: Report,
  { t, lng }: { t: TFunction; lng: "en" | "de" },
): Promise<string> {
  const L = labelSet(t, lng);
  const bars = (group: string, tab: Table, label: (key: string, label: string) => string): Bar[] =>
    tab.rows
      .filter((c) => c.cases !== null && c.cases > 0)
      .slice(0, MAX_BARS)
      .map((c) => ({ group, label: label(c.key, c.label), cases: c.cases! }));
  const panels = [
    { title: t("cases:report.topics"), data: bars("topics", r.topics, (k) => L.topic(k)) },
    { title: t("cases:report.districts"), data: bars("districts", r.districts, (k, l) => L.plain(k, l)) },
    { title: t("cases:report.origins"), data: bars("origins", r.origins, (k) => L.country(k)) },
  ];
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: t("cases:report.chart_title", { municipality: r.municipality }),
      anchor: "start",
      offset: 14,
    },
    config: { font: "sans-serif", view: { stroke: null }, axis: { labelLimit: 220 } },
    vconcat: panels.map((p) => ({
      title: { text: p.title, anchor: "start", frame: "bounds", fontSize: 12 },
      width: 420,
      data: { values: p.data },
      mark: { type: "bar", color: "#2f6f8f" },
      encoding: {
        y: { field: "label", type: "nominal", sort: "-x", title: null },
        x: { field: "cases", type: "quantitative", title: t("cases:report.cases") },
        tooltip: [{ field: "cases", type: "quantitative" }],
      },
    })),
  };
  const view = new vega.View(vega.parse(compile(spec as TopLevelSpec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
