// The stored code lists the domain speaks in, as plain unions, so decisions and use cases need not
// import the generated Prisma client for a type. prisma/schema.prisma declares the same enums;
// test/unit/kernel-enums.test.ts stops compiling when the two drift apart.
export type CasePhase =
  | "waiting"
  | "pending_acceptance"
  | "first_consultation"
  | "assessment"
  | "goal_agreement"
  | "service_steering"
  | "reassessment"
  | "closed";
export type ClosureReason =
  | "goals_reached"
  | "moved_away"
  | "referred"
  | "no_contact"
  | "withdrawn"
  | "erased";
export type GoalStatus = "open" | "achieved" | "dropped";
export type ConsentPurpose = "case_management" | "partner_sharing" | "slack_relay";
export type AssignmentStatus = "pending" | "accepted" | "declined" | "expired" | "revoked" | "moved";
