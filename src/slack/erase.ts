// The "slack.erase" worker (issue 15.9): works off a case's SlackErasure rows after an erasure. The
// bot's copies of the client's words (relayed messages, deputy copies) are deleted with chat.delete;
// cards and the thread root are overwritten with a neutral text (chat.update, no blocks, so no
// buttons either). Each row is marked done as soon as Slack answered, so a retry continues where the
// last run stopped. message_not_found / channel_not_found count as done (someone deleted it already),
// as do answers that say it is not ours to change; a 429 postpones the job by Retry-After without
// using up an attempt; any other failure throws and BullMQ retries with back-off. When the last row is
// done, one AuditLog row "slack.erased" with the counts.
import { DelayedError } from "bullmq";
import type { i18n } from "i18next";
import type { Logger } from "../lib/logger.ts";
import { UUID } from "../modules/kernel/ids.ts";
import type { SlackErasureRepository } from "../modules/privacy/slack-erasure.repository.ts";
import { cleanupOutcomeOfError } from "../modules/privacy/slack-erasure.ts";
import type { Jobs } from "../queue/jobs.ts";
import type { Producer } from "../queue/registry.ts";
import { erasedCardText } from "./blocks/erased.ts";
import { type DelayableJob, retryAfterMs } from "./deliver.ts";
import { INERT } from "./escape.ts";

/** The part of the Web API the worker uses (a @slack/web-api WebClient fits). */
export interface SlackEraseWeb {
  chat: {
    delete(a: { channel: string; ts: string }): Promise<unknown>;
    update(a: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<unknown>;
  };
}

export interface SlackEraserDeps {
  repo: SlackErasureRepository;
  i18n: i18n;
  web: SlackEraseWeb;
  log: Logger;
  now: () => Date;
}

/** Slack's error code of a failed call (WebClient platform errors carry it in `data.error`). */
const slackError = (e: unknown): string | undefined => {
  const err = e as { data?: { error?: unknown } } | null;
  return typeof err?.data?.error === "string" ? err.data.error : undefined;
};

export class SlackEraser {
  constructor(private readonly d: SlackEraserDeps) {}

  async run(caseId: string, job: DelayableJob): Promise<Record<string, number> | string> {
    if (!UUID.test(caseId)) return "invalid";
    const rows = await this.d.repo.pending(caseId);
    const done: Record<string, number> = {};
    if (rows.length) {
      const text = erasedCardText(this.d.i18n, (await this.d.repo.referenceCode(caseId)) ?? "—");
      for (const r of rows) {
        const outcome = await this.one(r, text, job);
        await this.d.repo.markDone(r.id, outcome, this.d.now());
        done[outcome] = (done[outcome] ?? 0) + 1;
      }
    }
    if (await this.d.repo.finish(caseId, this.d.now()))
      this.d.log.info({ caseId, ...done }, "slack copies erased");
    return done;
  }

  private async one(r: { action: string; channel: string; ts: string }, text: string, job: DelayableJob) {
    const { web } = this.d;
    try {
      if (r.action === "delete") {
        await web.chat.delete({ channel: r.channel, ts: r.ts });
        return "deleted";
      }
      await web.chat.update({ channel: r.channel, ts: r.ts, text, blocks: [], ...INERT });
      return "updated";
    } catch (e) {
      const ms = retryAfterMs(e);
      if (ms !== null) {
        this.d.log.warn({ retryAfterMs: ms }, "slack rate limited; erase job delayed");
        await job.moveToDelayed(Date.now() + ms, job.token);
        throw new DelayedError();
      }
      const code = slackError(e);
      const settled = cleanupOutcomeOfError(code);
      if (settled) return settled;
      this.d.log.warn({ action: r.action, error: code ?? (e as Error).name }, "slack erase call failed");
      throw e;
    }
  }
}

/** Re-enqueues the cases whose clean-up is not finished (a lost enqueue, a job failed for good). */
export async function sweepSlackErasures(
  repo: Pick<SlackErasureRepository, "pendingCases">,
  producer: Pick<Producer<Jobs>, "enqueue">,
  now: Date,
): Promise<number> {
  const day = now.toISOString().slice(0, 10);
  const cases = await repo.pendingCases();
  for (const caseId of cases) await producer.enqueue("slack.erase", { caseId, key: `${caseId}.${day}` });
  return cases.length;
}
