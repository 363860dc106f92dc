import { commissionOf } from "../rollups/compute-sql";
import type { QueryContext } from "./context";
import type { ResolvedRange } from "./date-range";
import { eventsFrom, projectAndRange } from "./events-sql";
import { filtersCondition, needsPersons, propertyText, testAccountExclusion } from "./filters";
import type { RevenueDimension, RevenueQuery } from "./schema/revenue";
import { and, render, sql, type Sql } from "./sql";

/**
 * The pieces every revenue report shares. Property names are the travel domain's
 * (server/ingest/domain-events.ts): `booking_completed` carries `revenue` (extracted into the
 * `revenue` column by ingest), `commission`, `provider`, `currency`, `origin`, `destination`.
 */
export const BOOKING_EVENT = "booking_completed";
export const SEARCH_EVENT = "search";

export const IS_BOOKING = sql`e.event = ${BOOKING_EVENT}::text`;
/** A revenue event: a booking, or any event that carries revenue. */
export const IS_REVENUE = sql`(e.event = ${BOOKING_EVENT}::text or e.revenue is not null)`;
export const REVENUE = sql`coalesce(e.revenue, 0)`;
/** Counted alike by the rollups (server/rollups/compute-sql.ts). */
export const COMMISSION = sql`coalesce(${commissionOf()}, 0)`;

const prop = (key: string) => propertyText("event", key);

/** The value of a dimension for an event (null when the event has none). */
export function dimensionValue(d: RevenueDimension): Sql {
  switch (d) {
    case "provider":
      return prop("provider");
    case "currency":
      return prop("currency");
    case "route":
      return sql`(case when ${prop("origin")} is not null and ${prop("destination")} is not null then ${prop("origin")} || '-' || ${prop("destination")} end)`;
    case "device":
      return prop("$device_type");
    case "browser":
      return prop("$browser");
    case "os":
      return prop("$os");
    case "country":
      return prop("$geoip_country_code");
    case "utm_source":
      return prop("utm_source");
  }
}

/** FROM: events with canonical persons; persons joined when a filter needs their properties. */
export function revenueFrom(ctx: QueryContext, q: RevenueQuery): Sql {
  const persons = needsPersons(q.filters) || (q.excludeTestAccounts && needsPersons(ctx.testAccountFilters));
  return eventsFrom({ persons });
}

/** WHERE: project, time range, the query's filters and (when asked) test-account exclusion. */
export function revenueWhere(ctx: QueryContext, q: RevenueQuery, range: ResolvedRange, extra?: Sql): Sql {
  return and([projectAndRange(ctx.projectId, range.from, range.to), filtersCondition(q.filters), testAccountExclusion(ctx, q.excludeTestAccounts), extra]);
}

export async function rowsOf<T = Record<string, unknown>>(ctx: QueryContext, fragment: Sql): Promise<T[]> {
  const { text, values } = render(fragment);
  return (await ctx.pool.query(text, values)).rows as T[];
}

/** pg returns numeric and bigint as strings. */
export function num(v: unknown): number {
  return v === null || v === undefined ? 0 : Number(v);
}

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}
