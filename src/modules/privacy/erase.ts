// /delete and retention: erase a client's personal data while the committee report keeps its counts.
//
// What erasure does, in one transaction:
// - writes one ErasedTally per request (intake) with its non-personal facts (household kind, persons,
//   district, topics, country, agency, dates, route, closure reason): no ids, no free text, so the
//   report counts the person without being able to point at them
// - closes open cases with reason `erased` (through CaseLifecycleService: CaseEvent + AuditLog,
//   pending offer revoked, future appointments cancelled, wait-list entry withdrawn, slot freed)
// - deletes Conversation, HouseholdMember, Consent and SurveyInvitation rows
// - blanks RelayedMessage bodies, Goal texts and steps, assessment notes, referral notes, conference
//   decisions and appointment addresses; nulls Assignment decline reasons, the encrypted reasons in
//   case events (data.reasonEnc), triage notes and the decision records' candidates
// - strips the intake's answers that are not needed to find the case again (topics, languages, …)
//   and the matching inputs stored with assignment decisions
// - turns the Client row into a tombstone: Telegram ids, name, phone, district, country and source
//   nulled, erasedAt set (the pseudonym stays: staff see that "K-7F3Q" was erased)
// What it keeps: the tombstone, the case and intake rows with their ids, reference code, household
// size and district (the case manager's history of their own work), CaseEvents and the AuditLog
// (ids and codes only). The report reads erased clients from their tallies only.
//
// After the commit: queued jobs that reference the client, its cases, assignments, appointments or
// messages are removed from Redis; other Redis keys that contain the client's id or Telegram id
// (visitor state, conversation caches) are deleted; the freed slots are pulled from the wait list;
// each case manager concerned gets a notice (slack.deliver "notice", refId erased:<caseId>); the
// Slack copies (relayed messages, deputy copies, cards, thread root), captured as SlackErasure rows in
// the transaction, are deleted or neutralised by one "slack.erase" job per case (src/slack/erase.ts).
//
// Erasing twice is harmless: the second call finds the tombstone and does nothing.
import type { Db, Tx } from "../../db/client.ts";
import { inTx } from "../../db/tx.ts";
import type { Logger } from "../../lib/logger.ts";
import type { FieldCipher } from "../../privacy/crypto.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import { AuditRepository } from "../audit/audit.repository.ts";
import { CaseLifecycleService } from "../cases/lifecycle.service.ts";
import { holdsCapacity } from "../cases/phases.ts";
import { erasedFactsJson } from "../reports/aggregate.ts";
import { noticeRef } from "./notices.ts";
import { SlackErasureRepository } from "./slack-erasure.repository.ts";

export type ErasureMode = "request" | "retention_closed" | "retention_abandoned";

export interface ErasureDeps {
  db: Db;
  cipher: FieldCipher;
  producer: Pick<Producer<Jobs>, "enqueue" | "removeJobsMentioning">;
  /** deletes this installation's Redis keys that name one of the ids (src/queue/scrub.ts) */
  scrubRedis: (needles: string[]) => Promise<number>;
  log: Logger;
  now: () => Date;
}

export interface ErasureResult {
  status: "erased" | "already_erased" | "not_found";
  casesClosed: number;
  tallies: number;
  jobsRemoved: number;
  redisKeysDeleted: number;
  notifiedCases: string[];
}

const EMPTY: Omit<ErasureResult, "status"> = {
  casesClosed: 0,
  tallies: 0,
  jobsRemoved: 0,
  redisKeysDeleted: 0,
  notifiedCases: [],
};

export class ErasureService {
  private readonly lifecycle: CaseLifecycleService;

  constructor(private readonly deps: ErasureDeps) {
    this.lifecycle = new CaseLifecycleService({
      db: deps.db,
      jobs: deps.producer,
      cipher: deps.cipher,
      log: deps.log,
      now: deps.now,
    });
  }

  async erase(
    clientId: string,
    opts: { mode: ErasureMode; actor?: string } = { mode: "request" },
  ): Promise<ErasureResult> {
    const now = this.deps.now();
    const actor = opts.actor ?? (opts.mode === "request" ? `client:${clientId}` : "system");
    const tx1 = await inTx(this.deps.db, (tx) => this.eraseInTx(tx, clientId, now, opts.mode, actor), {
      timeout: 60_000,
    });
    if (tx1.status !== "erased") return { ...EMPTY, status: tx1.status };

    // after the commit: Redis, the wait list, the case managers (each best effort and logged)
    let jobsRemoved = 0;
    let redisKeysDeleted = 0;
    try {
      jobsRemoved = await this.deps.producer.removeJobsMentioning(tx1.refs);
    } catch (e) {
      this.deps.log.warn({ clientId, err: (e as Error).name }, "erasure: removing queued jobs failed");
    }
    try {
      redisKeysDeleted = await this.deps.scrubRedis([clientId, ...tx1.telegramIds]);
    } catch (e) {
      this.deps.log.warn({ clientId, err: (e as Error).name }, "erasure: deleting redis keys failed");
    }
    for (const cmId of new Set(tx1.freedCmIds)) await this.lifecycle.pull(cmId, now);
    for (const assignmentId of tx1.revokedAssignments)
      await this.bestEffort("assignment update", () =>
        this.deps.producer.enqueue("slack.deliver", {
          kind: "assignment_update",
          refId: assignmentId,
          key: `erased.${assignmentId}`,
        }),
      );
    // a lost enqueue is caught by the start-up sweep of the Slack feature (the rows are committed)
    for (const caseId of tx1.slackCases)
      await this.bestEffort("slack erase", () =>
        this.deps.producer.enqueue("slack.erase", { caseId, key: caseId }),
      );
    for (const caseId of tx1.notifyCases)
      await this.bestEffort("notice", () =>
        this.deps.producer.enqueue("slack.deliver", {
          kind: "notice",
          refId: noticeRef.erased(caseId),
          key: `erased.${caseId}`,
        }),
      );
    this.deps.log.info(
      {
        clientId,
        mode: opts.mode,
        cases: tx1.casesClosed,
        tallies: tx1.tallies,
        jobsRemoved,
        redisKeysDeleted,
      },
      "client data erased",
    );
    return {
      status: "erased",
      casesClosed: tx1.casesClosed,
      tallies: tx1.tallies,
      jobsRemoved,
      redisKeysDeleted,
      notifiedCases: tx1.notifyCases,
    };
  }

  private async bestEffort(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.deps.log.warn({ what, err: (e as Error).name }, "erasure: follow-up failed");
    }
  }

  private async eraseInTx(tx: Tx, clientId: string, now: Date, mode: ErasureMode, actor: string) {
    const rows = await tx.$queryRaw<
      { erasedAt: Date | null; telegramUserId: bigint | null; telegramChatId: bigint | null }[]
    >`
      SELECT "erasedAt", "telegramUserId", "telegramChatId" FROM "Client" WHERE id = ${clientId}::uuid FOR UPDATE`;
    const client = rows[0];
    if (!client) return { status: "not_found" as const };
    if (client.erasedAt) return { status: "already_erased" as const };
    const telegramIds = [client.telegramUserId, client.telegramChatId]
      .filter((x): x is bigint => x !== null)
      .map(String);

    const full = await tx.client.findUniqueOrThrow({
      where: { id: clientId },
      select: {
        originCountry: true,
        intakes: {
          select: {
            id: true,
            household: true,
            topics: true,
            districtId: true,
            submittedAt: true,
            triage: { select: { route: true, referralTarget: true } },
            waitlistEntry: { select: { id: true, enqueuedAt: true, leftAt: true, status: true } },
            case: {
              select: {
                id: true,
                phase: true,
                cmId: true,
                persons: true,
                districtId: true,
                openedAt: true,
                closedAt: true,
                closureReason: true,
                cm: { select: { agencyId: true } },
                assignments: { select: { id: true, status: true, decidedAt: true } },
                appointments: { select: { id: true, status: true, startsAt: true } },
                relayedMessages: { select: { id: true } },
              },
            },
          },
        },
      },
    });

    // ids whose queued jobs must go
    const refs = new Set<string>([clientId]);
    const freedCmIds: string[] = [];
    const revokedAssignments: string[] = [];
    const notifyCases: string[] = [];
    let casesClosed = 0;
    let tallies = 0;
    for (const i of full.intakes) {
      refs.add(i.id);
      const k = i.case;
      if (k) {
        refs.add(k.id);
        for (const a of k.assignments) refs.add(a.id);
        for (const a of k.appointments) refs.add(a.id);
        for (const m of k.relayedMessages) refs.add(m.id);
        const pending = k.assignments.find((a) => a.status === "pending");
        if (k.phase !== "closed") {
          const r = await this.lifecycle.moveInTx(tx, k.id, "closed", { kind: "system" }, now, {
            reason: "erased",
          });
          if (r.ok) {
            casesClosed++;
            if (r.freedCmId) freedCmIds.push(r.freedCmId);
            if (pending) revokedAssignments.push(pending.id);
            if (k.cmId && holdsCapacity(k.phase)) notifyCases.push(k.id);
          }
        }
      }
      if (mode === "retention_abandoned") continue;
      const accepted = k?.assignments
        .filter((a) => (a.status === "accepted" || a.status === "moved") && a.decidedAt)
        .map((a) => a.decidedAt!.getTime());
      const firstAppt = k?.appointments
        .filter((a) => a.status !== "cancelled")
        .map((a) => a.startsAt.getTime());
      const wasOpen = k && k.phase !== "closed";
      await tx.erasedTally.create({
        data: {
          erasedAt: now,
          facts: erasedFactsJson({
            intake: {
              submittedAt: i.submittedAt,
              route: i.triage?.route ?? null,
              referralTarget: i.triage?.referralTarget ?? null,
            },
            case: k
              ? {
                  household: i.household,
                  persons: k.persons,
                  districtId: k.districtId,
                  topics: i.topics,
                  originCountry: full.originCountry,
                  agencyId: k.cm?.agencyId ?? null,
                  openedAt: k.openedAt,
                  acceptedAt: accepted?.length ? new Date(Math.min(...accepted)) : null,
                  closedAt: wasOpen ? now : k.closedAt,
                  closureReason: wasOpen ? "erased" : k.closureReason,
                  firstAppointmentAt: firstAppt?.length ? new Date(Math.min(...firstAppt)) : null,
                }
              : null,
            wait: i.waitlistEntry
              ? {
                  enqueuedAt: i.waitlistEntry.enqueuedAt,
                  leftAt: i.waitlistEntry.status === "waiting" ? now : i.waitlistEntry.leftAt,
                  status: i.waitlistEntry.status === "waiting" ? "withdrawn" : i.waitlistEntry.status,
                }
              : null,
          }),
        },
      });
      tallies++;
    }

    const intakeIds = full.intakes.map((i) => i.id);
    const caseIds = full.intakes.flatMap((i) => (i.case ? [i.case.id] : []));
    // the Slack references, before anything is blanked
    const slackCases = await new SlackErasureRepository(this.deps.db).capture(tx, caseIds, now);
    await tx.conversation.deleteMany({ where: { clientId } });
    await tx.householdMember.deleteMany({ where: { clientId } });
    await tx.consent.deleteMany({ where: { clientId } });
    // the survey's link to the case goes; its anonymous responses and invited tally stay
    await tx.surveyInvitation.deleteMany({ where: { caseId: { in: caseIds } } });
    await tx.relayedMessage.updateMany({ where: { caseId: { in: caseIds } }, data: { body: "" } });
    // every free text of the case work (the encrypted fields of ENCRYPTED_FIELDS on case rows); the
    // codes (areas, barriers, outcomes, partners, dates) stay for the report
    await tx.goal.updateMany({ where: { caseId: { in: caseIds } }, data: { text: "", steps: null } });
    await tx.assessmentArea.updateMany({
      where: { assessment: { caseId: { in: caseIds } } },
      data: { notes: null },
    });
    await tx.referral.updateMany({ where: { caseId: { in: caseIds } }, data: { note: null } });
    await tx.caseConference.updateMany({ where: { caseId: { in: caseIds } }, data: { decisions: null } });
    await tx.appointment.updateMany({ where: { caseId: { in: caseIds } }, data: { address: null } });
    await tx.assignment.updateMany({ where: { caseId: { in: caseIds } }, data: { declineReason: null } });
    await tx.assignmentDecision.updateMany({
      where: { caseId: { in: caseIds } },
      // the candidates' scores are computed from the client's languages, topics and district
      data: { inputs: { erased: true }, candidates: [], excluded: [] },
    });
    await tx.triageOutcome.updateMany({ where: { intakeId: { in: intakeIds } }, data: { notes: [] } });
    // staff's free-text reasons kept encrypted inside case events (reassignment, triage override)
    if (caseIds.length)
      await tx.$executeRawUnsafe(
        `UPDATE "CaseEvent" SET data = data - 'reasonEnc' WHERE "caseId" = ANY($1::uuid[]) AND data ? 'reasonEnc'`,
        caseIds,
      );
    await tx.intake.updateMany({
      where: { id: { in: intakeIds } },
      data: {
        topics: [],
        urgency: [],
        languages: [],
        existingSupport: [],
        contactModes: [],
        timesOfDay: [],
        source: null,
      },
    });
    await tx.waitlistEntry.updateMany({
      where: { clientId, status: "waiting" },
      data: { status: "withdrawn", leftAt: now, lastNotifiedEta: null, lastNotifiedPosition: null },
    });
    await tx.client.update({
      where: { id: clientId },
      data: {
        telegramUserId: null,
        telegramChatId: null,
        displayName: null,
        phone: null,
        source: null,
        districtId: null,
        originCountry: null,
        residenceStatus: null,
        arrivalYear: null,
        arrivedBefore: null,
        statusMessageId: null,
        erasedAt: now,
      },
    });
    await new AuditRepository(tx).record(
      {
        actor,
        action: "client.erased",
        clientId,
        at: now,
        data: { mode, cases: caseIds.length, casesClosed, tallies },
      },
      tx,
    );
    if (mode === "retention_abandoned" && intakeIds.length === 0) {
      // an intake that was never submitted leaves nothing worth a tombstone
      await tx.client.delete({ where: { id: clientId } });
    }
    return {
      status: "erased" as const,
      telegramIds,
      refs,
      freedCmIds,
      revokedAssignments,
      notifyCases,
      slackCases,
      casesClosed,
      tallies,
    };
  }
}
