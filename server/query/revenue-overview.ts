import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { PERSON_ID } from "./events-sql";
import { QueryInputError } from "./errors";
import { COMMISSION, dimensionValue, IS_BOOKING, IS_REVENUE, num, ratio, REVENUE, revenueFrom, revenueWhere, rowsOf } from "./revenue-sql";
import type { DimensionRow, OverviewPoint, RevenueByDimensionResult, RevenueFigures, RevenueOverviewResult, RevenueQuery } from "./schema/revenue";
import { sql, type Sql } from "./sql";
import { bucketKeySql, currentPeriod, isoInZone } from "./trends-buckets";

/** The money columns of a revenue aggregate over rows aliased `e`, read back by `figures`. */
const figuresSql = (person: Sql) => sql`coalesce(sum(${REVENUE}) filter (where ${IS_REVENUE}), 0) as revenue,
  coalesce(sum(${COMMISSION}) filter (where ${IS_REVENUE}), 0) as commission,
  count(*) filter (where ${IS_BOOKING}) as bookings,
  coalesce(sum(${REVENUE}) filter (where ${IS_BOOKING}), 0) as booking_revenue,
  count(distinct ${person}) filter (where ${IS_REVENUE}) as paying`;

function figures(r: Record<string, unknown> | undefined): RevenueFigures {
  const bookings = num(r?.bookings);
  return {
    revenue: num(r?.revenue),
    commission: num(r?.commission),
    bookings,
    averageBookingValue: ratio(num(r?.booking_revenue), bookings),
    payingPersons: num(r?.paying),
  };
}

function overviewPoint(r: Record<string, unknown> | undefined): OverviewPoint {
  const f = figures(r);
  const active = num(r?.active);
  return { ...f, activePersons: active, arpu: ratio(f.revenue, active) };
}

/**
 * Revenue, commission, bookings, average booking value and ARPU per bucket, and over the range.
 * ARPU = revenue / persons active (any filtered event) in the bucket. One pass over the events.
 */
export async function revenueOverview(ctx: QueryContext, q: RevenueQuery): Promise<RevenueOverviewResult> {
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const period = currentPeriod(range, q.interval, ctx.timezone);
  // Two hash aggregations instead of count(distinct): per (bucket, person) and per person (the
  // range total), then per bucket. Distinct counts over raw events sort everything in PostgreSQL.
  const rows = await rowsOf(
    ctx,
    sql`with pk as (
        select k, grouping(k) as is_total, bool_or(${IS_REVENUE}) as paying,
               coalesce(sum(${REVENUE}) filter (where ${IS_REVENUE}), 0) as revenue,
               coalesce(sum(${COMMISSION}) filter (where ${IS_REVENUE}), 0) as commission,
               count(*) filter (where ${IS_BOOKING}) as bookings,
               coalesce(sum(${REVENUE}) filter (where ${IS_BOOKING}), 0) as booking_revenue
          from (select ${bucketKeySql(q.interval, ctx.timezone)} as k, ${PERSON_ID} as person, e.event, e.revenue, e.properties
                  from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, range)}) e
         group by grouping sets ((k, person), (person)))
      select k, is_total, sum(revenue) as revenue, sum(commission) as commission, sum(bookings) as bookings,
             sum(booking_revenue) as booking_revenue, count(*) filter (where paying) as paying, count(*) as active
        from pk group by k, is_total`,
  );
  const byKey = new Map(rows.filter((r) => num(r.is_total) === 0).map((r) => [r.k as string, r]));
  return {
    report: "overview",
    interval: q.interval,
    buckets: period.buckets.map((b) => isoInZone(b, ctx.timezone)),
    series: period.keys.map((k) => overviewPoint(byKey.get(k))),
    totals: overviewPoint(rows.find((r) => num(r.is_total) === 1)),
  };
}

/**
 * Revenue figures per value of a dimension (top `limit` by revenue, the rest as `other`), with
 * revenue per bucket. Only revenue events are read.
 */
export async function revenueByDimension(ctx: QueryContext, q: RevenueQuery): Promise<RevenueByDimensionResult> {
  if (!q.dimension) throw new QueryInputError("dimension", "the by_dimension report needs a dimension");
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const period = currentPeriod(range, q.interval, ctx.timezone);
  const value = dimensionValue(q.dimension);
  const rows = await rowsOf(
    ctx,
    sql`with ev as materialized (
        select ${value} as v, ${bucketKeySql(q.interval, ctx.timezone)} as k, ${PERSON_ID} as person, e.event, e.revenue, e.properties
          from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, range, IS_REVENUE)}),
      top as materialized (
        select v, true as hit from ev group by v order by sum(coalesce(revenue, 0)) desc, count(*) desc, v nulls last limit ${q.limit}),
      ranked as (
        select ev.*, coalesce(t.hit, false) as in_top, case when t.hit then ev.v end as gv
          from ev left join top t on t.v is not distinct from ev.v)
      select gv as v, not in_top as is_other, k, grouping(k) as all_buckets, grouping(in_top) as is_total, ${figuresSql(sql`e.person`)}
        from ranked e
       group by grouping sets ((in_top, gv, k), (in_top, gv), ())`,
  );
  const totals = rows.find((r) => num(r.is_total) === 1);
  type Group = { row?: Record<string, unknown>; series: Map<string, number> };
  const groups = new Map<string, Group>();
  const groupKey = (r: Record<string, unknown>) => (r.is_other ? "other" : `v:${r.v === null ? "\u0000null" : String(r.v)}`);
  for (const r of rows) {
    if (num(r.is_total) === 1) continue;
    const key = groupKey(r);
    const g: Group = groups.get(key) ?? { series: new Map() };
    if (num(r.all_buckets) === 1) g.row = r;
    else g.series.set(r.k as string, num(r.revenue));
    groups.set(key, g);
  }
  const toRow = (g: Group, value: string | null): DimensionRow => ({
    value,
    ...figures(g.row),
    revenueSeries: period.keys.map((k) => g.series.get(k) ?? 0),
  });
  const ranked = [...groups.entries()]
    .filter(([key]) => key !== "other")
    .map(([, g]) => toRow(g, (g.row?.v as string | null) ?? null))
    .sort((a, b) => b.revenue - a.revenue || b.bookings - a.bookings || String(a.value ?? "\uffff").localeCompare(String(b.value ?? "\uffff")));
  const other = groups.get("other");
  return {
    report: "by_dimension",
    dimension: q.dimension,
    interval: q.interval,
    buckets: period.buckets.map((b) => isoInZone(b, ctx.timezone)),
    rows: ranked,
    other: other ? toRow(other, null) : null,
    totals: figures(totals),
  };
}
