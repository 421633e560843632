// The survey's use cases: invite the client of a case (job "survey.invite"), find the open cases due
// for their six-month survey (the daily monitoring run), and store a finished survey anonymously.
import type { Logger } from "../../lib/logger.ts";
import type { Jobs } from "../../queue/jobs.ts";
import type { Producer } from "../../queue/registry.ts";
import { UUID } from "../kernel/ids.ts";
import type { ClientNotifier } from "../notify/notifier.ts";
import type { SurveyRepository } from "./survey.repository.ts";
import {
  decideInvite,
  decideTap,
  expiryOf,
  type SurveyAnswer,
  type SurveyKind,
  type TapDecision,
} from "./survey.ts";

/** The invitation message with the first question (locales/<lng>/survey.json); params: invitationId. */
export const surveyTemplate = (kind: SurveyKind): string => `survey:invite.${kind}`;
/** how many six-month invitations one daily run enqueues at most (the rest follow the next day) */
export const SWEEP_LIMIT = 500;

export interface SurveyDeps {
  repo: SurveyRepository;
  clients: ClientNotifier;
  jobs: Pick<Producer<Jobs>, "enqueue">;
  log: Logger;
  now: () => Date;
}

export type InviteResult = { sent: string } | { skipped: string };

export class SurveyService {
  constructor(private readonly d: SurveyDeps) {}

  /** The handler of "survey.invite": decides, stores the invitation, sends it (once per case and kind). */
  async invite(caseId: string, kind: SurveyKind): Promise<InviteResult> {
    const now = this.d.now();
    const ctx = await this.d.repo.inviteContext(caseId, kind);
    if (!ctx) return { skipped: "not_found" };
    const ex = ctx.existing;
    // a retried job after the row was stored: send again under the same key (sent once by telegram.send)
    if (ex && !ex.answered && ex.expiresAt > now) return this.send(ctx.clientId, kind, ex.id);
    const decision = decideInvite(ctx.facts, now);
    if (!decision.invite) return { skipped: decision.reason };
    const inv = await this.d.repo.createInvitation(caseId, kind, now, expiryOf(now));
    if (!inv) return { skipped: "already_invited" };
    return this.send(ctx.clientId, kind, inv.id);
  }

  private async send(clientId: string, kind: SurveyKind, invitationId: string): Promise<InviteResult> {
    await this.d.clients.notify(
      clientId,
      surveyTemplate(kind),
      { invitationId },
      { key: `survey.invite.${invitationId}` },
    );
    return { sent: invitationId };
  }

  /** The daily run: enqueue the six-month invitation of every open case due for it. */
  async sweep(): Promise<{ sixMonths: number }> {
    const due = await this.d.repo.dueSixMonths(this.d.now(), SWEEP_LIMIT);
    for (const caseId of due) await enqueueInvite(this.d, caseId, "six_months");
    return { sixMonths: due.length };
  }

  /**
   * A tap on a survey button by `clientId`: the next question, the stored response, or why not.
   * "not_yours" for an invitation of somebody else (or none): a forged or stale button.
   */
  async tap(
    invitationId: string,
    clientId: string | undefined,
    answers: readonly SurveyAnswer[],
  ): Promise<TapDecision | { kind: "not_yours" }> {
    if (!UUID.test(invitationId) || !clientId) return { kind: "not_yours" };
    const inv = await this.d.repo.invitation(invitationId);
    if (!inv || inv.clientId !== clientId) return { kind: "not_yours" };
    const now = this.d.now();
    const next = decideTap(inv, answers, now);
    if (next.kind !== "finish") return next;
    return (await this.d.repo.answer(invitationId, next.answers, now)) ? next : { kind: "answered" };
  }
}

/** Enqueues "survey.invite"; a lost enqueue only loses one survey, so it is logged, not thrown. */
export async function enqueueInvite(
  d: Pick<SurveyDeps, "jobs" | "log">,
  caseId: string,
  kind: SurveyKind,
): Promise<void> {
  try {
    await d.jobs.enqueue("survey.invite", { caseId, kind });
  } catch (e) {
    d.log.warn({ caseId, kind, err: (e as Error).name }, "could not enqueue survey.invite");
  }
}
