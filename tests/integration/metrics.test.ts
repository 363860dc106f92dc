import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeApiKey } from "../../server/auth/api-keys";
import { sampleMetrics } from "../../server/monitoring/metric-sampler";
import { downsampleMetrics } from "../../server/monitoring/metric-store";
import { post } from "../support/capture-client";
import { signIn } from "../support/users";
import { startTestWebServer } from "../support/web-server";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let secretKey: string;
let writeKey: string;
let base: string;
let project: { id: string; rateLimitPerSec: number };

beforeAll(async () => {
  server = await startTestWebServer();
  base = server.web.url;
  project = (await server.env.db.prisma.project.findFirst({ orderBy: { createdAt: "asc" } }))!;
  ({ key: secretKey } = await storeApiKey(server.env.db.prisma, { projectId: project.id, kind: "secret", name: "prometheus" }));
  ({ key: writeKey } = await storeApiKey(server.env.db.prisma, { projectId: project.id, kind: "write", name: "site" }));
});
afterAll(() => server?.close());

const scrape = (authorization?: string) => fetch(`${base}/metrics`, { headers: authorization ? { authorization } : {} });

describe("GET /metrics", () => {
  it("rejects requests without a valid token", async () => {
    for (const auth of [undefined, "Bearer nope", `Bearer ${writeKey}`, `Basic ${Buffer.from(`${secretKey}:`).toString("base64")}`]) {
      const res = await scrape(auth);
      expect(res.status, auth).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toMatch(/foresight_/);
    }
  });

  it("accepts a project secret key and FORESIGHT_METRICS_TOKEN", async () => {
    expect((await scrape(`Bearer ${secretKey}`)).status).toBe(200);
    server.env.deps.config.FORESIGHT_METRICS_TOKEN = "metrics-token-0123456789";
    try {
      const res = await scrape("Bearer metrics-token-0123456789");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      server.env.deps.config.FORESIGHT_METRICS_TOKEN = undefined;
    }
  });

  it("exposes the listed series, with route patterns and procedure paths as labels", async () => {
    const batch = Array.from({ length: 3 }, (_, i) => ({ event: "m", distinct_id: `d${i}` }));
    expect((await post(base, "/api/capture", { api_key: writeKey, batch })).status).toBe(200);
    expect((await post(base, "/api/capture", { api_key: "fs_pub_unknown", batch })).status).toBe(401);
    expect((await fetch(`${base}/api/trpc/system.health`)).status).toBe(200);
    const { cookie } = await signIn(server.env.deps, "viewer");
    await fetch(`${base}/flags/2b1e6a5c-4f1e-4c3b-9a57-5e2f9d8c7b6a`, { headers: { cookie } });

    const text = await (await scrape(`Bearer ${secretKey}`)).text();
    const has = (re: RegExp) => expect(text).toMatch(re);
    has(/^foresight_http_request_duration_seconds_bucket\{le="0\.005",route="\/api\/capture",method="POST",status="2xx"\} \d+/m);
    has(/^foresight_http_request_duration_seconds_count\{route="\/api\/capture",method="POST",status="4xx"\} 1$/m);
    has(/^foresight_http_request_duration_seconds_count\{route="\/flags\/:id",method="GET",status="\dxx"\} 1$/m);
    has(/^foresight_trpc_procedure_duration_seconds_count\{path="system\.health",type="query",outcome="ok"\} \d+$/m);
    has(/^foresight_capture_events_total\{outcome="accepted"\} 3$/m);
    has(/^foresight_capture_spool\{measure="spooling"\} 0$/m);
    has(/^foresight_capture_spool\{measure="bytes"\} 0$/m);
    // The API quota: 3 events in the last minute over a minute of the project's rate limit.
    const quota = new RegExp(`^foresight_capture_quota_used_ratio\\{project="${project.id}"\\} (\\S+)$`, "m").exec(text);
    expect(quota, "quota gauge for the project").not.toBeNull();
    expect(Number(quota![1])).toBeCloseTo(3 / (project.rateLimitPerSec * 60), 12);
    has(/^foresight_db_pool_connections\{state="(total|idle|waiting)"\} \d+$/m);
    has(/^foresight_job_queue_depth\{state="ready"\} \d+$/m);
    has(/^foresight_query_cache_requests_total\{result="(hit|miss)"\} \d+$/m);
    for (const name of [
      "foresight_db_query_duration_seconds",
      "foresight_job_duration_seconds",
      "foresight_job_failures_total",
      "foresight_model_training_duration_seconds",
      "foresight_model_prediction_duration_seconds",
      "foresight_capture_quota_used_ratio",
      "foresight_process_cpu_seconds_total",
    ]) {
      has(new RegExp(`^# TYPE ${name} `, "m"));
    }
    expect(text).not.toMatch(/route="\/flags\/2b1e6a5c/);
  });

  it("samples the registry into compact per-interval rows the pages draw", async () => {
    const { prisma } = server.env.db;
    const t1 = new Date("2030-05-01T00:00:00Z");
    await sampleMetrics(server.env.deps, t1); // primes the deltas
    const batch = [{ event: "m", distinct_id: "x" }];
    for (let i = 0; i < 4; i++) expect((await post(base, "/api/capture", { api_key: writeKey, batch })).status).toBe(200);
    const t2 = new Date("2030-05-01T00:00:10Z");
    await sampleMetrics(server.env.deps, t2);
    const rows = await prisma.metricSample.findMany({ where: { at: t2 } });
    const find = (name: string, labels: Record<string, string>) => rows.find((r) => r.name === name && JSON.stringify(r.labels) === JSON.stringify(labels));
    expect(find("http_requests", { route: "/api/capture" })?.value).toBe(4);
    expect(find("capture_events", { outcome: "accepted" })?.value).toBe(4);
    const p95 = find("http_latency_p95", { route: "/api/capture" })!.value;
    expect(p95).toBeGreaterThan(0);
    expect(find("http_latency_p50", { route: "/api/capture" })!.value).toBeLessThanOrEqual(p95);
    expect(find("http_requests", { route: "*" })!.value).toBeGreaterThanOrEqual(4);
    expect(find("db_pool", { state: "total" })).toBeDefined();
    expect(rows.every((r) => r.step === 10)).toBe(true);
    // Nothing happened on a route: no row for it (compact).
    expect(find("http_requests", { route: "/flags/:id" })).toBeUndefined();

    const { caller } = await signIn(server.env.deps, "viewer");
    await prisma.metricSample.updateMany({ where: { at: t2 }, data: { at: new Date(Date.now() - 5000) } });
    const perf = await caller.monitoring.performance({ windowMinutes: 5 });
    expect(perf.routes.find((r) => r.key === "/api/capture")).toMatchObject({ requests: 4, errors: 0 });
  });

  it("downsamples to 1 minute and 1 hour, folding counts, percentiles and gauges their own way", async () => {
    const { prisma, pool } = server.env.db;
    await prisma.metricSample.deleteMany({});
    const minute = new Date("2030-06-01T10:05:00Z");
    const rows = [0, 10, 20, 30, 40, 50].flatMap((s) => {
      const at = new Date(minute.getTime() + s * 1000);
      return [
        { name: "http_requests", labels: { route: "/a" }, value: 2, at },
        { name: "http_latency_p95", labels: { route: "/a" }, value: s / 100, at },
        { name: "db_pool", labels: { state: "total" }, value: s === 0 ? 1 : 3, at },
      ];
    });
    await prisma.metricSample.createMany({ data: rows });
    const now = new Date("2030-06-01T12:00:00Z");
    expect(await downsampleMetrics(pool, now)).toMatchObject({ minuteRows: 3 });
    const folded = await prisma.metricSample.findMany({ where: { step: 60 }, orderBy: { name: "asc" } });
    expect(folded.map((r) => [r.name, r.value, r.at.toISOString()])).toEqual([
      ["db_pool", 16 / 6, "2030-06-01T10:05:00.000Z"],
      ["http_latency_p95", 0.5, "2030-06-01T10:05:00.000Z"],
      ["http_requests", 12, "2030-06-01T10:05:00.000Z"],
    ]);
    expect(await prisma.metricSample.count({ where: { step: 10 } })).toBe(0);

    const later = new Date("2030-06-04T00:00:00Z");
    expect(await downsampleMetrics(pool, later)).toMatchObject({ hourRows: 3 });
    expect((await prisma.metricSample.findFirst({ where: { step: 3600, name: "http_requests" } }))!.at.toISOString()).toBe("2030-06-01T10:00:00.000Z");
    expect(await downsampleMetrics(pool, new Date("2030-09-15T00:00:00Z"))).toMatchObject({ deleted: 3 });
    expect(await prisma.metricSample.count()).toBe(0);
  });

  it("draws the ingestion page from the samples: events accepted and rejected, the spool, capture latency", async () => {
    const batch = [{ event: "ingestion-page", distinct_id: "p1" }, { event: "ingestion-page", distinct_id: "p2" }];
    await sampleMetrics(server.env.deps, new Date(Date.now() - 20_000)); // primes the deltas
    expect((await post(base, "/api/capture", { api_key: writeKey, batch })).status).toBe(200);
    expect((await post(base, "/api/capture", { api_key: writeKey, batch: [{ event: "" }] })).status).toBe(400);
    await sampleMetrics(server.env.deps, new Date(Date.now() - 10_000));
    const { cookie } = await signIn(server.env.deps, "viewer");
    const res = await fetch(`${base}/monitoring/ingestion?window=15`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/2 accepted, 1 rejected in the window/);
    expect(html).toContain("Capture wrote to the database throughout this window.");
    expect(html).toContain("Nothing waits for replay.");
    expect(html).toMatch(/data-testid="capture-latency"/);
  });
});
