// Small pure pieces of the dispatcher's integration half: the org → triage rule mapping, UUIDv7,
// the stored ETA format, and which database errors a transaction retries.
import { describe, expect, it } from "vitest";
import { loadOrganisation } from "../../src/config/org.load.ts";
import { isRetryableTxError } from "../../src/db/tx.ts";
import { uuid7 } from "../../src/modules/matching/uuid7.ts";
import { triageRulesFromOrg } from "../../src/modules/triage/rules.ts";
import { triage } from "../../src/modules/triage/triage.ts";
import { estimateWait, isMeaningfulChange } from "../../src/modules/waitlist/eta.ts";
import {
  estimateParams,
  etaToString,
  lastToldEstimate,
} from "../../src/modules/waitlist/waitlist.repository.ts";

describe("triageRulesFromOrg", () => {
  it("maps Bielefeld's file onto the triage rules", async () => {
    const org = await loadOrganisation("orgs/bielefeld.yaml");
    const rules = triageRulesFromOrg(org.triage);
    expect(rules.existingCmReferral).toEqual([
      { support: "sgb2", target: "jobcenter" },
      { support: "sgb3", target: "employment-agency" },
      { support: "sgb8", target: "youth-welfare" },
    ]);
    expect(rules.parallelServices).toEqual({
      mbe: { mode: "coordinate", target: "mbe" },
      jmd: { mode: "coordinate", target: "jmd" },
    });
    expect(rules.simpleTopicReferral).toEqual({
      leisure: "sport-integration",
      residence: "immigration-office",
    });
    expect(rules.urgencyWeights.eviction).toBe(20);
    expect(rules.vulnerability).toEqual({ childrenPresent: 5, singleParent: 5, healthTopic: 5 });
    const base = { adults: 1, children: 0, topics: ["housing" as const], urgency: [], existingSupport: [] };
    expect(triage({ ...base, existingSupport: ["sgb2"] }, rules)).toMatchObject({
      route: "referral",
      referralTarget: "jobcenter",
    });
    expect(triage({ ...base, topics: ["residence"] }, rules)).toMatchObject({
      route: "referral",
      referralTarget: "immigration-office",
    });
    expect(triage({ ...base, existingSupport: ["mbe"] }, rules)).toMatchObject({
      route: "case_management",
      notes: ["coordinate_with_mbe"],
    });
  });

  it("'continue' for an SGB entry means no referral; a target for MBE means refer", async () => {
    const org = await loadOrganisation("orgs/bielefeld.yaml");
    const rules = triageRulesFromOrg({
      ...org.triage,
      referralForExistingSupport: { ...org.triage.referralForExistingSupport, sgb3: "continue", mbe: "mbe" },
    });
    expect(rules.existingCmReferral.map((r) => r.support)).toEqual(["sgb2", "sgb8"]);
    expect(rules.parallelServices.mbe).toEqual({ mode: "refer", target: "mbe" });
  });
});

describe("uuid7", () => {
  it("is a version-7 UUID whose first 48 bits are the time, so ids sort by creation", () => {
    const a = uuid7(1_700_000_000_000);
    const b = uuid7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(Number.parseInt(a.replace(/-/g, "").slice(0, 12), 16)).toBe(1_700_000_000_000);
    expect(new Set(Array.from({ length: 1000 }, () => uuid7())).size).toBe(1000);
  });
});

describe("stored ETA", () => {
  const now = new Date("2026-03-02T09:00:00Z");
  it("round-trips through lastNotifiedPosition/Eta so isMeaningfulChange compares like with like", () => {
    const e = estimateWait({ position: 12, throughputPerDay: 0.5, freeSlotsNow: 0, now });
    expect(etaToString(e)).toBe("14-35"); // 24 days ± 30 %, widened to whole weeks
    const told = lastToldEstimate(12, etaToString(e));
    expect(told?.etaDays).toEqual(e.etaDays);
    expect(isMeaningfulChange(told, e)).toBe(false);
    expect(isMeaningfulChange(lastToldEstimate(null, null), e)).toBe(true);
    const unknown = estimateWait({ position: 3, throughputPerDay: null, freeSlotsNow: 0, now });
    expect(etaToString(unknown)).toBe("unknown");
    expect(lastToldEstimate(3, "unknown")?.etaDays).toBeNull();
  });

  it("gives template params without etaLow/etaHigh when unknown", () => {
    const unknown = estimateWait({ position: 3, throughputPerDay: null, freeSlotsNow: 0, now });
    expect(estimateParams({ position: 3, total: 9, estimate: unknown })).toEqual({
      position: 3,
      total: 9,
      etaBucket: "unknown",
    });
    const soon = estimateWait({ position: 1, throughputPerDay: null, freeSlotsNow: 2, now });
    expect(estimateParams({ position: 1, total: 9, estimate: soon })).toEqual({
      position: 1,
      total: 9,
      etaBucket: "soon",
      etaLow: 0,
      etaHigh: 2,
    });
  });
});

describe("isRetryableTxError", () => {
  it("retries deadlocks and serialization failures however they are wrapped", () => {
    expect(isRetryableTxError({ code: "P2034" })).toBe(true);
    expect(
      isRetryableTxError({
        code: "P2010",
        meta: { driverAdapterError: { cause: { originalCode: "40P01" } } },
      }),
    ).toBe(true);
    expect(isRetryableTxError(new Error("deadlock detected"))).toBe(true);
    expect(isRetryableTxError({ cause: { code: "40001" } })).toBe(true);
    expect(isRetryableTxError({ code: "P2002" })).toBe(false);
    expect(isRetryableTxError(new Error("duplicate key value"))).toBe(false);
  });
});
