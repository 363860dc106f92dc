import type { PoolLike, Queryable } from "../../../ml/registry/db";
import { abandonStale, beginVersion, completeVersion, failVersion, promote, type ModelKey, type PromoteResult } from "../../../ml/registry/registry";
import { modelTraining } from "../../monitoring/metrics";
import { backtest } from "./backtest";
import { DAY_MS } from "./features";
import type { PriceBundle } from "./forecaster";
import { DEFAULT_THRESHOLDS, fitModelSet, NotEnoughDataError, type Thresholds } from "./model-set";
import { loadObservations } from "./observations";

/** Registry key of a project's price models (one version holds the whole ladder). */
export const priceModelKey = (projectId: string): ModelKey => ({ projectId, kind: "price", target: "routes" });

/** Fewer priced searches than this give no useful backtest. */
export const MIN_SEARCHES = 60;

export interface TrainPriceOptions {
  /** Train on searches before this instant (default now). */
  now?: Date;
  /** Days of searches to learn from (default 180). */
  windowDays?: number;
  thresholds?: Thresholds;
  staleAfterMs?: number;
}

export interface TrainPriceOutcome {
  id: string;
  version: number;
  searches: number;
  metrics: PriceBundle["metrics"];
  promotion: PromoteResult;
}

async function setProgress(pool: Queryable, id: string, step: number, of: number, note: string, done = false) {
  await pool.query(`update model_versions set progress = $2::jsonb where id = $1 and (status = 'training' or $3)`, [id, JSON.stringify({ step, of, note }), done]);
}

export const encodeBundle = (b: PriceBundle) => new TextEncoder().encode(JSON.stringify(b));
export const decodeBundle = (bytes: Uint8Array): PriceBundle => JSON.parse(new TextDecoder().decode(bytes)) as PriceBundle;

/**
 * One training run of a project's price models: load the searches, backtest the ladder out of
 * time, refit on everything, store the version (metrics, artifact) and promote it only if its
 * backtest MASE beats the active version's. Retry-safe like trainForecastVersion: a run killed
 * midway leaves a 'training' row that the next run marks failed; only promote activates.
 */
export async function trainPriceModels(pool: PoolLike, projectId: string, opts: TrainPriceOptions = {}): Promise<TrainPriceOutcome> {
  const key = priceModelKey(projectId);
  const to = opts.now ?? new Date();
  const from = new Date(to.getTime() - (opts.windowDays ?? 180) * DAY_MS);
  const thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
  await abandonStale(pool, key, opts.staleAfterMs ?? 3_600_000);
  // A project without enough searches gets no version at all (not a failed one every night).
  const obs = await loadObservations(pool, projectId, { from, to });
  const needed = Math.max(thresholds.global, MIN_SEARCHES);
  if (obs.length < needed) throw new NotEnoughDataError(obs.length, needed);
  const { id, version } = await beginVersion(pool, { ...key, trainingFrom: from, trainingTo: to, params: { thresholds } });
  const timer = modelTraining.startTimer({ model: "price" });
  try {
    await setProgress(pool, id, 2, 4, `backtesting on ${obs.length} searches`);
    const { metrics, calibration } = backtest(obs, { thresholds });
    await setProgress(pool, id, 3, 4, "fitting on all searches");
    const set = fitModelSet(obs, thresholds);
    const trainedThrough = obs.reduce((m, o) => Math.max(m, o.purchaseDay), 0);
    const counts = new Map<string, number>();
    for (const o of obs) counts.set(`${o.origin}-${o.destination}`, (counts.get(`${o.origin}-${o.destination}`) ?? 0) + 1);
    const catalog = [...counts]
      .map(([k, searches]) => ({ origin: k.slice(0, 3), destination: k.slice(4), searches }))
      .sort((a, b) => b.searches - a.searches || a.origin.localeCompare(b.origin) || a.destination.localeCompare(b.destination));
    const bundle: PriceBundle = { format: 1, set, calibration, metrics, trainedThrough, catalog };
    await setProgress(pool, id, 4, 4, "storing");
    await completeVersion(pool, id, {
      metrics: { ...metrics, coverage80: metrics.coverage80 ?? undefined, coverage95: metrics.coverage95 ?? undefined },
      params: {
        thresholds,
        searches: obs.length,
        routeModels: Object.keys(set.routes).length,
        airportModels: Object.keys(set.airports).length,
        calibration,
      },
      artifact: encodeBundle(bundle),
      artifactMeta: { format: "price-bundle-json", version: 1 },
    });
    const promotion = await promote(pool, id, { metric: "mase", lowerIsBetter: true });
    await setProgress(pool, id, 4, 4, promotion.promoted ? `promoted: ${promotion.reason}` : `kept the active version: ${promotion.reason}`, true);
    timer();
    return { id, version, searches: obs.length, metrics, promotion };
  } catch (err) {
    await failVersion(pool, id, (err as Error).message);
    throw err;
  }
}
