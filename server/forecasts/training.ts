import type pg from "pg";
import { forecastSeries, minimumLength, SeriesTooShortError, type ForecastResult } from "../../ml/forecast/engine";
import { abandonStale, activeVersion, beginVersion, completeVersion, failVersion, promote, type ModelKey, type PromoteResult } from "../../ml/registry/registry";
import { modelTraining } from "../monitoring/metrics";
import type { ProjectForQuery } from "../query/run";
import { jobLockName, lockHolder, targetLockName, type LockHolder } from "./locks";
import { recordForecast } from "./predictions";
import { setProgress } from "./progress";
import { allProjectIds, projectForQuery } from "./project";
import { readSeries, trimLeadingZeros, type ForecastWindow } from "./series";
import { FORECAST_KIND, listTargets, resolveTarget, type Target } from "./targets";

/** What the nightly job trains with (the page may ask for other windows; see serving.ts). */
export const TRAINING_WINDOW: ForecastWindow = { horizon: 14, historyDays: 120 };
const STEPS = 4;

export type TargetOutcome =
  | { target: string; status: "trained"; version: number; mase: number; promoted: boolean; reason: string; predictions: number }
  | { target: string; status: "skipped"; reason: string }
  | { target: string; status: "failed"; version: number; error: string; tooShort: boolean };

export function forecastKey(projectId: string, target: string): ModelKey {
  return { projectId, kind: FORECAST_KIND, target };
}

/**
 * One training of one target, under the target's session lock (held by `locks`):
 *   - leftovers of killed runs ('training' rows, possible only because nobody holds the lock) are
 *     marked failed; the series is read through the query layer (too short: no version at all);
 *   - a version is reserved ('training', never active); 1. forecastSeries fits and backtests it;
 *   2. the version is stored 'ready' with its backtest metrics (one UPDATE);
 *   3. promote makes it active only if its backtest MASE beats the active version's (one
 *      transaction); 4. the active version's forecast goes into the prediction store.
 * A crash anywhere leaves the previous active version active and at most one 'training' row,
 * which the next run for this target marks failed in step 1.
 */
export async function trainTarget(
  pool: pg.Pool,
  locks: LockHolder,
  project: ProjectForQuery,
  target: Target,
  opts: { now: Date; jobId?: string; window?: ForecastWindow },
): Promise<TargetOutcome> {
  const window = opts.window ?? TRAINING_WINDOW;
  const key = forecastKey(project.id, target.id);
  const lock = targetLockName(project.id, target.id);
  if (!(await locks.tryLock(lock))) return { target: target.id, status: "skipped", reason: "another training of this target is running" };
  try {
    if (opts.jobId) {
      const done = await pool.query(
        `select 1 from model_versions where project_id = $1 and kind = $2 and target = $3 and status = 'ready' and params->>'jobId' = $4 limit 1`,
        [project.id, key.kind, key.target, opts.jobId],
      );
      if (done.rows.length > 0) return { target: target.id, status: "skipped", reason: "already trained by this job (retry)" };
    }
    await abandonStale(pool, key, 0);
    // A target without enough history gets no version at all (nothing to compare, nothing to keep).
    const series = trimLeadingZeros(await readSeries(pool, project, target, { historyDays: window.historyDays, now: opts.now }));
    const needed = minimumLength(window.horizon, 1);
    if (series.values.length < needed) return { target: target.id, status: "skipped", reason: `${series.values.length} days of history; at least ${needed} are needed` };
    const baseParams = { jobId: opts.jobId ?? null, horizon: window.horizon, historyDays: window.historyDays };
    const { id, version } = await beginVersion(pool, { ...key, params: baseParams });
    const timer = modelTraining.startTimer({ model: FORECAST_KIND });
    try {
      await setProgress(pool, id, { step: 1, of: STEPS, note: `backtesting on ${series.values.length} days` });
      const result = forecastSeries(series.values, { horizon: window.horizon, frequency: "daily" });
      await setProgress(pool, id, { step: 2, of: STEPS, note: "storing the version" });
      const lastDate = series.dates[series.dates.length - 1]!;
      await completeVersion(pool, id, {
        metrics: backtestMetrics(result),
        params: {
          ...baseParams,
          dataFrom: series.dates[0],
          dataTo: lastDate,
          seasonLength: result.seasonLength,
          members: result.members.map((m) => ({ name: m.name, weight: m.weight, model: m.model })),
          calibration: { scale: result.calibration.scale, quantile: result.calibration.quantile },
        },
      });
      await pool.query(`update model_versions set training_from = $2::date, training_to = $3::date, progress = $4::jsonb where id = $1`, [
        id,
        series.dates[0],
        lastDate,
        JSON.stringify({ step: 3, of: STEPS, note: "comparing with the active version" }),
      ]);
      const promotion: PromoteResult = await promote(pool, id);
      const predictions = await recordActiveForecast(pool, key, id, result, series.values, lastDate, window.horizon);
      await setProgress(pool, id, { step: STEPS, of: STEPS, note: promotion.promoted ? `promoted: ${promotion.reason}` : `kept the active version: ${promotion.reason}` });
      timer();
      return { target: target.id, status: "trained", version, mase: result.backtest.mase, promoted: promotion.promoted, reason: promotion.reason, predictions };
    } catch (err) {
      await failVersion(pool, id, (err as Error).message);
      return { target: target.id, status: "failed", version, error: (err as Error).message, tooShort: err instanceof SeriesTooShortError };
    }
  } finally {
    await locks.unlock(lock);
  }
}

export function backtestMetrics(result: ForecastResult) {
  return {
    mase: result.backtest.mase,
    smape: result.backtest.smape,
    origins: result.backtest.origins,
    horizon: result.horizon,
    members: Object.fromEntries(result.members.map((m) => [m.name, { ...m.backtest, weight: m.weight }])),
  };
}

/** The forecast the active version makes from this series goes into the prediction store. */
async function recordActiveForecast(pool: pg.Pool, key: ModelKey, trainedId: string, trained: ForecastResult, values: number[], lastDate: string, horizon: number) {
  const active = await activeVersion(pool, key);
  if (!active) return 0;
  let band: ForecastResult = trained;
  if (active.id !== trainedId) {
    const m = Number((active.params as { seasonLength?: unknown }).seasonLength);
    try {
      band = forecastSeries(values, { horizon, seasonLength: Number.isInteger(m) && m >= 1 ? m : undefined, frequency: "daily" });
    } catch {
      band = trained;
    }
  }
  return recordForecast(pool, key, active.id, lastDate, band);
}

export interface TrainJobOutcome {
  projects: number;
  trained: number;
  promoted: number;
  skipped: number;
  failed: number;
  targets: TargetOutcome[];
}

/**
 * The train_forecasts job: every target of every project (or the one asked). The job's own
 * session lock tells reclaim.ts this job is alive. Targets that fail (too little history) are
 * recorded as failed versions and do not fail the job; anything else throws so
 * graphile-worker retries, and a retry skips the targets this job already finished.
 */
export async function trainForecasts(
  pool: pg.Pool,
  opts: { projectId?: string; target?: string; jobId?: string; now?: Date },
): Promise<TrainJobOutcome> {
  const now = opts.now ?? new Date();
  const locks = await lockHolder(pool);
  try {
    if (opts.jobId && !(await locks.tryLock(jobLockName(opts.jobId)))) throw new Error(`train_forecasts job ${opts.jobId} is already running elsewhere`);
    const ids = opts.projectId ? [opts.projectId] : await allProjectIds(pool);
    const outcomes: TargetOutcome[] = [];
    for (const projectId of ids) {
      const project = await projectForQuery(pool, projectId);
      if (!project) throw new Error(`project ${projectId} does not exist`);
      const targets = opts.target ? [await resolveTarget(pool, projectId, opts.target)] : await listTargets(pool, projectId, { now });
      for (const target of targets) outcomes.push(await trainTarget(pool, locks, project, target, { now, jobId: opts.jobId }));
    }
    const broken = outcomes.filter((o) => o.status === "failed" && !o.tooShort);
    if (broken.length > 0) {
      throw new Error(`training failed for ${broken.map((o) => `${o.target} (${o.status === "failed" ? o.error : ""})`).join("; ")}`);
    }
    const count = (s: TargetOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
    return {
      projects: ids.length,
      trained: count("trained"),
      promoted: outcomes.filter((o) => o.status === "trained" && o.promoted).length,
      skipped: count("skipped"),
      failed: count("failed"),
      targets: outcomes,
    };
  } finally {
    locks.release();
  }
}
