// The domain's code lists (src/modules/kernel/enums.ts) are the database's enums: a value added to
// one side only fails type checking here (tsc covers test/), and the runtime check below.
import { describe, expect, expectTypeOf, it } from "vitest";
import * as db from "../../src/generated/prisma/enums.ts";
import type {
  AssignmentStatus,
  CasePhase,
  ClosureReason,
  ConsentPurpose,
  GoalStatus,
} from "../../src/modules/kernel/enums.ts";

describe("kernel enums", () => {
  it("equal the Prisma enums", () => {
    expectTypeOf<CasePhase>().toEqualTypeOf<db.CasePhase>();
    expectTypeOf<ClosureReason>().toEqualTypeOf<db.ClosureReason>();
    expectTypeOf<GoalStatus>().toEqualTypeOf<db.GoalStatus>();
    expectTypeOf<ConsentPurpose>().toEqualTypeOf<db.ConsentPurpose>();
    expectTypeOf<AssignmentStatus>().toEqualTypeOf<db.AssignmentStatus>();
    const phases: Record<CasePhase, true> = {
      waiting: true,
      pending_acceptance: true,
      first_consultation: true,
      assessment: true,
      goal_agreement: true,
      service_steering: true,
      reassessment: true,
      closed: true,
    };
    expect(Object.keys(phases).sort()).toEqual(Object.values(db.CasePhase).sort());
  });
});
