// The triage override's Block Kit and form parsing: current values preselected, office names escaped,
// no empty select, and the submitted state turned into the decision's request.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../src/i18n/index.ts";
import type { OverrideSummary } from "../../src/modules/triage/override.service.ts";
import { TRIAGE_IDS, triageOverrideModal } from "../../src/slack/blocks/triage-override.ts";
import { staffT } from "../../src/slack/i18n.ts";
import { requestOf } from "../../src/slack/listeners/triage.ts";

const i18n = await createI18n();
const t = staffT(i18n, "en");
const summary: OverrideSummary = {
  intakeId: "0190f0a0-0000-7000-8000-000000000001",
  referenceCode: "BI-2612-AAAA",
  route: "referral",
  referralTarget: "jobcenter",
  urgent: true,
  priority: 14,
  hasCase: false,
};
const partners = [
  { id: "jobcenter", name: "Jobcenter <Mitte>" },
  { id: "mbe", name: "MBE" },
];
type Block = {
  block_id?: string;
  element?: { initial_option?: { value: string }; initial_options?: unknown[]; initial_value?: string };
};
const blocksOf = (v: Record<string, unknown>) => v.blocks as Block[];
const byId = (v: Record<string, unknown>, id: string) => blocksOf(v).find((b) => b.block_id === id);

describe("triageOverrideModal", () => {
  it("preselects the current outcome and carries the intake id", () => {
    const v = triageOverrideModal(summary, partners, t);
    expect(v).toMatchObject({ callback_id: TRIAGE_IDS.view, private_metadata: summary.intakeId });
    expect(byId(v, TRIAGE_IDS.blocks.route)?.element?.initial_option?.value).toBe("referral");
    expect(byId(v, TRIAGE_IDS.blocks.target)?.element?.initial_option?.value).toBe("jobcenter");
    expect(byId(v, TRIAGE_IDS.blocks.urgent)?.element?.initial_options).toHaveLength(1);
    expect(byId(v, TRIAGE_IDS.blocks.priority)?.element?.initial_value).toBe("14");
    expect(JSON.stringify(v)).toContain("Jobcenter &lt;Mitte&gt;");
    expect(JSON.stringify(v)).not.toContain("triage-staff:");
  });
  it("leaves the office out when the org file has none", () => {
    expect(byId(triageOverrideModal(summary, [], t), TRIAGE_IDS.blocks.target)).toBeUndefined();
  });
});

describe("requestOf(view state)", () => {
  const I = TRIAGE_IDS.blocks;
  const body = (values: Record<string, unknown>) => ({
    view: { state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { v }])) } },
  });
  it.each([
    ["kept priority", { [I.priority]: { value: "" } }, { priority: null }],
    ["a number", { [I.priority]: { value: " 30 " } }, { priority: 30 }],
    ["no number", { [I.priority]: { value: "3e1" } }, { priority: Number.NaN }],
    ["urgent ticked", { [I.urgent]: { selected_options: [{ value: "urgent" }] } }, { urgent: true }],
    ["urgent not ticked", { [I.urgent]: { selected_options: [] } }, { urgent: false }],
    [
      "route, office, reason, note",
      {
        [I.route]: { selected_option: { value: "referral" } },
        [I.target]: { selected_option: { value: "mbe" } },
        [I.reason]: { selected_option: { value: "client_request" } },
        [I.note]: { value: " asked for it " },
      },
      { route: "referral", referralTarget: "mbe", reason: "client_request", note: "asked for it" },
    ],
    ["nothing chosen", {}, { route: "", referralTarget: null, reason: "", note: "", urgent: false }],
  ])("%s", (_n, values, expected) => {
    expect(requestOf(body(values) as Parameters<typeof requestOf>[0])).toMatchObject(expected);
  });
});
