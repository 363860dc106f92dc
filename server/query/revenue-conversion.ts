import type { QueryContext } from "./context";
import { resolveRange } from "./date-range";
import { PERSON_ID } from "./events-sql";
import { QueryInputError } from "./errors";
import { IS_REVENUE, num, REVENUE, revenueFrom, revenueWhere, rowsOf, BOOKING_EVENT, SEARCH_EVENT } from "./revenue-sql";
import type { ConversionPoint, LtvByCohortResult, LtvCohort, RevenueQuery, SearchToBookingResult } from "./schema/revenue";
import { sql, type Sql } from "./sql";
import { wilson } from "./stats/wilson";
import { bucketKeySql, currentPeriod, isoInZone } from "./trends-buckets";

const WEEK_SECONDS = 7 * 86_400;
const WEEK_MS = WEEK_SECONDS * 1000;

function point(searchers: number, bookers: number): ConversionPoint {
  return { searchers, bookers, ...wilson(bookers, searchers) };
}

/**
 * Persons who searched in a bucket, and those of them who completed a booking at or after their
 * first search in that same bucket; the total treats the whole range as one bucket.
 */
export async function searchToBooking(ctx: QueryContext, q: RevenueQuery): Promise<SearchToBookingResult> {
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const period = currentPeriod(range, q.interval, ctx.timezone);
  const per = (key: Sql) =>
    sql`with s as (
        select ${PERSON_ID} as person, ${key} as k, min(e.timestamp) as first_search
          from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, range, sql`e.event = ${SEARCH_EVENT}::text`)} group by 1, 2),
      b as (
        select ${PERSON_ID} as person, ${key} as k, max(e.timestamp) as last_booking
          from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, range, sql`e.event = ${BOOKING_EVENT}::text`)} group by 1, 2)
      select s.k, count(*) as searchers, count(*) filter (where b.last_booking >= s.first_search) as bookers
        from s left join b on b.person = s.person and b.k = s.k
       group by s.k`;
  const [buckets, total] = await Promise.all([rowsOf(ctx, per(bucketKeySql(q.interval, ctx.timezone))), rowsOf(ctx, per(sql`''`))]);
  const byKey = new Map(buckets.map((r) => [r.k as string, r]));
  return {
    report: "search_to_booking",
    interval: q.interval,
    buckets: period.buckets.map((b) => isoInZone(b, ctx.timezone)),
    series: period.keys.map((k) => point(num(byKey.get(k)?.searchers), num(byKey.get(k)?.bookers))),
    total: point(num(total[0]?.searchers), num(total[0]?.bookers)),
  };
}

/**
 * Persons grouped by the period (day / week / month, project timezone) of their first event, for
 * first events inside the range; for each cohort, revenue per person accumulated by weeks since
 * each person's own first event, up to the range end.
 */
export async function ltvByCohort(ctx: QueryContext, q: RevenueQuery): Promise<LtvByCohortResult> {
  if (q.interval !== "day" && q.interval !== "week" && q.interval !== "month") {
    throw new QueryInputError("interval", "acquisition cohorts are by day, week or month");
  }
  const interval = q.interval;
  const range = resolveRange(q.dateRange, ctx.timezone, ctx.now);
  const period = currentPeriod(range, interval, ctx.timezone);
  const firstKey = bucketKeySql(interval, ctx.timezone, sql`f.first_seen`);
  // First events are looked for from the beginning of the data, so "first" means first ever.
  const allBefore = { from: new Date(0), to: range.to };
  const rows = await rowsOf(
    ctx,
    sql`with f as (
        select ${PERSON_ID} as person, min(e.timestamp) as first_seen
          from ${revenueFrom(ctx, q)} where ${revenueWhere(ctx, q, allBefore)}
         group by 1 having min(e.timestamp) >= ${range.from}),
      r as (
        select f.person, floor(extract(epoch from (e.timestamp - f.first_seen)) / ${WEEK_SECONDS})::int as week, sum(${REVENUE}) as revenue
          from ${revenueFrom(ctx, q)} join f on f.person = ${PERSON_ID}
         where ${revenueWhere(ctx, q, range, IS_REVENUE)}
         group by 1, 2)
      select ${firstKey} as k, null::int as week, count(*) as persons, 0 as revenue from f group by 1
      union all
      select ${firstKey} as k, r.week, 0, sum(r.revenue) from r join f on f.person = r.person where r.week < ${q.weeks} group by 1, 2`,
  );
  const cohorts: LtvCohort[] = [];
  period.keys.forEach((key, i) => {
    const sizeRow = rows.find((r) => r.k === key && r.week === null);
    if (!sizeRow) return;
    const persons = num(sizeRow.persons);
    const start = period.buckets[i]!;
    const perWeek = new Array<number>(q.weeks).fill(0);
    for (const r of rows) if (r.k === key && r.week !== null) perWeek[num(r.week)]! += num(r.revenue);
    let running = 0;
    cohorts.push({
      cohort: isoInZone(start, ctx.timezone),
      persons,
      cumulativeRevenuePerPerson: perWeek.map((v, w) => {
        running += v;
        return start.getTime() + w * WEEK_MS < range.to.getTime() ? running / persons : null;
      }),
    });
  });
  return { report: "ltv_by_cohort", interval, weeks: q.weeks, cohorts };
}
