// The report as typed sections, for the formats that need to know what a cell is (HTML draws bars
// from the counts, xlsx stores numbers as numbers). It follows renderMarkdown (render.ts) section by
// section and row by row, with the same rule for what is suppressed and what is merely empty; a unit
// test checks that every Markdown section is here, so a table added there cannot go missing here.
// Labels come from the code lists and the organisation file only: no names, codes or free text.
import type { Count, Report, Stat, Table } from "./aggregate.ts";
import { labelSet } from "./labels.ts";
import { fmtNumber, isoDay, type Kind, labelOf, lastDay, type RenderOptions } from "./render.ts";
import { metricSection, type ReportRow, type ReportSection, type ReportValue } from "./sections.ts";

export type { ReportRow, ReportSection, ReportValue };

export interface ReportDocument {
  title: string;
  period: string;
  variantNote: string;
  sections: ReportSection[];
  notes: string[];
  marks: { suppressed: string; none: string };
}

const count = (n: Count | undefined): ReportValue =>
  n === undefined ? { kind: "none" } : n === null ? { kind: "suppressed" } : { kind: "number", value: n };
/** a derived figure: null means suppressed when its base is, else there was nothing to compute */
const derived = (n: number | null, suppressedIfNull = true): ReportValue =>
  n === null ? { kind: suppressedIfNull ? "suppressed" : "none" } : { kind: "number", value: n };
const percent = (n: number | null): ReportValue =>
  n === null ? { kind: "suppressed" } : { kind: "percent", value: n };

export function reportDocument(r: Report, { t, lng }: RenderOptions): ReportDocument {
  const L = labelSet(t, lng);
  const sections: ReportSection[] = [];
  const figures = (id: string, title: string, rows: ReportRow[]) =>
    sections.push({
      id,
      title,
      columns: [t("cases:report.figure"), t("cases:report.value")],
      rows,
      chart: false,
    });
  const fig = (label: string, v: ReportValue): ReportRow => ({ label, values: [v] });

  figures("overview", t("cases:report.overview"), [
    fig(t("cases:report.managed_cases"), count(r.managed.cases)),
    fig(t("cases:report.managed_persons"), count(r.managed.persons)),
    fig(t("cases:report.open_cases"), count(r.openAtEnd.cases)),
    fig(t("cases:report.open_persons"), count(r.openAtEnd.persons)),
    fig(t("cases:report.fte"), { kind: "number", value: r.fte }),
    fig(
      t("cases:report.cases_per_fte", { target: r.perFte.targetCases }),
      derived(r.perFte.cases, r.openAtEnd.cases === null),
    ),
    fig(
      t("cases:report.persons_per_fte", { target: r.perFte.targetPersons }),
      derived(r.perFte.persons, r.openAtEnd.cases === null),
    ),
    fig(t("cases:report.intakes"), count(r.intakes.submitted)),
    fig(t("cases:report.intakes_cm"), count(r.intakes.toCaseManagement)),
    fig(t("cases:report.intakes_referred"), count(r.intakes.referred)),
  ]);

  sections.push({
    id: "household",
    title: t("cases:report.households"),
    columns: ["", t("cases:report.cases"), t("cases:report.share"), t("cases:report.persons")],
    rows: [
      ...r.household.rows.map((h) => ({
        label: L.household(h.key),
        values: [
          count(h.cases),
          percent(h.key === "single" ? r.household.singleShare : r.household.familyShare),
          count(h.persons),
        ],
      })),
      {
        label: t("cases:report.total"),
        values: [count(r.household.total.cases), { kind: "blank" }, count(r.household.total.persons)],
        total: true,
      },
    ],
    chart: true,
  });

  const distribution = (
    id: string,
    title: string,
    keyHead: string,
    tab: Table,
    kind: Kind,
    withPersons: boolean,
  ) => {
    const rows: ReportRow[] = tab.rows.map((cell) => ({
      label: labelOf(L, kind, cell),
      values: [count(cell.cases), ...(withPersons ? [count(cell.persons)] : [])],
    }));
    if (tab.additive && tab.rows.length > 0)
      rows.push({
        label: t("cases:report.total"),
        values: [count(tab.total.cases), ...(withPersons ? [count(tab.total.persons)] : [])],
        total: true,
      });
    sections.push({
      id,
      title,
      columns: [keyHead, t("cases:report.cases"), ...(withPersons ? [t("cases:report.persons")] : [])],
      rows,
      chart: true,
    });
  };
  distribution("topics", t("cases:report.topics"), t("cases:report.topic"), r.topics, "topic", false);
  distribution(
    "districts",
    t("cases:report.districts"),
    t("cases:report.district"),
    r.districts,
    "plain",
    true,
  );
  distribution("origins", t("cases:report.origins"), t("cases:report.country"), r.origins, "country", true);
  distribution("agencies", t("cases:report.agencies"), t("cases:report.agency"), r.agencies, "plain", true);

  const stat = (s: Stat, n: string, med: string, p90: string): ReportRow[] => [
    fig(n, count(s.n)),
    fig(med, s.n === null ? { kind: "suppressed" } : derived(s.median, false)),
    fig(p90, s.n === null ? { kind: "suppressed" } : derived(s.p90, false)),
  ];
  figures("waitlist", t("cases:report.waitlist"), [
    fig(t("cases:report.wait_at_end"), count(r.waitlist.atEnd)),
    fig(t("cases:report.wait_added"), count(r.waitlist.added)),
    ...stat(
      r.waitlist.waitDays,
      t("cases:report.wait_placed"),
      t("cases:report.wait_median"),
      t("cases:report.wait_p90"),
    ),
  ]);
  figures(
    "first_appointment",
    t("cases:report.first_appointment"),
    stat(
      r.firstAppointment,
      t("cases:report.first_count"),
      t("cases:report.first_median"),
      t("cases:report.first_p90"),
    ),
  );
  distribution(
    "referrals",
    t("cases:report.referrals"),
    t("cases:report.target"),
    r.referrals,
    "plain",
    false,
  );
  distribution(
    "closures",
    t("cases:report.closures"),
    t("cases:report.reason"),
    r.closures,
    "closure",
    false,
  );

  for (const m of r.indicators) sections.push(metricSection(m, L, t));

  const x = t("cases:report.suppressed");
  const notes = [t("cases:report.note_definitions")];
  if (r.indicators.length) notes.push(t("cases:report.note_indicators"));
  if (r.variant === "public") notes.push(t("cases:report.note_suppression", { threshold: r.threshold }));
  if (r.erasedCounted !== 0)
    notes.push(
      t("cases:report.note_erased", {
        count: r.erasedCounted === null ? x : fmtNumber(r.erasedCounted, lng),
      }),
    );

  return {
    title: t("cases:report.title", { municipality: r.municipality }),
    period: t("cases:report.period", { from: isoDay(r.from), to: lastDay(r.to), asOf: isoDay(r.asOf) }),
    variantNote:
      r.variant === "public"
        ? t("cases:report.variant_public", { threshold: r.threshold })
        : t("cases:report.variant_internal"),
    sections,
    notes,
    marks: { suppressed: x, none: t("cases:report.none") },
  };
}

/** The bars of a chart section: visible, non-zero case counts; suppressed cells are left out. */
export function chartBars(s: ReportSection): { label: string; value: number }[] {
  if (!s.chart) return [];
  return s.rows.flatMap((row) => {
    const v = row.values[0];
    return !row.total && v?.kind === "number" && v.value > 0 ? [{ label: row.label, value: v.value }] : [];
  });
}
