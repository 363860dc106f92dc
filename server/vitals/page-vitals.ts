import type pg from "pg";
import { metricAggregates, metricsOf, samplesCte, type MetricCounts, type SampleFilter } from "./samples";
import { rateVital, VITAL_METRICS, WEB_VITALS_EVENT, type VitalMetric, type VitalRating } from "./thresholds";

export interface VitalStat {
  samples: number;
  p75: number;
  rating: VitalRating;
  /** Shares of samples rated good / needs improvement / poor (0..1, summing to 1). */
  shares: { good: number; needsImprovement: number; poor: number };
}

export interface VitalsRow {
  page: string;
  /** null: all devices together. */
  device: string | null;
  /** Web-vitals events (page loads) behind the row. */
  pageLoads: number;
  metrics: Partial<Record<VitalMetric, VitalStat>>;
}

function stat(m: MetricCounts): VitalStat {
  const n = m.samples;
  return {
    samples: n,
    p75: m.p75,
    rating: rateVital(m.metric, m.p75),
    shares: { good: m.good / n, needsImprovement: m.needsImprovement / n, poor: m.poor / n },
  };
}

function toRow(r: Record<string, unknown>): VitalsRow {
  const metrics: VitalsRow["metrics"] = {};
  for (const m of metricsOf(r)) metrics[m.metric] = stat(m);
  return { page: (r.page as string | null) ?? "*", device: (r.device as string | null) ?? null, pageLoads: Number(r.loads), metrics };
}

const byDevice = (a: VitalsRow, b: VitalsRow) => (a.device === null ? -1 : b.device === null ? 1 : a.device.localeCompare(b.device));

/**
 * p75 and rating shares per page and device (plus "all devices" per page, per device and
 * overall), for the busiest `pageLimit` pages by web-vitals events in the window. The overall
 * figures cover every page.
 */
export async function pageVitals(pool: pg.Pool, f: SampleFilter & { pageLimit: number }) {
  const page = samplesCte(f);
  const pageAggs = metricAggregates(page.params, true);
  page.params.push(f.pageLimit);
  const all = samplesCte(f);
  const allAggs = metricAggregates(all.params, true);
  const [perPage, overall] = await Promise.all([
    pool.query(
      `with ${page.sql},
       top_pages as (select page from samples group by page order by count(*) desc, page limit $${page.params.length})
       select s.page, case when grouping(s.device) = 1 then null else s.device end as device, count(*)::int as loads,
       ${pageAggs}
         from samples s join top_pages t on t.page = s.page
        group by grouping sets ((s.page, s.device), (s.page))`,
      page.params,
    ),
    pool.query(
      `with ${all.sql}
       select null::text as page, case when grouping(device) = 1 then null else device end as device, count(*)::int as loads,
       ${allAggs}
         from samples group by grouping sets ((device), ())`,
      all.params,
    ),
  ]);

  // Busiest pages first; within a page, "all devices" first, then devices by name.
  const pages = perPage.rows.map(toRow);
  const loads = new Map(pages.filter((p) => p.device === null).map((p) => [p.page, p.pageLoads]));
  pages.sort((a, b) => (loads.get(b.page) ?? 0) - (loads.get(a.page) ?? 0) || a.page.localeCompare(b.page) || byDevice(a, b));
  // The empty grouping set yields a row even without samples.
  const totals = overall.rows.filter((r) => Number(r.loads) > 0).map(toRow).sort(byDevice);
  return { metrics: VITAL_METRICS, totals, pages };
}

/** Devices that sent web vitals in the window (for the filter). */
export async function vitalsDevices(pool: pg.Pool, f: { projectId: string; from: Date; to: Date }): Promise<string[]> {
  const { rows } = await pool.query<{ device: string }>(
    `select distinct coalesce(nullif(device, ''), 'unknown') as device from events
      where project_id = $1 and event = $2 and timestamp >= $3 and timestamp < $4 order by 1`,
    [f.projectId, WEB_VITALS_EVENT, f.from, f.to],
  );
  return rows.map((r) => r.device);
}
