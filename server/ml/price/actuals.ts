import type { Queryable } from "../../../ml/registry/db";
import { parsePriceTarget } from "./serving";

/**
 * What actually happened to a recorded price prediction (for the reconcile job): the median
 * cheapest fare of the searches made on each day for the target's route, cabin and departure.
 * Targets are "<origin>-<destination>/<cabin>/<depart date>" (serving.ts, priceTarget); pass the
 * result to ml/registry reconcileActuals(pool, { projectId, kind: "price", target }, actuals).
 * Days without such a search have no actual and stay unreconciled.
 */
export async function priceActuals(pool: Queryable, projectId: string, target: string, from: string, to: string): Promise<{ date: string; value: number }[]> {
  const t = parsePriceTarget(target);
  if (!t) return [];
  const { rows } = await pool.query<{ date: string; value: number }>(
    `select to_char((timestamp at time zone 'UTC')::date, 'YYYY-MM-DD') as date,
            percentile_cont(0.5) within group (order by (properties->>'cheapest_price')::float8) as value
       from events
      where project_id = $1 and event = 'search' and timestamp >= $5::date and timestamp < $6::date + 1
        and properties->>'origin' = $2 and properties->>'destination' = $3 and properties->>'depart_date' = $4
        and coalesce(properties->>'cabin_class', 'economy') = $7
        and jsonb_typeof(properties->'cheapest_price') = 'number'
      group by 1 order by 1`,
    [projectId, t.origin, t.destination, t.departDate, from, to, t.cabinClass],
  );
  return rows.map((r) => ({ date: r.date, value: Number(r.value) }));
}
