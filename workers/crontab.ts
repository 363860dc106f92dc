/**
 * graphile-worker crontab, passed explicitly (no crontab file is read). Fields: minute hour
 * day-of-month month day-of-week, in UTC. `?fill=` backfills runs missed while the worker was down.
 */
export const crontab = [
  "17 * * * * purge_expired_sessions ?fill=2h&max=1",
].join("\n");
