// The report as one self-contained HTML file a team lead can mail to the committee: every table of
// the Markdown, a bar chart (inline SVG) per distribution, inline CSS, no script, no external
// request (the Content-Security-Policy forbids any, so a mail client or browser fetches nothing).
// Every text is escaped; suppressed cells show the same mark as the Markdown and are left out of
// the bars, whose lengths would otherwise give them away.
import type { Report } from "./aggregate.ts";
import { fmtNumber, type RenderOptions } from "./render.ts";
import { chartBars, type ReportSection, type ReportValue, reportDocument } from "./tables.ts";

const RTL = new Set(["ar", "fa", "he", "ur"]);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root{color-scheme:light;--bar:#2f6f8f;--line:#d0d7de;--muted:#57606a}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#fff}
main{max-width:52rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.meta{color:var(--muted);margin:.2rem 0}
table{border-collapse:collapse;margin:.5rem 0 1rem;min-width:24rem}
th,td{border-bottom:1px solid var(--line);padding:.25rem .6rem;text-align:start;vertical-align:top}
thead th{border-bottom:2px solid #8c959f}
td.num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
td.x{color:var(--muted)}
tr.total th,tr.total td{font-weight:600;border-top:2px solid #8c959f}
svg.chart{display:block;max-width:100%;height:auto;margin:.25rem 0 1rem}
svg.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1f2328}
svg.chart rect{fill:var(--bar)}
ul.notes{color:var(--muted);padding-inline-start:1.2rem}
@media print{main{max-width:none;padding:0}section{break-inside:avoid}}
`
  .trim()
  .replace(/\n/g, "");

export function renderHtml(r: Report, opts: RenderOptions): string {
  const doc = reportDocument(r, opts);
  const { lng } = opts;
  const value = (v: ReportValue): string => {
    switch (v.kind) {
      case "number":
        return `<td class="num">${escapeHtml(fmtNumber(v.value, lng))}</td>`;
      case "percent":
        return `<td class="num">${escapeHtml(`${fmtNumber(v.value, lng)} %`)}</td>`;
      case "suppressed":
        return `<td class="num x">${escapeHtml(doc.marks.suppressed)}</td>`;
      case "none":
        return `<td class="num">${escapeHtml(doc.marks.none)}</td>`;
      default:
        return "<td></td>";
    }
  };
  const section = (s: ReportSection): string => {
    const head = `<h2 id="${escapeHtml(s.id)}">${escapeHtml(s.title)}</h2>`;
    if (s.rows.length === 0) return `<section>${head}<p>${escapeHtml(doc.marks.none)}</p></section>`;
    const bars = chartBars(s);
    const chart = bars.length > 0 ? barChart(s.title, bars, lng) : "";
    const thead = `<thead><tr>${s.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("")}</tr></thead>`;
    const tbody = s.rows
      .map(
        (row) =>
          `<tr${row.total ? ' class="total"' : ""}><th scope="row">${escapeHtml(row.label)}</th>${row.values.map(value).join("")}</tr>`,
      )
      .join("\n");
    return `<section>${head}\n${chart}<table>${thead}<tbody>\n${tbody}\n</tbody></table></section>`;
  };
  return `<!doctype html>
<html lang="${escapeHtml(lng)}" dir="${RTL.has(lng) ? "rtl" : "ltr"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(doc.title)}</h1>
<p class="meta">${escapeHtml(doc.period)}</p>
<p class="meta">${escapeHtml(doc.variantNote)}</p>
${doc.sections.map(section).join("\n")}
<section><h2 id="notes">${escapeHtml(opts.t("cases:report.notes"))}</h2>
<ul class="notes">${doc.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul></section>
</main>
</body>
</html>
`;
}

const LABEL_W = 230;
const BAR_W = 330;
const VALUE_W = 60;
const ROW_H = 22;
const MAX_LABEL = 34;

/** Horizontal bars, longest first as in the table; the full label is the tooltip of a cut one. */
function barChart(title: string, bars: { label: string; value: number }[], lng: string): string {
  const max = Math.max(...bars.map((b) => b.value));
  const width = LABEL_W + BAR_W + VALUE_W;
  const height = bars.length * ROW_H + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * ROW_H;
    const w = Math.max(1, Math.round((b.value / max) * BAR_W));
    const cut = b.label.length > MAX_LABEL ? `${b.label.slice(0, MAX_LABEL - 1)}…` : b.label;
    return (
      `<g><title>${escapeHtml(`${b.label}: ${fmtNumber(b.value, lng)}`)}</title>` +
      `<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(cut)}</text>` +
      `<rect x="${LABEL_W}" y="${y + 3}" width="${w}" height="${ROW_H - 6}" rx="2"></rect>` +
      `<text x="${LABEL_W + w + 6}" y="${y + 15}">${escapeHtml(fmtNumber(b.value, lng))}</text></g>`
    );
  });
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${rows.join("")}</svg>\n`;
}
