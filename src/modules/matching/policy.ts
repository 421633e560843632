// The organisation's policy in the terms of the pure matching code.
import type { Policy } from "../../config/org.schema.ts";
import type { MatchPolicy } from "./types.ts";

export interface MatchingOptions {
  /**
   * Treat persons per FTE as a hard limit too. Default false: the KIM standard is 26 cases with
   * "about" 80 persons, so persons guide (they show in loads) but do not block an assignment.
   */
  usePersons?: boolean;
}

export function matchPolicyOf(policy: Policy, opts: MatchingOptions = {}): MatchPolicy {
  return {
    casesPerFte: policy.casesPerFte,
    personsPerFte: policy.personsPerFte,
    usePersons: opts.usePersons ?? false,
    regionBound: policy.regionBound,
  };
}
