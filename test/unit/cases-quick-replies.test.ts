// The quick reply catalogue: every reply renders in every client locale with its parameters (no
// leftover placeholder, no missing key), every document code and reply has its texts for clients
// and staff, parameters are checked (missing, invalid, in the past), RTL dates are isolated, and
// the modal shows the preview and keeps what was entered.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import {
  DAY_CHOICES,
  DOCUMENT_CODES,
  type ParamKind,
  parseQuickReply,
  QUICK_REPLIES,
  type QuickReplyInput,
  type QuickReplyValues,
  quickReply,
  renderQuickReply,
} from "../../src/modules/cases/quick-replies.ts";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";
import { QUICK_REPLY_IDS, quickReplyModal, readInput } from "../../src/slack/blocks/quick-reply.ts";

const i18n = await createI18n();
const tOf = (lng: string) => {
  const t = i18n.getFixedT(lng);
  return (key: string, opts: Record<string, unknown>) => String(t(key, opts as never));
};
const TZ = "Europe/Berlin";
const TODAY = "2026-12-07";

const sample = (kind: ParamKind): QuickReplyValues =>
  ({
    count: { count: 3 },
    date: { date: "2026-12-10" },
    time: { time: "09:30" },
    documents: { documents: [...DOCUMENT_CODES] },
  })[kind];

describe("quick reply catalogue", () => {
  it("has about ten replies with unique ids", () => {
    expect(QUICK_REPLIES.length).toBeGreaterThanOrEqual(9);
    expect(new Set(QUICK_REPLIES.map((r) => r.id)).size).toBe(QUICK_REPLIES.length);
  });

  for (const lng of CLIENT_LOCALES)
    it(`renders every reply in ${lng} with its parameters`, () => {
      const t = tOf(lng);
      for (const r of QUICK_REPLIES) {
        const values = Object.assign({}, ...r.params.map(sample)) as QuickReplyValues;
        const counts = (r.params as readonly ParamKind[]).includes("count") ? DAY_CHOICES : [undefined];
        for (const count of counts) {
          const text = renderQuickReply(t, lng, TZ, r, count === undefined ? values : { ...values, count });
          expect(text, `${lng} ${r.id}`).not.toMatch(/\{\{|\}\}|quickreplies:|reply\./);
          expect(text.length).toBeGreaterThan(10);
          if (count !== undefined) expect(text).toContain(String(count));
          if (values.time) expect(text).toContain("09:30");
          if (values.date) expect(text).toMatch(/2026/);
          if (values.documents)
            for (const c of DOCUMENT_CODES) expect(text).toContain(t(`quickreplies:doc.${c}`, {}));
        }
      }
    });

  it("has every document code and reply in every client locale and in the staff languages", () => {
    for (const lng of CLIENT_LOCALES) {
      for (const c of DOCUMENT_CODES)
        expect(i18n.exists(`quickreplies:doc.${c}`, { lng, fallbackLng: false }), `${lng} ${c}`).toBe(true);
      for (const r of QUICK_REPLIES)
        expect(
          i18n.exists(`quickreplies:reply.${r.id}`, { lng, count: 2, fallbackLng: false }),
          `${lng} ${r.id}`,
        ).toBe(true);
    }
    for (const lng of ["de", "en"]) {
      for (const c of DOCUMENT_CODES) expect(i18n.exists(`quickreply:doc.${c}`, { lng })).toBe(true);
      for (const r of QUICK_REPLIES) expect(i18n.exists(`quickreply:label.${r.id}`, { lng })).toBe(true);
      for (const l of CLIENT_LOCALES) expect(i18n.exists(`quickreply:language.${l}`, { lng })).toBe(true);
    }
  });

  it("writes the date in the client's language, isolated in Arabic and Persian", () => {
    const r = quickReply("office_closed")!;
    expect(renderQuickReply(tOf("de"), "de", TZ, r, { date: "2026-12-24" })).toContain("24. Dezember 2026");
    for (const lng of ["ar", "fa"]) {
      const text = renderQuickReply(tOf(lng), lng, TZ, r, { date: "2026-12-24" });
      expect(text).toMatch(/\u2068[^\u2069]*24[^\u2069]*\u2069/);
    }
  });
});

describe("parseQuickReply", () => {
  const cases: [string, QuickReplyInput, ReturnType<typeof parseQuickReply>][] = [
    ["no reply chosen", { replyId: "" }, { ok: false, errors: { reply: "missing" } }],
    ["unknown reply", { replyId: "nope" }, { ok: false, errors: { reply: "invalid" } }],
    [
      "no parameters",
      { replyId: "reply_yes_no", date: "2000-01-01" },
      { ok: true, reply: quickReply("reply_yes_no")!, values: {} },
    ],
    ["missing date", { replyId: "call_on" }, { ok: false, errors: { date: "missing" } }],
    ["date in the past", { replyId: "call_on", date: "2026-12-06" }, { ok: false, errors: { date: "past" } }],
    [
      "not a day",
      { replyId: "office_closed", date: "2026-02-30" },
      { ok: false, errors: { date: "invalid" } },
    ],
    [
      "today is fine",
      { replyId: "office_closed", date: TODAY },
      { ok: true, reply: quickReply("office_closed")!, values: { date: TODAY } },
    ],
    [
      "bad time, missing date",
      { replyId: "appointment_confirmed", time: "25:00" },
      { ok: false, errors: { date: "missing", time: "invalid" } },
    ],
    ["days off the menu", { replyId: "received", count: "30" }, { ok: false, errors: { count: "invalid" } }],
    [
      "days",
      { replyId: "received", count: "5" },
      { ok: true, reply: quickReply("received")!, values: { count: 5 } },
    ],
    [
      "no documents",
      { replyId: "bring_documents", documents: [] },
      { ok: false, errors: { documents: "missing" } },
    ],
    [
      "unknown document",
      { replyId: "bring_documents", documents: ["passport", "x"] },
      { ok: false, errors: { documents: "invalid" } },
    ],
    [
      "documents in catalogue order, once",
      { replyId: "bring_documents", documents: ["rental_contract", "passport", "passport"] },
      {
        ok: true,
        reply: quickReply("bring_documents")!,
        values: { documents: ["passport", "rental_contract"] },
      },
    ],
  ];
  for (const [name, input, expected] of cases)
    it(name, () => expect(parseQuickReply(input, TODAY)).toEqual(expected));
});

describe("quick reply modal", () => {
  const t = (key: string, opts?: Record<string, unknown>) => String(i18n.getFixedT("de")(key, opts as never));

  it("shows the chosen reply's fields, the preview and keeps the entered values", () => {
    const view = quickReplyModal({
      caseId: "c1",
      referenceCode: "BI-1",
      input: { replyId: "appointment_confirmed", date: "2026-12-10", time: "09:30" },
      preview: {
        kind: "text",
        language: "Arabisch",
        clientText: "نص",
        germanText: "Ihr Termin ist bestätigt",
        blocked: null,
      },
      t,
    }) as { blocks: { block_id?: string; element?: Record<string, unknown> }[]; private_metadata: string };
    const ids = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual([QUICK_REPLY_IDS.replyBlock, "qr_p_date", "qr_p_time"]);
    expect(view.private_metadata).toBe("c1|BI-1");
    const json = JSON.stringify(view);
    expect(json).toContain("Das liest die Person (Arabisch)");
    expect(json).toContain("> Ihr Termin ist bestätigt");
    expect(view.blocks[2]!.element!.initial_date).toBe("2026-12-10");
  });

  it("reads Slack's view state back into the input", () => {
    const input = readInput({
      qr_reply: { qr_pick: { selected_option: { value: "bring_documents" } } },
      qr_p_documents: { qr_param_documents: { selected_options: [{ value: "passport" }] } },
    });
    expect(input).toMatchObject({ replyId: "bring_documents", documents: ["passport"], date: "" });
  });
});
