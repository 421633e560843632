// Builds the case-work services from the running system's context: the lifecycle (phases), the
// case work after acceptance, and the partner offices of the organisation file as Slack options.
import { CaseworkRepository } from "../../modules/cases/casework.repository.ts";
import { CaseworkService } from "../../modules/cases/casework.service.ts";
import { CaseLifecycleService } from "../../modules/cases/lifecycle.service.ts";
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
    now: app.now,
  });

export const partnerOptions = (app: AppContext) =>
  app.org.referralTargets.map((p) => ({ id: p.id, name: p.name }));
