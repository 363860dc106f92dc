import type { QueryContext } from "./context";
import { eventsFrom, PERSON_ID, projectAndRange } from "./events-sql";
import { filtersCondition, needsPersons, propertyNumber, propertyText, selectorCondition, selectorNeedsPersons, testAccountExclusion } from "./filters";
import { DISTINCT_MATHS, PROPERTY_MATHS, totalIsBucketSum, type TrendsQuery } from "./schema/trends";
import { and, sql, type Sql } from "./sql";
import { ACTIVE_DAYS, activeWindow, bucketKeySql, type Period } from "./trends-buckets";
import { collect, DAY_NAMES, OTHER, rows, type BreakdownPlan, type SeriesNumbers, type TopValues, type TrendsSeriesInput } from "./trends-plan";

/** Aggregate of one math over the rows of a group (not the active-user maths). */
function aggregate(s: TrendsSeriesInput): Sql {
  const x = () => propertyNumber("event", s.mathProperty!);
  switch (s.math) {
    case "total":
      return sql`count(*)`;
    case "unique_persons":
      return sql`count(distinct ${PERSON_ID})`;
    case "sessions":
      return sql`count(distinct e.session_id)`;
    case "sum":
      return sql`sum(${x()})`;
    case "avg":
      return sql`avg(${x()})`;
    case "median":
      return sql`percentile_cont(0.5) within group (order by ${x()})`;
    case "p90":
      return sql`percentile_cont(0.9) within group (order by ${x()})`;
    case "p99":
      return sql`percentile_cont(0.99) within group (order by ${x()})`;
    case "min":
      return sql`min(${x()})`;
    case "max":
      return sql`max(${x()})`;
    default:
      throw new Error(`no plain aggregate for ${s.math}`);
  }
}

/** The raw breakdown value of an event (before top-N), '' when it has none. */
function breakdownValue(bd: BreakdownPlan, tz: string): Sql | null {
  if (bd.kind === "property") return sql`coalesce(${propertyText(bd.type, bd.key)}, '')`;
  if (bd.kind === "day_of_week") return sql`extract(isodow from e.timestamp at time zone ${tz}::text)::int::text`;
  if (bd.kind === "hour_of_day") return sql`lpad(extract(hour from e.timestamp at time zone ${tz}::text)::int::text, 2, '0')`;
  return null;
}

/**
 * One series over one period from raw events: every property key, event name and value is a
 * bind parameter; buckets are `date_trunc` in the project timezone (bound too).
 */
export async function seriesFromEvents(
  ctx: QueryContext,
  q: TrendsQuery,
  s: TrendsSeriesInput,
  period: Period,
  bd: BreakdownPlan,
  top: TopValues | undefined,
): Promise<{ numbers: SeriesNumbers; top?: TopValues }> {
  const tz = ctx.timezone;
  const persons =
    needsPersons(q.filters) ||
    selectorNeedsPersons(s) ||
    (bd.kind === "property" && bd.type === "person") ||
    (q.excludeTestAccounts && needsPersons(ctx.testAccountFilters));
  const from = eventsFrom({ persons });
  const where = (lo: Date, hi: Date, extra?: Sql) =>
    and([projectAndRange(ctx.projectId, lo, hi), selectorCondition(s), filtersCondition(q.filters), testAccountExclusion(ctx, q.excludeTestAccounts), extra]);

  if (bd.kind === "cohort") {
    const numbers: SeriesNumbers = new Map();
    for (const id of bd.cohortIds) {
      const member = sql`exists (select 1 from cohort_members cm where cm.cohort_id = ${id}::uuid and cm.person_id = ${PERSON_ID})`;
      const one = await compute(ctx, s, period, from, (lo, hi) => where(lo, hi, member), sql`${id}::text`, q.interval, totalIsBucketSum(q, s.math));
      numbers.set(id, one.get(id) ?? { data: period.keys.map(() => 0), total: 0 });
    }
    return { numbers };
  }

  let group = breakdownValue(bd, tz);
  if (bd.kind === "property") {
    if (!top) {
      const ranked = await rows<{ g: string; n: string }>(
        ctx,
        sql`select ${group} as g, count(*) as n from ${from} where ${where(period.range.from, period.range.to)}
            group by 1 order by 2 desc, 1 limit ${bd.limit + 1}`,
      );
      top = { values: ranked.slice(0, bd.limit).map((r) => r.g), hasOther: ranked.length > bd.limit };
    }
    group = sql`(case when ${group} = any(${top.values}::text[]) then ${group} else ${OTHER}::text end)`;
  }
  const numbers = await compute(ctx, s, period, from, where, group ?? sql`null::text`, q.interval, totalIsBucketSum(q, s.math));
  if (bd.kind === "day_of_week") {
    const named: SeriesNumbers = new Map();
    for (const [g, v] of [...numbers].sort(([a], [b]) => Number(a) - Number(b))) named.set(DAY_NAMES[Number(g) - 1] ?? String(g), v);
    return { numbers: named };
  }
  if (bd.kind === "hour_of_day") return { numbers: new Map([...numbers].sort(([a], [b]) => String(a).localeCompare(String(b)))) };
  return { numbers, top };
}

async function compute(
  ctx: QueryContext,
  s: TrendsSeriesInput,
  period: Period,
  from: Sql,
  where: (lo: Date, hi: Date) => Sql,
  group: Sql,
  interval: TrendsQuery["interval"],
  /** The total is the sum over buckets even for a distinct count (TrendsSeriesResult.total). */
  bucketSum: boolean,
): Promise<SeriesNumbers> {
  const { range } = period;
  if (ACTIVE_DAYS[s.math] !== undefined) {
    const windows = period.buckets.map((b) => activeWindow(b, s.math, interval, period, ctx.timezone));
    const lo = new Date(Math.min(range.from.getTime(), ...windows.map((w) => w.start.getTime())));
    const hi = new Date(Math.max(range.to.getTime(), ...windows.map((w) => w.end.getTime())));
    const data = await rows<{ k: string; g: string | null; n: string }>(
      ctx,
      sql`with b(k, ws, we) as (select * from unnest(${period.keys}::text[], ${windows.map((w) => w.start)}::timestamptz[], ${windows.map((w) => w.end)}::timestamptz[]))
          select b.k, x.g, count(distinct x.person) as n
            from b join (select e.timestamp as ts, ${PERSON_ID} as person, ${group} as g from ${from} where ${where(lo, hi)}) x
              on x.ts >= b.ws and x.ts < b.we
           group by 1, 2`,
    );
    const totals = await rows<{ g: string | null; n: string }>(
      ctx,
      sql`select ${group} as g, count(distinct ${PERSON_ID}) as n from ${from} where ${where(range.from, range.to)} group by 1`,
    );
    return collect(period.keys, data, new Map(totals.map((t) => [t.g, Number(t.n)])));
  }
  const agg = aggregate(s);
  const data = await rows<{ k: string; g: string | null; n: string | null }>(
    ctx,
    sql`select ${bucketKeySql(interval, ctx.timezone)} as k, ${group} as g, ${agg} as n
          from ${from} where ${where(range.from, range.to)} group by 1, 2`,
  );
  // Event counts add up over buckets; a person or session active in two buckets is one in an
  // exact total, which costs a distinct count over the range: only for displays that show it.
  if (s.math === "total" || bucketSum) return collect(period.keys, data);
  if (!DISTINCT_MATHS.has(s.math) && !PROPERTY_MATHS.has(s.math)) throw new Error(`unknown math ${s.math}`);
  const totals = await rows<{ g: string | null; n: string | null }>(
    ctx,
    sql`select ${group} as g, ${agg} as n from ${from} where ${where(range.from, range.to)} group by 1`,
  );
  return collect(period.keys, data, new Map(totals.map((t) => [t.g, t.n === null ? 0 : Number(t.n)])));
}
