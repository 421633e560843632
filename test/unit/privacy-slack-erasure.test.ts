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
const r = (channel: string, ts: string) => ({ channel, ts });
const refs = (over: Partial<CaseSlackRefs>): CaseSlackRefs => ({
  cards: [],
  thread: none,
  relayed: [],
  deputyCopies: [],
  ...over,
});
/** one clean-up as "<action> <source> <channel> <ts>" */
const show = (c: SlackCleanup) => `${c.action} ${c.source} ${c.channel} ${c.ts}`;

describe("planSlackErasure", () => {
  const cases: { name: string; refs: CaseSlackRefs; plan: string[] }[] = [
    { name: "a case that never reached Slack", refs: refs({}), plan: [] },
    {
      name: "cards not posted yet and a message held (no ts) leave nothing",
      refs: refs({ cards: [{ channel: null, ts: null }], relayed: [{ channel: null, ts: null }] }),
      plan: [],
    },
    {
      name: "accepted card as thread: messages and deputy copy deleted, the card updated once",
      refs: refs({
        cards: [r("DANNA", "1.1")],
        thread: r("DANNA", "1.1"),
        relayed: [r("DANNA", "1.2"), r("DANNA", "1.3")],
        deputyCopies: [r("DBEN", "9.1")],
      }),
      plan: [
        "delete relayed DANNA 1.2",
        "delete relayed DANNA 1.3",
        "delete deputy_copy DBEN 9.1",
        "update card DANNA 1.1",
      ],
    },
    {
      name: "every card of the case (declined, moved) and a thread root of its own",
      refs: refs({
        cards: [r("DOTHER", "2.1"), r("DANNA", "3.1")],
        thread: r("CTHREADS", "4.1"),
      }),
      plan: ["update card DOTHER 2.1", "update card DANNA 3.1", "update thread CTHREADS 4.1"],
    },
    {
      name: "a message stored before its channel was recorded is looked for in every thread channel",
      refs: refs({
        cards: [r("DOLD", "2.1"), r("DANNA", "3.1")],
        thread: r("DANNA", "3.1"),
        relayed: [{ channel: null, ts: "2.5" }],
      }),
      plan: [
        "delete relayed DANNA 2.5",
        "delete relayed DOLD 2.5",
        "update card DOLD 2.1",
        "update card DANNA 3.1",
      ],
    },
    {
      name: "a message stored with the root's ts (post without ts) is not deleted: the root is updated",
      refs: refs({
        cards: [r("DANNA", "3.1")],
        thread: r("DANNA", "3.1"),
        relayed: [r("DANNA", "3.1")],
      }),
      plan: ["update card DANNA 3.1"],
    },
    {
      name: "a deputy copy with no ts recorded is skipped, a repeated one listed once",
      refs: refs({
        deputyCopies: [{ channel: "DBEN", ts: null }, r("DBEN", "9.1"), r("DBEN", "9.1")],
      }),
      plan: ["delete deputy_copy DBEN 9.1"],
    },
  ];
  for (const c of cases) it(c.name, () => expect(planSlackErasure(c.refs).map(show)).toEqual(c.plan));
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
    it(`${code ?? "(no code)"} → ${outcome ?? "retry"}`, () =>
      expect(cleanupOutcomeOfError(code)).toBe(outcome));
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
