import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeApiKey } from "../../server/auth/api-keys";
import { createProject } from "../../server/projects/create-project";
import { loadDemoData } from "../../server/bootstrap/demo-data";
import { bulkIngest } from "../../server/ingest/bulk";
import { mlServices } from "../../server/ml/services";
import { priceActuals } from "../../server/ml/price/actuals";
import { PriceService } from "../../server/ml/price/serving";
import { reconcileActuals, recordPredictions } from "../../ml/registry/predictions";
import { reconcilePricePredictions } from "../../server/ml/price/reconcile";
import { priceModelKey, trainPriceModels } from "../../server/ml/price/train";
import { beginVersion, promote } from "../../ml/registry/registry";
import type { AppRouter } from "../../server/trpc/root";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";
import { startWorker } from "../../workers/runner";
import { startTestWebServer } from "../support/web-server";

/**
 * ml.priceForecast on the demo data (60 days, 400 persons, loaded through the ingest pipeline)
 * plus a planted route, EDI-LIS, that the demo never flies: 12 searches a day for 60 days,
 * departing 21-56 days later, economy fares of about 200 (5% noise) except on Tuesdays, when
 * every search finds fares 20% lower. So the answer is known without the model: from any other
 * weekday, wait for the next Tuesday and save about 20%; on a Tuesday, buy.
 */
const DAY = 86_400_000;
const TUESDAY = 2;
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let projectId: string;
let secretKey: string;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;
const todayMs = Math.floor(Date.now() / DAY) * DAY;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* plantedSearches() {
  const rand = mulberry32(20261122);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  for (let d = 60; d >= 1; d--) {
    const dayMs = todayMs - d * DAY;
    const tuesday = new Date(dayMs).getUTCDay() === TUESDAY;
    for (let i = 0; i < 12; i++) {
      const daysOut = 21 + Math.floor(rand() * 36);
      const price = Math.round(200 * (tuesday ? 0.8 : 1) * Math.exp(0.05 * normal()) * 100) / 100;
      yield {
        event: "search",
        distinct_id: `planted-${d}-${i % 4}`,
        timestamp: new Date(dayMs + (8 + i) * 3_600_000).toISOString(),
        properties: {
          origin: "EDI",
          destination: "LIS",
          depart_date: iso(dayMs + daysOut * DAY),
          passengers: 1,
          cabin_class: "economy",
          results_count: 9,
          cheapest_price: price,
          avg_price: Math.round(price * 130) / 100,
          max_price: Math.round(price * 250) / 100,
          currency: "GBP",
          duration_ms: 1500,
        },
      };
    }
  }
}

beforeAll(async () => {
  server = await startTestWebServer();
  const { deps } = server.env;
  const demo = await loadDemoData(deps, server.capture, { seed: 7, days: 60, persons: 400 });
  projectId = demo.project.id;
  const planted = await bulkIngest(server.capture.pipeline, projectId, plantedSearches());
  expect(planted.rejected).toBe(0);
  secretKey = (await storeApiKey(deps.db.prisma, { projectId, kind: "secret", name: "ml test" })).key;
  const { cookie } = await signIn(deps, "viewer");
  client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.web.url}/api/trpc`, transformer: superjson, headers: { cookie } })] });
}, 180_000);

afterAll(async () => {
  await server?.close();
});

const rest = (body: unknown, key: string | null = secretKey, path = "price-forecast") =>
  fetch(`${server.web.url}/api/ml/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("ml.priceForecast", () => {
  it("trains on first use and advises waiting for the known cheaper weekday (typed client over HTTP)", async () => {
    const departDate = iso(todayMs + 35 * DAY);
    const a = await client.ml.priceForecast.query({ origin: "EDI", destination: "LIS", departDate, cabinClass: "economy" });
    expect(a.basis).toBe("route");
    expect(a.modelVersion).toBe(1);
    expect(a.forecast).toHaveLength(7);
    expect(a.forecast.map((f) => f.date)).toEqual([1, 2, 3, 4, 5, 6, 7].map((h) => iso(todayMs + h * DAY)));
    for (const f of a.forecast) {
      expect(f.lower).toBeLessThan(f.predictedPrice);
      expect(f.upper).toBeGreaterThan(f.predictedPrice);
      expect(f.confidence).toBeGreaterThan(0.5);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
    const tuesdayAhead = [1, 2, 3, 4, 5, 6, 7].map((h) => todayMs + h * DAY).find((ms) => new Date(ms).getUTCDay() === TUESDAY)!;
    if (new Date(todayMs).getUTCDay() === TUESDAY) {
      expect(a.currentPrice).toBeGreaterThan(160 * 0.85);
      expect(a.currentPrice).toBeLessThan(160 * 1.15);
      expect(a.recommendation).toBe("buy");
      expect(a.bestBookingDate).toBe(iso(todayMs));
    } else {
      expect(a.currentPrice).toBeGreaterThan(200 * 0.85);
      expect(a.currentPrice).toBeLessThan(200 * 1.15);
      expect(a.recommendation).toBe("wait");
      expect(a.bestBookingDate).toBe(iso(tuesdayAhead));
      expect(a.estimatedSavings / a.currentPrice).toBeGreaterThan(0.12);
      expect(a.estimatedSavings / a.currentPrice).toBeLessThan(0.28);
      const tuesday = a.forecast.find((f) => f.date === iso(tuesdayAhead))!;
      expect(tuesday.predictedPrice).toBe(Math.min(...a.forecast.map((f) => f.predictedPrice)));
    }
  });

  it("says buy a few days before departure, when demo fares climb every day", async () => {
    const a = await client.ml.priceForecast.query({ origin: "LHR", destination: "JFK", departDate: iso(todayMs + 3 * DAY), cabinClass: "economy" });
    expect(a.forecast).toHaveLength(3);
    expect(a.recommendation).toBe("buy");
    expect(a.bestBookingDate).toBe(iso(todayMs));
    expect(a.estimatedSavings).toBe(0);
    expect(a.forecast[2]!.predictedPrice).toBeGreaterThan(a.currentPrice);
    expect(["origin", "destination"]).toContain(a.basis);
  });

  it("answers an unknown route from the global rung with a wider band", async () => {
    const departDate = iso(todayMs + 40 * DAY);
    const known = await client.ml.priceForecast.query({ origin: "LHR", destination: "JFK", departDate, cabinClass: "economy" });
    const unknown = await client.ml.priceForecast.query({ origin: "QQQ", destination: "ZZZ", departDate, cabinClass: "economy" });
    expect(unknown.basis).toBe("global");
    const width = (x: typeof known) => x.forecast[0]!.upper / x.forecast[0]!.lower;
    expect(width(unknown)).toBeGreaterThan(width(known));
  });

  it("refuses bad input with BAD_REQUEST naming the field", async () => {
    const bad = async (input: Record<string, unknown>) => {
      try {
        await client.ml.priceForecast.query(input as never);
      } catch (err) {
        expect(err).toBeInstanceOf(TRPCClientError);
        const e = err as TRPCClientError<AppRouter>;
        expect(e.data?.httpStatus).toBe(400);
        return Object.keys(e.data?.fieldErrors ?? {});
      }
      throw new Error("no error");
    };
    const departDate = iso(todayMs + 10 * DAY);
    expect(await bad({ origin: "lhr", destination: "JFK", departDate })).toEqual(["origin"]);
    expect(await bad({ origin: "LHR", destination: "JFK", departDate: iso(todayMs - DAY) })).toEqual(["departDate"]);
    expect(await bad({ origin: "LHR", destination: "JFK", departDate, returnDate: iso(todayMs + 5 * DAY) })).toEqual(["returnDate"]);
    expect(await bad({ origin: "LHR", destination: "JFK", departDate: "2026-13-01" })).toEqual(["departDate"]);
    expect(await bad({ origin: "LHR", destination: "JFK", departDate, cabinClass: "steerage" })).toEqual(["cabinClass"]);
  });

  it("gives the same answer over REST with a secret key; 401 without one, 400 naming the field", async () => {
    const input = { origin: "EDI", destination: "LIS", departDate: iso(todayMs + 35 * DAY), cabinClass: "economy" as const };
    const viaTrpc = await client.ml.priceForecast.query(input);
    const res = await rest(input);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(viaTrpc);

    expect((await rest(input, null)).status).toBe(401);
    const wrong = await rest(input, "fs_sec_not-a-key");
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).field).toBe("authorization");

    const past = await rest({ ...input, departDate: iso(todayMs - 3 * DAY) });
    expect(past.status).toBe(400);
    const body = await past.json();
    expect(body.field).toBe("departDate");
    expect(body.problem).toMatch(/past/);
    const malformed = await rest("{not json");
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).field).toBe("body");
    const code = await rest({ ...input, destination: "Lisbon" });
    expect(code.status).toBe(400);
    expect((await code.json()).field).toBe("destination");
    const huge = await rest({ ...input, padding: "x".repeat(20_000) });
    expect(huge.status).toBe(413);

    // A project without searches has no model to answer from: a 4xx saying so, twice (the second from memory).
    const empty = await createProject(server.env.db.prisma, { name: "No searches" });
    for (let i = 0; i < 2; i++) {
      const none = await rest(input, empty.keys.secret);
      expect(none.status).toBe(409);
      expect(await none.json()).toMatchObject({ field: "project", problem: expect.stringMatching(/not enough priced searches/) });
    }
  });

  it("records what it predicted for the reconcile job", async () => {
    await mlServices(server.env.deps).price.flush();
    const { rows } = await server.env.db.pool.query(
      `select target, horizon, predicted, lower_80, upper_80 from predictions where project_id = $1 and kind = 'price' and target like 'EDI-LIS/%' order by horizon`,
      [projectId],
    );
    expect(rows.map((r) => r.horizon)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]); // once per version, query and day
    const target = `EDI-LIS/economy/${iso(todayMs + 35 * DAY)}`;
    expect(rows[0].target).toBe(target);
  });

  it("promotes a retrained version only if it beats the active one, and serving picks up a promoted version", async () => {
    const pool = server.env.db.pool;
    const again = await trainPriceModels(pool, projectId);
    expect(again.version).toBe(2);
    expect(again.promotion.promoted).toBe(false); // same data, same backtest: not strictly better
    expect(again.promotion.reason).toMatch(/does not beat/);
    const service = new PriceService(pool, { recheckMs: 0 });
    const input = { origin: "EDI", destination: "LIS", departDate: iso(todayMs + 35 * DAY), cabinClass: "economy" as const };
    expect((await service.priceForecast(projectId, input)).modelVersion).toBe(1);
    expect((await promote(pool, again.id, { force: true })).promoted).toBe(true);
    // Each call answers from memory at once and, at most every recheckMs, starts a background check.
    await waitFor(async () => (await service.priceForecast(projectId, input)).modelVersion === 2, "the promoted version to be served", 15_000);
    await service.flush();
  });

  it("gives the reconcile job the actual fares of a recorded prediction", async () => {
    const target = `EDI-LIS/economy/${iso(todayMs + 35 * DAY)}`;
    // Two searches today for that departure: the actual for today is their median.
    const search = (price: number, minute: number) => ({
      event: "search",
      distinct_id: "actual-check",
      timestamp: new Date(Math.min(Date.now(), todayMs + 60_000 * minute)).toISOString(),
      properties: { origin: "EDI", destination: "LIS", depart_date: iso(todayMs + 35 * DAY), passengers: 1, cabin_class: "economy", results_count: 3, cheapest_price: price, avg_price: price + 10, max_price: price + 20, currency: "GBP", duration_ms: 900 },
    });
    await bulkIngest(server.capture.pipeline, projectId, [search(210, 1), search(190, 2)]);
    const actuals = await priceActuals(server.env.db.pool, projectId, target, iso(todayMs), iso(todayMs + 7 * DAY));
    expect(actuals).toEqual([{ date: iso(todayMs), value: 200 }]);
    const { rows } = await server.env.db.pool.query(`select count(*)::int as n from predictions where kind = 'price' and target = $1 and for_date = $2`, [target, iso(todayMs)]);
    expect(rows[0].n).toBeGreaterThan(0); // one per version and PriceService instance that answered today
    expect(await reconcileActuals(server.env.db.pool, { projectId, kind: "price", target }, actuals)).toBe(rows[0].n);
  });
});

describe("reconcile_predictions for price predictions", () => {
  it("fills in the day's median fare and refreshes the version's live accuracy", async () => {
    const pool = server.env.db.pool;
    const depart = iso(todayMs + 41 * DAY);
    const target = `EDI-LIS/business/${depart}`;
    const version = (await pool.query<{ id: string }>(`select id from model_versions where project_id = $1 and kind = 'price' and active`, [projectId])).rows[0]!.id;
    await recordPredictions(pool, version, { projectId, kind: "price", target }, [
      { forDate: iso(todayMs), horizon: 0, predicted: 120, lower80: 100, upper80: 140, lower95: 90, upper95: 150 },
      { forDate: iso(todayMs + DAY), horizon: 1, predicted: 118, lower80: 98, upper80: 138, lower95: 88, upper95: 148 },
    ]);
    const search = (price: number, minute: number) => ({
      event: "search",
      distinct_id: "reconcile-check",
      timestamp: new Date(Math.min(Date.now(), todayMs + 60_000 * minute)).toISOString(),
      properties: { origin: "EDI", destination: "LIS", depart_date: depart, passengers: 1, cabin_class: "business", results_count: 2, cheapest_price: price, avg_price: price + 5, max_price: price + 9, currency: "GBP", duration_ms: 700 },
    });
    await bulkIngest(server.capture.pipeline, projectId, [search(100, 1), search(160, 2), search(130, 3)]);
    // The job runs "tomorrow": today's prediction gets today's median (130); tomorrow's stays open.
    const out = await reconcilePricePredictions(pool, projectId, iso(todayMs + DAY));
    expect(out.reconciled).toBe(1);
    const { rows } = await pool.query(`select for_date::text as d, actual from predictions where kind = 'price' and target = $1 order by for_date`, [target]);
    expect(rows).toEqual([{ d: iso(todayMs), actual: 130 }, { d: iso(todayMs + DAY), actual: null }]);
    const live = (await pool.query(`select live_metrics from model_versions where id = $1`, [version])).rows[0]!.live_metrics;
    expect(live.n).toBeGreaterThanOrEqual(1);
    expect(live.coverage80).not.toBeNull();
    // Run again: nothing left to fill for today.
    expect((await reconcilePricePredictions(pool, projectId, iso(todayMs + DAY))).reconciled).toBe(0);
  });
});

describe("train_price_models through graphile-worker", () => {
  it("retrain now (analyst) queues the job; it stores a version with its backtest and progress", async () => {
    const runner = await startWorker(server.env.deps);
    try {
      const { caller } = await signIn(server.env.deps, "analyst");
      const { jobId } = await caller.ml.retrainPriceModels();
      const run = await waitFor(() => server.env.db.prisma.jobRun.findFirst({ where: { jobId, status: { not: "running" } } }), "train_price_models", 120_000);
      expect(run.status, run.error ?? "").toBe("completed");
      const { rows } = await server.env.db.pool.query(
        `select version, status, metrics, progress from model_versions where project_id = $1 and kind = 'price' order by version desc limit 1`,
        [projectId],
      );
      expect(rows[0]).toMatchObject({ version: 3, status: "ready", progress: { step: 4, of: 4 } });
      expect(rows[0].metrics.mase).toBeGreaterThan(0);
      expect(rows[0].metrics.mase).toBeLessThan(1); // beats the route-and-cabin median on the holdout
      expect((run.result as { projects: { version: number }[] }).projects[0]!.version).toBe(3);
      const viewer = (await signIn(server.env.deps, "viewer")).caller;
      await expect(viewer.ml.retrainPriceModels()).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await runner.stop();
    }
  });

  it("a run killed midway leaves no half version: the next run marks it failed, one version stays active", async () => {
    const pool = server.env.db.pool;
    const killed = await beginVersion(pool, priceModelKey(projectId)); // what a run killed after reserving leaves
    const next = await trainPriceModels(pool, projectId, { staleAfterMs: 0 });
    expect(next.version).toBe(killed.version + 1);
    const { rows } = await pool.query(`select id, status, active, error from model_versions where project_id = $1 and kind = 'price'`, [projectId]);
    expect(rows.find((r) => r.id === killed.id)).toMatchObject({ status: "failed", active: false, error: expect.stringMatching(/abandoned/) });
    expect(rows.filter((r) => r.active)).toHaveLength(1);
    expect(rows.filter((r) => r.status === "training")).toHaveLength(0);
  });
});

describe("ml similarity and best time to book", () => {
  it("bestTimeToBook names a cheaper window than the last week before departure", async () => {
    const a = await client.ml.bestTimeToBook.query({ origin: "LHR", destination: "JFK", cabinClass: "economy" });
    const lastDays = a.curve.filter((c) => c.daysBeforeDeparture <= 3);
    expect(a.cheapestWindow.fromDaysBefore).toBeGreaterThan(7);
    expect(a.cheapestWindow.predictedPrice).toBeLessThan(Math.min(...lastDays.map((c) => c.predictedPrice)));
  });

  it("similar destinations and recommendations come from co-searches, with a popularity fallback", async () => {
    const s = await client.ml.similarDestinations.query({ destination: "JFK", limit: 5 });
    expect(s.basis).toBe("co-search");
    expect(s.destinations.length).toBeGreaterThan(0);
    expect(s.destinations.map((d) => d.destination)).not.toContain("JFK");
    const unknown = await client.ml.similarDestinations.query({ destination: "QQQ", limit: 3 });
    expect(unknown.basis).toBe("popularity");
    expect(unknown.destinations).toHaveLength(3);

    const stranger = await client.ml.recommendations.query({ distinctId: "nobody-at-all", limit: 3 });
    expect(stranger.basis).toBe("popularity");
    const res = await rest({ destination: "JFK", limit: 5 }, secretKey, "similar-destinations");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(s);
  });
});
