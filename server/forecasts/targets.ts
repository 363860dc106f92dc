import type pg from "pg";
import { z } from "zod";
import { trendsQuery, type TrendsQuery } from "../query/schema/trends";

/**
 * What Foresight forecasts: four business series, demand (searches) per route, and any saved
 * trends insight. A target is named by a stable id that is also the model registry's `target`:
 *   revenue | bookings | new_users | active_users | route:<ORIGIN>-<DESTINATION> | insight:<uuid>
 */
export const FIXED_TARGETS = ["revenue", "bookings", "new_users", "active_users"] as const;
export type FixedTarget = (typeof FIXED_TARGETS)[number];

const iata = "[A-Z]{3}";
export const targetId = z
  .string()
  .max(200)
  .regex(
    new RegExp(`^(revenue|bookings|new_users|active_users|route:${iata}-${iata}|insight:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`),
    "target is one of revenue, bookings, new_users, active_users, route:AAA-BBB or insight:<id>",
  );
export type TargetId = z.infer<typeof targetId>;

/** The registry kind of every forecast model version. */
export const FORECAST_KIND = "forecast";

export type Target =
  | { id: FixedTarget; kind: "fixed"; label: string; description: string; unit: "money" | "count" }
  | { id: string; kind: "route"; label: string; description: string; unit: "count"; origin: string; destination: string }
  | { id: string; kind: "insight"; label: string; description: string; unit: "count"; insightId: string; query: TrendsQuery };

const FIXED: Record<FixedTarget, { label: string; description: string; unit: "money" | "count" }> = {
  revenue: { label: "Revenue", description: "Sum of `revenue` on booking_completed per day", unit: "money" },
  bookings: { label: "Bookings", description: "booking_completed events per day", unit: "count" },
  new_users: { label: "New users", description: "Persons whose first ever event is on the day (lifecycle: new)", unit: "count" },
  active_users: { label: "Active users", description: "Distinct persons with any event on the day", unit: "count" },
};

export function fixedTarget(id: FixedTarget): Target {
  return { id, kind: "fixed", ...FIXED[id] };
}

export function routeTarget(origin: string, destination: string): Target {
  return {
    id: `route:${origin}-${destination}`,
    kind: "route",
    label: `Demand ${origin} → ${destination}`,
    description: `search events per day with origin ${origin} and destination ${destination}`,
    unit: "count",
    origin,
    destination,
  };
}

export class TargetNotFoundError extends Error {}

/** An unsaved trends query (the insight builder's current one); it has no model versions. */
export function queryTarget(query: TrendsQuery): Target {
  return { id: "query", kind: "insight", label: "This insight", description: "The trends query as it is now (first series or formula, daily)", unit: "count", insightId: "", query };
}

/** The saved trends insight's query, when it is one this page can forecast. */
function insightTarget(row: { id: string; name: string; kind: string; query: unknown }): Target | null {
  if (row.kind !== "trends") return null;
  const parsed = trendsQuery.safeParse(row.query);
  if (!parsed.success) return null;
  return {
    id: `insight:${row.id}`,
    kind: "insight",
    label: row.name,
    description: `Saved trends insight (first series${parsed.data.formula ? ", or its formula" : ""}, daily)`,
    unit: "count",
    insightId: row.id,
    query: parsed.data,
  };
}

/** Resolves a target id in a project (routes are any pair; insights must exist in the project). */
export async function resolveTarget(pool: pg.Pool, projectId: string, id: string): Promise<Target> {
  const parsed = targetId.parse(id);
  if ((FIXED_TARGETS as readonly string[]).includes(parsed)) return fixedTarget(parsed as FixedTarget);
  if (parsed.startsWith("route:")) {
    const [origin, destination] = parsed.slice(6).split("-") as [string, string];
    return routeTarget(origin, destination);
  }
  const insightId = parsed.slice(8);
  const { rows } = await pool.query<{ id: string; name: string; kind: string; query: unknown }>(
    `select id, name, kind, query from saved_insights where id = $1 and project_id = $2`,
    [insightId, projectId],
  );
  const t = rows[0] ? insightTarget(rows[0]) : null;
  if (!t) throw new TargetNotFoundError(`target ${parsed}: no saved trends insight with this id in the project`);
  return t;
}

/** Routes with the most searches over the last `days` days (demand targets). */
export async function topRoutes(pool: pg.Pool, projectId: string, opts: { limit: number; days: number; now: Date }): Promise<Target[]> {
  const { rows } = await pool.query<{ origin: string; destination: string }>(
    `select properties->>'origin' as origin, properties->>'destination' as destination
       from events
      where project_id = $1 and event = 'search' and timestamp >= $2 and timestamp < $3
        and properties->>'origin' ~ '^[A-Z]{3}$' and properties->>'destination' ~ '^[A-Z]{3}$'
      group by 1, 2 order by count(*) desc, 1, 2 limit $4`,
    [projectId, new Date(opts.now.getTime() - opts.days * 86_400_000), opts.now, opts.limit],
  );
  return rows.map((r) => routeTarget(r.origin, r.destination));
}

export async function savedTrendsTargets(pool: pg.Pool, projectId: string): Promise<Target[]> {
  const { rows } = await pool.query<{ id: string; name: string; kind: string; query: unknown }>(
    `select id, name, kind, query from saved_insights where project_id = $1 and kind = 'trends' order by updated_at desc limit 50`,
    [projectId],
  );
  return rows.map(insightTarget).filter((t): t is Target => t !== null);
}

/** Every target of a project: the fixed four, the busiest routes, saved trends insights. */
export async function listTargets(pool: pg.Pool, projectId: string, opts: { now: Date; routes?: number }): Promise<Target[]> {
  const [routes, insights] = await Promise.all([
    topRoutes(pool, projectId, { limit: opts.routes ?? 5, days: 90, now: opts.now }),
    savedTrendsTargets(pool, projectId),
  ]);
  return [...FIXED_TARGETS.map(fixedTarget), ...routes, ...insights];
}
