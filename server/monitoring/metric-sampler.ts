import type { Prisma } from "../db/generated/client";
import type { Deps } from "../deps";
import { bucketDelta, histogramQuantile, type Buckets } from "./histogram-quantile";
import { registry } from "./metrics";

/** One row of metric_samples before it is written. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

type Json = Awaited<ReturnType<typeof registry.getMetricsAsJSON>>;
type Value = { value: number; labels: Record<string, string | number>; metricName?: string };

const QUANTILES = [
  ["p50", 0.5],
  ["p95", 0.95],
  ["p99", 0.99],
] as const;

/**
 * Histograms and counters that pages draw: name in the registry -> how its series are stored.
 * `by` is the label kept (the others are summed); `errors` picks the observations counted as errors.
 */
const HISTOGRAMS: Record<string, { prefix: string; by: string; errors?: (l: Record<string, string | number>) => boolean; quantiles: readonly string[] }> = {
  foresight_http_request_duration_seconds: { prefix: "http", by: "route", errors: (l) => l.status === "5xx", quantiles: ["p50", "p95", "p99"] },
  foresight_trpc_procedure_duration_seconds: { prefix: "trpc", by: "path", errors: (l) => l.outcome === "error", quantiles: ["p50", "p95", "p99"] },
  foresight_job_duration_seconds: { prefix: "job", by: "task", errors: (l) => l.status === "failed", quantiles: ["p95"] },
  foresight_model_training_duration_seconds: { prefix: "model_training", by: "model", quantiles: ["p95"] },
  foresight_model_prediction_duration_seconds: { prefix: "model_prediction", by: "model", quantiles: ["p95"] },
};
const COUNTERS: Record<string, { name: string; by?: string }> = {
  foresight_capture_events_total: { name: "capture_events", by: "outcome" },
  foresight_query_cache_requests_total: { name: "query_cache", by: "result" },
};
const GAUGES: Record<string, { name: string; by: string }> = {
  foresight_db_pool_connections: { name: "db_pool", by: "state" },
  foresight_job_queue_depth: { name: "job_queue", by: "state" },
  foresight_capture_quota_used_ratio: { name: "capture_quota_used_ratio", by: "project" },
  foresight_capture_spool: { name: "capture_spool", by: "measure" },
};

/**
 * Turns successive registry snapshots into compact samples: per-interval counts (requests,
 * errors, events), percentiles of the interval's observations from bucket deltas, and gauges.
 * Keeps the previous cumulative values itself; the first call only primes it for counters.
 */
export class SampleBuilder {
  private prevBuckets = new Map<string, Buckets>();
  private prevCounts = new Map<string, number>();

  build(metrics: Json): Sample[] {
    const out: Sample[] = [];
    for (const m of metrics) {
      const values = m.values as Value[];
      const h = HISTOGRAMS[m.name];
      if (h) out.push(...this.histogram(h, values));
      const c = COUNTERS[m.name];
      if (c) {
        for (const v of values) {
          const key = `${m.name}|${JSON.stringify(v.labels)}`;
          const delta = this.delta(key, v.value);
          const labels = c.by ? { [c.by]: String(v.labels[c.by] ?? "") } : {};
          if (delta > 0) out.push({ name: `${c.name}`, labels, value: delta });
        }
      }
      const g = GAUGES[m.name];
      if (g) for (const v of values) out.push({ name: g.name, labels: { [g.by]: String(v.labels[g.by] ?? "") }, value: v.value });
    }
    return out;
  }

  private delta(key: string, now: number): number {
    const before = this.prevCounts.get(key);
    this.prevCounts.set(key, now);
    if (before === undefined) return now;
    return now >= before ? now - before : now;
  }

  private histogram(h: (typeof HISTOGRAMS)[string], values: Value[]): Sample[] {
    // Cumulative buckets per full label set, then this interval's delta, then grouped by `by`.
    const series = new Map<string, { labels: Record<string, string | number>; buckets: Buckets }>();
    for (const v of values) {
      if (!v.metricName?.endsWith("_bucket")) continue;
      const { le, ...rest } = v.labels;
      const key = JSON.stringify(rest);
      let s = series.get(key);
      if (!s) series.set(key, (s = { labels: rest, buckets: [] }));
      s.buckets.push({ le: le === "+Inf" ? Infinity : Number(le), count: v.value });
    }
    const groups = new Map<string, { count: number; errors: number; buckets: Map<number, number> }>();
    const add = (group: string, buckets: Buckets, isError: boolean) => {
      let g = groups.get(group);
      if (!g) groups.set(group, (g = { count: 0, errors: 0, buckets: new Map() }));
      const total = buckets.reduce((m, b) => Math.max(m, b.count), 0);
      g.count += total;
      if (isError) g.errors += total;
      for (const b of buckets) g.buckets.set(b.le, (g.buckets.get(b.le) ?? 0) + b.count);
    };
    for (const [key, s] of series) {
      const full = `${h.prefix}|${key}`;
      const delta = bucketDelta(s.buckets, this.prevBuckets.get(full));
      this.prevBuckets.set(full, s.buckets);
      const isError = h.errors?.(s.labels) ?? false;
      add(String(s.labels[h.by] ?? ""), delta, isError);
      add("*", delta, isError);
    }
    const out: Sample[] = [];
    for (const [group, g] of groups) {
      if (g.count <= 0) continue;
      const labels = { [h.by]: group };
      out.push({ name: `${h.prefix}_requests`, labels, value: g.count });
      if (g.errors > 0) out.push({ name: `${h.prefix}_errors`, labels, value: g.errors });
      const buckets = [...g.buckets].map(([le, count]) => ({ le, count }));
      for (const [name, q] of QUANTILES) {
        if (!h.quantiles.includes(name)) continue;
        const value = histogramQuantile(q, buckets);
        if (value !== null) out.push({ name: `${h.prefix}_latency_${name}`, labels, value });
      }
    }
    return out;
  }
}

const builder = new SampleBuilder();

/** Samples this process's registry once into metric_samples (step 10 s). */
export async function sampleMetrics(deps: Pick<Deps, "db">, at = new Date()): Promise<number> {
  const samples = builder.build(await registry.getMetricsAsJSON());
  if (!samples.length) return 0;
  await deps.db.prisma.metricSample.createMany({
    data: samples.map((s) => ({ name: s.name, labels: s.labels as Prisma.InputJsonValue, value: s.value, at, step: 10 })),
  });
  return samples.length;
}

let running: (() => Promise<void>) | null = null;

/** Starts the 10-second sampler for this process (once; later calls share it). Returns its stop. */
export function startMetricsSampler(deps: Pick<Deps, "db" | "logger">, intervalMs = 10_000): () => Promise<void> {
  if (running) return running;
  let busy: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    busy = sampleMetrics(deps).catch((err) => deps.logger.warn({ err }, "metrics sampling failed"));
  }, intervalMs);
  timer.unref();
  running = async () => {
    clearInterval(timer);
    await busy;
    running = null;
  };
  return running;
}
