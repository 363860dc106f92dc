import { forecastSeries, type ForecastOptions, type ForecastResult } from "../forecast/engine";
import type { PoolLike } from "./db";
import { abandonStale, beginVersion, completeVersion, failVersion, promote, type ModelKey, type PromoteResult } from "./registry";

export interface TrainInput {
  key: ModelKey;
  values: number[];
  /** Dates of the values (first and last become the training window). */
  from?: Date;
  to?: Date;
  options: ForecastOptions;
  /** Artifact bytes to store (e.g. a global neural model from modelToBytes). */
  artifact?: Uint8Array | null;
  artifactMeta?: Record<string, unknown> | null;
  /** Versions stuck in 'training' longer than this are marked failed first (default 1 hour). */
  staleAfterMs?: number;
}

export interface TrainOutcome {
  id: string;
  version: number;
  result: ForecastResult;
  promotion: PromoteResult;
}

/**
 * One training run for a key: clear stale runs, reserve a version, fit and backtest, store the
 * version with its backtest metrics, promote it if it beats the active one. Safe to retry after
 * a crash at any point: a version is only ever made active by promote's own transaction.
 */
export async function trainForecastVersion(pool: PoolLike, input: TrainInput): Promise<TrainOutcome> {
  await abandonStale(pool, input.key, input.staleAfterMs ?? 3_600_000);
  const { id, version } = await beginVersion(pool, { ...input.key, trainingFrom: input.from ?? null, trainingTo: input.to ?? null });
  let result: ForecastResult;
  try {
    result = forecastSeries(input.values, input.options);
  } catch (err) {
    await failVersion(pool, id, (err as Error).message);
    throw err;
  }
  await completeVersion(pool, id, {
    metrics: {
      mase: result.backtest.mase,
      smape: result.backtest.smape,
      origins: result.backtest.origins,
      members: Object.fromEntries(result.members.map((m) => [m.name, { ...m.backtest, weight: m.weight }])),
    },
    params: {
      horizon: result.horizon,
      seasonLength: result.seasonLength,
      members: result.members.map((m) => ({ name: m.name, weight: m.weight, model: m.model })),
      calibration: { scale: result.calibration.scale, quantile: result.calibration.quantile, scores: result.calibration.scores },
    },
    artifact: input.artifact ?? null,
    artifactMeta: input.artifactMeta ?? null,
  });
  const promotion = await promote(pool, id);
  return { id, version, result, promotion };
}
