import type pg from "pg";

/** How a stored series folds over a window: per-interval counts add up, percentiles take the worst, gauges average. */
export function foldOf(name: string): "sum" | "max" | "avg" {
  if (/_latency_p\d+$/.test(name)) return "max";
  if (/^(db_pool|job_queue|capture_quota_used_ratio|capture_spool)$/.test(name)) return "avg";
  return "sum";
}

const FOLD_SQL = `case
  when name ~ '_latency_p[0-9]+$' then max(value)
  when name in ('db_pool', 'job_queue', 'capture_quota_used_ratio', 'capture_spool') then avg(value)
  else sum(value) end`;

/**
 * Downsampling and retention: raw 10-s rows older than an hour become 1-minute rows, 1-minute
 * rows older than two days become 1-hour rows, hourly rows go after 90 days. Each step cuts on
 * a whole minute / hour so a bucket is never split between two runs.
 */
export async function downsampleMetrics(pool: pg.Pool, now = new Date()) {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const fold = async (from: number, to: number, unit: "minute" | "hour", olderThanMs: number) => {
      const { rowCount } = await client.query(
        `with moved as (
           delete from metric_samples where step = $1 and at < date_trunc('${unit}', $3::timestamptz) returning name, labels, at, value)
         insert into metric_samples (name, labels, at, value, step)
         select name, labels, date_trunc('${unit}', at), ${FOLD_SQL}, $2 from moved group by name, labels, date_trunc('${unit}', at)`,
        [from, to, new Date(now.getTime() - olderThanMs)],
      );
      return rowCount ?? 0;
    };
    const minuteRows = await fold(10, 60, "minute", 3600_000);
    const hourRows = await fold(60, 3600, "hour", 2 * 86400_000);
    const { rowCount: deleted } = await client.query("delete from metric_samples where step = 3600 and at < $1", [
      new Date(now.getTime() - 90 * 86400_000),
    ]);
    await client.query("commit");
    return { minuteRows, hourRows, deleted: deleted ?? 0 };
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export type Aggregation = "sum" | "avg" | "max" | "min" | "last";

/** One number for a series over [from, to): null when no sample fell in the window. */
export async function aggregateMetric(
  pool: pg.Pool,
  q: { name: string; labels: Record<string, string>; aggregation: Aggregation; from: Date; to: Date },
): Promise<number | null> {
  const params = [q.name, JSON.stringify(q.labels), q.from, q.to];
  const where = "name = $1 and labels @> $2::jsonb and at >= $3 and at < $4";
  if (q.aggregation === "last") {
    const { rows } = await pool.query(`select value from metric_samples where ${where} order by at desc limit 1`, params);
    return rows[0] ? Number(rows[0].value) : null;
  }
  const fn = { sum: "sum", avg: "avg", max: "max", min: "min" }[q.aggregation];
  const { rows } = await pool.query(`select ${fn}(value) as v from metric_samples where ${where}`, params);
  return rows[0]?.v === null || rows[0]?.v === undefined ? null : Number(rows[0].v);
}

export interface LatencyRow {
  key: string;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Latency per route (prefix "http", label "route") or per procedure ("trpc", "path") over a
 * window, slowest p95 first. p50 averages the intervals; p95 and p99 take the worst interval.
 */
export async function latencyTable(pool: pg.Pool, prefix: "http" | "trpc", label: "route" | "path", from: Date, to: Date): Promise<LatencyRow[]> {
  const { rows } = await pool.query(
    `select labels->>$2 as key,
            sum(value) filter (where name = $1 || '_requests') as requests,
            sum(value) filter (where name = $1 || '_errors') as errors,
            avg(value) filter (where name = $1 || '_latency_p50') as p50,
            max(value) filter (where name = $1 || '_latency_p95') as p95,
            max(value) filter (where name = $1 || '_latency_p99') as p99
       from metric_samples
      where name like $1 || '\\_%' and labels ? $2 and at >= $3 and at < $4
      group by 1
      order by p95 desc nulls last
      limit 200`,
    [prefix, label, from, to],
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({ key: r.key, requests: num(r.requests) ?? 0, errors: num(r.errors) ?? 0, p50: num(r.p50), p95: num(r.p95), p99: num(r.p99) }));
}

/** Points of one series for a chart, bucketed to `bucketSeconds` with the series' own fold. */
export async function metricSeries(
  pool: pg.Pool,
  q: { name: string; labels: Record<string, string>; from: Date; to: Date; bucketSeconds: number },
): Promise<Array<{ at: string; value: number }>> {
  const fold = foldOf(q.name);
  const { rows } = await pool.query(
    `select to_timestamp(floor(extract(epoch from at) / $5) * $5) as t, ${fold}(value) as v
       from metric_samples where name = $1 and labels @> $2::jsonb and at >= $3 and at < $4
      group by 1 order by 1`,
    [q.name, JSON.stringify(q.labels), q.from, q.to, q.bucketSeconds],
  );
  return rows.map((r) => ({ at: new Date(r.t).toISOString(), value: Number(r.v) }));
}
