// Builds the case-work services from the running system's context: the lifecycle (phases), the
// case work after acceptance, and the partner offices of the organisation file as Slack options.

import { caseWorkOf } from "../../config/org.schema.ts";
import { CaseworkRepository } from "../../modules/cases/casework.repository.ts";
import { CaseworkService } from "../../modules/cases/casework.service.ts";
import { CaseLifecycleService } from "../../modules/cases/lifecycle.service.ts";
import { MonitoringRepository } from "../../modules/cases/monitoring.repository.ts";
import { MonitoringService } from "../../modules/cases/monitoring.service.ts";
import { clientNotifier } from "../../telegram/notifier.ts";
import type { AppContext } from "../feature.ts";

export const lifecycleOf = (app: AppContext): CaseLifecycleService =>
  new CaseLifecycleService({
    db: app.db,
    jobs: app.producer,
    cipher: app.cipher,
    log: app.log,
    now: app.now,
  });

export const caseworkOf = (app: AppContext, lifecycle = lifecycleOf(app)): CaseworkService =>
  new CaseworkService({
    repo: new CaseworkRepository(app.db),
    cipher: app.cipher,
    lifecycle,
    clients: clientNotifier(app),
    partners: new Set(app.org.referralTargets.map((p) => p.id)),
    reassessmentMonths: caseWorkOf(app.org).reassessmentMonths,
    now: app.now,
  });

export const partnerOptions = (app: AppContext) =>
  app.org.referralTargets.map((p) => ({ id: p.id, name: p.name }));

/** The daily monitoring: digests go to Slack as "slack.deliver" jobs (only with a Slack bot). */
export const monitoringOf = (app: AppContext): MonitoringService => {
  const cw = caseWorkOf(app.org);
  return new MonitoringService({
    repo: new MonitoringRepository(app.db),
    rules: { nextContactDays: cw.nextContactDays, silentAfterDays: cw.silentAfterDays },
    timeZone: app.org.municipality.timezone,
    clients: clientNotifier(app),
    outbox: {
      digest: async (staffId, day) => {
        if (!app.env.SLACK_BOT_TOKEN) return;
        await app.producer.enqueue("slack.deliver", {
          kind: "cm_digest",
          refId: `${day}:${staffId}`,
          key: `cm-digest.${day}.${staffId}`,
        });
      },
    },
    now: app.now,
  });
};
