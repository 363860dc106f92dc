import { z } from "zod";

/** graphile-worker adds `_cron: { ts, backfilled }` to the payload of the jobs its crontab schedules. */
const cronStamp = { _cron: z.object({ ts: z.unknown(), backfilled: z.boolean() }).partial().optional() };

/**
 * Every background task Foresight knows, with the payload it takes. The worker's registry
 * (workers/tasks) must implement exactly these; the web side enqueues by these names.
 */
export const taskCatalog = {
  purge_expired_sessions: {
    description: "Delete expired login sessions and job history older than the retention period",
    payload: z.object({ jobHistoryDays: z.number().int().min(1).max(3650).default(30), ...cronStamp }).strict(),
    manual: true,
  },
  maintain_event_partitions: {
    description: "Create the monthly event partitions ahead of time (and back to the longest retention)",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  apply_retention: {
    description: "Delete events and event ids older than each project's retention period",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  recompute_cohorts: {
    description: "Recompute cohort memberships (one cohort, one project's, or all), dependencies first",
    payload: z.object({ cohortId: z.uuid().optional(), projectId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
  refresh_rollups: {
    description: "Recompute the rollup days that are stale (late events, merges, gaps, timezone change) for every project, or one",
    payload: z.object({ projectId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
  apply_flag_changes: {
    description: "Apply scheduled feature flag changes that are due, and recount flag exposures for yesterday and today",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  sample_metrics: {
    description: "Sample this worker's metrics registry into metric_samples once (each process also samples itself every 10 s)",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  downsample_metrics: {
    description: "Fold metric samples into 1-minute and 1-hour rows and delete samples past retention",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  evaluate_alerts: {
    description: "Evaluate the enabled alert rules (one, or all) and queue notifications for firings and resolutions",
    payload: z.object({ ruleId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
  deliver_notifications: {
    description: "Send queued notifications (email, Slack, PagerDuty, webhook), retrying failures with backoff",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  train_forecasts: {
    description: "Train forecast models (one project and target, one project, or all) and promote a version only when it beats the active one on the backtest",
    payload: z.object({ projectId: z.uuid().optional(), target: z.string().min(1).max(200).optional(), ...cronStamp }).strict(),
    manual: true,
  },
  train_price_models: {
    description: "Train the price models per route group from search events (one project, or all)",
    payload: z.object({ projectId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
  reconcile_predictions: {
    description: "Fill in the actuals of past predictions and update each model's live accuracy",
    payload: z.object(cronStamp).strict(),
    manual: true,
  },
  run_reports: {
    description: "Run the scheduled reports that are due (or one report now) and email them",
    payload: z.object({ reportId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
  run_automations: {
    description: "Scan new events for automation triggers and act on the persons whose delay has passed",
    payload: z.object({ automationId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
  sync_audiences: {
    description: "Post the members of each synced cohort to its webhook",
    payload: z.object({ syncId: z.uuid().optional(), ...cronStamp }).strict(),
    manual: true,
  },
} as const;

export type TaskName = keyof typeof taskCatalog;
export type TaskPayload<N extends TaskName> = z.output<(typeof taskCatalog)[N]["payload"]>;

export const taskNameSchema = z.enum(Object.keys(taskCatalog) as [TaskName, ...TaskName[]]);
