import { eventDaysSelect, personDaysSelect } from "../rollups/compute-sql";
import { ALL_EVENTS_ROW, dimOfProperty, type RollupDim } from "../rollups/dims";
import { dayOf, daysOfRange, freshnessIn } from "../rollups/freshness";
import { daysBetween } from "../rollups/data-range";
import type { QueryContext } from "./context";
import { startOfDay } from "./date-range";
import { needsPersons } from "./filters";
import { ALL_EVENTS } from "./schema/common";
import { totalIsBucketSum, type TrendsQuery } from "./schema/trends";
import { allow, ident, sql, type Sql } from "./sql";
import { ACTIVE_DAYS, activeWindow, type Period } from "./trends-buckets";
import { collect, OTHER, rows, type BreakdownPlan, type SeriesNumbers, type TopValues, type TrendsSeriesInput } from "./trends-plan";

/** At most this many stale days are computed live from raw events; more, and raw events answer. */
export const MAX_LIVE_DAYS = 3;

type Plan =
  | { table: "event_days"; event: string; column: "events" | "persons" | "sessions" | "revenue" | "commission"; additive: boolean }
  | { table: "person_days"; math: "unique_persons" | "dau" | "wau" | "mau" };

/** How a series reads rollups, or null when its math, event or breakdown is not rolled up. */
function planSeries(q: TrendsQuery, s: TrendsSeriesInput, dim: RollupDim): Plan | null {
  if (s.filters.length > 0) return null;
  const event = s.event === ALL_EVENTS ? ALL_EVENTS_ROW : s.event;
  const all = s.event === ALL_EVENTS;
  switch (s.math) {
    case "total":
      return { table: "event_days", event, column: "events", additive: true };
    case "sum":
      if (s.mathProperty === "revenue" || s.mathProperty === "commission") return { table: "event_days", event, column: s.mathProperty, additive: true };
      return null;
    // event_days hold each day's distinct counts. Their sum is the series' total only as a "sum over
    // buckets" (time-series displays); an exact total over the range (number, table) is not in
    // them, so such series read raw events, except persons of '$all': person_days gives both.
    case "sessions":
      return q.interval === "day" && totalIsBucketSum(q, s.math) ? { table: "event_days", event, column: "sessions", additive: false } : null;
    case "unique_persons":
      if (q.interval === "day" && totalIsBucketSum(q, s.math)) return { table: "event_days", event, column: "persons", additive: false };
      return all && dim === "" ? { table: "person_days", math: "unique_persons" } : null;
    case "dau":
    case "wau":
    case "mau":
      return all && dim === "" ? { table: "person_days", math: s.math } : null;
    default:
      return null;
  }
}

const dayAligned = (d: Date, tz: string) => startOfDay(d, tz).getTime() === d.getTime();

export interface RollupAnswer {
  /** Per series (query order): numbers of each period by period name. */
  series: { current: SeriesNumbers; previous?: SeriesNumbers; top?: TopValues }[];
  dataWatermark: string | null;
}

/**
 * Answers a trends query from the rollup tables when it can: no filters (the rollups have
 * none), day/week/month buckets on whole project-timezone days, maths and breakdowns the rollups
 * hold. Days whose rollup rows are stale (at most MAX_LIVE_DAYS, typically today) are computed
 * live with the rollup job's own SELECT; null means "ask raw events".
 */
export async function trendsFromRollups(ctx: QueryContext, q: TrendsQuery, periods: Period[], bd: BreakdownPlan): Promise<RollupAnswer | null> {
  const tz = ctx.timezone;
  if (q.interval === "minute" || q.interval === "hour") return null;
  if (q.filters.length > 0 || (q.excludeTestAccounts && ctx.testAccountFilters.length > 0)) return null;
  if (needsPersons(q.filters)) return null;
  let dim: RollupDim = "";
  if (bd.kind === "property") {
    const d = bd.type === "event" ? dimOfProperty(bd.key) : null;
    if (!d) return null;
    dim = d as RollupDim;
  } else if (bd.kind !== "none") return null;
  for (const p of periods) {
    if (!dayAligned(p.range.from, tz)) return null;
    if (!dayAligned(p.range.to, tz) && p.range.to.getTime() !== ctx.now.getTime()) return null;
  }
  const plans = q.series.map((s) => planSeries(q, s, dim));
  if (plans.some((p) => p === null)) return null;

  // Every day any period or active-user window reads.
  let lo = "9999-12-31";
  let hi = "0000-01-01";
  const widen = (a: string, b: string) => {
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  };
  for (const p of periods) {
    const days = daysOfRange(p.range, tz);
    widen(days[0]!, days[days.length - 1]!);
    q.series.forEach((s) => {
      if (ACTIVE_DAYS[s.math] === undefined || p.buckets.length === 0) return;
      const w = activeWindow(p.buckets[0]!, s.math, q.interval, p, tz);
      widen(dayOf(w.start, tz), dayOf(w.start, tz));
    });
  }
  const allDays = daysBetween(lo, hi);
  const fresh = await freshnessIn(ctx.pool, ctx.projectId, tz, allDays);
  if (fresh.stale.length > MAX_LIVE_DAYS) return null;
  const stale = fresh.stale.map((s) => s.day);
  const scope = { projectId: ctx.projectId, timezone: tz, days: stale };

  const eventDays = (event: string): Sql =>
    sql`(select day, value, events, persons, sessions, revenue, commission from rollup_event_days
          where project_id = ${ctx.projectId}::uuid and event = ${event}::text and dim = ${dim}::text
            and day >= ${lo}::date and day <= ${hi}::date and not (day = any(${stale}::date[]))
         ${stale.length ? sql`union all select day::date, value, events, persons, sessions, revenue, commission from (${eventDaysSelect(scope, { event, dims: [dim] })}) live` : sql``})`;
  const personDays = (): Sql =>
    sql`(select day, person_id from rollup_person_days
          where project_id = ${ctx.projectId}::uuid and day >= ${lo}::date and day <= ${hi}::date and not (day = any(${stale}::date[]))
         ${stale.length ? sql`union all select day::date, person_id from (${personDaysSelect(scope)}) live` : sql``})`;
  const bucketKey = sql`to_char(date_trunc(${q.interval}::text, r.day::timestamp), 'YYYY-MM-DD"T"HH24:MI')`;

  const out: RollupAnswer["series"] = [];
  for (const plan of plans as Plan[]) {
    let top: TopValues | undefined;
    const perPeriod: Partial<Record<Period["name"], SeriesNumbers>> = {};
    for (const p of periods) {
      const days = daysOfRange(p.range, tz);
      const inPeriod = sql`r.day >= ${days[0]!}::date and r.day <= ${days[days.length - 1]!}::date`;
      if (plan.table === "event_days") {
        const source = eventDays(plan.event);
        let group: Sql = sql`null::text`;
        if (bd.kind === "property") {
          if (!top) {
            const ranked = await rows<{ g: string; n: string }>(
              ctx,
              sql`select r.value as g, sum(r.events) as n from ${source} r where ${inPeriod} group by 1 order by 2 desc, 1 limit ${bd.limit + 1}`,
            );
            top = { values: ranked.slice(0, bd.limit).map((x) => x.g), hasOther: ranked.length > bd.limit };
          }
          // "Other" of a distinct count is not the sum of its values' distinct counts.
          if (!plan.additive && top.hasOther) return null;
          group = sql`(case when r.value = any(${top.values}::text[]) then r.value else ${OTHER}::text end)`;
        }
        const col = ident(allow(plan.column));
        const data = await rows<{ k: string; g: string | null; n: string }>(
          ctx,
          sql`select ${bucketKey} as k, ${group} as g, sum(r.${col}) as n from ${source} r where ${inPeriod} group by 1, 2`,
        );
        perPeriod[p.name] = collect(p.keys, data);
      } else {
        const source = personDays();
        if (plan.math === "unique_persons") {
          const data = await rows<{ k: string; n: string }>(
            ctx,
            sql`select ${bucketKey} as k, null::text as g, count(distinct r.person_id) as n from ${source} r where ${inPeriod} group by 1`,
          );
          const bucketed = data.map((d) => ({ ...d, g: null }));
          if (!totalIsBucketSum(q, "unique_persons")) {
            const total = await rows<{ n: string }>(ctx, sql`select count(distinct r.person_id) as n from ${source} r where ${inPeriod}`);
            perPeriod[p.name] = collect(p.keys, bucketed, new Map([[null, Number(total[0]?.n ?? 0)]]));
          } else perPeriod[p.name] = collect(p.keys, bucketed);
        } else if (plan.math === "dau" && q.interval === "day") {
          // Persons active on a day are the day's distinct persons of '$all': 1 row per day.
          const data = await rows<{ k: string; n: string }>(
            ctx,
            sql`select ${bucketKey} as k, sum(r.persons) as n from ${eventDays(ALL_EVENTS_ROW)} r where ${inPeriod} group by 1`,
          );
          const total = await rows<{ n: string }>(ctx, sql`select count(*) as n from (select distinct r.person_id from ${source} r where ${inPeriod}) d`);
          perPeriod[p.name] = collect(p.keys, data.map((d) => ({ ...d, g: null })), new Map([[null, Number(total[0]?.n ?? 0)]]));
        } else {
          // Each day of each bucket's window as (day, bucket, window start) triples. A person counts
          // in a window once: on their first active day in it, the one whose previous active day
          // falls before the window start. A count, not a distinct count over the expanded rows.
          const pairDays: string[] = [];
          const pairKeys: string[] = [];
          const pairStarts: string[] = [];
          p.buckets.forEach((b, i) => {
            const w = activeWindow(b, plan.math, q.interval, p, tz);
            const start = dayOf(w.start, tz);
            for (const d of daysBetween(start, dayOf(new Date(w.end.getTime() - 1), tz))) {
              pairDays.push(d);
              pairKeys.push(p.keys[i]!);
              pairStarts.push(start);
            }
          });
          const data = await rows<{ k: string; n: string }>(
            ctx,
            sql`select m.k, count(*) as n
                  from (select r.day, lag(r.day) over (partition by r.person_id order by r.day) as prev from ${source} r) x
                  join unnest(${pairDays}::date[], ${pairKeys}::text[], ${pairStarts}::date[]) m(day, k, ws) on m.day = x.day
                 where x.prev is null or x.prev < m.ws
                 group by 1`,
          );
          const total = await rows<{ n: string }>(ctx, sql`select count(*) as n from (select distinct r.person_id from ${source} r where ${inPeriod}) d`);
          perPeriod[p.name] = collect(p.keys, data.map((d) => ({ ...d, g: null })), new Map([[null, Number(total[0]?.n ?? 0)]]));
        }
      }
    }
    out.push({ current: perPeriod.current!, previous: perPeriod.previous, top });
  }
  return { series: out, dataWatermark: fresh.dataWatermark };
}
