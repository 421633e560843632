// The staff side of the case-work demo: what a case manager's Slack client sends to /slack/events
// (signed block actions and view submissions, as the integration tests send them), the modals and
// messages anlauf sent back as the local Slack peer recorded them, and the demo's movable clock.
// Also the newcomer who did the questionnaire in the bot, written by the bot's own repositories.

import type { System } from "../src/app/system.ts";
import type { SlackCall, SlackPeer } from "../src/devtools/slack-peer.ts";
import { blockAction, viewSubmission } from "../src/devtools/slack-requests.ts";
import { ConsentRepository } from "../src/modules/intake/consent.repository.ts";
import { initialState } from "../src/modules/intake/flow.ts";
import { IntakeRepository } from "../src/modules/intake/intake.repository.ts";
import { referencePrefix } from "../src/modules/intake/reference-code.ts";
import { berlinMidnight } from "../src/slack/listeners/team.ts";
import { postToSlackEndpoint, sleep } from "./demo-chat.ts";

/** The demo's clock: the system reads `Date.now() + offsetMs` (startSystem's `now`). */
export interface DemoClock {
  offsetMs: number;
}
export const clockNow = (c: DemoClock) => new Date(Date.now() + c.offsetMs);
export const DAY = 86_400_000;

const berlinDay = (d: Date) => d.toLocaleDateString("sv-SE", { timeZone: "Europe/Berlin" });
/** "7.12.2026" */
export const deDate = (d: Date) => d.toLocaleDateString("de-DE", { timeZone: "Europe/Berlin" });
export const deTime = (d: Date) =>
  `${deDate(d)} ${d.toLocaleTimeString("de-DE", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit" })}`;
/** 07:30 in Bielefeld, `days` after the day of `d`: when the daily overview goes out */
export const morningAfter = (d: Date, days: number) =>
  new Date(berlinMidnight(berlinDay(new Date(d.getTime() + days * DAY)))!.getTime() + 7.5 * 3_600_000);

/** Every text in a Slack message or view: its fallback text, section texts, fields and contexts. */
export function slackText(x: unknown): string[] {
  if (typeof x !== "object" || x === null) return [];
  const o = x as Record<string, unknown>;
  const own = o.type === "mrkdwn" && typeof o.text === "string" ? [o.text] : [];
  return [
    ...own,
    ...Object.entries(o).flatMap(([k, v]) =>
      k === "text" && typeof v === "string" ? [] : Array.isArray(v) ? v.flatMap(slackText) : slackText(v),
    ),
  ];
}

export type Values = Record<string, Record<string, unknown>>;
export const sel = (value: string) => ({ selected_option: { value } });
export const multi = (values: readonly string[]) => ({
  selected_options: values.map((value) => ({ value })),
});
export const txt = (value: string) => ({ value });
export const day = (d: Date) => ({ selected_date: berlinDay(d) });

/** A modal as anlauf sent it to Slack. */
export interface ShownModal {
  private_metadata?: string;
  blocks?: { block_id?: string; label?: { text?: string } }[];
}

/** One member of staff at their Slack client. */
export function staffDesk(system: System, slack: SlackPeer, slackUserId: string) {
  let n = 0;
  const newViewId = () => `VDEMO${Date.now().toString(36).toUpperCase()}${++n}`;
  const post = async (payload: Record<string, unknown>): Promise<string> => {
    const res = await postToSlackEndpoint(system, payload);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`demo: /slack/events answered ${res.status}`);
    if (body.includes('"errors"')) throw new Error(`demo: the modal refused the input: ${body}`);
    return body;
  };
  const submit = (callbackId: string, privateMetadata: string, values: Values, rootViewId?: string) =>
    post(
      viewSubmission({
        user: slackUserId,
        callbackId,
        privateMetadata,
        values,
        viewId: newViewId(),
        ...(rootViewId ? { rootViewId } : {}),
      }),
    );
  /** the next modal anlauf opened or pushed with this callback id, from call index `since` on */
  const modal = async (callbackId: string, since: number) => {
    const hit = await slack.waitFor(
      (c) =>
        slack.calls.indexOf(c) >= since &&
        (c.method === "views.open" || c.method === "views.push") &&
        (c.args.view as { callback_id?: string } | undefined)?.callback_id === callbackId,
      15_000,
    );
    return hit.args.view as ShownModal;
  };
  return {
    slackUserId,
    newViewId,
    /** a button (or an overflow choice) in a message or in a modal */
    click: (a: {
      actionId: string;
      value?: string;
      channel?: string;
      messageTs?: string;
      viewId?: string;
      selected?: string;
    }) =>
      post(
        blockAction({
          user: slackUserId,
          actionId: a.actionId,
          value: a.value ?? "",
          ...(a.channel ? { channel: a.channel, messageTs: a.messageTs ?? "1.0" } : {}),
          ...(a.viewId ? { viewId: a.viewId } : {}),
          ...(a.selected ? { selected: a.selected } : {}),
        }),
      ),
    /** presses a button and waits for the modal it opens; returns what Slack would show */
    open: async (
      callbackId: string,
      a: { actionId: string; value: string; viewId?: string; channel?: string },
    ) => {
      const since = slack.calls.length;
      await post(
        blockAction({
          user: slackUserId,
          actionId: a.actionId,
          value: a.value,
          ...(a.channel ? { channel: a.channel } : {}),
          ...(a.viewId ? { viewId: a.viewId } : {}),
        }),
      );
      return modal(callbackId, since);
    },
    submit,
    /**
     * A work button of the case file (`rootViewId`): the modal it pushes, filled in and submitted
     * (values may depend on what the modal shows); returns the modal.
     */
    work: async (
      callbackId: string,
      a: { actionId: string; caseId: string; rootViewId: string },
      values: Values | ((m: ShownModal) => Values),
    ) => {
      const since = slack.calls.length;
      await post(
        blockAction({ user: slackUserId, actionId: a.actionId, value: a.caseId, viewId: a.rootViewId }),
      );
      const m = await modal(callbackId, since);
      await submit(
        callbackId,
        m.private_metadata ?? a.caseId,
        typeof values === "function" ? values(m) : values,
        a.rootViewId,
      );
      return m;
    },
  };
}
export type StaffDesk = ReturnType<typeof staffDesk>;

/** Waits for a Slack Web API call anlauf makes, from call index `since` on. */
export const slackCallAfter = (
  slack: SlackPeer,
  since: number,
  pred: (c: SlackCall) => boolean,
  ms = 20_000,
) => slack.waitFor((c) => slack.calls.indexOf(c) >= since && pred(c), ms).catch(() => null);

/** Waits for a value, polling. */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`demo: ${what} did not happen`);
    await sleep(150);
  }
}

/**
 * A newcomer who agreed in the bot (case management and the relay to Slack; no partner office yet)
 * and submitted the questionnaire: the rows the consent screen and the last questionnaire step write,
 * through the same repositories, then `intake.triage` on the queue as the bot enqueues it. The intake
 * scenario (`--scenario`) shows those steps tap by tap.
 */
export async function newcomerWithIntake(system: System, telegramUserId: number, now: Date) {
  const { ctx } = system;
  const reg = await new ConsentRepository(ctx.db).register({
    telegramUserId,
    chatId: telegramUserId,
    locale: "uk",
    source: "bi-mitte",
    partners: ctx.org.referralTargets.map((p) => ({ partnerId: p.id, granted: false })),
    slack: true,
    conversation: new IntakeRepository(ctx.db, ctx.cipher).toRow(initialState({ locale: "uk" })),
    now,
  });
  const { intakeId, referenceCode } = await new IntakeRepository(ctx.db, ctx.cipher).submit({
    clientId: reg.clientId,
    referencePrefix: referencePrefix(ctx.org.municipality.id),
    now,
    answers: {
      household: "family",
      adults: 1,
      children: 2,
      districtId: "mitte",
      topics: ["work", "education_language", "housing"],
      urgency: [],
      languages: ["uk", "ru"],
      existingSupport: [],
      contactModes: ["in_person"],
      timesOfDay: ["morning"],
      displayName: "Oksana",
    },
  });
  await ctx.producer.enqueue("intake.triage", { intakeId });
  return { clientId: reg.clientId, intakeId, referenceCode };
}
