import type { InlineKeyboardMarkup } from "grammy/types";
import { describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { CLIENT_LOCALES } from "../../src/modules/intake/answers.ts";
import {
  type FlowConfig,
  initialState,
  type QuestionStep,
  STEPS,
  sectionsFor,
  viewOf,
} from "../../src/modules/intake/flow.ts";
import { CALLBACK_DATA_MAX_BYTES, createCallbackCodec } from "../../src/telegram/callback-data.ts";
import {
  bitsToChoices,
  CB,
  choicesToBits,
  consentKeyboard,
  consentManageKeyboard,
  LOCALE_NATIVE_NAMES,
  languagePicker,
  MARK,
  noChoices,
  partnerFingerprint,
  partnerWithdrawKeyboard,
  purposeOfCode,
  questionKeyboard,
  summaryKeyboard,
} from "../../src/telegram/keyboards.ts";

const codec = createCallbackCodec("42:keyboard-test-token-xxxxxxxxxxxx");
const sign = (p: string) => codec.encode(p);
const t = (key: string, params?: Record<string, unknown>) =>
  params ? `${key}(${JSON.stringify(params)})` : key;

const buttons = (k: InlineKeyboardMarkup) =>
  k.inline_keyboard
    .flat()
    .map((b) => ({ text: b.text, data: "callback_data" in b ? b.callback_data : undefined }));
const payloads = (k: InlineKeyboardMarkup) =>
  buttons(k).map((b) => {
    const d = codec.decode(b.data);
    if (!d.ok) throw new Error(`button ${b.text} has invalid data ${b.data}`);
    return d.payload;
  });

describe("language picker", () => {
  it("offers all twelve languages by their own names, each once", () => {
    const k = languagePicker(sign);
    expect(payloads(k).sort()).toEqual(CLIENT_LOCALES.map((l) => `l:${l}`).sort());
    expect(buttons(k).map((b) => b.text)).toContain("العربية");
    expect(buttons(k).map((b) => b.text)).toContain("Українська");
  });

  it("puts Telegram's suggestion first and marks it", () => {
    const k = languagePicker(sign, "fa");
    expect(k.inline_keyboard[0]).toHaveLength(1);
    expect(buttons(k)[0]).toMatchObject({ text: `${MARK.chosen}${LOCALE_NATIVE_NAMES.fa}` });
    expect(payloads(k)[0]).toBe("l:fa");
    expect(payloads(k).filter((p) => p === "l:fa")).toHaveLength(1);
  });
});

describe("consent keyboards", () => {
  const offices = [
    { id: "jobcenter", name: "Jobcenter Bielefeld" },
    { id: "immigration-office", name: "Ausländerbehörde" },
  ];
  const fp = partnerFingerprint(offices.map((o) => o.id));

  it("one numbered toggle per office, then Slack; each toggle carries the state after the tap", () => {
    const k = consentKeyboard(t, sign, { slack: false, partners: [true, false] }, offices);
    expect(payloads(k)).toEqual([`c:t:000:${fp}`, `c:t:011:${fp}`, `c:t:110:${fp}`, `c:y:010:${fp}`, "c:n"]);
    expect(buttons(k).map((b) => b.text)).toEqual([
      `${MARK.on}2.1 Jobcenter Bielefeld`,
      `${MARK.off}2.2 Ausländerbehörde`,
      `${MARK.off}3 consent.toggle.slack`,
      "consent.agree",
      "consent.decline",
    ]);
  });

  it("bits round-trip and reject garbage, other lengths and another office list", () => {
    for (const c of [
      { slack: false, partners: [false, false] },
      { slack: true, partners: [true, true] },
      { slack: false, partners: [false, true] },
    ]) {
      const [bits, f] = choicesToBits(c, fp).split(":");
      expect(bitsToChoices(bits, f, offices)).toEqual(c);
    }
    expect(bitsToChoices("2x0", fp, offices)).toBeUndefined();
    expect(bitsToChoices("0101", fp, offices)).toBeUndefined();
    expect(bitsToChoices("01", fp, offices)).toBeUndefined();
    expect(bitsToChoices(undefined, fp, offices)).toBeUndefined();
    // the same number of offices in another order: the old buttons are outdated
    expect(bitsToChoices("010", fp, [...offices].reverse())).toBeUndefined();
    expect(bitsToChoices("010", undefined, offices)).toBeUndefined();
    expect(noChoices(offices)).toEqual({ slack: false, partners: [false, false] });
  });

  it.each(["orgs/bielefeld.yaml", "orgs/kreis-warendorf.yaml"])(
    "every consent button fits in 64 bytes, also with every office on (%s)",
    async (file) => {
      const org = await loadOrganisation(file);
      const list = org.referralTargets.map((r) => ({ id: r.id, name: r.name }));
      const all = { slack: true, partners: list.map(() => true) };
      const keyboards = [
        consentKeyboard(t, sign, all, list),
        consentManageKeyboard(
          t,
          sign,
          { case_management: true, slack_relay: true },
          list.map((o) => ({ ...o, covered: true })),
        ),
        partnerWithdrawKeyboard(t, sign, list),
      ];
      for (const k of keyboards)
        for (const b of buttons(k))
          expect(Buffer.byteLength(b.data!)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    },
  );

  it("/consent offers withdraw for given and give for missing consents, per office in between", () => {
    const k = consentManageKeyboard(t, sign, { case_management: true, slack_relay: false }, [
      { ...offices[0]!, covered: true },
      { ...offices[1]!, covered: false },
    ]);
    expect(payloads(k)).toEqual(["k:cm:0", "k:po:jobcenter:0", "k:po:immigration-office:1", "k:sr:1"]);
    expect(buttons(k)[0]!.text).toContain("consent.manage.withdraw");
    expect(buttons(k)[1]!.text).toBe('consent.manage.withdraw({"purpose":"Jobcenter Bielefeld"})');
    expect(buttons(k)[2]!.text).toBe('consent.manage.give({"purpose":"Ausländerbehörde"})');
    expect(purposeOfCode("ps")).toBe("partner_sharing");
    expect(purposeOfCode("xx")).toBeUndefined();
  });

  it("/mydata: a withdraw button for each office released", () => {
    const k = partnerWithdrawKeyboard(t, sign, [offices[1]!]);
    expect(payloads(k)).toEqual(["k:pw:immigration-office"]);
  });

  it("the fingerprint depends on the ids and their order", () => {
    expect(partnerFingerprint(["a", "b"])).toMatch(/^[0-9a-z]{4}$/);
    expect(partnerFingerprint(["a", "b"])).not.toBe(partnerFingerprint(["b", "a"]));
    expect(partnerFingerprint(["a", "b"])).toBe(partnerFingerprint(["a", "b"]));
  });
});

describe("question keyboards", () => {
  const label = (step: QuestionStep, value: string) => `${step}.${value}`;

  it.each(["orgs/bielefeld.yaml", "orgs/kreis-warendorf.yaml"])(
    "every button of every step fits in 64 bytes (%s)",
    async (file) => {
      const org = await loadOrganisation(file);
      const config: FlowConfig = {
        districtIds: org.regions.flatMap((r) => r.districts.map((d) => d.id)),
        thisYear: 2026,
      };
      for (const step of STEPS.filter((s) => s !== "summary") as QuestionStep[]) {
        const v = viewOf({ ...initialState(), step }, config);
        if (v.kind !== "question") throw new Error("question expected");
        const k = questionKeyboard(v, { t, sign, label });
        for (const b of buttons(k))
          expect(Buffer.byteLength(b.data!)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
        expect(payloads(k).every((p) => p.startsWith(`i:${CB.intake(step, "b").split(":")[1]}:`))).toBe(true);
      }
      for (const b of buttons(summaryKeyboard(t, sign)))
        expect(Buffer.byteLength(b.data!)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    },
  );

  const config: FlowConfig = { districtIds: ["mitte", "heepen"], thisYear: 2026 };

  it("a multi-select step: toggles with marks, then back, none and done", () => {
    const v = viewOf(
      { ...initialState(), step: "urgency", draft: { ...initialState().draft, urgency: ["eviction"] } },
      config,
    );
    if (v.kind !== "question") throw new Error();
    const k = questionKeyboard(v, { t, sign, label });
    expect(payloads(k)).toEqual([
      "i:ur:u:eviction",
      "i:ur:y:benefits_loss",
      "i:ur:y:health_emergency",
      "i:ur:y:authority_deadline",
      "i:ur:b",
      "i:ur:n",
      "i:ur:d",
    ]);
    expect(buttons(k)[0]!.text).toBe(`${MARK.chosen}urgency.eviction`);
    expect(buttons(k)[1]!.text).toBe(`${MARK.off}urgency.benefits_loss`);
  });

  it("a single choice step has no controls on the first question", () => {
    const v = viewOf(initialState(), config);
    if (v.kind !== "question") throw new Error();
    const k = questionKeyboard(v, { t, sign, label });
    expect(payloads(k)).toEqual(["i:hh:c:single", "i:hh:c:family"]);
    expect(k.inline_keyboard).toHaveLength(1);
  });

  it("the suggested district is marked", () => {
    const draft = { ...initialState().draft, suggestedDistrictId: "heepen" };
    const v = viewOf({ ...initialState(), step: "district", draft }, config);
    if (v.kind !== "question") throw new Error();
    const k = questionKeyboard(v, { t, sign, label });
    expect(buttons(k)[0]!.text).toBe(`${MARK.suggested}district.heepen`);
  });

  it("the country step: countries two per row, 'other' on a row of its own, then back and skip", () => {
    const v = viewOf({ ...initialState(), step: "origin" }, config);
    if (v.kind !== "question") throw new Error();
    const k = questionKeyboard(v, { t, sign, label });
    expect(k.inline_keyboard[0]!.map((b) => (b as { text: string }).text)).toEqual([
      "origin.UA",
      "origin.SY",
    ]);
    const rows = k.inline_keyboard.map((r) => r.length);
    // 19 countries: nine full rows and one of one, then "other", then the controls
    expect(rows).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2]);
    expect(payloads(k).slice(-3)).toEqual(["i:or:c:other", "i:or:b", "i:or:s"]);
  });

  it("the year step: years four per row, then 'earlier' and 'don't know' on rows of their own", () => {
    const v = viewOf({ ...initialState(), step: "arrival" }, config);
    if (v.kind !== "question") throw new Error();
    const k = questionKeyboard(v, { t, sign, label });
    expect(k.inline_keyboard.map((r) => r.length)).toEqual([4, 4, 1, 1, 2]);
    expect(payloads(k)[0]).toBe("i:ar:c:2026");
    expect(payloads(k).slice(-4)).toEqual(["i:ar:c:earlier", "i:ar:c:unknown", "i:ar:b", "i:ar:s"]);
  });

  it("the name step offers back and skip only", () => {
    const v = viewOf({ ...initialState(), step: "name" }, config);
    if (v.kind !== "question") throw new Error();
    expect(payloads(questionKeyboard(v, { t, sign, label }))).toEqual(["i:na:b", "i:na:s"]);
  });

  it("the summary offers an edit per section, back and send", () => {
    expect(payloads(summaryKeyboard(t, sign))).toEqual([
      "i:sm:e:household",
      "i:sm:e:district",
      "i:sm:e:topics",
      "i:sm:e:urgency",
      "i:sm:e:languages",
      "i:sm:e:support",
      "i:sm:e:contact",
      "i:sm:e:name",
      "i:sm:e:about",
      "i:sm:b",
      "i:sm:x",
    ]);
    // an existing client's summary has no "about you" section to edit
    expect(payloads(summaryKeyboard(t, sign, sectionsFor({ askAbout: false })))).not.toContain(
      "i:sm:e:about",
    );
  });
});
