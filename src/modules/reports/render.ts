// Renders a Report as Markdown (for the committee and Slack), as CSV (long format, one figure a line,
// for spreadsheets) and names the files. The chart lives in chart.ts. Suppressed figures print as
// the localized mark ("x") in Markdown and as an empty value with suppressed=1 in CSV. Text cells of
// the CSV that begin like a formula are neutralised (csvField). HTML: render-html.ts, xlsx:
// render-xlsx.ts, both from the typed sections of tables.ts.
import type { TFunction } from "i18next";
import type { Cell, Count, Report, Stat, Table } from "./aggregate.ts";
import { type LabelSet, labelSet } from "./labels.ts";
import { metricRowLabel, metricSection, type ReportValue } from "./sections.ts";

const DAY = 86_400_000;
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
/** `to` is exclusive; people read the last day included. */
export const lastDay = (to: Date) => isoDay(new Date(to.getTime() - DAY));

export type Kind = "topic" | "closure" | "household" | "country" | "plain";

export function fmtNumber(n: number, lng: string): string {
  return new Intl.NumberFormat(lng === "de" ? "de-DE" : "en-GB", { maximumFractionDigits: 1 }).format(n);
}

export interface RenderOptions {
  t: TFunction;
  lng: "en" | "de";
}

export function renderMarkdown(r: Report, { t, lng }: RenderOptions): string {
  const L = labelSet(t, lng);
  const x = t("cases:report.suppressed");
  const none = t("cases:report.none");
  const c = (n: Count | undefined) => (n === undefined ? none : n === null ? x : fmtNumber(n, lng));
  const num = (n: number | null, suppressedIfNull = true) =>
    n === null ? (suppressedIfNull ? x : none) : fmtNumber(n, lng);
  const pct = (n: number | null) => (n === null ? x : `${fmtNumber(n, lng)} %`);
  const out: string[] = [];
  const line = (s = "") => out.push(s);
  const row = (cells: string[]) => line(`| ${cells.join(" | ")} |`);
  const header = (cells: string[], align: string[]) => {
    row(cells);
    line(`|${align.map((a) => (a === "r" ? "---:" : "---")).join("|")}|`);
  };

  line(`# ${t("cases:report.title", { municipality: r.municipality })}`);
  line();
  line(t("cases:report.period", { from: isoDay(r.from), to: lastDay(r.to), asOf: isoDay(r.asOf) }));
  line();
  line(
    r.variant === "public"
      ? t("cases:report.variant_public", { threshold: r.threshold })
      : t("cases:report.variant_internal"),
  );
  line();

  line(`## ${t("cases:report.overview")}`);
  line();
  header([t("cases:report.figure"), t("cases:report.value")], ["l", "r"]);
  row([t("cases:report.managed_cases"), c(r.managed.cases)]);
  row([t("cases:report.managed_persons"), c(r.managed.persons)]);
  row([t("cases:report.open_cases"), c(r.openAtEnd.cases)]);
  row([t("cases:report.open_persons"), c(r.openAtEnd.persons)]);
  row([t("cases:report.fte"), fmtNumber(r.fte, lng)]);
  row([
    t("cases:report.cases_per_fte", { target: r.perFte.targetCases }),
    num(r.perFte.cases, r.openAtEnd.cases === null),
  ]);
  row([
    t("cases:report.persons_per_fte", { target: r.perFte.targetPersons }),
    num(r.perFte.persons, r.openAtEnd.cases === null),
  ]);
  row([t("cases:report.intakes"), c(r.intakes.submitted)]);
  row([t("cases:report.intakes_cm"), c(r.intakes.toCaseManagement)]);
  row([t("cases:report.intakes_referred"), c(r.intakes.referred)]);
  line();

  line(`## ${t("cases:report.households")}`);
  line();
  header(
    ["", t("cases:report.cases"), t("cases:report.share"), t("cases:report.persons")],
    ["l", "r", "r", "r"],
  );
  for (const h of r.household.rows) {
    const share = h.key === "single" ? r.household.singleShare : r.household.familyShare;
    row([L.household(h.key), c(h.cases), pct(share), c(h.persons)]);
  }
  row([`**${t("cases:report.total")}**`, c(r.household.total.cases), "", c(r.household.total.persons)]);
  line();

  const table = (title: string, keyHead: string, tab: Table, kind: Kind, withPersons: boolean) => {
    line(`## ${title}`);
    line();
    if (tab.rows.length === 0) {
      line(none);
      line();
      return;
    }
    const heads = [keyHead, t("cases:report.cases"), ...(withPersons ? [t("cases:report.persons")] : [])];
    header(heads, ["l", "r", ...(withPersons ? ["r"] : [])]);
    for (const cell of tab.rows)
      row([labelOf(L, kind, cell), c(cell.cases), ...(withPersons ? [c(cell.persons)] : [])]);
    if (tab.additive)
      row([
        `**${t("cases:report.total")}**`,
        c(tab.total.cases),
        ...(withPersons ? [c(tab.total.persons)] : []),
      ]);
    line();
  };
  table(t("cases:report.topics"), t("cases:report.topic"), r.topics, "topic", false);
  table(t("cases:report.districts"), t("cases:report.district"), r.districts, "plain", true);
  table(t("cases:report.origins"), t("cases:report.country"), r.origins, "country", true);
  table(t("cases:report.agencies"), t("cases:report.agency"), r.agencies, "plain", true);

  const stat = (s: Stat, count: string, med: string, p90: string) => {
    row([count, c(s.n)]);
    row([med, s.n === null ? x : num(s.median, false)]);
    row([p90, s.n === null ? x : num(s.p90, false)]);
  };
  line(`## ${t("cases:report.waitlist")}`);
  line();
  header([t("cases:report.figure"), t("cases:report.value")], ["l", "r"]);
  row([t("cases:report.wait_at_end"), c(r.waitlist.atEnd)]);
  row([t("cases:report.wait_added"), c(r.waitlist.added)]);
  stat(
    r.waitlist.waitDays,
    t("cases:report.wait_placed"),
    t("cases:report.wait_median"),
    t("cases:report.wait_p90"),
  );
  line();
  line(`## ${t("cases:report.first_appointment")}`);
  line();
  header([t("cases:report.figure"), t("cases:report.value")], ["l", "r"]);
  stat(
    r.firstAppointment,
    t("cases:report.first_count"),
    t("cases:report.first_median"),
    t("cases:report.first_p90"),
  );
  line();
  table(t("cases:report.referrals"), t("cases:report.target"), r.referrals, "plain", false);
  table(t("cases:report.closures"), t("cases:report.reason"), r.closures, "closure", false);

  // the outcome indicators and breakdowns: one typed section each (tables.ts), printed as they are
  const cell = (v: ReportValue) =>
    v.kind === "number"
      ? fmtNumber(v.value, lng)
      : v.kind === "percent"
        ? `${fmtNumber(v.value, lng)} %`
        : v.kind === "suppressed"
          ? x
          : v.kind === "none"
            ? none
            : "";
  for (const m of r.indicators) {
    const s = metricSection(m, L, t);
    line(`## ${s.title}`);
    line();
    if (s.rows.length === 0) {
      line(none);
      line();
      continue;
    }
    header(
      s.columns,
      s.columns.map((_, i) => (i === 0 ? "l" : "r")),
    );
    for (const rw of s.rows) row([rw.total ? `**${rw.label}**` : rw.label, ...rw.values.map(cell)]);
    line();
  }

  line(`## ${t("cases:report.notes")}`);
  line();
  line(`- ${t("cases:report.note_definitions")}`);
  if (r.indicators.length) line(`- ${t("cases:report.note_indicators")}`);
  if (r.variant === "public") line(`- ${t("cases:report.note_suppression", { threshold: r.threshold })}`);
  if (r.erasedCounted !== 0) line(`- ${t("cases:report.note_erased", { count: c(r.erasedCounted) })}`);
  return `${out.join("\n")}\n`;
}

export function labelOf(L: LabelSet, kind: Kind, cell: Cell): string {
  switch (kind) {
    case "topic":
      return L.topic(cell.key);
    case "closure":
      return L.closure(cell.key);
    case "household":
      return L.household(cell.key);
    case "country":
      return L.country(cell.key);
    default:
      return L.plain(cell.key, cell.label);
  }
}

// ───────────────────────────── CSV ─────────────────────────────

/** What a spreadsheet reads as the start of a formula (OWASP "CSV Injection"), tab and CR included. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field. Only string cells are neutralised: a label or key that begins like a formula gets a
 * leading single quote, so Excel and LibreOffice show it as text. Numbers arrive as numbers and are
 * written as they are, so a negative figure (a change against the previous period) stays a number.
 */
export function csvField(v: string | number): string {
  if (typeof v === "number") return String(v);
  const s = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Long format: section,key,label,metric,value,suppressed. Keys are stable codes (district ids, ISO
 * country codes, topic keys), labels are for people; a suppressed value is empty with suppressed=1.
 */
export function renderCsv(r: Report, { t, lng }: RenderOptions): string {
  const L = labelSet(t, lng);
  const lines = ["section,key,label,metric,value,suppressed"];
  /** `hidden` false: an empty value that is not suppressed (a median over nobody) */
  const add = (section: string, key: string, label: string, metric: string, v: Count, hidden = v === null) =>
    lines.push([section, key, label, metric, v ?? "", hidden ? "1" : "0"].map(csvField).join(","));
  const meta = (key: string, value: string) =>
    lines.push(["meta", key, "", "text", value, "0"].map(csvField).join(","));
  meta("from", isoDay(r.from));
  meta("to", lastDay(r.to));
  meta("as_of", isoDay(r.asOf));
  meta("variant", r.variant);
  add("overview", "managed", t("cases:report.managed_cases"), "cases", r.managed.cases);
  add("overview", "managed", t("cases:report.managed_persons"), "persons", r.managed.persons);
  add("overview", "open_at_end", t("cases:report.open_cases"), "cases", r.openAtEnd.cases);
  add("overview", "open_at_end", t("cases:report.open_persons"), "persons", r.openAtEnd.persons);
  add("overview", "fte", t("cases:report.fte"), "fte", r.fte);
  add(
    "overview",
    "per_fte",
    t("cases:report.cases_per_fte", { target: r.perFte.targetCases }),
    "cases",
    r.perFte.cases,
  );
  add(
    "overview",
    "per_fte",
    t("cases:report.persons_per_fte", { target: r.perFte.targetPersons }),
    "persons",
    r.perFte.persons,
  );
  add("overview", "per_fte_target", "", "cases", r.perFte.targetCases);
  add("overview", "per_fte_target", "", "persons", r.perFte.targetPersons);
  add("intakes", "submitted", t("cases:report.intakes"), "intakes", r.intakes.submitted);
  add("intakes", "case_management", t("cases:report.intakes_cm"), "intakes", r.intakes.toCaseManagement);
  add("intakes", "referral", t("cases:report.intakes_referred"), "intakes", r.intakes.referred);
  const tab = (section: string, tb: Table, kind: Kind) => {
    for (const cell of tb.rows) {
      add(section, cell.key, labelOf(L, kind, cell), "cases", cell.cases);
      if ("persons" in cell) add(section, cell.key, labelOf(L, kind, cell), "persons", cell.persons ?? null);
    }
    if (tb.additive) {
      add(section, "total", t("cases:report.total"), "cases", tb.total.cases);
      if ("persons" in tb.total)
        add(section, "total", t("cases:report.total"), "persons", tb.total.persons ?? null);
    }
  };
  tab("household", r.household, "household");
  const single = r.household.rows.find((x) => x.key === "single");
  const family = r.household.rows.find((x) => x.key === "family");
  add(
    "household",
    "single",
    L.household("single"),
    "share_pct",
    r.household.singleShare,
    single?.cases === null,
  );
  add(
    "household",
    "family",
    L.household("family"),
    "share_pct",
    r.household.familyShare,
    family?.cases === null,
  );
  tab("topics", r.topics, "topic");
  tab("districts", r.districts, "plain");
  tab("origins", r.origins, "country");
  tab("agencies", r.agencies, "plain");
  add("waitlist", "at_end", t("cases:report.wait_at_end"), "entries", r.waitlist.atEnd);
  add("waitlist", "added", t("cases:report.wait_added"), "entries", r.waitlist.added);
  add("waitlist", "placed", t("cases:report.wait_placed"), "entries", r.waitlist.waitDays.n);
  const wHidden = r.waitlist.waitDays.n === null;
  add("waitlist", "wait_median", t("cases:report.wait_median"), "days", r.waitlist.waitDays.median, wHidden);
  add("waitlist", "wait_p90", t("cases:report.wait_p90"), "days", r.waitlist.waitDays.p90, wHidden);
  add("first_appointment", "count", t("cases:report.first_count"), "cases", r.firstAppointment.n);
  const fHidden = r.firstAppointment.n === null;
  add(
    "first_appointment",
    "median",
    t("cases:report.first_median"),
    "days",
    r.firstAppointment.median,
    fHidden,
  );
  add("first_appointment", "p90", t("cases:report.first_p90"), "days", r.firstAppointment.p90, fHidden);
  tab("referrals", r.referrals, "plain");
  tab("closures", r.closures, "closure");
  for (const m of r.indicators)
    for (const row of [...m.rows, ...(m.total ? [m.total] : [])])
      m.columns.forEach((col, i) => {
        const v = row.values[i];
        add(m.id, row.key, metricRowLabel(m, row.key, row.label, L, t), col.key, v ?? null, v === null);
      });
  add("notes", "erased_counted", "", "cases", r.erasedCounted);
  return `${lines.join("\n")}\n`;
}

export function reportFileStem(r: Report): string {
  return `report-${isoDay(r.from)}-${lastDay(r.to)}-${r.variant}`;
}
