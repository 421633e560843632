// Where a client stands, as the bot tells them (/status and the one status message that is kept up to
// date). Computed by the wait-list module from the database; rendered by the Telegram feature.
export type Standing =
  /** no submitted intake yet (maybe one in progress) */
  | { kind: "none"; intakeInProgress: boolean }
  /** submitted, triage not finished yet */
  | { kind: "submitted"; referenceCode: string }
  /** triage sent the person elsewhere */
  | { kind: "referral"; referenceCode: string; targetId: string; reasonCode: string }
  /** on the wait list for case management */
  | {
      kind: "waiting";
      referenceCode: string;
      position: number;
      total: number;
      etaDays: { low: number; high: number } | null;
    }
  /** offered to a case manager who has not accepted yet: still waiting, but close */
  | { kind: "pending"; referenceCode: string }
  | { kind: "assigned"; referenceCode: string; cmFirstName: string; agencyName: string }
  | { kind: "closed"; referenceCode: string };

export interface StandingSource {
  standingOf(clientId: string, now: Date): Promise<Standing>;
}
