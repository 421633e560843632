// The committee report at scale: a synthetic year of 10,000 managed cases (--quick: 2,000) with their
// case work (assessment barriers, goals, referrals, re-contacts), aggregated (internal and public, the
// public one with primary and secondary suppression of every table) and rendered in every format.
// Pure: no database, so it measures aggregate.ts, indicators.ts and the renderers, not the queries.
//
// Run alone:  npx tsx bench/report.ts [--quick]
// In the suite: bench/run.ts calls benchReport({ quick }).
import { pathToFileURL } from "node:url";
import { createI18n } from "../src/i18n/index.ts";
import { mulberry32 as rng } from "../src/lib/random.ts";
import { BARRIERS, LIFE_AREAS } from "../src/modules/cases/codes.ts";
import { aggregate, type CaseFacts, type ReportRows } from "../src/modules/reports/aggregate.ts";
import { renderCsv, renderMarkdown } from "../src/modules/reports/render.ts";
import { renderHtml } from "../src/modules/reports/render-html.ts";
import { renderXlsx } from "../src/modules/reports/render-xlsx.ts";
import { REPORT_AGGREGATE_OPTIONS } from "../src/modules/reports/report.repository.ts";

const DAY = 86_400_000;
const FROM = new Date("2026-01-01T00:00:00Z");
const TO = new Date("2027-01-01T00:00:00Z");

export function syntheticReportRows(n: number, seed = 12): ReportRows {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const districts = Array.from({ length: 40 }, (_, i) => `d${i}`);
  const agencies = ["city", "drk", "awo", "caritas", "diakonie"];
  const partners = ["jobcenter", "mbe", "jmd", "youth-welfare", "immigration-office", "employment-agency"];
  const at = (lo: number, hi: number) => new Date(FROM.getTime() + (lo + r() * (hi - lo)) * DAY);
  const cases: CaseFacts[] = Array.from({ length: n }, () => {
    const submitted = at(-500, 330);
    const accepted = new Date(submitted.getTime() + (5 + r() * 60) * DAY);
    const closed = r() < 0.35 ? new Date(accepted.getTime() + (30 + r() * 400) * DAY) : null;
    const agreed = new Date(accepted.getTime() + (20 + r() * 60) * DAY);
    const areas = LIFE_AREAS.filter(() => r() < 0.3);
    return {
      household: r() < 0.36 ? "single" : "family",
      persons: r() < 0.36 ? 1 : 2 + Math.floor(r() * 5),
      districtId: pick(districts),
      topics: ["education_language", "work", "housing", "health"].filter(() => r() < 0.5),
      originCountry: pick(["SY", "IQ", "AF", "UA", "TR", "ER"]),
      agencyId: pick(agencies),
      openedAt: submitted,
      acceptedAt: accepted,
      closedAt: closed,
      closureReason: closed
        ? pick(["goals_reached", "moved_away", "referred", "no_contact", "withdrawn"])
        : null,
      intakeSubmittedAt: submitted,
      firstAppointmentAt: new Date(accepted.getTime() + (2 + r() * 12) * DAY),
      work: {
        barriers: areas.map((area) => ({ area, code: pick(BARRIERS[area]), at: agreed })),
        goals: areas.map((area) => ({
          area,
          createdAt: agreed,
          outcome: closed ? pick(["reached", "partly", "not_reached", "dropped"]) : null,
          outcomeAt: closed,
        })),
        referrals: areas.slice(0, 2).map(() => {
          const sent = new Date(agreed.getTime() + r() * 60 * DAY);
          return {
            partnerId: pick(partners),
            sentAt: sent,
            expectedBy: new Date(sent.getTime() + 14 * DAY),
            answeredAt: r() < 0.8 ? new Date(sent.getTime() + r() * 30 * DAY) : null,
          };
        }),
        goalAgreementAt: agreed,
        recontactAt: closed && r() < 0.15 ? new Date(closed.getTime() + r() * 90 * DAY) : null,
      },
    };
  });
  return {
    cases,
    intakes: cases.map((c) => ({
      submittedAt: c.intakeSubmittedAt,
      route: "case_management",
      referralTarget: null,
    })),
    waits: [],
    staff: Array.from({ length: 60 }, (_, i) => ({
      id: `cm${i}`,
      agencyId: agencies[i % agencies.length]!,
      fte: i % 4 === 0 ? 0.5 : 1,
      active: true,
    })),
    erased: [],
  };
}

export async function benchReport(opts: { quick: boolean }): Promise<Record<string, number>> {
  const n = opts.quick ? 2_000 : 10_000;
  const rows = syntheticReportRows(n);
  const i18n = await createI18n();
  const t = i18n.getFixedT("en", "cases");
  const params = (variant: "internal" | "public") => ({
    from: FROM,
    to: TO,
    now: TO,
    variant,
    policy: { casesPerFte: 26, personsPerFte: 80 },
    labels: { municipality: "Bench", districts: {}, agencies: {}, referralTargets: {} },
  });
  const time = async <T>(f: () => T | Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await f();
    return [v, performance.now() - t0];
  };
  // one warm-up so the figures are not the JIT's
  aggregate(rows, params("public"), REPORT_AGGREGATE_OPTIONS);
  const [internal, aggMs] = await time(() => aggregate(rows, params("internal"), REPORT_AGGREGATE_OPTIONS));
  const [pub, pubMs] = await time(() => aggregate(rows, params("public"), REPORT_AGGREGATE_OPTIONS));
  const o = { t, lng: "en" as const };
  const [, mdMs] = await time(() => renderMarkdown(internal, o));
  const [, csvMs] = await time(() => renderCsv(internal, o));
  const [, htmlMs] = await time(() => renderHtml(internal, o));
  const [, xlsxMs] = await time(() => renderXlsx(internal, o));
  return {
    "report.cases": n,
    "report.aggregate_ms": aggMs,
    "report.aggregate_public_ms": pubMs,
    "report.suppressed_cells": pub.suppressedCells,
    "report.markdown_ms": mdMs,
    "report.csv_ms": csvMs,
    "report.html_ms": htmlMs,
    "report.xlsx_ms": xlsxMs,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const quick = process.argv.includes("--quick");
  for (const [k, v] of Object.entries(await benchReport({ quick })))
    console.log(`${k.padEnd(32)}${Math.round(v * 10) / 10}`);
}
