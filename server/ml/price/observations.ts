import type { Queryable } from "../../../ml/registry/db";
import { cabinClasses, type CabinClass } from "../../ingest/domain-events";
import { DAY_MS, dayOf, MAX_DAYS_OUT, type PriceObservation } from "./features";

/**
 * Priced searches of a project, from `search` events: cheapest price by route, cabin, depart date
 * and day of search (UTC). Searches without results, with malformed properties or departing
 * before the search are skipped: events are not validated at ingest unless a project asks for it.
 */
const IATA = /^[A-Z]{3}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const cabins = new Set<string>(cabinClasses);

export interface SearchRow {
  origin: unknown;
  destination: unknown;
  cabin: unknown;
  depart: unknown;
  ret: unknown;
  price: unknown;
  ts: Date;
}

/** One event's properties as an observation, or null when it cannot be one. */
export function toObservation(r: SearchRow): PriceObservation | null {
  if (typeof r.origin !== "string" || !IATA.test(r.origin) || typeof r.destination !== "string" || !IATA.test(r.destination)) return null;
  if (r.origin === r.destination || typeof r.depart !== "string" || !ISO_DAY.test(r.depart)) return null;
  const price = typeof r.price === "number" ? r.price : Number(r.price);
  if (!Number.isFinite(price) || price <= 0) return null;
  const departDay = dayOf(r.depart);
  const purchaseDay = Math.floor(r.ts.getTime() / DAY_MS);
  if (!Number.isFinite(departDay) || departDay < purchaseDay || departDay - purchaseDay > MAX_DAYS_OUT) return null;
  const cabin = (typeof r.cabin === "string" && cabins.has(r.cabin) ? r.cabin : "economy") as CabinClass;
  return { origin: r.origin, destination: r.destination, cabin, roundTrip: typeof r.ret === "string" && r.ret.length > 0, departDay, purchaseDay, price };
}

export interface LoadOptions {
  /** Searches made at or after this instant (default: 180 days before `to`). */
  from?: Date;
  /** Searches made before this instant (default: now). */
  to?: Date;
  /** At most this many of the newest searches (default 400k). */
  limit?: number;
}

export async function loadObservations(pool: Queryable, projectId: string, opts: LoadOptions = {}): Promise<PriceObservation[]> {
  const to = opts.to ?? new Date();
  const from = opts.from ?? new Date(to.getTime() - 180 * DAY_MS);
  const { rows } = await pool.query<SearchRow>(
    `select properties->>'origin' as origin, properties->>'destination' as destination, properties->>'cabin_class' as cabin,
            properties->>'depart_date' as depart, properties->>'return_date' as ret, properties->'cheapest_price' as price, timestamp as ts
       from events
      where project_id = $1 and event = 'search' and timestamp >= $2 and timestamp < $3
        and jsonb_typeof(properties->'cheapest_price') = 'number'
      order by timestamp desc
      limit $4`,
    [projectId, from, to, opts.limit ?? 400_000],
  );
  const out: PriceObservation[] = [];
  for (const r of rows) {
    const o = toObservation(r);
    if (o) out.push(o);
  }
  return out.reverse();
}
