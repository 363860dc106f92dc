/**
 * graphile-worker crontab, passed explicitly (no crontab file is read). Fields: minute hour
 * day-of-month month day-of-week, in UTC. `?fill=` backfills runs missed while the worker was down.
 */
export const crontab = [
  "17 * * * * purge_expired_sessions ?fill=2h&max=1",
  "5 2 * * * maintain_event_partitions ?fill=1d&max=1",
  "35 2 * * * apply_retention ?fill=1d&max=1",
  // Every minute; one queue runs them one at a time, and the job key collapses a backlog into one job.
  "* * * * * refresh_rollups ?jobKey=refresh_rollups&jobKeyMode=preserve_run_at&queue=rollups&max=3",
  "*/15 * * * * recompute_cohorts ?max=1",
  "* * * * * apply_flag_changes ?jobKey=apply_flag_changes&jobKeyMode=preserve_run_at&max=1",
  "* * * * * evaluate_alerts ?jobKey=evaluate_alerts&jobKeyMode=preserve_run_at&max=1",
  "* * * * * deliver_notifications ?jobKey=deliver_notifications&jobKeyMode=preserve_run_at&max=1",
  "* * * * * run_reports ?jobKey=run_reports&jobKeyMode=preserve_run_at&max=1",
  "*/10 * * * * downsample_metrics ?jobKey=downsample_metrics&max=1",
  "10 3 * * * train_price_models ?fill=1d&max=1&jobKey=train_price_models_nightly",
  "40 3 * * * train_forecasts ?fill=1d&max=1&jobKey=train_forecasts_nightly",
  "20 * * * * reconcile_predictions ?jobKey=reconcile_predictions&max=1",
  "* * * * * run_automations ?jobKey=run_automations&jobKeyMode=preserve_run_at&max=1",
  "5,20,35,50 * * * * sync_audiences ?jobKey=sync_audiences&max=1",
].join("\n");
