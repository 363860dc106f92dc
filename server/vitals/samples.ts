import { VITALS, WEB_VITALS_EVENT, vitalPropertyKey } from "./thresholds";

export interface SampleFilter {
  projectId: string;
  from: Date;
  to: Date;
  device?: string;
  page?: string;
}

/**
 * The `samples` CTE: one row per (web-vitals event, metric present in it) with the page path,
 * device, metric name, value and the metric's thresholds. Everything that varies is a bind
 * parameter ($1..$10): metric names, property keys and thresholds go in as arrays.
 * A metric missing from an event (INP without an interaction) or not a JSON number is skipped.
 */
export function samplesCte(f: SampleFilter): { sql: string; params: unknown[] } {
  const sql = `samples as (
    select coalesce(nullif(e.pathname, ''), '(unknown)') as page,
           coalesce(nullif(e.device, ''), 'unknown') as device,
           m.metric, m.good, m.poor, e.timestamp,
           (e.properties ->> m.key)::float8 as value
      from events e
      cross join unnest($5::text[], $6::text[], $7::float8[], $8::float8[]) as m(metric, key, good, poor)
     where e.project_id = $1 and e.event = $4 and e.timestamp >= $2 and e.timestamp < $3
       and jsonb_typeof(e.properties -> m.key) = 'number'
       and ($9::text is null or e.device = $9)
       and ($10::text is null or e.pathname = $10)
  )`;
  const params = [
    f.projectId,
    f.from,
    f.to,
    WEB_VITALS_EVENT,
    VITALS.map((v) => v.metric),
    VITALS.map((v) => vitalPropertyKey(v.metric)),
    VITALS.map((v) => v.good),
    VITALS.map((v) => v.poor),
    f.device ?? null,
    f.page ?? null,
  ];
  return { sql, params };
}

/** Aggregates over a group of samples: count, p75 (linear interpolation) and rating counts. */
export const SAMPLE_AGGREGATES = `count(*)::int as samples,
  percentile_cont(0.75) within group (order by value) as p75,
  (count(*) filter (where value <= good))::int as good,
  (count(*) filter (where value > good and value <= poor))::int as needs_improvement,
  (count(*) filter (where value > poor))::int as poor`;
