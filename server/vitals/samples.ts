import { VITALS, WEB_VITALS_EVENT, vitalPropertyKey, type VitalMetric } from "./thresholds";

export interface SampleFilter {
  projectId: string;
  from: Date;
  to: Date;
  device?: string;
  page?: string;
}

/**
 * The `samples` CTE: one row per web-vitals event with its page path, device, time and one column
 * per metric (`v0`..`v4`, in VITALS order): the value, or null when the event lacks it (INP without
 * an interaction) or it is not a JSON number. One row per event rather than per (event, metric)
 * keeps the sorts behind the percentiles small. Every value that varies is a bind parameter;
 * the SQL text only depends on the fixed VITALS list.
 */
export function samplesCte(f: SampleFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.projectId, f.from, f.to, WEB_VITALS_EVENT, f.device ?? null, f.page ?? null];
  const columns = VITALS.map((v, i) => {
    params.push(vitalPropertyKey(v.metric));
    const key = `$${params.length}`;
    return `case when jsonb_typeof(e.properties -> ${key}::text) = 'number' then (e.properties ->> ${key}::text)::float8 end as v${i}`;
  });
  const sql = `samples as (
    select coalesce(nullif(e.pathname, ''), '(unknown)') as page,
           coalesce(nullif(e.device, ''), 'unknown') as device,
           e.timestamp,
           ${columns.join(",\n           ")}
      from events e
     where e.project_id = $1 and e.event = $4 and e.timestamp >= $2 and e.timestamp < $3
       and ($5::text is null or e.device = $5)
       and ($6::text is null or e.pathname = $6)
  )`;
  return { sql, params };
}

/**
 * Per-metric aggregates over a group of samples: count, p75 (percentile_cont: linear
 * interpolation at 0.75 * (n - 1)) and, with `ratings`, the counts rated good / needs improvement
 * / poor against the thresholds, which are appended to `params` as bind parameters.
 */
export function metricAggregates(params: unknown[], ratings: boolean): string {
  return VITALS.map((v, i) => {
    const parts = [`count(v${i})::int as n${i}`, `percentile_cont(0.75) within group (order by v${i}) as p75_${i}`];
    if (ratings) {
      params.push(v.good, v.poor);
      const good = `$${params.length - 1}::float8`;
      const poor = `$${params.length}::float8`;
      parts.push(
        `(count(*) filter (where v${i} <= ${good}))::int as good${i}`,
        `(count(*) filter (where v${i} > ${good} and v${i} <= ${poor}))::int as ni${i}`,
        `(count(*) filter (where v${i} > ${poor}))::int as poor${i}`,
      );
    }
    return parts.join(", ");
  }).join(",\n       ");
}

export interface MetricCounts {
  metric: VitalMetric;
  samples: number;
  p75: number;
  good: number;
  needsImprovement: number;
  poor: number;
}

/** The metrics present in one aggregated row (n > 0), in VITALS order. */
export function metricsOf(row: Record<string, unknown>): MetricCounts[] {
  const out: MetricCounts[] = [];
  VITALS.forEach((v, i) => {
    const n = Number(row[`n${i}`] ?? 0);
    if (n === 0) return;
    out.push({
      metric: v.metric,
      samples: n,
      p75: Number(row[`p75_${i}`]),
      good: Number(row[`good${i}`] ?? 0),
      needsImprovement: Number(row[`ni${i}`] ?? 0),
      poor: Number(row[`poor${i}`] ?? 0),
    });
  });
  return out;
}
