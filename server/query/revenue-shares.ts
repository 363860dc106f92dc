import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { PERSON_ID } from "./events-sql";
import { propertyText } from "./filters";
import { COMMISSION, dimensionValue, IS_BOOKING, IS_REVENUE, num, ratio, REVENUE, revenueFrom, revenueWhere, rowsOf } from "./revenue-sql";
import type { PeakCell, PeakHoursResult, RevenueQuery, RouteRow, ShareResult, ShareRow, TopRoutesResult } from "./schema/revenue";
import { sql } from "./sql";

/**
 * Routes (origin-destination of revenue events that have both) ranked two ways: by revenue and by
 * bookings; each list has the top `limit`.
 */
export async function topRoutes(ctx: QueryContext, q: RevenueQuery): Promise<TopRoutesResult> {
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const origin = propertyText("event", "origin");
  const destination = propertyText("event", "destination");
  const rows = await rowsOf(
    ctx,
    sql`with r as (
        select ${origin} as origin, ${destination} as destination,
               coalesce(sum(${REVENUE}), 0) as revenue, coalesce(sum(${COMMISSION}), 0) as commission,
               count(*) filter (where ${IS_BOOKING}) as bookings, coalesce(sum(${REVENUE}) filter (where ${IS_BOOKING}), 0) as booking_revenue
          from ${revenueFrom(ctx, q)}
         where ${revenueWhere(ctx, q, range, sql`${IS_REVENUE} and ${origin} is not null and ${destination} is not null`)}
         group by 1, 2),
      ranked as (
        select r.*, row_number() over (order by revenue desc, bookings desc, origin, destination) as by_revenue,
                    row_number() over (order by bookings desc, revenue desc, origin, destination) as by_bookings
          from r)
      select * from ranked where by_revenue <= ${q.limit} or by_bookings <= ${q.limit}`,
  );
  const toRow = (r: Record<string, unknown>): RouteRow => ({
    route: `${r.origin}-${r.destination}`,
    origin: r.origin as string,
    destination: r.destination as string,
    revenue: num(r.revenue),
    commission: num(r.commission),
    bookings: num(r.bookings),
    averageBookingValue: ratio(num(r.booking_revenue), num(r.bookings)),
  });
  const list = (col: "by_revenue" | "by_bookings") =>
    rows
      .filter((r) => num(r[col]) <= q.limit)
      .sort((a, b) => num(a[col]) - num(b[col]))
      .map(toRow);
  return { report: "top_routes", byRevenue: list("by_revenue"), byBookings: list("by_bookings") };
}

/** Bookings and their revenue by hour of day x day of week in the project timezone. */
export async function peakHours(ctx: QueryContext, q: RevenueQuery): Promise<PeakHoursResult> {
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const local = sql`(e.timestamp at time zone ${ctx.timezone}::text)`;
  const rows = await rowsOf(
    ctx,
    sql`select extract(isodow from ${local})::int - 1 as weekday, extract(hour from ${local})::int as hour,
               count(*) as bookings, coalesce(sum(${REVENUE}), 0) as revenue
          from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, range, IS_BOOKING)}
         group by 1, 2`,
  );
  const at = new Map(rows.map((r) => [num(r.weekday) * 24 + num(r.hour), r]));
  const cells: PeakCell[] = Array.from({ length: 168 }, (_, i) => ({
    weekday: Math.floor(i / 24),
    hour: i % 24,
    bookings: num(at.get(i)?.bookings),
    revenue: num(at.get(i)?.revenue),
  }));
  const peak = cells.reduce<PeakCell | null>((best, c) => (c.bookings > 0 && (!best || c.bookings > best.bookings) ? c : best), null);
  return { report: "peak_hours", timezone: ctx.timezone, cells, peak };
}

/**
 * Device (or browser) shares of persons (distinct persons with any event with the value; a person
 * on two devices counts for both, so person shares may add up to more than 1) and of bookings
 * (which add up to 1). Top `limit` values by persons; the rest is `other`.
 */
export async function deviceOrBrowserShare(ctx: QueryContext, q: RevenueQuery): Promise<ShareResult> {
  const dimension = q.report === "browser_share" ? "browser" : "device";
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const rows = await rowsOf(
    ctx,
    // Per (value, person) first (a hash aggregation), so only the "other" and total rows need distinct counts.
    sql`with vp as materialized (
        select v, person, count(*) filter (where ${IS_BOOKING}) as bookings, coalesce(sum(${REVENUE}) filter (where ${IS_REVENUE}), 0) as revenue
          from (select ${dimensionValue(dimension)} as v, ${PERSON_ID} as person, e.event, e.revenue
                  from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, range)}) e
         group by v, person),
      top as materialized (
        select v, true as hit from vp group by v order by count(*) desc, sum(bookings) desc, v nulls last limit ${q.limit}),
      ranked as (
        select vp.*, coalesce(t.hit, false) as in_top, case when t.hit then vp.v end as gv
          from vp left join top t on t.v is not distinct from vp.v)
      select gv as v, not in_top as is_other, grouping(in_top) as is_total,
             count(distinct person) as persons, coalesce(sum(bookings), 0) as bookings, coalesce(sum(revenue), 0) as revenue
        from ranked group by grouping sets ((in_top, gv), ())`,
  );
  const total = rows.find((r) => num(r.is_total) === 1);
  const totals = { persons: num(total?.persons), bookings: num(total?.bookings), revenue: num(total?.revenue) };
  const toRow = (r: Record<string, unknown>): ShareRow => ({
    value: (r.v as string | null) ?? null,
    persons: num(r.persons),
    personShare: ratio(num(r.persons), totals.persons) ?? 0,
    bookings: num(r.bookings),
    bookingShare: ratio(num(r.bookings), totals.bookings) ?? 0,
    revenue: num(r.revenue),
  });
  const groups = rows.filter((r) => num(r.is_total) === 0);
  const other = groups.find((r) => r.is_other === true);
  const parts = {
    rows: groups
      .filter((r) => r.is_other !== true)
      .map(toRow)
      .sort((a, b) => b.persons - a.persons || b.bookings - a.bookings || String(a.value ?? "\uffff").localeCompare(String(b.value ?? "\uffff"))),
    other: other ? toRow(other) : null,
    totals,
  };
  return dimension === "browser" ? { report: "browser_share", dimension, ...parts } : { report: "device_share", dimension, ...parts };
}
