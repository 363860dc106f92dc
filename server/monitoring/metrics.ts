import type pg from "pg";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { ResultCache } from "../query/cache";

/**
 * The process's one metrics registry. Web and worker processes each have their own; the sampler
 * (metric-sampler.ts) writes what pages draw into metric_samples, so history survives restarts.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "foresight_" });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export const httpDuration = new Histogram({
  name: "foresight_http_request_duration_seconds",
  help: "HTTP requests by route pattern, method and status class",
  labelNames: ["route", "method", "status"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const trpcDuration = new Histogram({
  name: "foresight_trpc_procedure_duration_seconds",
  help: "tRPC procedure calls by path, type and outcome (ok | error)",
  labelNames: ["path", "type", "outcome"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const captureEvents = new Counter({
  name: "foresight_capture_events_total",
  help: "Events received by the capture endpoints, accepted or rejected",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

let spoolReader: (() => { spooling: boolean; files: number; bytes: number }) | null = null;
/** Where the spool gauge reads from: this process's ingest writer. */
export function bindSpool(read: () => { spooling: boolean; files: number; bytes: number }): void {
  spoolReader = read;
}

new Gauge({
  name: "foresight_capture_spool",
  help: "The capture spool of this process: spooling (1 while the database is away or the spool replays), files and bytes waiting",
  labelNames: ["measure"] as const,
  registers: [registry],
  collect() {
    if (!spoolReader) return;
    const s = spoolReader();
    this.set({ measure: "spooling" }, s.spooling ? 1 : 0);
    this.set({ measure: "files" }, s.files);
    this.set({ measure: "bytes" }, s.bytes);
  },
});

let quotaReader: (() => Map<string, number>) | null = null;
/** Where the quota gauge reads from: the capture rate limiter of this process. */
export function bindQuota(read: () => Map<string, number>): void {
  quotaReader = read;
}

export const captureQuotaUsed = new Gauge({
  name: "foresight_capture_quota_used_ratio",
  help: "Share of the capture rate limit used over the last minute (0..1), per project",
  labelNames: ["project"] as const,
  registers: [registry],
  collect() {
    if (!quotaReader) return;
    this.reset();
    for (const [project, ratio] of quotaReader()) this.set({ project }, ratio);
  },
});

export const dbQueryDuration = new Histogram({
  name: "foresight_db_query_duration_seconds",
  help: "Timed database queries (health ping, queue depth), by query",
  labelNames: ["query"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: "foresight_job_duration_seconds",
  help: "Background job runs by task and status (completed | failed)",
  labelNames: ["task", "status"] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: "foresight_job_failures_total",
  help: "Failed background job runs by task",
  labelNames: ["task"] as const,
  registers: [registry],
});

/** Observed by ml/ callers (workers train, server predicts): `const end = modelTraining.startTimer({ model })`. */
export const modelTraining = new Histogram({
  name: "foresight_model_training_duration_seconds",
  help: "Model training runs by model kind",
  labelNames: ["model"] as const,
  buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
  registers: [registry],
});

export const modelPrediction = new Histogram({
  name: "foresight_model_prediction_duration_seconds",
  help: "Model predictions by model kind",
  labelNames: ["model"] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  registers: [registry],
});

// ---- pulled at scrape / sample time ---------------------------------------------------------

let pool: pg.Pool | null = null;
let queueDepthReader: (() => Promise<Record<string, number>>) | null = null;

/** Points the pool and queue gauges at this process's database. */
export function bindMetrics(opts: { pool: pg.Pool; queueDepth?: () => Promise<Record<string, number>> }): void {
  pool = opts.pool;
  if (opts.queueDepth) queueDepthReader = opts.queueDepth;
}

new Gauge({
  name: "foresight_db_pool_connections",
  help: "Database pool connections by state (total | idle | waiting)",
  labelNames: ["state"] as const,
  registers: [registry],
  collect() {
    if (!pool) return;
    this.set({ state: "total" }, pool.totalCount);
    this.set({ state: "idle" }, pool.idleCount);
    this.set({ state: "waiting" }, pool.waitingCount);
  },
});

new Gauge({
  name: "foresight_job_queue_depth",
  help: "Jobs in graphile-worker's queue by state",
  labelNames: ["state"] as const,
  registers: [registry],
  async collect() {
    if (!queueDepthReader) return;
    const end = dbQueryDuration.startTimer({ query: "queue_depth" });
    try {
      const depth = await queueDepthReader();
      for (const [state, n] of Object.entries(depth)) if (typeof n === "number") this.set({ state }, n);
    } catch {
      // A scrape during a database outage still answers with the other series.
    } finally {
      end();
    }
  },
});

// The insight result cache keeps hits/misses on each instance; the first get() registers it here.
const caches = new Set<WeakRef<ResultCache<unknown>>>();
const seen = new WeakSet<object>();
const originalGet = ResultCache.prototype.get;
ResultCache.prototype.get = function (this: ResultCache<unknown>, ...args: Parameters<ResultCache<unknown>["get"]>) {
  if (!seen.has(this)) {
    seen.add(this);
    caches.add(new WeakRef(this));
  }
  return originalGet.apply(this, args);
} as typeof originalGet;

export function cacheTotals(): { hits: number; misses: number } {
  let hits = 0;
  let misses = 0;
  for (const ref of caches) {
    const c = ref.deref();
    if (!c) caches.delete(ref);
    else {
      hits += c.hits;
      misses += c.misses;
    }
  }
  return { hits, misses };
}

new Counter({
  name: "foresight_query_cache_requests_total",
  help: "Insight result cache lookups by result (hit | miss)",
  labelNames: ["result"] as const,
  registers: [registry],
  collect() {
    const { hits, misses } = cacheTotals();
    this.reset();
    this.inc({ result: "hit" }, hits);
    this.inc({ result: "miss" }, misses);
  },
});

// ---- hooks other modules call ---------------------------------------------------------------

let collecting = true;
/** FORESIGHT_METRICS=false: request, capture and procedure observations are skipped (the benchmark's baseline). */
export function setMetricsCollection(on: boolean): void {
  collecting = on;
}
export function metricsCollecting(): boolean {
  return collecting;
}

/** One line in the capture route: events accepted and rejected in one request. */
export function countCapture(accepted: number, rejected: number): void {
  if (!collecting) return;
  if (accepted) captureEvents.inc({ outcome: "accepted" }, accepted);
  if (rejected) captureEvents.inc({ outcome: "rejected" }, rejected);
}

export function observeJob(task: string, status: "completed" | "failed", ms: number): void {
  jobDuration.observe({ task, status }, ms / 1000);
  if (status === "failed") jobFailures.inc({ task });
}
