import type pg from "pg";
import { metricAggregates, metricsOf, samplesCte, type SampleFilter } from "./samples";
import { rateVital, type VitalMetric, type VitalRating } from "./thresholds";

export interface VitalsTrendPoint {
  /** Local calendar day in the project's timezone, YYYY-MM-DD. */
  day: string;
  metrics: Partial<Record<VitalMetric, { p75: number; samples: number; rating: VitalRating }>>;
}

/** Every day from `first` to `last` inclusive (YYYY-MM-DD strings, calendar arithmetic in UTC). */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d <= new Date(`${last}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** The local date of `at` in `timeZone`, YYYY-MM-DD. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Daily p75 of each vital over the window, days in the project's timezone; days without data are empty. */
export async function vitalsTrend(pool: pg.Pool, f: SampleFilter & { timeZone: string }): Promise<VitalsTrendPoint[]> {
  const cte = samplesCte(f);
  const aggs = metricAggregates(cte.params, false);
  cte.params.push(f.timeZone);
  const { rows } = await pool.query(
    `with ${cte.sql}
     select to_char(d, 'YYYY-MM-DD') as day, t.*
       from (select (timezone($${cte.params.length}, timestamp))::date as d, ${aggs} from samples group by 1) t
      order by d`,
    cte.params,
  );
  const points = new Map(daysBetween(localDay(f.from, f.timeZone), localDay(new Date(f.to.getTime() - 1), f.timeZone)).map((day) => [day, { day, metrics: {} } as VitalsTrendPoint]));
  for (const r of rows) {
    const point: VitalsTrendPoint = points.get(r.day) ?? { day: r.day, metrics: {} };
    points.set(r.day, point);
    for (const m of metricsOf(r)) point.metrics[m.metric] = { p75: m.p75, samples: m.samples, rating: rateVital(m.metric, m.p75) };
  }
  return [...points.values()].sort((a, b) => a.day.localeCompare(b.day));
}
