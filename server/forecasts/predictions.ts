import type pg from "pg";
import type { ForecastBand } from "../../ml/forecast/engine";
import { reconcileActuals, recordPredictions, refreshLiveAccuracy } from "../../ml/registry/predictions";
import type { ModelKey } from "../../ml/registry/registry";
import type { ProjectForQuery } from "../query/run";
import { addDays, localDate, readDays } from "./series";
import { FORECAST_KIND, resolveTarget, TargetNotFoundError } from "./targets";

/**
 * Stores what a version forecast after the series' last day (for_date = last + h, horizon h).
 * Once per version and data end: a retried job finds the first step stored and adds nothing.
 */
export async function recordForecast(pool: pg.Pool, key: ModelKey, versionId: string, lastDate: string, band: ForecastBand): Promise<number> {
  const first = addDays(lastDate, 1);
  const { rows } = await pool.query(`select 1 from predictions where model_version_id = $1 and for_date = $2::date and horizon = 1 limit 1`, [versionId, first]);
  if (rows.length > 0) return 0;
  return recordPredictions(
    pool,
    versionId,
    key,
    band.mean.map((predicted, i) => ({
      forDate: addDays(lastDate, i + 1),
      horizon: i + 1,
      predicted,
      lower80: band.lo80[i],
      upper80: band.hi80[i],
      lower95: band.lo95[i],
      upper95: band.hi95[i],
    })),
  );
}

export interface ReconcileOutcome {
  targets: number;
  reconciled: number;
  versionsUpdated: number;
  skipped: string[];
}

/**
 * Fills in the actuals of a project's forecast predictions whose day is complete (before today
 * in the project's timezone), reading each target through the same query as its training, then
 * recomputes the live accuracy of every version that has reconciled predictions. Idempotent.
 */
export async function reconcileProject(pool: pg.Pool, project: ProjectForQuery, now: Date): Promise<ReconcileOutcome> {
  const today = localDate(now, project.timezone);
  const { rows } = await pool.query<{ target: string; first: string }>(
    `select target, min(for_date)::text as first from predictions
      where project_id = $1 and kind = $2 and actual is null and for_date < $3::date
      group by target order by target`,
    [project.id, FORECAST_KIND, today],
  );
  const out: ReconcileOutcome = { targets: rows.length, reconciled: 0, versionsUpdated: 0, skipped: [] };
  for (const row of rows) {
    let target;
    try {
      target = await resolveTarget(pool, project.id, row.target);
    } catch (err) {
      if (err instanceof TargetNotFoundError) {
        out.skipped.push(row.target);
        continue;
      }
      throw err;
    }
    const from = row.first < addDays(today, -730) ? addDays(today, -730) : row.first;
    const series = await readDays(pool, project, target, { from, to: addDays(today, -1), now });
    const key: ModelKey = { projectId: project.id, kind: FORECAST_KIND, target: row.target };
    out.reconciled += await reconcileActuals(pool, key, series.dates.map((date, i) => ({ date, value: series.values[i]! })));
    out.versionsUpdated += await refreshLiveAccuracy(pool, key);
  }
  return out;
}
