import type pg from "pg";
import { isLockHeld, jobLockName } from "./locks";

/**
 * graphile-worker (0.18) frees a job locked by a worker that died only after 4 hours. A
 * train_forecasts job holds a session advisory lock for as long as its handler runs (locks.ts),
 * so a job that graphile-worker still shows as locked, for longer than `graceMs` (the moment
 * between graphile-worker locking the job and the handler taking its lock), while nobody holds
 * that advisory lock, belongs to a dead worker: it is unlocked, exactly as graphile-worker's own
 * stale-lock reset does, and the next free worker retries it (its attempt already counted).
 */
export async function reclaimAbandonedTrainingJobs(pool: pg.Pool, opts: { graceMs?: number } = {}): Promise<string[]> {
  const { rows: present } = await pool.query(`select to_regclass('graphile_worker._private_jobs') is not null as ok`);
  if (!present[0]?.ok) return [];
  const { rows } = await pool.query<{ id: string; lockedBy: string }>(
    `select j.id::text as id, j.locked_by as "lockedBy"
       from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'train_forecasts' and j.locked_by is not null
        and j.locked_at < now() - make_interval(secs => $1)`,
    [(opts.graceMs ?? 10_000) / 1000],
  );
  const reclaimed: string[] = [];
  for (const job of rows) {
    if (await isLockHeld(pool, jobLockName(job.id))) continue;
    const { rowCount } = await pool.query(
      `update graphile_worker._private_jobs set locked_at = null, locked_by = null, run_at = greatest(run_at, now())
        where id = $1::bigint and locked_by = $2`,
      [job.id, job.lockedBy],
    );
    if (rowCount) reclaimed.push(job.id);
  }
  return reclaimed;
}

/** Runs the reclaim now and every `everyMs` in the worker process; returns the stop function. */
export function startTrainingReclaimer(pool: pg.Pool, onError: (err: unknown) => void, everyMs = 15_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    reclaimAbandonedTrainingJobs(pool)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
