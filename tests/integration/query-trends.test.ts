import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestEnv, type TestEnv } from "../support/db";
import type { QueryContext } from "../../server/query/context";
import { trendsQuery, type TrendsResult, type TrendsSeriesResult } from "../../server/query/schema/trends";
import { runTrends } from "../../server/query/trends";
import { refreshRollups } from "../../server/rollups";

/**
 * A hand-built event set in America/New_York (EST, -05:00, after DST ended on Sun 2026-11-01).
 * P4 was merged into P1: its events count as P1's. Local times in comments; UTC in the data.
 *
 *  #   person event              local time          UTC                  session country browser revenue
 *  e1  P1  $pageview             Mon 11-09 10:00      11-09 15:00Z         s1  US  Chrome
 *  e2  P1  $pageview             Mon 11-09 11:00      11-09 16:00Z         s1  US  Chrome
 *  e3  P2  $pageview             Mon 11-09 21:30      11-10 02:30Z (!)     s2  GB  Firefox
 *  e4  P4  $pageview             Mon 11-09 14:00      11-09 19:00Z         s3  US  Safari
 *  e5  P2  booking_completed     Tue 11-10 12:00      11-10 17:00Z         s4  GB  Firefox  100 (commission 10)
 *  e6  P3  booking_completed     Tue 11-10 13:00      11-10 18:00Z         s5  FR  Chrome    50 (commission 5)
 *  e7  P1  booking_completed     Wed 11-11 08:00      11-11 13:00Z         s6  US  Chrome    30 (commission 2.5)
 *  e9  P3  $pageview             Wed 11-04 12:00      11-04 17:00Z         s7  FR  Safari
 *  e10 P2  $pageview             Wed 11-04 13:00      11-04 18:00Z         s8  GB  Firefox
 *  e11 P3  $pageview             Sun 11-15 23:00      11-16 04:00Z (!)     s9  FR  Chrome
 *  e12 P1  $pageview             Mon 11-16 00:30      11-16 05:30Z         s10 US  Chrome
 *  e13 P2  $pageview             Sat 10-31 22:00 EDT  11-01 02:00Z (!)     s11 GB  Firefox
 */
const HOSTILE = "'); DROP TABLE events; --";
const BIG = "y".repeat(10_000);
const UNICODE = "日本語 ✈️";
const TZ = "America/New_York";
const project = randomUUID();
const P = { P1: randomUUID(), P2: randomUUID(), P3: randomUUID(), P4: randomUUID() };
type Row = { p: keyof typeof P; event: string; at: string; s: string; country: string; browser: string; revenue?: number; props?: Record<string, unknown> };
const EVENTS: Row[] = [
  { p: "P1", event: "$pageview", at: "2026-11-09T15:00:00Z", s: "s1", country: "US", browser: "Chrome", props: { [HOSTILE]: "$$" } },
  { p: "P1", event: "$pageview", at: "2026-11-09T16:00:00Z", s: "s1", country: "US", browser: "Chrome", props: { [HOSTILE]: UNICODE } },
  { p: "P2", event: "$pageview", at: "2026-11-10T02:30:00Z", s: "s2", country: "GB", browser: "Firefox", props: { [HOSTILE]: BIG } },
  { p: "P4", event: "$pageview", at: "2026-11-09T19:00:00Z", s: "s3", country: "US", browser: "Safari", props: { [HOSTILE]: "$$" } },
  { p: "P2", event: "booking_completed", at: "2026-11-10T17:00:00Z", s: "s4", country: "GB", browser: "Firefox", revenue: 100, props: { commission: "10", [HOSTILE]: HOSTILE } },
  { p: "P3", event: "booking_completed", at: "2026-11-10T18:00:00Z", s: "s5", country: "FR", browser: "Chrome", revenue: 50, props: { commission: 5 } },
  { p: "P1", event: "booking_completed", at: "2026-11-11T13:00:00Z", s: "s6", country: "US", browser: "Chrome", revenue: 30, props: { commission: 2.5 } },
  { p: "P3", event: "$pageview", at: "2026-11-04T17:00:00Z", s: "s7", country: "FR", browser: "Safari" },
  { p: "P2", event: "$pageview", at: "2026-11-04T18:00:00Z", s: "s8", country: "GB", browser: "Firefox" },
  { p: "P3", event: "$pageview", at: "2026-11-16T04:00:00Z", s: "s9", country: "FR", browser: "Chrome" },
  { p: "P1", event: "$pageview", at: "2026-11-16T05:30:00Z", s: "s10", country: "US", browser: "Chrome" },
  { p: "P2", event: "$pageview", at: "2026-11-01T02:00:00Z", s: "s11", country: "GB", browser: "Firefox" },
];

let env: TestEnv;
let ctx: QueryContext;

beforeAll(async () => {
  env = await createTestEnv();
  const pool = env.db.pool;
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Trends', $2, $3, now())`, [project, `t-${project}`, TZ]);
  const plans: Record<string, string> = { P1: "pro", P2: "free", P3: "free", P4: "free" };
  for (const [name, id] of Object.entries(P)) {
    await pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, project, JSON.stringify({ plan: plans[name] })]);
  }
  await pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [project, P.P4, P.P1]);
  for (const e of EVENTS) {
    await pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, session_id, country, browser, revenue, properties, inserted_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() - interval '1 hour')`,
      [project, randomUUID(), e.event, new Date(e.at), `d-${e.p}`, P[e.p], e.s, e.country, e.browser, e.revenue ?? null, JSON.stringify(e.props ?? {})],
    );
  }
  ctx = { pool, projectId: project, timezone: TZ, now: new Date("2026-11-22T12:00:00Z"), testAccountFilters: [] };
});
afterAll(() => env?.close());

const WEEK = { from: "2026-11-09", to: "2026-11-15" };

async function trends(input: Record<string, unknown>) {
  const q = trendsQuery.parse({ kind: "trends", dateRange: WEEK, ...input });
  return runTrends(ctx, q);
}
const one = (r: TrendsResult, key = "A", period = "current") => r.series.find((s) => s.key === key && s.period === period)!;
const byValue = (r: TrendsResult, key = "A") => Object.fromEntries(r.series.filter((s) => s.key === key && s.period === "current").map((s) => [s.breakdownValue, s]));

describe("trends from raw events", () => {
  it("buckets days in the project timezone (an event at 02:30 UTC belongs to the previous local day)", async () => {
    const { result, source } = await trends({ series: [{ event: "$pageview" }] });
    expect(source).toBe("events");
    expect(result.buckets).toEqual(["09", "10", "11", "12", "13", "14", "15"].map((d) => `2026-11-${d}T00:00:00-05:00`));
    // e1, e2, e3 (21:30 local), e4 on Monday; e11 (23:00 local Sunday) on the 15th; e12 is the 16th.
    expect(one(result).data).toEqual([4, 0, 0, 0, 0, 0, 1]);
    expect(one(result).total).toBe(5);
  });

  it("counts totals, unique persons (merged persons once), sessions", async () => {
    const { result } = await trends({
      series: [{ event: "$all" }, { event: "$all", math: "unique_persons" }, { event: "$all", math: "sessions" }],
    });
    expect(one(result, "A").data).toEqual([4, 2, 1, 0, 0, 0, 1]);
    // Monday: P1 (e1, e2, and e4 through the merge of P4) and P2 = 2, not 3.
    expect(one(result, "B").data).toEqual([2, 2, 1, 0, 0, 0, 1]);
    // A line chart shows no total: a distinct count's is the sum over days, and says so.
    expect(one(result, "B").total).toBe(6);
    expect(one(result, "B").totalIsSum).toBe(true);
    expect(one(result, "A").totalIsSum).toBeUndefined();
    expect(one(result, "C").data).toEqual([3, 2, 1, 0, 0, 0, 1]);
  });

  it("counts each person and session once in the total where the display shows totals (number, table)", async () => {
    for (const display of ["number", "table"]) {
      const { result } = await trends({ display, series: [{ event: "$all", math: "unique_persons" }, { event: "$all", math: "sessions" }, { event: "$pageview", math: "unique_persons" }] });
      expect(one(result, "A").data).toEqual([2, 2, 1, 0, 0, 0, 1]);
      // P1 (with P4 merged in), P2 and P3 over the week: 3, not 2 + 2 + 1 + 1 = 6.
      expect(one(result, "A").total).toBe(3);
      expect(one(result, "A").totalIsSum).toBeUndefined();
      expect(one(result, "B").total).toBe(7);
      // $pageview: P1 and P2 on Monday, P3 on Sunday.
      expect(one(result, "C").total).toBe(3);
    }
  });

  it("aggregates a numeric property: sum, avg, median, p90, p99, min, max", async () => {
    const maths = ["sum", "avg", "median", "p90", "p99", "min", "max"] as const;
    const { result } = await trends({ series: maths.map((math) => ({ event: "booking_completed", math, mathProperty: "revenue" })) });
    const get = (i: number) => one(result, "ABCDEFG"[i]);
    // Tuesday: 100 and 50; Wednesday: 30. Whole range: 30, 50, 100.
    expect(get(0).data).toEqual([0, 150, 30, 0, 0, 0, 0]);
    expect(get(0).total).toBe(180);
    expect(get(1).data).toEqual([0, 75, 30, 0, 0, 0, 0]);
    expect(get(1).total).toBe(60);
    expect(get(2).data).toEqual([0, 75, 30, 0, 0, 0, 0]);
    expect(get(2).total).toBe(50);
    // percentile_cont: p90 of (50, 100) = 50 + 0.9 * 50; of (30, 50, 100) at 1.8 = 50 + 0.8 * 50.
    expect(get(3).data[1]).toBeCloseTo(95, 9);
    expect(get(3).total).toBeCloseTo(90, 9);
    expect(get(4).total).toBeCloseTo(99, 9);
    expect(get(5).data).toEqual([0, 50, 30, 0, 0, 0, 0]);
    expect(get(5).total).toBe(30);
    expect(get(6).total).toBe(100);
    // A property held in the JSON properties (a string "10" and numbers 5, 2.5).
    const c = await trends({ series: [{ event: "booking_completed", math: "sum", mathProperty: "commission" }] });
    expect(one(c.result).data).toEqual([0, 15, 2.5, 0, 0, 0, 0]);
  });

  it("computes DAU, WAU, MAU and DAU/MAU stickiness with a formula", async () => {
    const { result } = await trends({
      series: [{ event: "$all", math: "dau" }, { event: "$all", math: "mau" }, { event: "$all", math: "wau" }],
      formula: "A / B",
    });
    expect(one(result, "A").data).toEqual([2, 2, 1, 0, 0, 0, 1]);
    expect(one(result, "A").total).toBe(3);
    // 30 days ending each day: P2 and P3 on Nov 4 (and P2 on Oct 31), P1 from Nov 9: always 3 persons.
    expect(one(result, "B").data).toEqual([3, 3, 3, 3, 3, 3, 3]);
    // 7 days ending Nov 9 (Nov 3-9): P2, P3 (Nov 4), P1; ending Nov 15 (Nov 9-15): P1, P2, P3.
    expect(one(result, "C").data).toEqual([3, 3, 3, 3, 3, 3, 3]);
    const f = one(result, "formula");
    expect(f.data.map((v) => Math.round(v * 1e6) / 1e6)).toEqual([2 / 3, 2 / 3, 1 / 3, 0, 0, 0, 1 / 3].map((v) => Math.round(v * 1e6) / 1e6));
    expect(f.total).toBe(1);
    // Later windows: Nov 10-16 hold P2 (e5), P3 (e6, e11), P1 (e7, e12); Nov 11-17 to Nov 15-21
    // hold P1 and P3; Nov 16-22 only P1 (e12).
    const later = await trends({ dateRange: { from: "2026-11-16", to: "2026-11-22" }, series: [{ event: "$all", math: "wau" }] });
    expect(one(later.result).data).toEqual([3, 2, 2, 2, 2, 2, 1]);
  });

  it("buckets by week (Monday) and by month in the project timezone", async () => {
    const w = await trends({ dateRange: { from: "2026-11-02", to: "2026-11-15" }, interval: "week", series: [{ event: "$all" }, { event: "$all", math: "unique_persons" }] });
    expect(w.result.buckets).toEqual(["2026-11-02T00:00:00-05:00", "2026-11-09T00:00:00-05:00"]);
    expect(one(w.result, "A").data).toEqual([2, 8]);
    expect(one(w.result, "B").data).toEqual([2, 3]);
    // e13 is 02:00 UTC on Nov 1 but 22:00 on Oct 31 in New York (EDT).
    const m = await trends({ dateRange: { from: "2026-10-01", to: "2026-11-30" }, interval: "month", series: [{ event: "$all" }] });
    expect(m.result.buckets).toEqual(["2026-10-01T00:00:00-04:00", "2026-11-01T00:00:00-04:00"]);
    expect(one(m.result).data).toEqual([1, 11]);
  });

  it("buckets by hour and minute", async () => {
    const h = await trends({ dateRange: { from: "2026-11-09", to: "2026-11-09" }, interval: "hour", series: [{ event: "$pageview" }] });
    expect(h.result.buckets).toHaveLength(24);
    const expected = Array(24).fill(0);
    for (const hour of [10, 11, 14, 21]) expected[hour] = 1;
    expect(one(h.result).data).toEqual(expected);
    const m = await trends({ dateRange: { from: "2026-11-09T15:00:00Z", to: "2026-11-09T15:03:00Z" }, interval: "minute", series: [{ event: "$all" }] });
    expect(one(m.result).data).toEqual([1, 0, 0]);
  });

  it("compares with the previous period and cumulates", async () => {
    const { result } = await trends({ series: [{ event: "$pageview" }], compare: true });
    expect(one(result, "A", "previous").data).toEqual([0, 0, 2, 0, 0, 0, 0]); // Nov 2-8: e9, e10 on Wednesday
    expect(one(result, "A", "previous").total).toBe(2);
    const c = await trends({ series: [{ event: "$all" }], cumulative: true });
    expect(one(c.result).data).toEqual([4, 6, 7, 7, 7, 7, 8]);
  });

  it("breaks down by an event property: top N by event count, the rest as $other", async () => {
    const { result } = await trends({ series: [{ event: "$all" }], breakdown: { type: "event", key: "$geoip_country_code", limit: 2 } });
    // US 4 events, GB 2, FR 2: the tie goes to the smaller value, FR; GB becomes $other.
    expect(result.series.map((s) => s.breakdownValue)).toEqual(["US", "FR", "$other"]);
    const v = byValue(result);
    expect(v.US!.data).toEqual([3, 0, 1, 0, 0, 0, 0]);
    expect(v.FR!.data).toEqual([0, 1, 0, 0, 0, 0, 1]);
    expect(v.$other!.data).toEqual([1, 1, 0, 0, 0, 0, 0]);
  });

  it("breaks down by person property, day of week, hour of day", async () => {
    const p = byValue((await trends({ series: [{ event: "$all", math: "unique_persons" }], breakdown: { type: "person", key: "plan" } })).result);
    expect(p.pro!.data).toEqual([1, 0, 1, 0, 0, 0, 0]);
    expect(p.free!.data).toEqual([1, 2, 0, 0, 0, 0, 1]);
    const d = (await trends({ series: [{ event: "$all" }], breakdown: { type: "day_of_week" } })).result;
    expect(d.series.map((s) => [s.breakdownValue, s.total])).toEqual([["Monday", 4], ["Tuesday", 2], ["Wednesday", 1], ["Sunday", 1]]);
    const h = (await trends({ series: [{ event: "$pageview" }], breakdown: { type: "hour_of_day" } })).result;
    expect(h.series.map((s) => [s.breakdownValue, s.total])).toEqual([["10", 1], ["11", 1], ["14", 1], ["21", 1], ["23", 1]]);
  });

  it("takes hostile keys and values as plain data in filters and breakdowns", async () => {
    const { result } = await trends({ series: [{ event: "$all" }], breakdown: { type: "event", key: HOSTILE, limit: 10 } });
    const v = byValue(result);
    expect(v["$$"]!.data).toEqual([2, 0, 0, 0, 0, 0, 0]);
    expect(v[UNICODE]!.total).toBe(1);
    expect(v[BIG]!.data).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect(v[HOSTILE]!.data).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(v[""]!.data).toEqual([0, 1, 1, 0, 0, 0, 1]);
    for (const value of [HOSTILE, "$$", UNICODE, BIG]) {
      const f = await trends({ series: [{ event: "$all", filters: [{ type: "event", key: HOSTILE, operator: "equals", value }] }] });
      expect(one(f.result).total).toBe(value === "$$" ? 2 : 1);
    }
    const name = await trends({ series: [{ event: HOSTILE }, { event: "$$" }] });
    expect(one(name.result).total).toBe(0);
    const { rows } = await env.db.pool.query(`select count(*)::int as n from events where project_id = $1`, [project]);
    expect(rows[0].n).toBe(EVENTS.length);
  });

  it("rejects a formula naming a series the query does not have", async () => {
    await expect(trends({ series: [{ event: "$all" }], formula: "A/C" })).rejects.toThrow(/formula/);
  });
});

/** Queries the rollups can answer; each must give the same result from raw events and from rollups. */
const ROLLUP_QUERIES: Record<string, unknown>[] = [
  { series: [{ event: "$pageview" }, { event: "$all", math: "unique_persons" }, { event: "$all", math: "sessions" }] },
  { series: [{ event: "booking_completed", math: "sum", mathProperty: "revenue" }, { event: "booking_completed", math: "sum", mathProperty: "commission" }], compare: true },
  { series: [{ event: "$all", math: "dau" }, { event: "$all", math: "mau" }, { event: "$all", math: "wau" }], formula: "A/B" },
  { series: [{ event: "$all" }], breakdown: { type: "event", key: "$geoip_country_code", limit: 2 }, cumulative: true },
  { series: [{ event: "$all", math: "unique_persons" }], breakdown: { type: "event", key: "$browser", limit: 5 } },
  { dateRange: { from: "2026-11-02", to: "2026-11-15" }, interval: "week", series: [{ event: "$all" }, { event: "$all", math: "unique_persons" }] },
  { dateRange: { from: "2026-10-01", to: "2026-11-30" }, interval: "month", series: [{ event: "$all" }, { event: "$all", math: "mau" }] },
];

describe("trends from rollups", () => {
  it("gives the same answers as raw events, says so, and falls back when a query needs raw events", async () => {
    const raw: { result: TrendsResult }[] = [];
    for (const q of ROLLUP_QUERIES) {
      const r = await trends(q);
      expect(r.source).toBe("events");
      raw.push(r);
    }
    await refreshRollups(env.db.pool, project, { from: new Date("2026-09-20T12:00:00Z"), to: new Date("2026-11-30T12:00:00Z"), full: true });
    const { rows: stamps } = await env.db.pool.query(`select min(inserted_at) as lo, max(inserted_at) as hi from events where project_id = $1`, [project]);
    for (const [i, q] of ROLLUP_QUERIES.entries()) {
      const r = await trends(q);
      expect(r.source, JSON.stringify(q)).toBe("rollup");
      // The rollups' watermark: a stamp within the inserted data, not the query time.
      const watermark = Date.parse(r.dataWatermark ?? "");
      expect(watermark).toBeGreaterThanOrEqual(stamps[0].lo.getTime());
      expect(watermark).toBeLessThanOrEqual(stamps[0].hi.getTime());
      expect(r.result, JSON.stringify(q)).toEqual(raw[i]!.result);
    }
    // Exact distinct totals: '$all' persons from person_days (the same as raw events); one event's
    // distinct persons and sessions are not in the rollups.
    const numberAll = { display: "number", series: [{ event: "$all", math: "unique_persons" }] };
    const fromRollups = await trends(numberAll);
    expect(fromRollups.source).toBe("rollup");
    expect(one(fromRollups.result).total).toBe(3);
    expect((await trends({ display: "number", series: [{ event: "$pageview", math: "unique_persons" }] })).source).toBe("events");
    expect((await trends({ display: "table", series: [{ event: "$all", math: "sessions" }] })).source).toBe("events");
    // Filters and hour buckets are not in the rollups.
    expect((await trends({ series: [{ event: "$all", filters: [{ type: "event", key: "$browser", operator: "equals", value: "Chrome" }] }] })).source).toBe("events");
    expect((await trends({ interval: "hour", series: [{ event: "$all" }] })).source).toBe("events");
  });

  it("computes a stale day live and still matches raw events", async () => {
    // A late event for Tuesday Nov 10 arrives after the refresh: that day is stale.
    await env.db.pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, session_id, country, browser, properties)
       values ($1, $2, '$pageview', '2026-11-10T20:00:00Z', 'd-P3', $3, 's12', 'FR', 'Chrome', '{}')`,
      [project, randomUUID(), P.P3],
    );
    const r = await trends(ROLLUP_QUERIES[0]!);
    expect(r.source).toBe("rollup");
    const series = r.result.series as TrendsSeriesResult[];
    expect(series[0]!.data).toEqual([4, 1, 0, 0, 0, 0, 1]);
    await env.db.pool.query(`delete from rollup_day_states where project_id = $1`, [project]);
    const raw = await trends(ROLLUP_QUERIES[0]!);
    expect(raw.source).toBe("events");
    expect(raw.result).toEqual(r.result);
  });
});
