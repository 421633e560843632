// The clients' own voice (issue 12.7) as a feature: the survey's buttons in Telegram and the job
// "survey.invite". Triggers live with their events: a closure enqueues the job after its commit
// (CaseLifecycleService.closed), the daily "cases.monitor" run enqueues the six-month invitations
// (app/features/cases.ts). The report reads the responses (modules/reports/voice.ts).
import { surveyComposer } from "../../telegram/features/survey.ts";
import type { AppContext, Feature } from "../feature.ts";
import { surveyOf } from "../runtime/survey.ts";

export const surveyFeature: Feature = {
  name: "survey",
  telegram: (app: AppContext) => surveyComposer(app, surveyOf(app)),
  jobs: (app: AppContext) => ({
    "survey.invite": (p) => surveyOf(app).invite(p.caseId, p.kind),
  }),
};
