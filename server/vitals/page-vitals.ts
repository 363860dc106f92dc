import type pg from "pg";
import { samplesCte, SAMPLE_AGGREGATES, type SampleFilter } from "./samples";
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

interface AggRow {
  page: string | null;
  device: string | null;
  metric: VitalMetric;
  samples: number;
  p75: number;
  good: number;
  needs_improvement: number;
  poor: number;
}

function stat(r: AggRow): VitalStat {
  const n = r.samples;
  return {
    samples: n,
    p75: Number(r.p75),
    rating: rateVital(r.metric, Number(r.p75)),
    shares: { good: r.good / n, needsImprovement: r.needs_improvement / n, poor: r.poor / n },
  };
}

/**
 * p75 and rating shares per page and device (plus "all devices" per page and overall), for the
 * busiest `pageLimit` pages by web-vitals events in the window. Overall figures cover every page.
 */
export async function pageVitals(pool: pg.Pool, f: SampleFilter & { pageLimit: number }) {
  const cte = samplesCte(f);
  const limitParam = `$${cte.params.length + 1}`;
  const [perPage, overall, loads] = await Promise.all([
    pool.query<AggRow>(
      `with ${cte.sql},
       top_pages as (
         select page from samples group by page order by count(*) desc, page limit ${limitParam}
       )
       select s.page, case when grouping(s.device) = 1 then null else s.device end as device, s.metric, ${SAMPLE_AGGREGATES}
         from samples s join top_pages t on t.page = s.page
        group by grouping sets ((s.page, s.device, s.metric), (s.page, s.metric))`,
      [...cte.params, f.pageLimit],
    ),
    pool.query<AggRow>(
      `with ${cte.sql}
       select null as page, case when grouping(device) = 1 then null else device end as device, metric, ${SAMPLE_AGGREGATES}
         from samples group by grouping sets ((device, metric), (metric))`,
      cte.params,
    ),
    pool.query<{ page: string; device: string; loads: number }>(
      `select coalesce(nullif(pathname, ''), '(unknown)') as page, coalesce(nullif(device, ''), 'unknown') as device, count(*)::int as loads
         from events
        where project_id = $1 and event = $4 and timestamp >= $2 and timestamp < $3
          and ($5::text is null or device = $5) and ($6::text is null or pathname = $6)
        group by 1, 2`,
      [f.projectId, f.from, f.to, WEB_VITALS_EVENT, f.device ?? null, f.page ?? null],
    ),
  ]);

  const loadsOf = (page: string | null, device: string | null) =>
    loads.rows.filter((l) => (page === null || l.page === page) && (device === null || l.device === device)).reduce((s, l) => s + l.loads, 0);

  const group = (rows: AggRow[]): VitalsRow[] => {
    const byKey = new Map<string, VitalsRow>();
    for (const r of rows) {
      const key = JSON.stringify([r.page, r.device]);
      let row = byKey.get(key);
      if (!row) byKey.set(key, (row = { page: r.page ?? "*", device: r.device, pageLoads: loadsOf(r.page, r.device), metrics: {} }));
      row.metrics[r.metric] = stat(r);
    }
    return [...byKey.values()];
  };

  // Busiest pages first; within a page, "all devices" first, then devices by name.
  const pages = group(perPage.rows);
  const pageLoads = new Map(pages.filter((p) => p.device === null).map((p) => [p.page, p.pageLoads]));
  pages.sort(
    (a, b) =>
      (pageLoads.get(b.page) ?? 0) - (pageLoads.get(a.page) ?? 0) ||
      a.page.localeCompare(b.page) ||
      (a.device === null ? -1 : b.device === null ? 1 : a.device.localeCompare(b.device)),
  );
  const totals = group(overall.rows).sort((a, b) => (a.device === null ? -1 : b.device === null ? 1 : a.device.localeCompare(b.device)));
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
