import { reconcilePredictions } from "../../server/forecasts/reconcile";
import type { TaskHandler } from "../define-task";

/** Fills in the actuals of past forecast predictions and updates each version's live accuracy. Idempotent. */
export const reconcilePredictionsTask: TaskHandler<"reconcile_predictions"> = async (_payload, { deps }) => {
  return { ...(await reconcilePredictions(deps.db.pool, new Date())) };
};
