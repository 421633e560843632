// Small pure helpers for Block Kit (escaping is ../escape.ts): clipping to Slack's limits, dates, load bars.
import type { types } from "@slack/bolt";

export type Block = types.KnownBlock;
export type T = (key: string, opts?: Record<string, unknown>) => string;

export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_VIEW_BLOCKS = 100;
export const TIME_ZONE = "Europe/Berlin";

export const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export const md = (text: string) => ({ type: "mrkdwn" as const, text: clip(text, 3000) });
export const plain = (text: string, max = 3000) => ({
  type: "plain_text" as const,
  text: clip(text, max),
  emoji: true,
});

export const header = (text: string): Block => ({ type: "header", text: plain(text, 150) });
export const section = (text: string): Block => ({ type: "section", text: md(text) });
export const context = (text: string): Block => ({ type: "context", elements: [md(clip(text, 2000))] });
export const divider = (): Block => ({ type: "divider" });

export const button = (
  text: string,
  actionId: string,
  value: string,
  style?: "primary" | "danger",
): types.Button => ({
  type: "button",
  text: plain(text, 75),
  action_id: actionId,
  value: clip(value, 2000),
  ...(style ? { style } : {}),
});

export const fieldsSection = (fields: string[]): Block => ({
  type: "section",
  fields: fields.slice(0, 10).map((f) => md(clip(f, 2000))),
});

const locale = (lng: string) => (lng === "en" ? "en-GB" : "de-DE");

export function fmtDate(d: Date, lng: string): string {
  return new Intl.DateTimeFormat(locale(lng), {
    timeZone: TIME_ZONE,
    weekday: "short",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).format(d);
}

export function fmtDateTime(d: Date, lng: string): string {
  return new Intl.DateTimeFormat(locale(lng), {
    timeZone: TIME_ZONE,
    weekday: "short",
    day: "2-digit",
    month: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

/** "YYYY-MM-DD" of a date in Berlin (datepicker values). */
export function isoDay(d: Date): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(d);
}

/** A rough duration for people: minutes, hours or days. */
export function fmtDuration(ms: number, t: T): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return t("time.minutes", { count: min });
  const h = Math.round(min / 60);
  if (h < 48) return t("time.hours", { count: h });
  return t("time.days", { count: Math.round(h / 24) });
}

/** A text bar: `██████░░░░` for 6 of 10; over capacity the bar is full and marked. */
export function loadBar(open: number, capacity: number, width = 10): string {
  if (capacity <= 0) return `${"░".repeat(width)}${open > 0 ? " ⚠" : ""}`;
  const filled = Math.min(width, Math.round((open / capacity) * width));
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}${open > capacity ? " ⚠" : ""}`;
}

/** Keeps at most `max` blocks; the last one says how much was left out. */
export function capBlocks(blocks: Block[], max: number, more: (n: number) => string): Block[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context(more(blocks.length - kept.length))];
}

/** "a, b and c"-style joining is language specific; a comma list is enough for staff. */
export const list = (items: readonly string[]): string => items.join(", ");
