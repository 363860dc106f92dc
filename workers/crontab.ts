/**
 * graphile-worker crontab, passed explicitly (no crontab file is read). Fields: minute hour
 * day-of-month month day-of-week, in UTC. `?fill=` backfills runs missed while the worker was down.
 */
export const crontab = [
  "17 * * * * purge_expired_sessions ?fill=2h&max=1",
  "5 2 * * * maintain_event_partitions ?fill=1d&max=1",
  "35 2 * * * apply_retention ?fill=1d&max=1",
  "*/15 * * * * recompute_cohorts ?max=1",
].join("\n");
