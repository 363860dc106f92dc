import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listTargets, readSeries, resolveTarget } from "../../server/forecasts";
import { addDays, localDate } from "../../server/forecasts/series";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";
import { createProject, expectedDaily, insertEvents, makeEvents } from "./forecast-events";

const DAYS = 60;
let env: TestEnv;
let projectId: string;
let insightId: string;
const now = new Date();
const events = makeEvents(DAYS, now);

beforeAll(async () => {
  env = await createTestEnv();
  projectId = await createProject(env.db.pool, "forecast-targets");
  await insertEvents(env.db.pool, projectId, events);
  // Another project's events must never leak in.
  const other = await createProject(env.db.pool, "other");
  await insertEvents(env.db.pool, other, makeEvents(10, now));
  const { rows } = await env.db.pool.query<{ id: string }>(
    `insert into saved_insights (id, project_id, name, kind, query, updated_at) values (gen_random_uuid(), $1, 'Searches to BCN', 'trends', $2, now()) returning id`,
    [projectId, JSON.stringify({ kind: "trends", series: [{ event: "search", filters: [{ type: "event", key: "destination", operator: "equals", value: "BCN" }] }], dateRange: { from: "-7d" } })],
  );
  insightId = rows[0]!.id;
}, 60_000);
afterAll(() => env?.close());

const project = () => ({ id: projectId, timezone: "UTC", testAccountFilters: [] });

describe("forecast targets read through the query layer", () => {
  it("lists the four business series, the busiest well-formed routes and saved trends insights", async () => {
    const targets = await listTargets(env.db.pool, projectId, { now });
    expect(targets.map((t) => t.id)).toEqual(["revenue", "bookings", "new_users", "active_users", "route:LHR-JFK", "route:CDG-BCN", `insight:${insightId}`]);
  });

  it("gives, per target, the complete days ending yesterday, equal to plain counts over the event set", async () => {
    const today = localDate(now, "UTC");
    const dates = Array.from({ length: 30 }, (_, i) => addDays(today, i - 30));
    const expected = expectedDaily(events, dates);
    const cases: [string, number[]][] = [
      ["revenue", expected.revenue],
      ["bookings", expected.bookings],
      ["active_users", expected.active_users],
      ["new_users", expected.new_users],
      ["route:LHR-JFK", expected["route:LHR-JFK"]],
      ["route:CDG-BCN", expected["route:CDG-BCN"]],
      [`insight:${insightId}`, expected.bcnSearches],
    ];
    for (const [id, want] of cases) {
      const series = await readSeries(env.db.pool, project(), await resolveTarget(env.db.pool, projectId, id), { historyDays: 30, now });
      expect(series.dates, id).toEqual(dates);
      expect(series.values, id).toEqual(want);
    }
    // The fixture is not trivial: weekly search peaks, days with and without new users.
    expect(new Set(expected["route:LHR-JFK"]).size).toBe(4);
    expect(expected.new_users.some((v) => v === 0) && expected.new_users.some((v) => v > 0)).toBe(true);
  });

  it("rejects malformed targets with a 400 naming the field, and unknown insights with a 404", async () => {
    const { caller } = await signIn(env.deps, "viewer");
    await expect(caller.forecasts.forecast({ target: "route:LHR-JFK'; drop table events; --" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("target") });
    await expect(caller.forecasts.forecast({ target: "revenue", horizon: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("horizon") });
    await expect(caller.forecasts.forecast({ target: "insight:00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers a forecast with history, bands that nest around the mean, and no version before training", async () => {
    const { caller } = await signIn(env.deps, "viewer");
    const r = await caller.forecasts.forecast({ target: "route:LHR-JFK", horizon: 7, historyDays: 56 });
    expect(r.history.values).toHaveLength(56);
    expect(r.forecast!.dates[0]).toBe(localDate(now, "UTC"));
    expect(r.forecast!.mean).toHaveLength(7);
    for (let h = 0; h < 7; h++) {
      expect(r.forecast!.lo95[h]!).toBeLessThanOrEqual(r.forecast!.lo80[h]!);
      expect(r.forecast!.lo80[h]!).toBeLessThan(r.forecast!.mean[h]! + 1e-9);
      // Searches are never negative: neither are their bands.
      expect(r.forecast!.lo95[h]!).toBeGreaterThanOrEqual(0);
      expect(r.forecast!.hi80[h]!).toBeLessThanOrEqual(r.forecast!.hi95[h]!);
    }
    expect(r.forecast!.seasonLength).toBe(7);
    expect(r.active).toBeNull();
    const viaInsight = await caller.forecasts.insightForecast({ insightId, horizon: 7, historyDays: 56 });
    expect(viaInsight.target.id).toBe(`insight:${insightId}`);
    // An unsaved query with the same definition forecasts the same numbers (no version behind it).
    const { rows } = await env.db.pool.query(`select query from saved_insights where id = $1`, [insightId]);
    const viaQuery = await caller.forecasts.queryForecast({ query: { ...rows[0].query, interval: "day" }, horizon: 7, historyDays: 56 });
    expect(viaQuery.forecast!.mean).toEqual(viaInsight.forecast!.mean);
    expect(viaQuery.active).toBeNull();
  });
});
