// What the Slack listeners need from the rest of anlauf, as narrow interfaces. The listeners and the
// delivery worker depend on these only; src/slack/adapters.ts builds them from the real services
// (AssignmentService, CapacityService, RebalanceService …) and from read queries (queries.ts).
// Authorisation by role happens in the listeners (src/modules/staff/identity.ts); ownership of an
// offer is checked again inside the service's transaction.

import type { CaseDetailsData, DetailsRefusal } from "../modules/cases/case-details.service.ts";
import type { DigestView } from "../modules/cases/monitoring.service.ts";
import type { AuthVia, StaffActor } from "../modules/staff/authorize.ts";
import type { DeputyService } from "../modules/staff/deputy.service.ts";
import type { TriageOverrideService } from "../modules/triage/override.service.ts";

export type Fail<R extends string> = { ok: false; reason: R };
export type Ok<T = object> = { ok: true } & T;

// ───────────────────────────── identity ─────────────────────────────

export interface StaffDirectory {
  /** the active or inactive case manager with this Slack user id; null for unknown users */
  bySlackUser(slackUserId: string): Promise<StaffActor | null>;
  byId(cmId: string): Promise<StaffActor | null>;
  /** staff language from Slack's users.info locale (cached); German by default */
  languageOf(slackUserId: string): Promise<"de" | "en">;
}

// ───────────────────────────── actions ─────────────────────────────

export type DecisionFailure = "not_found" | "not_yours" | "already_decided";

export interface AssignmentActions {
  /** only the offered case manager, only a pending offer; the card is refreshed by the service */
  accept(assignmentId: string, cmId: string): Promise<Ok | Fail<DecisionFailure>>;
  decline(assignmentId: string, cmId: string, reason: string): Promise<Ok | Fail<DecisionFailure>>;
}

export type ReassignFailure =
  | "not_found"
  | "closed"
  | "same_cm"
  | "target_inactive"
  | "not_assigned"
  | "not_allowed";

export interface ReassignActions {
  /** moves an open case to another case manager (team lead decision, reason recorded) */
  reassign(
    caseId: string,
    toCmId: string,
    byCmId: string,
    reason: string,
  ): Promise<Ok | Fail<ReassignFailure>>;
}

export type CapacityFailure = "not_found" | "not_allowed" | "invalid";

export interface CapacityActions {
  /** null clears the override (back to fte × cases per FTE) */
  setCapacity(
    cmId: string,
    cases: number | null,
    byCmId: string,
  ): Promise<Ok<{ before: number; after: number }> | Fail<CapacityFailure>>;
  addAbsence(
    cmId: string,
    from: Date,
    to: Date,
    byCmId: string,
    note?: string,
    deputyId?: string | null,
  ): Promise<Ok | Fail<CapacityFailure>>;
  endAbsence(absenceId: string, byCmId: string): Promise<Ok | Fail<CapacityFailure>>;
}

export interface ProposalMove {
  caseId: string;
  referenceCode: string;
  fromCmId: string;
  fromName: string;
  toCmId: string;
  toName: string;
  reason: string;
}

export interface ProposalView {
  id: string;
  createdAt: Date;
  moves: ProposalMove[];
  /** agencies of every case manager the moves touch (for the approval check) */
  agencyIds: string[];
}

export type RebalanceFailure = "not_found" | "not_open" | "stale" | "not_allowed";

export interface RebalanceActions {
  /** the open proposal, if any */
  current(): Promise<ProposalView | null>;
  /** computes and stores a fresh proposal (or null when the load is even enough) */
  propose(byCmId: string): Promise<ProposalView | null>;
  apply(proposalId: string, byCmId: string): Promise<Ok<{ moved: number }> | Fail<RebalanceFailure>>;
  dismiss(proposalId: string, byCmId: string): Promise<Ok | Fail<RebalanceFailure>>;
}

// ───────────────────────────── read models ─────────────────────────────

export interface WhyChosen {
  score: number | null;
  sharedLanguage: string | null;
  localContact: boolean;
  topicShare: number;
  continuity: boolean;
  openCases: number | null;
  fairShare: number | null;
  candidates: number;
}

export interface AssignmentCardData {
  assignmentId: string;
  status: "pending" | "accepted" | "declined" | "expired" | "revoked" | "moved";
  cm: { id: string; slackUserId: string };
  createdAt: Date;
  deadlineAt: Date;
  decidedAt: Date | null;
  slackChannel: string | null;
  slackTs: string | null;
  case: {
    id: string;
    referenceCode: string;
    phase: string;
    persons: number;
    household: "single" | "family";
    adults: number;
    children: number;
    topics: string[];
    languages: string[];
    districtName: string;
    urgency: string[];
    triageReason: string | null;
    priority: number | null;
    waitingSince: Date;
  };
  why: WhyChosen | null;
  /** the client consented to Slack (relaying messages): decides what the card may carry (staff/consent.ts) */
  relayConsent: boolean;
}

export type { CaseDetailsData, DetailsRefusal } from "../modules/cases/case-details.service.ts";

export interface LoadRow {
  cmId: string;
  name: string;
  agencyId: string;
  agencyName: string;
  openCases: number;
  openPersons: number;
  capacity: number;
  absentNow: boolean;
  active: boolean;
  overridden: boolean;
}

export interface WaitlistSummary {
  waiting: number;
  oldestSince: Date | null;
  urgent: number;
}

export interface CmHomeData {
  load: LoadRow | null;
  cases: { caseId: string; referenceCode: string; phase: string; persons: number }[];
  pending: { assignmentId: string; referenceCode: string; deadlineAt: Date }[];
  appointments: { referenceCode: string; startsAt: Date; mode: string }[];
  absences: { id: string; from: Date; to: Date; note: string | null }[];
}

export interface OpenCaseOption {
  caseId: string;
  referenceCode: string;
  cmId: string | null;
  agencyId: string | null;
}

export interface CaseThreadTarget {
  caseId: string;
  clientId: string;
  referenceCode: string;
  cmId: string | null;
  agencyId: string | null;
  relayConsent: boolean;
  /** the client had their data erased: nothing is relayed in either direction any more */
  erased?: boolean;
}

export interface CaseQueries {
  assignmentCard(assignmentId: string, now: Date): Promise<AssignmentCardData | null>;
  /**
   * The Details of an assignment card for the member of staff who clicked: authorized by the one rule
   * (offer.read) and audited against that member, not the card's addressee.
   */
  caseDetails(
    assignmentId: string,
    viewer: StaffActor,
    now: Date,
  ): Promise<{ ok: true; details: CaseDetailsData } | { ok: false; code: DetailsRefusal }>;
  cmHome(cmId: string, now: Date): Promise<CmHomeData>;
  /** loads of active case managers of these agencies ("all" = every agency) */
  loads(scope: "all" | readonly string[], now: Date): Promise<LoadRow[]>;
  waitlist(now: Date): Promise<WaitlistSummary>;
  /** open (accepted, not closed) cases of these agencies, for the reassign modal */
  openCases(scope: "all" | readonly string[], limit: number): Promise<OpenCaseOption[]>;
  caseByThread(channel: string, threadTs: string): Promise<CaseThreadTarget | null>;
  caseByReference(referenceCode: string): Promise<CaseThreadTarget | null>;
  caseById(caseId: string): Promise<CaseThreadTarget | null>;
  /** whose absence this is (for the permission check before ending it) */
  absenceOwner(absenceId: string): Promise<{ cmId: string; agencyId: string } | null>;
}

// ───────────────────────────── outbound ─────────────────────────────

/** Outbound Slack work goes through the queue (slack.deliver); listeners only enqueue. */
export interface SlackOutbox {
  refreshHome(slackUserId: string): Promise<void>;
  /** post the client messages of a case held until its case manager's thread existed (in order) */
  deliverHeld?(caseId: string): Promise<void>;
}

export interface StaffReplyResult {
  outcome: "relayed" | "no_consent" | "not_allowed" | "unknown_thread" | "duplicate" | "erased";
  /** how the writer was allowed (authorize.ts), when relayed */
  via?: AuthVia;
}

export interface ThreadActions {
  /** a staff message in a case thread: checked, stored encrypted, handed to the client's Telegram */
  staffReply(args: {
    channel: string;
    threadTs: string;
    ts: string;
    text: string;
    by: StaffActor;
  }): Promise<StaffReplyResult>;
  /** a reply written outside the thread (the deputy's Reply modal): once per Slack view */
  caseReply(args: {
    caseId: string;
    viewId: string;
    text: string;
    by: StaffActor;
  }): Promise<StaffReplyResult>;
  /** the case's thread, to keep a record there of a reply written elsewhere; null while it has none */
  threadOf(caseId: string): Promise<{ channel: string; ts: string } | null>;
}

export interface ReportPeriod {
  from: Date;
  /** exclusive */
  to: Date;
  lng: "de" | "en";
  variant: "public" | "internal";
}

export interface ReportFile {
  name: string;
  content: string | Buffer;
}

/** Everything the listeners get. */
export interface SlackPorts {
  directory: StaffDirectory;
  assignments: AssignmentActions;
  reassign: ReassignActions;
  capacity: CapacityActions;
  rebalance: RebalanceActions;
  queries: CaseQueries;
  outbox: SlackOutbox;
  threads: ThreadActions;
  /** naming the deputy of an absence (src/modules/staff/deputy.service.ts) */
  deputies?: Pick<DeputyService, "setForCurrent">;
  /** the committee report (src/modules/reports) as Markdown for [from, to); absent = "comes later" */
  reports?: {
    markdown(req: ReportPeriod): Promise<string>;
    /** the Markdown and whether the period holds no case and no intake at all (for /kim report) */
    summary?(req: ReportPeriod): Promise<{ markdown: string; empty: boolean }>;
    /** the HTML, xlsx and CSV files (the "slack.report_files" worker renders them) */
    files?(req: ReportPeriod): Promise<ReportFile[]>;
    /** queue the files to the person's DM (job "slack.report_files"; days inclusive) */
    sendFiles?(req: {
      slackUserId: string;
      staffId: string;
      from: string;
      to: string;
      lng: "de" | "en";
      variant: "public" | "internal";
    }): Promise<void>;
  };
  /** the appointments feature's side (src/modules/appointments): propose from the card, App Home blocks */
  appointments?: {
    /** handles the card's "Propose appointment" click completely (it acks itself) */
    propose(args: unknown): Promise<void>;
    homeBlocks(cmId: string, lng: "de" | "en", now: Date): Promise<unknown[]>;
  };
  /** the daily monitoring digest of one member of staff (src/modules/cases/monitoring.service.ts) */
  monitoring?: {
    digestOf(staffId: string): Promise<DigestView | null>;
    /** partner office names of the org file by id */
    partners: ReadonlyMap<string, string>;
  };
  /** the case work's App Home blocks: the case picker and the referrals to chase */
  casework?: {
    homeBlocks(cmId: string, lng: "de" | "en", now: Date): Promise<unknown[]>;
  };
  /** the staff triage override (src/modules/triage/override.service.ts) and the org file's offices */
  triage?: Pick<TriageOverrideService, "intakeIdOf" | "intakeIdOfCase" | "summary" | "override"> & {
    partners: readonly { id: string; name: string }[];
  };
  now: () => Date;
}
