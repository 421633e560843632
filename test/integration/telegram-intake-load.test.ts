// Many chats at once through the real webhook stack (test/support/intake-load.ts, small N): every
// update is handled exactly once — also those Telegram delivers twice —, the updates of one chat run
// in the order they were sent and never overlap, and every finished questionnaire is one Intake row
// and one intake.triage job. Timings are bench/intake.ts's business, not this test's.
import { describe, expect, it } from "vitest";
import { FULL_INTAKE_STEPS, runIntakeLoad } from "../support/intake-load.ts";

describe("Telegram intake under concurrent load", () => {
  it("loses, duplicates and reorders nothing across 50 chats", async () => {
    const r = await runIntakeLoad({
      label: "intake_load_it",
      chats: 50,
      steps: 4,
      fullEvery: 10,
      connections: 20,
      redeliverShare: 0.2,
      pipelineShare: 0.2,
    });
    expect(r.sent).toBe(45 * 4 + 5 * FULL_INTAKE_STEPS);
    expect(r.redelivered).toBeGreaterThan(0);
    expect(r.pipelined).toBeGreaterThan(0);
    expect(r.handled).toBe(r.sent);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.outOfOrderChats).toBe(0);
    expect(r.overlaps).toBe(0);
    expect(r.handlerErrors).toBe(0);
    expect(r.fullChats).toBe(5);
    expect(r.intakes).toBe(5);
    expect(r.triageJobs).toBe(5);
  }, 120_000);
});
