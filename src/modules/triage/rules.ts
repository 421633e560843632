// The organisation file states triage rules in the terms a municipality decides on (which existing
// support leads where, one vulnerability figure); the pure triage works with a richer rule set. This
// is the one mapping between the two.
import { CONTINUE_WITHOUT_REFERRAL, type TriageRules as OrgTriageRules } from "../../config/org.schema.ts";
import {
  DEFAULT_TRIAGE_RULES,
  type PARALLEL_SERVICES,
  SGB_CASE_MANAGEMENT,
  type TriageRules,
} from "./triage.ts";

/**
 * - `referralForExistingSupport`: an SGB II/III/VIII entry with a target becomes an existing-CM
 *   referral (precedence sgb2, sgb3, sgb8); "continue" means no referral. MBE/JMD with "continue"
 *   coordinate (case opened with a note), with a target they refer.
 * - `vulnerabilityPoints` is the one figure for each vulnerability signal (children present, single
 *   parent, health topic).
 * - the household cap has no setting in the file and keeps the default.
 */
export function triageRulesFromOrg(org: OrgTriageRules): TriageRules {
  const existingCmReferral = SGB_CASE_MANAGEMENT.flatMap((support) => {
    const target = org.referralForExistingSupport[support];
    return target && target !== CONTINUE_WITHOUT_REFERRAL ? [{ support, target }] : [];
  });
  const parallel = (service: (typeof PARALLEL_SERVICES)[number]) => {
    const target = org.referralForExistingSupport[service];
    return !target || target === CONTINUE_WITHOUT_REFERRAL
      ? { mode: "coordinate" as const, target: service }
      : { mode: "refer" as const, target };
  };
  const v = org.vulnerabilityPoints;
  return {
    urgencyWeights: { ...DEFAULT_TRIAGE_RULES.urgencyWeights, ...org.urgencyWeights },
    householdWeightPerPerson: org.householdWeightPerPerson,
    householdWeightCap: DEFAULT_TRIAGE_RULES.householdWeightCap,
    vulnerability: { childrenPresent: v, singleParent: v, healthTopic: v },
    existingCmReferral,
    parallelServices: { mbe: parallel("mbe"), jmd: parallel("jmd") },
    simpleTopicReferral: { ...org.simpleTopicReferral },
  };
}
