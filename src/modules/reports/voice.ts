// The clients' own voice in the committee report (issue 12.7), pure: the anonymous survey responses
// and the invited tally (src/modules/survey) → two tables of the one table model, so every format
// prints them and the public variant suppresses them like the outcome indicators.
//
// Definitions: the survey counts by calendar month (UTC) of the invitation; a month belongs to a
// report whose range contains its first day.
// - voice_response: per month, invitations sent, surveys answered (all three questions answered or
//   skipped; a survey left half-way is not stored), response rate = answered ÷ invited
// - voice_answers: the answers of the period's responses, question by question (the columns), each
//   with its share of the responses; the total row is the number of responses
// Suppression (public): suppressMetricTable per table, like the outcome indicators (cells 1–4
// hidden, additive columns protected by secondary suppression, a rate or share hidden with its
// count). Both tables publish the period's number of responses; secondary suppression only ever
// hides a total that is itself below the threshold, so the two tables hide it alike.
import { type MetricTable, pct } from "./indicators.ts";

export interface SurveyFacts {
  responses: readonly { month: string; useful: string; understood: string; recommend: string }[];
  invited: readonly { month: string; count: number }[];
}

export const VOICE_QUESTIONS = ["useful", "understood", "recommend"] as const;
export const VOICE_ANSWERS = ["yes", "partly", "no", "skipped"] as const;

/** "YYYY-MM" of every month whose first day lies in [from, to) */
export function monthsIn(range: { from: Date; to: Date }): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(range.from.getUTCFullYear(), range.from.getUTCMonth(), 1));
  if (d < range.from) d.setUTCMonth(d.getUTCMonth() + 1);
  for (; d < range.to; d.setUTCMonth(d.getUTCMonth() + 1)) out.push(d.toISOString().slice(0, 7));
  return out;
}

export function voiceTables(f: SurveyFacts, range: { from: Date; to: Date }): MetricTable[] {
  const months = monthsIn(range);
  const inRange = new Set(months);
  const invited = new Map<string, number>();
  for (const i of f.invited)
    if (inRange.has(i.month)) invited.set(i.month, (invited.get(i.month) ?? 0) + i.count);
  const responses = f.responses.filter((r) => inRange.has(r.month));
  const answered = new Map<string, number>();
  for (const r of responses) answered.set(r.month, (answered.get(r.month) ?? 0) + 1);

  const row = (key: string, inv: number, ans: number) => ({
    key,
    label: key,
    values: [inv, ans, pct(ans, inv)],
  });
  const totalInvited = months.reduce((s, m) => s + (invited.get(m) ?? 0), 0);
  const response: MetricTable = {
    id: "voice_response",
    rowKind: "month",
    columns: [
      { key: "invited", kind: "count", additive: true },
      { key: "answered", kind: "count", additive: true },
      { key: "response_rate", kind: "percent", from: [1, 0] },
    ],
    rows: months.map((m) => row(m, invited.get(m) ?? 0, answered.get(m) ?? 0)),
    total: row("total", totalInvited, responses.length),
  };

  const count = (q: (typeof VOICE_QUESTIONS)[number], a: string) =>
    responses.filter((r) => r[q] === a).length;
  const answers: MetricTable = {
    id: "voice_answers",
    rowKind: "answer",
    columns: VOICE_QUESTIONS.flatMap((q, i) => [
      { key: q, kind: "count" as const, additive: true },
      { key: `${q}_share`, kind: "percent" as const, from: [2 * i] },
    ]),
    rows: VOICE_ANSWERS.map((a) => ({
      key: a,
      label: a,
      values: VOICE_QUESTIONS.flatMap((q) => [count(q, a), pct(count(q, a), responses.length)]),
    })),
    total: {
      key: "total",
      label: "total",
      values: VOICE_QUESTIONS.flatMap(() => [responses.length, responses.length ? 100 : undefined]),
    },
  };
  return [response, answers];
}
