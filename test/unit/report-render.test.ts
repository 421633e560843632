// The report's formats: CSV cells neutralised against formula injection, the self-contained HTML
// (escaped, no external request, suppressed cells hidden in tables and bars) and the xlsx workbook
// read back with exceljs.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import {
  aggregate,
  type CaseFacts,
  type ReportParams,
  type ReportRows,
} from "../../src/modules/reports/aggregate.ts";
import { csvField, type RenderOptions, renderCsv, renderMarkdown } from "../../src/modules/reports/render.ts";
import { escapeHtml, renderHtml } from "../../src/modules/reports/render-html.ts";
import { renderXlsx, sheetNames } from "../../src/modules/reports/render-xlsx.ts";
import { parseReportFormats } from "../../src/modules/reports/report.service.ts";
import { chartBars, reportDocument } from "../../src/modules/reports/tables.ts";

const d = (s: string) => new Date(`${s}T12:00:00Z`);

const params = (variant: "internal" | "public", districts: Record<string, string> = {}): ReportParams => ({
  from: new Date("2026-01-01T00:00:00Z"),
  to: new Date("2027-01-01T00:00:00Z"),
  now: d("2026-11-21"),
  variant,
  policy: { casesPerFte: 26, personsPerFte: 80 },
  labels: {
    municipality: "Teststadt",
    districts: { mitte: "Mitte", heepen: "Heepen", senne: "Senne", ...districts },
    agencies: { city: "Sozialamt", drk: "DRK" },
    referralTargets: { jobcenter: "Jobcenter" },
  },
});

const kase = (over: Partial<CaseFacts> = {}): CaseFacts => ({
  household: "family",
  persons: 4,
  districtId: "mitte",
  topics: ["work"],
  originCountry: "SY",
  agencyId: "city",
  openedAt: d("2025-12-01"),
  acceptedAt: d("2026-01-10"),
  closedAt: null,
  closureReason: null,
  intakeSubmittedAt: d("2025-12-01"),
  firstAppointmentAt: null,
  ...over,
});

const rows = (cases: CaseFacts[]): ReportRows => ({
  cases,
  intakes: [],
  waits: [],
  staff: [{ id: "a", agencyId: "city", fte: 1.5, active: true }],
  erased: [],
});

// 10 Mitte, 10 Heepen, 2 Senne (suppressed; Heepen hidden as well in the public variant)
const CASES = [
  ...Array.from({ length: 20 }, (_, i) =>
    kase({
      topics: i % 2 ? ["work"] : ["education_language", "housing"],
      districtId: i < 10 ? "mitte" : "heepen",
    }),
  ),
  ...Array.from({ length: 2 }, () => kase({ districtId: "senne", household: "single", persons: 1 })),
];

let en: RenderOptions;
let de: RenderOptions;
beforeAll(async () => {
  const i18n = await createI18n();
  en = { t: i18n.getFixedT("en", "cases"), lng: "en" };
  de = { t: i18n.getFixedT("de", "cases"), lng: "de" };
});

describe("CSV formula injection", () => {
  it.each([
    ["=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+49 521", "'+49 521"],
    ["-Mitte", "'-Mitte"],
    ["@cmd", "'@cmd"],
    ["\tTab", "'\tTab"],
    ["\rCR", `"'\rCR"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ["=1;2", `"'=1;2"`],
    ["-3", "'-3"], // a string that looks like a number is still text: only number cells stay bare
    ["Mitte", "Mitte"],
    ["– routed to case management", "– routed to case management"], // en dash, not a minus
    ["a, b", '"a, b"'],
    ["", ""],
    [-3, "-3"],
    [0, "0"],
    [36.2, "36.2"],
  ] as [string | number, string][])("%j → %s", (input, out) => {
    expect(csvField(input)).toBe(out);
  });

  it("a district named like a formula is neutralised, the figures stay numbers", () => {
    const r = aggregate(rows(CASES), params("internal", { mitte: "=cmd|' /C calc'!A0" }));
    const lines = renderCsv(r, en).trim().split("\n");
    expect(lines).toContain("districts,mitte,'=cmd|' /C calc'!A0,cases,10,0");
    expect(lines).toContain("districts,senne,Senne,cases,2,0");
    expect(lines).toContain("meta,variant,,text,internal,0");
    for (const l of lines.slice(1)) expect(l.split(",")[2]).not.toMatch(/^[=+\-@]/);
  });
});

describe("report document (shared by HTML and xlsx)", () => {
  it("has every section the Markdown has, in the same order", () => {
    for (const variant of ["internal", "public"] as const) {
      const r = aggregate(rows(CASES), params(variant));
      const md = renderMarkdown(r, en)
        .split("\n")
        .filter((l) => l.startsWith("## "))
        .map((l) => l.slice(3));
      const doc = reportDocument(r, en);
      expect([...doc.sections.map((s) => s.title), en.t("cases:report.notes")]).toEqual(md);
    }
  });

  it("bars leave out suppressed cells, totals and zeros", () => {
    const doc = reportDocument(aggregate(rows(CASES), params("public")), en);
    const districts = doc.sections.find((s) => s.id === "districts")!;
    expect(chartBars(districts)).toEqual([{ label: "Mitte", value: 10 }]);
    expect(chartBars(doc.sections.find((s) => s.id === "overview")!)).toEqual([]);
  });
});

describe("HTML", () => {
  it("escapes every text", () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe(
      "&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;&#38;&#39;",
    );
    const r = aggregate(rows(CASES), params("internal", { mitte: '<script>alert("x")</script>' }));
    const html = renderHtml(r, en);
    expect(html).not.toContain("<script");
    expect(html).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;");
  });

  it("is one self-contained file: lang and dir, inline style, no script, no external reference", () => {
    const html = renderHtml(aggregate(rows(CASES), params("internal")), de);
    expect(html).toMatch(/^<!doctype html>\n<html lang="de" dir="ltr">/);
    expect(html).toContain("<style>");
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/\s(src|href|xlink:href)=|url\(|@import|<script|<link|<iframe|<img/i);
    expect(html).toContain("Bildung und Sprache");
    expect(html).toContain("Syrien");
  });

  it("one <svg> per distribution with something to draw, none for the figure tables", () => {
    const r = aggregate(rows(CASES), params("internal"));
    const html = renderHtml(r, en);
    const drawn = reportDocument(r, en).sections.filter((s) => chartBars(s).length > 0);
    // household, topics, districts, origins, agencies; referrals and closures are empty
    expect(drawn.map((s) => s.id)).toEqual(["household", "topics", "districts", "origins", "agencies"]);
    expect(html.match(/<svg/g)).toHaveLength(drawn.length);
    expect(html.match(/<\/svg>/g)).toHaveLength(drawn.length);
  });

  it("the public variant shows the mark for suppressed cells and leaves them out of the bars", () => {
    const html = renderHtml(aggregate(rows(CASES), params("public")), en);
    const districts = html.slice(html.indexOf('id="districts"'), html.indexOf('id="origins"'));
    const svg = districts.slice(districts.indexOf("<svg"), districts.indexOf("</svg>"));
    expect(svg).toContain("Mitte");
    expect(svg).not.toContain("Senne");
    expect(svg).not.toContain("Heepen");
    expect(districts).toContain('<th scope="row">Senne</th><td class="num x">x</td><td class="num x">x</td>');
    expect(districts).toContain('<th scope="row">Heepen</th><td class="num x">x</td>');
    expect(districts).toContain('<th scope="row">Mitte</th><td class="num">10</td><td class="num">40</td>');
    expect(districts).not.toMatch(/Senne<\/th><td class="num">2</);
    expect(html).toContain("x = suppressed");
  });
});

describe("xlsx", () => {
  it.each([
    [["Topics (a case can have several)"], ["Topics"]],
    [["A/B: c*d?[e]\\f"], ["A B c d e f"]],
    [
      ["x".repeat(40), "x".repeat(40), "x".repeat(35)],
      ["x".repeat(31), `${"x".repeat(27)} (2)`, `${"x".repeat(27)} (3)`],
    ],
    [
      ["Notes", "notes"],
      ["Notes", "notes (2)"],
    ],
    [
      ["'quoted'", ""],
      ["quoted", "Sheet 2"],
    ],
  ])("sheet names %j → %j", (titles, names) => {
    expect(sheetNames(titles)).toEqual(names);
  });

  it("one sheet per table, bold header, numbers as numbers, the suppression mark as text", async () => {
    const r = aggregate(rows(CASES), params("public", { mitte: "=1+1", heepen: "-3", senne: "@SUM(1)" }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(r, en)) as never);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual(
      [
        "Overview",
        "Single persons and families",
        "Topics",
        "Districts",
        "Countries of origin",
        "Agencies",
        "Wait list",
        "Time from intake to first appoin",
        "Referrals by target",
        "Closures by reason",
        // the outcome indicators and breakdowns (issue 12.2–12.3)
        "Barriers found in assessments, by life area",
        "Goals set and reached, by life area",
        "Referrals by partner and answers in time",
        "Time from first contact to first appointment",
        "Closures by reason and re-contacts after closure",
        "Cases by region, against the previous period",
        "Cases by agency and per full-time case manager",
        "Cases by district, against the previous period",
        "Against the previous period of the same length",
        "Notes",
      ].map((n) => n.slice(0, 31).trimEnd()),
    );
    for (const n of names) expect(n.length).toBeLessThanOrEqual(31);

    const districts = wb.getWorksheet("Districts")!;
    expect(districts.getRow(1).values).toEqual([undefined, "District", "Cases", "Persons"]);
    expect(districts.getRow(1).font?.bold).toBe(true);
    const byLabel = new Map<string, ExcelJS.Row>();
    districts.eachRow((row) => byLabel.set(String(row.getCell(1).value), row));
    const mitte = byLabel.get("=1+1")!;
    expect(mitte.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(mitte.getCell(1).formula).toBeUndefined();
    expect(mitte.getCell(2).value).toBe(10);
    expect(mitte.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    for (const label of ["-3", "@SUM(1)"]) {
      expect(byLabel.get(label)!.getCell(1).type).toBe(ExcelJS.ValueType.String);
      expect(byLabel.get(label)!.getCell(2).value).toBe("x");
      expect(byLabel.get(label)!.getCell(3).value).toBe("x");
    }
    expect(byLabel.get("Total")!.getCell(2).value).toBe(22);
    expect(byLabel.get("Total")!.font?.bold).toBe(true);

    // two single persons: suppressed, the families with them (the total would give them away)
    const household = wb.getWorksheet("Single persons and families")!;
    expect(household.getRow(3).values).toEqual([undefined, "Families", "x", "x", "x"]);

    const overview = wb.getWorksheet("Overview")!;
    expect(overview.getRow(6).values).toEqual([
      undefined,
      "Full-time equivalents (active case managers)",
      1.5,
    ]);
    const notes = wb.getWorksheet("Notes")!;
    expect(notes.getCell("A1").value).toBe("Case management report: Teststadt");
    expect(String(notes.getColumn(1).values.join(" "))).toContain("x = suppressed");
  });

  it("shares are numbers with a % format; an empty table gets its header and the none mark", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderXlsx(aggregate(rows(CASES), params("internal")), en)) as never);
    const families = wb.getWorksheet("Single persons and families")!.getRow(3);
    expect(families.values).toEqual([undefined, "Families", 20, 90.9, 80]);
    expect(families.getCell(3).numFmt).toBe('0.0" %"');
    expect(wb.getWorksheet("Single persons and families")!.getRow(4).values).toEqual([
      undefined,
      "Total",
      22,
      undefined,
      82,
    ]);
    const referrals = wb.getWorksheet("Referrals by target")!;
    expect(referrals.getRow(1).values).toEqual([undefined, "Referral target", "Cases"]);
    expect(referrals.getCell("A2").value).toBe("–");
  });
});

describe("--format", () => {
  it.each([
    ["md,csv,svg,html,xlsx", ["md", "csv", "svg", "html", "xlsx"]],
    ["html, XLSX,html", ["html", "xlsx"]],
  ])("%s → %j", (list, formats) => {
    expect(parseReportFormats(list)).toEqual(formats);
  });
  it.each(["pdf", "", ",", "md,docx"])("%j is refused with the list of formats", (list) => {
    expect(() => parseReportFormats(list)).toThrow(/md,csv,svg,html,xlsx/);
  });
});
