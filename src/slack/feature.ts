// The Slack side of anlauf as a feature: listeners (cards, App Home, /kim, case threads), the
// "slack.deliver", "slack.report_files" and "slack.erase" workers, the weekly digest scheduler and,
// at start, the sweep of erasures whose Slack clean-up is not finished.
import { webApi } from "@slack/bolt";
import type { AppContext, Feature } from "../app/feature.ts";
import { AuditRepository } from "../modules/audit/audit.repository.ts";
import { IdempotencyRepository } from "../modules/audit/idempotency.repository.ts";
import { SlackErasureRepository } from "../modules/privacy/slack-erasure.repository.ts";
import { QUEUES } from "../queue/jobs.ts";
import { buildPorts, type PortWiring } from "./adapters.ts";
import { boltLogger } from "./app.ts";
import { digestDay, type Kv, SlackDeliverer, type SlackWeb } from "./deliver.ts";
import { SlackEraser, type SlackEraseWeb, sweepSlackErasures } from "./erase.ts";
import type { SlackPorts } from "./ports.ts";
import { registerListeners } from "./register.ts";
import { ReportFileSender, type ReportFilesWeb } from "./report-files.ts";

/** Fixed id of the weekly digest's job scheduler: restarts and several workers keep exactly one. */
export const DIGEST_SCHEDULER_ID = "slack-digest";
/** Mondays 08:00 in the municipality's time zone, before the weekly case-manager meeting. */
export const DIGEST_CRON = "0 8 * * 1";

type WebClient = InstanceType<typeof webApi.WebClient>;

interface Wired {
  web: WebClient;
  ports: SlackPorts;
}

export interface SlackFeatureOptions {
  /** replaces parts of the ports (tests, or another feature's services) */
  wiring?: (ctx: AppContext) => PortWiring;
}

export function slackFeature(opts: SlackFeatureOptions = {}): Feature {
  const byContext = new WeakMap<AppContext, Wired>();
  const wired = (ctx: AppContext): Wired => {
    let w = byContext.get(ctx);
    if (!w) {
      // the worker's own client: no hidden retries, 429 surfaces as an error with retryAfter so the
      // job can be delayed (deliver.ts)
      const web = new webApi.WebClient(ctx.env.SLACK_BOT_TOKEN, {
        slackApiUrl: ctx.env.SLACK_API_URL,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        // into our log, without its debug lines (request bodies carry client text, see app.ts)
        logger: boltLogger(ctx.log),
      });
      const ports = buildPorts(ctx, {
        usersInfo: (user) => web.users.info({ user, include_locale: true }),
        ...opts.wiring?.(ctx),
      });
      w = { web, ports };
      byContext.set(ctx, w);
    }
    return w;
  };

  return {
    name: "slack",
    slack: (ctx) => {
      const { ports } = wired(ctx);
      return (app) => registerListeners(app, { ports, i18n: ctx.i18n, log: ctx.log });
    },
    jobs: (ctx) => {
      if (!ctx.env.SLACK_BOT_TOKEN) return {};
      const { web, ports } = wired(ctx);
      const deliverer = new SlackDeliverer({
        db: ctx.db,
        org: ctx.org,
        cipher: ctx.cipher,
        i18n: ctx.i18n,
        ports,
        web: web as unknown as SlackWeb,
        kv: ctx.redis.client as unknown as Kv,
        prefix: ctx.env.ANLAUF_QUEUE_PREFIX,
        log: ctx.log,
        now: ctx.now,
      });
      const eraser = new SlackEraser({
        repo: new SlackErasureRepository(ctx.db),
        i18n: ctx.i18n,
        web: web as unknown as SlackEraseWeb,
        log: ctx.log,
        now: ctx.now,
      });
      const reports = ports.reports?.files;
      const reportFiles = reports
        ? new ReportFileSender({
            keys: new IdempotencyRepository(ctx.db),
            audit: new AuditRepository(ctx.db),
            i18n: ctx.i18n,
            web: web as unknown as ReportFilesWeb,
            files: (req) => reports(req),
            log: ctx.log,
            now: ctx.now,
          })
        : null;
      return {
        "slack.deliver": (p, job) => deliverer.run(p, job),
        "slack.report_files": async (p, job) => (reportFiles ? reportFiles.run(p, job) : "no_reports"),
        "slack.erase": (p, job) => eraser.run(p.caseId, job),
        "slack.digest": async () => {
          const day = digestDay(ctx.now());
          await ctx.producer.enqueue("slack.deliver", { kind: "digest", refId: day, key: `digest.${day}` });
          return day;
        },
      };
    },
    start: async (ctx) => {
      if (!ctx.env.SLACK_BOT_TOKEN) return;
      const swept = await sweepSlackErasures(new SlackErasureRepository(ctx.db), ctx.producer, ctx.now());
      if (swept) ctx.log.info({ cases: swept }, "slack erasures re-enqueued");
      if (!ctx.org.relay.digestChannel) return;
      await ctx.producer
        .queue(QUEUES.work)
        .upsertJobScheduler(
          DIGEST_SCHEDULER_ID,
          { pattern: DIGEST_CRON, tz: ctx.org.municipality.timezone },
          { name: "slack.digest", data: {} },
        );
      ctx.log.info({ cron: DIGEST_CRON }, "slack digest scheduled");
    },
  };
}
