import { trainForecasts } from "../../server/forecasts/training";
import type { TaskHandler } from "../define-task";

/**
 * Trains every forecast target of every project (or one project / target): a version per target
 * with its backtest metrics, promoted only when it beats the active one. Safe to retry after a
 * crash: see server/forecasts/training.ts and reclaim.ts.
 */
export const trainForecastsTask: TaskHandler<"train_forecasts"> = async (payload, { deps, helpers }) => {
  const out = await trainForecasts(deps.db.pool, { projectId: payload.projectId, target: payload.target, jobId: String(helpers.job.id) });
  return { ...out, targets: out.targets.slice(0, 100) };
};
