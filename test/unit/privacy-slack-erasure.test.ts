// The plan of an erasure's Slack clean-up: what is deleted, what is neutralised, each message once.
import { describe, expect, it } from "vitest";
import {
  type CaseSlackRefs,
  cleanupOutcomeOfError,
  planSlackErasure,
  type SlackCleanup,
  slackErasureCounts,
} from "../../src/modules/privacy/slack-erasure.ts";

const none = { channel: null, ts: null };
const refs = (over: Partial<CaseSlackRefs>): CaseSlackRefs => ({
  cards: [],
  thread: none,
  relayed: [],
  deputyCopies: [],
  ...over,
});
const del = (source: SlackCleanup["source"], channel: string, ts: string): SlackCleanup => ({
  action: "delete",
  source,
  channel,
  ts,
});
const upd = (source: SlackCleanup["source"], channel: string, ts: string): SlackCleanup => ({
  action: "update",
  source,
  channel,
  ts,
});

describe("planSlackErasure", () => {
  const cases: { name: string; refs: CaseSlackRefs; plan: SlackCleanup[] }[] = [
    { name: "a case that never reached Slack", refs: refs({}), plan: [] },
    {
      name: "cards not posted yet and a message held (no ts) leave nothing",
      refs: refs({ cards: [{ channel: null, ts: null }], relayed: [{ channel: null, ts: null }] }),
      plan: [],
    },
    {
      name: "accepted card as thread: messages and deputy copy deleted, the card updated once",
      refs: refs({
        cards: [{ channel: "DANNA", ts: "1.1" }],
        thread: { channel: "DANNA", ts: "1.1" },
        relayed: [
          { channel: "DANNA", ts: "1.2" },
          { channel: "DANNA", ts: "1.3" },
        ],
        deputyCopies: [{ channel: "DBEN", ts: "9.1" }],
      }),
      plan: [
        del("relayed", "DANNA", "1.2"),
        del("relayed", "DANNA", "1.3"),
        del("deputy_copy", "DBEN", "9.1"),
        upd("card", "DANNA", "1.1"),
      ],
    },
    {
      name: "every card of the case (declined, moved) and a thread root of its own",
      refs: refs({
        cards: [
          { channel: "DOTHER", ts: "2.1" },
          { channel: "DANNA", ts: "3.1" },
        ],
        thread: { channel: "CTHREADS", ts: "4.1" },
      }),
      plan: [upd("card", "DOTHER", "2.1"), upd("card", "DANNA", "3.1"), upd("thread", "CTHREADS", "4.1")],
    },
    {
      name: "a message stored before its channel was recorded is looked for in every thread channel",
      refs: refs({
        cards: [
          { channel: "DOLD", ts: "2.1" },
          { channel: "DANNA", ts: "3.1" },
        ],
        thread: { channel: "DANNA", ts: "3.1" },
        relayed: [{ channel: null, ts: "2.5" }],
      }),
      plan: [
        del("relayed", "DANNA", "2.5"),
        del("relayed", "DOLD", "2.5"),
        upd("card", "DOLD", "2.1"),
        upd("card", "DANNA", "3.1"),
      ],
    },
    {
      name: "a message stored with the root's ts (post without ts) is not deleted: the root is updated",
      refs: refs({
        cards: [{ channel: "DANNA", ts: "3.1" }],
        thread: { channel: "DANNA", ts: "3.1" },
        relayed: [{ channel: "DANNA", ts: "3.1" }],
      }),
      plan: [upd("card", "DANNA", "3.1")],
    },
    {
      name: "a deputy copy with no ts recorded is skipped, a repeated one listed once",
      refs: refs({
        deputyCopies: [
          { channel: "DBEN", ts: null },
          { channel: "DBEN", ts: "9.1" },
          { channel: "DBEN", ts: "9.1" },
        ],
      }),
      plan: [del("deputy_copy", "DBEN", "9.1")],
    },
  ];
  for (const c of cases) it(c.name, () => expect(planSlackErasure(c.refs)).toEqual(c.plan));
});

describe("cleanupOutcomeOfError", () => {
  const table: [string | undefined, ReturnType<typeof cleanupOutcomeOfError>][] = [
    ["message_not_found", "not_found"],
    ["channel_not_found", "not_found"],
    ["cant_delete_message", "refused"],
    ["cant_update_message", "refused"],
    ["ratelimited", null],
    ["internal_error", null],
    ["fatal_error", null],
    [undefined, null],
  ];
  for (const [code, outcome] of table)
    it(`${code ?? "(no code)"} → ${outcome ?? "retry"}`, () => expect(cleanupOutcomeOfError(code)).toBe(outcome));
});

describe("slackErasureCounts", () => {
  it("counts by outcome", () => {
    expect(
      slackErasureCounts([
        { action: "delete", outcome: "deleted" },
        { action: "delete", outcome: "not_found" },
        { action: "update", outcome: "updated" },
        { action: "update", outcome: "refused" },
        { action: "delete", outcome: "deleted" },
      ]),
    ).toEqual({ deleted: 2, updated: 1, notFound: 1, refused: 1 });
  });
});
