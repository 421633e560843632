// Case phases, development plan and the committee report as a vertical slice: the Slack listeners
// for the case card ("case_*" actions) and the monthly report post (job "report.post", a job
// scheduler when relay.reportChannel is configured), which enqueues a Slack notice the Slack feature
// delivers (refId "report:<from>:<to>:public", built with createReportBundle).

import { caseWorkOf } from "../../config/org.schema.ts";
import { actorForSlackUser } from "../../modules/cases/lifecycle.service.ts";
import { noticeRef } from "../../modules/privacy/notices.ts";
import { isoDay, lastDay } from "../../modules/reports/render.ts";
import { previousMonth } from "../../modules/reports/report.service.ts";
import { QUEUES } from "../../queue/jobs.ts";
import { registerCaseListeners } from "../../slack/listeners/cases.ts";
import { openClosure, registerCaseworkListeners } from "../../slack/listeners/casework.ts";
import { registerQuickReplyListeners } from "../../slack/listeners/quick-reply.ts";
import type { Feature } from "../feature.ts";
import { caseworkOf, lifecycleOf, monitoringOf, partnerOptions } from "../runtime/casework.ts";
import { quickReplyDeps } from "../runtime/quick-reply.ts";
import { surveyOf } from "../runtime/survey.ts";

export { lifecycleOf };

export const REPORT_SCHEDULER_ID = "report-post";
/** Fixed id of the daily monitoring's job scheduler (one per installation, i.e. per org file). */
export const MONITOR_SCHEDULER_ID = "cases-monitor";
/** 07:00 on the first day of every month: the previous month's report */
export const REPORT_CRON = "0 7 1 * *";

export const casesFeature: Feature = {
  name: "cases",
  slack: (app) => (bolt) => {
    const lifecycle = lifecycleOf(app);
    const cw = {
      casework: caseworkOf(app, lifecycle),
      actorFor: (slackUserId: string, now: Date) => actorForSlackUser(app.db, slackUserId, now),
      partners: partnerOptions(app),
      staff: app.org.caseManagers.filter((c) => c.active !== false).map((c) => ({ id: c.id, name: c.name })),
      i18n: app.i18n,
      log: app.log,
      now: app.now,
    };
    registerCaseListeners(bolt as unknown as Parameters<typeof registerCaseListeners>[0], {
      db: app.db,
      lifecycle,
      i18n: app.i18n,
      log: app.log,
      // a closure with goals still lacking an outcome goes through the closure modal
      closeWithOutcomes: (args, caseId, reason) =>
        openClosure(args as unknown as Parameters<typeof openClosure>[0], cw, caseId, reason),
    });
    registerCaseworkListeners(bolt as unknown as Parameters<typeof registerCaseworkListeners>[0], cw);
    const web = (
      bolt as { client?: { users?: { info(a: object): Promise<{ user?: { locale?: string } }> } } }
    ).client?.users;
    registerQuickReplyListeners(
      bolt as unknown as Parameters<typeof registerQuickReplyListeners>[0],
      quickReplyDeps(app, web ? (user) => web.info({ user, include_locale: true }) : undefined),
    );
  },
  jobs: (app) => ({
    "report.post": async () => {
      const { from, to } = previousMonth(app.now());
      const refId = noticeRef.report(isoDay(from), lastDay(to), "public");
      await app.producer.enqueue("slack.deliver", { kind: "notice", refId, key: `report.${isoDay(from)}` });
      return refId;
    },
    "cases.monitor": async () => {
      const r = { ...(await monitoringOf(app).run()), ...(await surveyOf(app).sweep()) };
      app.log.info(r, "monitoring run");
      return r;
    },
  }),
  start: async (app) => {
    const { digestCron } = caseWorkOf(app.org);
    await app.producer
      .queue(QUEUES.work)
      .upsertJobScheduler(
        MONITOR_SCHEDULER_ID,
        { pattern: digestCron, tz: app.org.municipality.timezone },
        { name: "cases.monitor", data: {} },
      );
    app.log.info({ cron: digestCron }, "case monitoring scheduled");
    if (!app.org.relay.reportChannel) return;
    await app.producer
      .queue(QUEUES.work)
      .upsertJobScheduler(
        REPORT_SCHEDULER_ID,
        { pattern: REPORT_CRON, tz: app.org.municipality.timezone },
        { name: "report.post", data: {} },
      );
    app.log.info({ cron: REPORT_CRON }, "committee report scheduled");
  },
};
