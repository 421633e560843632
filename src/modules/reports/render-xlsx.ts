// The report as an Excel workbook (exceljs), because the offices work in Excel: one sheet per table
// of the Markdown, in the same order, then a sheet with the title, period and notes. Numbers are
// number cells (shares with a "%" format, so they sum and chart in Excel); suppressed cells hold the
// same mark as the Markdown ("x"), as text. Labels are always string cells: exceljs writes a formula
// only for a { formula } value, so a label beginning with "=" stays text (the unit test reads it back).
import ExcelJS from "exceljs";
import type { Report } from "./aggregate.ts";
import type { RenderOptions } from "./render.ts";
import { type ReportValue, reportDocument } from "./tables.ts";

/** Excel's rules: at most 31 characters, none of []:*?/\, not starting or ending with an apostrophe. */
export function sheetNames(titles: readonly string[]): string[] {
  const used = new Set<string>();
  return titles.map((title, i) => {
    const base =
      title
        .replace(/\s*\([^)]*\)\s*$/, "") // "Topics (a case can have several)" → "Topics"
        .replace(/[[\]:*?/\\]/g, " ")
        .replace(/\s+/g, " ")
        .trim()
        .replace(/^'+|'+$/g, "")
        .slice(0, 31)
        .trim() || `Sheet ${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) {
      const suffix = ` (${n})`;
      name = `${base.slice(0, 31 - suffix.length).trim()}${suffix}`;
    }
    used.add(name.toLowerCase());
    return name;
  });
}

const PERCENT_FORMAT = '0.0" %"';

export async function renderXlsx(r: Report, opts: RenderOptions): Promise<Buffer> {
  const doc = reportDocument(r, opts);
  const wb = new ExcelJS.Workbook();
  wb.creator = "anlauf";
  wb.title = doc.title;
  // the report's own date, so two renders of the same report differ only in the zip's timestamps
  wb.created = r.asOf;
  wb.modified = r.asOf;
  const notesTitle = opts.t("cases:report.notes");
  const names = sheetNames([...doc.sections.map((s) => s.title), notesTitle]);

  const cell = (v: ReportValue): string | number | null => {
    switch (v.kind) {
      case "number":
      case "percent":
        return v.value;
      case "suppressed":
        return doc.marks.suppressed;
      case "none":
        return doc.marks.none;
      default:
        return null;
    }
  };

  doc.sections.forEach((s, i) => {
    const ws = wb.addWorksheet(names[i]!, { views: [{ state: "frozen", ySplit: 1 }] });
    ws.addRow(s.columns).font = { bold: true };
    if (s.rows.length === 0) ws.addRow([doc.marks.none]);
    for (const row of s.rows) {
      const added = ws.addRow([row.label, ...row.values.map(cell)]);
      row.values.forEach((v, j) => {
        const c = added.getCell(j + 2);
        c.alignment = { horizontal: "right" };
        if (v.kind === "percent") c.numFmt = PERCENT_FORMAT;
      });
      if (row.total) added.font = { bold: true };
    }
    ws.getColumn(1).width = Math.min(60, Math.max(12, ...s.rows.map((x) => x.label.length + 2)));
    for (let j = 2; j <= s.columns.length; j++)
      ws.getColumn(j).width = Math.max(10, (s.columns[j - 1] ?? "").length + 2);
    ws.getRow(1).alignment = { vertical: "top", wrapText: true };
  });

  const info = wb.addWorksheet(names[names.length - 1]!);
  info.addRow([doc.title]).font = { bold: true, size: 14 };
  info.addRow([doc.period]);
  info.addRow([doc.variantNote]);
  info.addRow([]);
  for (const n of doc.notes) info.addRow([n]);
  info.getColumn(1).width = 120;
  info.getColumn(1).alignment = { wrapText: true, vertical: "top" };

  return Buffer.from(await wb.xlsx.writeBuffer());
}
