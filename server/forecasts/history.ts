import type pg from "pg";
import { listVersions } from "../../ml/registry/registry";
import { summarizeVersion, type VersionSummary } from "./serving";
import { FORECAST_KIND } from "./targets";

/** A target's versions, newest first, with progress (for the model history table). */
export async function versionHistory(pool: pg.Pool, projectId: string, target: string): Promise<VersionSummary[]> {
  const versions = await listVersions(pool, { projectId, kind: FORECAST_KIND, target });
  const { rows } = await pool.query<{ id: string; progress: unknown }>(
    `select id, progress from model_versions where project_id = $1 and kind = $2 and target = $3`,
    [projectId, FORECAST_KIND, target],
  );
  const progress = new Map(rows.map((r) => [r.id, r.progress]));
  return versions.map((v) => summarizeVersion({ ...v, progress: progress.get(v.id) }));
}

export type JobState = "queued" | "running" | "retrying" | "completed" | "failed" | "unknown";

/** Where a train_forecasts job is: still in graphile-worker's queue, or finished (job_runs). */
export async function trainingJobState(pool: pg.Pool, jobId: string): Promise<{ state: JobState; attempts: number; error: string | null }> {
  const { rows: present } = await pool.query(`select to_regclass('graphile_worker._private_jobs') is not null as ok`);
  if (present[0]?.ok) {
    const { rows } = await pool.query<{ locked: boolean; attempts: number; maxAttempts: number; lastError: string | null }>(
      `select j.locked_by is not null as locked, j.attempts, j.max_attempts as "maxAttempts", j.last_error as "lastError"
         from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        where j.id = $1::bigint and t.identifier = 'train_forecasts'`,
      [jobId],
    );
    const j = rows[0];
    if (j) {
      const state: JobState = j.locked ? "running" : j.attempts >= j.maxAttempts ? "failed" : j.attempts > 0 ? "retrying" : "queued";
      return { state, attempts: j.attempts, error: j.lastError };
    }
  }
  const { rows } = await pool.query<{ status: string; attempt: number; error: string | null }>(
    `select status, attempt, error from job_runs where job_id = $1 and task = 'train_forecasts' order by started_at desc limit 1`,
    [jobId],
  );
  const r = rows[0];
  if (!r) return { state: "unknown", attempts: 0, error: null };
  return { state: r.status === "completed" ? "completed" : r.status === "failed" ? "failed" : "running", attempts: r.attempt, error: r.error };
}
