import type { TaskName } from "../../server/jobs/catalog";
import type { TaskHandler } from "../define-task";
import { applyFlagChangesTask } from "./apply-flag-changes";
import { applyRetentionTask } from "./apply-retention";
import { deliverNotificationsTask } from "./deliver-notifications";
import { downsampleMetricsTask } from "./downsample-metrics";
import { evaluateAlertsTask } from "./evaluate-alerts";
import { sampleMetricsTask } from "./sample-metrics";
import { maintainEventPartitionsTask } from "./maintain-event-partitions";
import { purgeExpiredSessionsTask } from "./purge-expired-sessions";
import { refreshRollupsTask } from "./refresh-rollups";
import { trainForecastsTask } from "./train-forecasts";
import { trainPriceModelsTask } from "./train-price-models";
import { reconcilePredictionsTask } from "./reconcile-predictions";
import { runReportsTask } from "./run-reports";
import { runAutomationsTask } from "./run-automations";
import { syncAudiencesTask } from "./sync-audiences";
import { recomputeCohortsTask } from "./recompute-cohorts";

/** One handler per catalog entry; the type makes a missing or extra task a compile error. */
export const taskHandlers: { [N in TaskName]: TaskHandler<N> } = {
  purge_expired_sessions: purgeExpiredSessionsTask,
  maintain_event_partitions: maintainEventPartitionsTask,
  apply_retention: applyRetentionTask,
  refresh_rollups: refreshRollupsTask,
  recompute_cohorts: recomputeCohortsTask,
  apply_flag_changes: applyFlagChangesTask,
  sample_metrics: sampleMetricsTask,
  downsample_metrics: downsampleMetricsTask,
  evaluate_alerts: evaluateAlertsTask,
  deliver_notifications: deliverNotificationsTask,
  train_forecasts: trainForecastsTask,
  train_price_models: trainPriceModelsTask,
  reconcile_predictions: reconcilePredictionsTask,
  run_reports: runReportsTask,
  run_automations: runAutomationsTask,
  sync_audiences: syncAudiencesTask,
};
