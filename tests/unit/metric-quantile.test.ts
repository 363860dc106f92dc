import { describe, expect, it } from "vitest";
import { Histogram, Registry } from "prom-client";
import { bucketDelta, histogramQuantile } from "../../server/monitoring/histogram-quantile";
import { SampleBuilder } from "../../server/monitoring/metric-sampler";

describe("histogramQuantile", () => {
  const b = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));
  it("interpolates inside the bucket holding the rank, as Prometheus does", () => {
    // 100 observations: 50 in (0, 0.1], 40 in (0.1, 0.5], 10 in (0.5, 1].
    const buckets = b([[0.1, 50], [0.5, 90], [1, 100], [Infinity, 100]]);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.1 + 0.4 * (20 / 40));
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.5 + 0.5 * (5 / 10));
  });
  it("answers null without observations and the highest bound for the +Inf bucket", () => {
    expect(histogramQuantile(0.5, b([[1, 0], [Infinity, 0]]))).toBeNull();
    expect(histogramQuantile(0.99, b([[1, 1], [2, 1], [Infinity, 10]]))).toBe(2);
  });
  it("takes deltas between snapshots and restarts from zero after a reset", () => {
    expect(bucketDelta(b([[1, 5], [Infinity, 7]]), b([[1, 2], [Infinity, 3]]))).toEqual(b([[1, 3], [Infinity, 4]]));
    expect(bucketDelta(b([[1, 1], [Infinity, 1]]), b([[1, 2], [Infinity, 3]]))).toEqual(b([[1, 1], [Infinity, 1]]));
  });
});

describe("SampleBuilder", () => {
  it("writes per-interval counts, errors and percentiles per route and for all routes", async () => {
    const registry = new Registry();
    const h = new Histogram({ name: "foresight_http_request_duration_seconds", help: "h", labelNames: ["route", "method", "status"], buckets: [0.1, 1], registers: [registry] });
    const builder = new SampleBuilder();
    h.observe({ route: "/a", method: "GET", status: "2xx" }, 0.05);
    builder.build(await registry.getMetricsAsJSON());
    h.observe({ route: "/a", method: "GET", status: "2xx" }, 0.05);
    h.observe({ route: "/a", method: "POST", status: "5xx" }, 0.5);
    h.observe({ route: "/b", method: "GET", status: "2xx" }, 0.05);
    const rows = builder.build(await registry.getMetricsAsJSON());
    const get = (name: string, route: string) => rows.find((r) => r.name === name && r.labels.route === route)?.value;
    expect(get("http_requests", "/a")).toBe(2);
    expect(get("http_errors", "/a")).toBe(1);
    expect(get("http_requests", "/b")).toBe(1);
    expect(get("http_errors", "/b")).toBeUndefined();
    expect(get("http_requests", "*")).toBe(3);
    expect(get("http_errors", "*")).toBe(1);
    expect(get("http_latency_p50", "/a")).toBeCloseTo(0.1);
    expect(get("http_latency_p99", "/a")).toBeCloseTo(0.1 + 0.9 * 0.98);
    // A quiet interval writes nothing for the histogram.
    expect(builder.build(await registry.getMetricsAsJSON()).filter((r) => r.name.startsWith("http_"))).toEqual([]);
  });
});
