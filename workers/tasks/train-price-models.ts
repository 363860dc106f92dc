import { trainPriceModels } from "../../server/ml/price/train";
import { NotEnoughDataError } from "../../server/ml/price/model-set";
import type { TaskHandler } from "../define-task";

/**
 * Trains the price models (the whole fallback ladder, one registry version) of every project or
 * the one asked, promoting a version only when its backtest MASE beats the active one's. A
 * project without enough priced searches is skipped, not failed. Safe to retry: a killed run
 * leaves a 'training' row that the next run marks failed, never a half-active version.
 */
export const trainPriceModelsTask: TaskHandler<"train_price_models"> = async (payload, { deps }) => {
  const pool = deps.db.pool;
  const ids = payload.projectId
    ? [payload.projectId]
    : (await pool.query<{ id: string }>(`select id from projects order by created_at, id`)).rows.map((r) => r.id);
  const projects = [];
  for (const id of ids) {
    try {
      const r = await trainPriceModels(pool, id);
      projects.push({ projectId: id, version: r.version, searches: r.searches, mase: r.metrics.mase, coverage80: r.metrics.coverage80, promoted: r.promotion.promoted, reason: r.promotion.reason });
    } catch (err) {
      if (!(err instanceof NotEnoughDataError)) throw err;
      projects.push({ projectId: id, skipped: err.message });
    }
  }
  return { projects };
};
