import { createCallerFactory, router } from "./init";
import { alertsRouter } from "./routers/alerts";
import { apiKeysRouter } from "./routers/api-keys";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { channelsRouter } from "./routers/channels";
import { cohortsRouter } from "./routers/cohorts";
import { flagsRouter } from "./routers/flags";
import { insightsRouter } from "./routers/insights";
import { jobsRouter } from "./routers/jobs";
import { monitoringRouter } from "./routers/monitoring";
import { privacyRouter } from "./routers/privacy";
import { projectSettingsRouter } from "./routers/project-settings";
import { projectsRouter } from "./routers/projects";
import { systemRouter } from "./routers/system";
import { usersRouter } from "./routers/users";
import { mlRouter } from "./routers/ml";
import { forecastsRouter } from "./routers/forecasts";
import { experimentsRouter } from "./routers/experiments";
import { reportsRouter } from "./routers/reports";
import { automationsRouter } from "./routers/automations";
import { vitalsRouter } from "./routers/vitals";

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
  projects: projectsRouter,
  apiKeys: apiKeysRouter,
  jobs: jobsRouter,
  audit: auditRouter,
  system: systemRouter,
  privacy: privacyRouter,
  projectSettings: projectSettingsRouter,
  cohorts: cohortsRouter,
  insights: insightsRouter,
  flags: flagsRouter,
  alerts: alertsRouter,
  channels: channelsRouter,
  monitoring: monitoringRouter,
  ml: mlRouter,
  forecasts: forecastsRouter,
  experiments: experimentsRouter,
  reports: reportsRouter,
  automations: automationsRouter,
  vitals: vitalsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
