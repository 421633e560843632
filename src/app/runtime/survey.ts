// Builds the survey's use cases from the running system's context.
import { SurveyRepository } from "../../modules/survey/survey.repository.ts";
import { SurveyService } from "../../modules/survey/survey.service.ts";
import { clientNotifier } from "../../telegram/notifier.ts";
import type { AppContext } from "../feature.ts";

export const surveyOf = (app: AppContext): SurveyService =>
  new SurveyService({
    repo: new SurveyRepository(app.db),
    clients: clientNotifier(app),
    jobs: app.producer,
    log: app.log,
    now: app.now,
  });
