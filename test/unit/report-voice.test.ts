// The clients' own voice in the report (src/modules/reports/voice.ts): response rate by month, the
// answers by question with their shares, the months a range holds, the public variant's suppression,
// and the sections in every format through the one table model.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import { aggregate, type ReportParams, type ReportRows } from "../../src/modules/reports/aggregate.ts";
import { suppressMetricTable } from "../../src/modules/reports/indicators.ts";
import { renderCsv, renderMarkdown } from "../../src/modules/reports/render.ts";
import { reportDocument } from "../../src/modules/reports/tables.ts";
import { monthsIn, type SurveyFacts, voiceTables } from "../../src/modules/reports/voice.ts";

const range = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2027-01-01T00:00:00Z") };
type R = SurveyFacts["responses"][number];
const resp = (month: string, useful: string, understood: string, recommend: string, n = 1): R[] =>
  Array.from({ length: n }, () => ({ month, useful, understood, recommend }));

// November: 10 invited, 7 answered; December: 6 invited, 2 answered; October is outside the range
const FACTS: SurveyFacts = {
  invited: [
    { month: "2026-10", count: 30 },
    { month: "2026-11", count: 6 },
    { month: "2026-11", count: 4 },
    { month: "2026-12", count: 6 },
  ],
  responses: [
    ...resp("2026-10", "no", "no", "no", 20),
    ...resp("2026-11", "yes", "yes", "yes", 5),
    ...resp("2026-11", "partly", "yes", "skipped"),
    ...resp("2026-11", "no", "skipped", "no"),
    ...resp("2026-12", "yes", "partly", "yes", 2),
  ],
};

describe("monthsIn", () => {
  it.each([
    ["2026-11-01", "2027-01-01", ["2026-11", "2026-12"]],
    ["2026-01-15", "2026-03-01", ["2026-02"]],
    ["2026-12-01", "2026-12-02", ["2026-12"]],
    ["2026-12-02", "2026-12-31", []],
  ])("[%s, %s) → %j", (from, to, expected) =>
    expect(monthsIn({ from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) })).toEqual(
      expected,
    ),
  );
});

describe("voiceTables", () => {
  const [response, answers] = voiceTables(FACTS, range);

  it("counts invitations and answers by the month the invitation was sent", () => {
    expect(response!.rows).toEqual([
      { key: "2026-11", label: "2026-11", values: [10, 7, 70] },
      { key: "2026-12", label: "2026-12", values: [6, 2, 33.3] },
    ]);
    expect(response!.total!.values).toEqual([16, 9, 56.3]);
  });

  it("counts each question's answers with their share of the responses", () => {
    const byAnswer = Object.fromEntries(answers!.rows.map((r) => [r.key, r.values]));
    // useful, share, understood, share, recommend, share
    expect(byAnswer.yes).toEqual([7, 77.8, 6, 66.7, 7, 77.8]);
    expect(byAnswer.partly).toEqual([1, 11.1, 2, 22.2, 0, 0]);
    expect(byAnswer.no).toEqual([1, 11.1, 0, 0, 1, 11.1]);
    expect(byAnswer.skipped).toEqual([0, 0, 1, 11.1, 1, 11.1]);
    expect(answers!.total!.values).toEqual([9, 100, 9, 100, 9, 100]);
  });

  it("public: small cells are hidden with their rates and shares, and cannot be recovered", () => {
    const [r, a] = voiceTables(FACTS, range);
    suppressMetricTable(r!);
    suppressMetricTable(a!);
    // December's 2 answers are hidden, so November's 7 as well (else 9 − 7 = 2); the rates go with them
    expect(r!.rows.map((x) => x.values)).toEqual([
      [10, null, null],
      [6, null, null],
    ]);
    expect(r!.total!.values).toEqual([16, 9, 56.3]);
    const yes = a!.rows.find((x) => x.key === "yes")!.values;
    // the small answers (1, 2) are hidden; "yes" too, which would give their sum away
    expect(yes).toEqual([null, null, null, null, null, null]);
    expect(a!.total!.values).toEqual([9, 100, 9, 100, 9, 100]);
  });

  it("public: fewer than five responses in the period hide the total in both tables", () => {
    const few: SurveyFacts = {
      invited: [{ month: "2026-12", count: 12 }],
      responses: resp("2026-12", "yes", "yes", "yes", 3),
    };
    const [r, a] = voiceTables(few, range);
    suppressMetricTable(r!);
    suppressMetricTable(a!);
    expect(r!.total!.values).toEqual([12, null, null]);
    expect(a!.total!.values).toEqual([null, null, null, null, null, null]);
  });
});

describe("the report sections", async () => {
  const i18n = await createI18n();
  const params = (variant: "internal" | "public"): ReportParams => ({
    ...range,
    now: new Date("2027-01-02T00:00:00Z"),
    variant,
    policy: { casesPerFte: 26, personsPerFte: 80 },
    labels: { municipality: "Teststadt", districts: {}, agencies: {}, referralTargets: {} },
  });
  const rows: ReportRows = { cases: [], intakes: [], waits: [], staff: [], erased: [], survey: FACTS };

  it.each(["en", "de"] as const)("appear in every format (%s)", (lng) => {
    const t = i18n.getFixedT(lng, "cases");
    const r = aggregate(rows, params("internal"));
    const doc = reportDocument(r, { t, lng });
    const ids = doc.sections.map((s) => s.id);
    expect(ids).toContain("voice_response");
    expect(ids).toContain("voice_answers");
    const md = renderMarkdown(r, { t, lng });
    expect(md).toContain(t("cases:report.voice_response"));
    expect(md).toContain(t("cases:report.answer.skipped"));
    expect(renderCsv(r, { t, lng })).toContain("voice_response");
  });

  it("the public variant suppresses them with the rest", () => {
    const pub = aggregate(rows, params("public"));
    const r = pub.indicators.find((m) => m.id === "voice_response")!;
    expect(r.rows.map((x) => x.values[1])).toEqual([null, null]);
    expect(pub.suppressedCells).toBeGreaterThan(0);
  });

  it("a report without survey rows has no such sections", () => {
    const { survey: _, ...without } = rows;
    expect(aggregate(without, params("internal")).indicators.map((m) => m.id)).not.toContain("voice_answers");
  });
});
