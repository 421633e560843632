// The typed section of the report formats (tables.ts builds them, render.ts prints the indicator
// tables from them too), and the sections of the outcome indicators and breakdowns (indicators.ts).
// Its own file so render.ts and tables.ts can both use it without importing each other.
import type { TFunction } from "i18next";
import type { MetricTable, MetricValue } from "./indicators.ts";
import type { LabelSet } from "./labels.ts";

export type ReportValue =
  | { kind: "number"; value: number }
  | { kind: "percent"; value: number }
  /** hidden in the public variant: shown as the localized mark ("x") */
  | { kind: "suppressed" }
  /** nothing to show (a median over nobody, an empty table): shown as "–" */
  | { kind: "none" }
  /** a cell that has no meaning in its row (the share column of a total) */
  | { kind: "blank" };

export interface ReportRow {
  label: string;
  values: ReportValue[];
  total?: boolean;
}

export interface ReportSection {
  /** stable, the same as the CSV's section names */
  id: string;
  title: string;
  /** the first column holds the row labels; the others hold values */
  columns: string[];
  rows: ReportRow[];
  /** a distribution of cases over keys (the cases are the first value column): drawn as bars */
  chart: boolean;
}

const metricValue = (v: MetricValue, kind: MetricTable["columns"][number]["kind"]): ReportValue =>
  v === null
    ? { kind: "suppressed" }
    : v === undefined
      ? { kind: "none" }
      : kind === "percent"
        ? { kind: "percent", value: v }
        : { kind: "number", value: v };

/** The label of a row of an indicator table (codes → staff texts, names from the organisation file). */
export function metricRowLabel(m: MetricTable, key: string, label: string, L: LabelSet, t: TFunction) {
  if (key === "total") return t("cases:report.total");
  switch (m.rowKind) {
    case "life_area":
      return L.area(key);
    case "closure":
      return L.closure(key);
    case "indicator":
      return t(`cases:report.ind.${key}`);
    case "answer":
      return t(`cases:report.answer.${key}`);
    default:
      return L.plain(key, label);
  }
}

/** One outcome indicator or breakdown table as a section (ids: indicators.ts). */
export function metricSection(m: MetricTable, L: LabelSet, t: TFunction): ReportSection {
  const rows: ReportRow[] = m.rows.map((row) => ({
    label: metricRowLabel(m, row.key, row.label, L, t),
    values: row.values.map((v, i) => metricValue(v, m.columns[i]!.kind)),
  }));
  if (m.total)
    rows.push({
      label: t("cases:report.total"),
      values: m.total.values.map((v, i) => metricValue(v, m.columns[i]!.kind)),
      total: true,
    });
  return {
    id: m.id,
    title: t(`cases:report.${m.id}`),
    columns: [t(`cases:report.row.${m.rowKind}`), ...m.columns.map((c) => t(`cases:report.col.${c.key}`))],
    rows,
    // distributions of cases over life areas are drawn; figures and breakdowns with many columns are not
    chart: m.id === "barriers" || m.id === "goals",
  };
}
