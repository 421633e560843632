// The "slack.report_files" worker: the committee report's HTML, xlsx and CSV files to the DM of the
// person who asked with `/kim report`. The files are rendered here from the period (the job holds no
// report content) and shared in one files.completeUploadExternal call, so a retry after a failure
// shares nothing twice: uploads never completed are discarded by Slack. An IdempotencyKey row per
// (user, period, variant) keeps a repeated command from uploading them again.
import type { i18n } from "i18next";
import type { Logger } from "../lib/logger.ts";
import type { AuditRepository } from "../modules/audit/audit.repository.ts";
import type { IdempotencyRepository } from "../modules/audit/idempotency.repository.ts";
import type { Jobs } from "../queue/jobs.ts";
import type { PayloadOf } from "../queue/registry.ts";
import { staffT } from "./i18n.ts";
import type { ReportFile } from "./ports.ts";

export type ReportFilesPayload = PayloadOf<Jobs, "slack.report_files">;

/** The part of the Web API this worker uses (a @slack/web-api WebClient fits). */
export interface ReportFilesWeb {
  conversations: { open(a: { users: string }): Promise<{ channel?: { id?: string } }> };
  chat: { postMessage(a: { channel: string; text: string }): Promise<unknown> };
  filesUploadV2(a: {
    channel_id: string;
    initial_comment: string;
    file_uploads: { file: Buffer; filename: string; title: string }[];
  }): Promise<unknown>;
}

export interface ReportFilesDeps {
  keys: Pick<IdempotencyRepository, "seen" | "claim">;
  audit: Pick<AuditRepository, "record">;
  i18n: i18n;
  web: ReportFilesWeb;
  /** the HTML, xlsx and CSV files of the report for [from, to) */
  files(req: {
    from: Date;
    to: Date;
    variant: "public" | "internal";
    lng: "de" | "en";
  }): Promise<ReportFile[]>;
  log: Logger;
  now: () => Date;
}

/** What the worker needs of a BullMQ job to know whether this is its last try. */
export interface AttemptInfo {
  attemptsMade: number;
  opts: { attempts?: number | undefined };
}

export const reportFilesKey = (p: ReportFilesPayload) =>
  `slack.report_files.${p.slackUserId}.${p.from}.${p.to}.${p.variant}`;

const DAY = 86_400_000;

export class ReportFileSender {
  constructor(private readonly d: ReportFilesDeps) {}

  async run(p: ReportFilesPayload, job: AttemptInfo): Promise<string> {
    const { keys, web } = this.d;
    const key = reportFilesKey(p);
    if (await keys.seen(key)) return "already";
    const t = staffT(this.d.i18n, p.lng);
    const opened = await web.conversations.open({ users: p.slackUserId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error("conversations.open returned no channel");
    let sent = 0;
    try {
      const from = new Date(`${p.from}T00:00:00.000Z`);
      const to = new Date(new Date(`${p.to}T00:00:00.000Z`).getTime() + DAY);
      const files = await this.d.files({ from, to, variant: p.variant, lng: p.lng });
      await web.filesUploadV2({
        channel_id: channel,
        initial_comment: t("kim.report.files_comment", { from: p.from, to: p.to }),
        file_uploads: files.map((f) => ({
          file: typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content,
          filename: f.name,
          title: f.name,
        })),
      });
      sent = files.length;
    } catch (e) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        this.d.log.warn({ err: (e as Error).name, variant: p.variant }, "report files not uploaded");
        await web.chat.postMessage({
          channel,
          text: t("kim.report.files_failed", { from: p.from, to: p.to }),
        });
      }
      throw e;
    }
    await keys.claim(key, "slack.report_files", this.d.now());
    await this.d.audit.record({
      actor: `cm:${p.staffId}`,
      action: "report.files_sent",
      data: { from: p.from, to: p.to, variant: p.variant, files: sent },
    });
    return "uploaded";
  }
}
