import type pg from "pg";
import { reconcileActuals, refreshLiveAccuracy } from "../../../ml/registry/predictions";
import { priceActuals } from "./actuals";

const PRICE_KIND = "price";

/**
 * The reconcile job's part for price predictions of one project: fills in what fares really were
 * on the days predicted (median cheapest fare of that day's searches for the route, cabin and
 * departure; days without such a search stay open) and refreshes the live accuracy of the price
 * versions involved. `today` is the project's local date; only earlier days are reconciled.
 */
export async function reconcilePricePredictions(pool: pg.Pool, projectId: string, today: string) {
  const { rows } = await pool.query<{ target: string; first: string; last: string }>(
    `select target, min(for_date)::text as first, max(for_date)::text as last from predictions
      where project_id = $1 and kind = $2 and actual is null and for_date < $3::date
      group by target order by target`,
    [projectId, PRICE_KIND, today],
  );
  let reconciled = 0;
  let versionsUpdated = 0;
  for (const r of rows) {
    const key = { projectId, kind: PRICE_KIND, target: r.target };
    const n = await reconcileActuals(pool, key, await priceActuals(pool, projectId, r.target, r.first, r.last));
    reconciled += n;
    if (n) versionsUpdated += await refreshLiveAccuracy(pool, key);
  }
  return { targets: rows.length, reconciled, versionsUpdated };
}
