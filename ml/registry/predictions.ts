import type { Queryable } from "./db";
import type { ModelKey } from "./registry";

/** Prediction store: what a version predicted, for when; actuals filled in by reconcile. */
export interface PredictionRow {
  /** The date predicted for (YYYY-MM-DD). */
  forDate: string;
  horizon: number;
  predicted: number;
  lower80?: number | null;
  upper80?: number | null;
  lower95?: number | null;
  upper95?: number | null;
}

export async function recordPredictions(pool: Queryable, versionId: string, key: ModelKey, rows: PredictionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <K extends keyof PredictionRow>(k: K) => rows.map((r) => r[k] ?? null);
  const { rowCount } = await pool.query(
    `INSERT INTO predictions (model_version_id, project_id, kind, target, for_date, horizon, predicted, lower_80, upper_80, lower_95, upper_95)
     SELECT $1::uuid, $2::uuid, $3, $4, d, h, p, l8, u8, l9, u9
       FROM unnest($5::date[], $6::int[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[]) AS t(d, h, p, l8, u8, l9, u9)`,
    [versionId, key.projectId, key.kind, key.target, col("forDate"), col("horizon"), col("predicted"), col("lower80"), col("upper80"), col("lower95"), col("upper95")],
  );
  return rowCount ?? 0;
}

/**
 * Fills in actuals for predictions of a key whose date has an observed value and that have none
 * yet. Idempotent: a retried reconcile changes nothing already reconciled.
 */
export async function reconcileActuals(pool: Queryable, key: ModelKey, actuals: { date: string; value: number }[]): Promise<number> {
  if (actuals.length === 0) return 0;
  const { rowCount } = await pool.query(
    `UPDATE predictions p SET actual = a.v, reconciled_at = now()
       FROM unnest($4::date[], $5::float8[]) AS a(d, v)
      WHERE p.project_id IS NOT DISTINCT FROM $1::uuid AND p.kind = $2 AND p.target = $3
        AND p.for_date = a.d AND p.actual IS NULL`,
    [key.projectId, key.kind, key.target, actuals.map((a) => a.date), actuals.map((a) => a.value)],
  );
  return rowCount ?? 0;
}

/**
 * Refreshes the live accuracy of every version with reconciled predictions for `key`; returns how
 * many versions were updated.
 */
export async function refreshLiveAccuracy(pool: Queryable, key: ModelKey): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT DISTINCT model_version_id AS id FROM predictions
      WHERE project_id IS NOT DISTINCT FROM $1::uuid AND kind = $2 AND target = $3 AND actual IS NOT NULL`,
    [key.projectId, key.kind, key.target],
  );
  for (const r of rows) await updateLiveAccuracy(pool, r.id);
  return rows.length;
}

export interface LiveAccuracy {
  n: number;
  mae: number | null;
  smape: number | null;
  coverage80: number | null;
  coverage95: number | null;
  updatedAt: string;
}

/**
 * Live accuracy of a version from its reconciled predictions (MAE, sMAPE in percent, interval
 * coverage), stored in model_versions.live_metrics and returned.
 */
export async function updateLiveAccuracy(pool: Queryable, versionId: string): Promise<LiveAccuracy> {
  const { rows } = await pool.query<{ n: string; mae: number | null; smape: number | null; c80: number | null; c95: number | null }>(
    `SELECT count(*) AS n,
            avg(abs(actual - predicted)) AS mae,
            avg(CASE WHEN abs(actual) + abs(predicted) = 0 THEN 0 ELSE 200 * abs(actual - predicted) / (abs(actual) + abs(predicted)) END) AS smape,
            avg(CASE WHEN lower_80 IS NULL THEN NULL WHEN actual BETWEEN lower_80 AND upper_80 THEN 1.0 ELSE 0.0 END) AS c80,
            avg(CASE WHEN lower_95 IS NULL THEN NULL WHEN actual BETWEEN lower_95 AND upper_95 THEN 1.0 ELSE 0.0 END) AS c95
       FROM predictions WHERE model_version_id = $1 AND actual IS NOT NULL`,
    [versionId],
  );
  const r = rows[0]!;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const live: LiveAccuracy = { n: Number(r.n), mae: num(r.mae), smape: num(r.smape), coverage80: num(r.c80), coverage95: num(r.c95), updatedAt: new Date().toISOString() };
  await pool.query(`UPDATE model_versions SET live_metrics = $2::jsonb WHERE id = $1`, [versionId, JSON.stringify(live)]);
  return live;
}
