import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestEnv, type TestEnv } from "../support/db";
import type { QueryContext } from "../../server/query/context";
import { QueryInputError } from "../../server/query/errors";
import { runRevenue } from "../../server/query/revenue";
import { runInsight } from "../../server/query/run";
import type { Filter } from "../../server/query/schema/common";
import { revenueQuery, type RevenueResult } from "../../server/query/schema/revenue";

const HOSTILE = "'); DROP TABLE events; --";
const TZ = "America/New_York"; // EST (UTC-5) after Nov 1, 2026
const project = randomUUID();
let env: TestEnv;

/** P5 was merged into P1: its booking belongs to P1 through person_merges. */
const P = { P1: randomUUID(), P2: randomUUID(), P3: randomUUID(), P4: randomUUID(), P5: randomUUID() };
type Who = keyof typeof P;
interface Ev {
  who: Who;
  event: string;
  at: string;
  device?: string;
  browser?: string;
  revenue?: number;
  props?: Record<string, unknown>;
}
const booking = (revenue: number, commission: number, provider: string, currency: string, origin: string, destination: string) => ({
  revenue,
  props: { booking_id: randomUUID(), revenue, commission, provider, currency, origin, destination, passengers: 1, cabin_class: "economy" },
});

// Local times (New York) in the comments; Nov 2, 2026 is a Monday.
const EVENTS: Ev[] = [
  // P4's first event ever: Nov 1 23:59 local, so outside the range (in UTC it would be Nov 2).
  { who: "P4", event: "booking_completed", at: "2026-11-02T04:59:00Z", device: "Desktop", browser: "Firefox", ...booking(777, 7, "budget", "GBP", "MAN", "DUB") },
  { who: "P1", event: "search", at: "2026-11-02T14:00:00Z", device: "Desktop", browser: "Chrome", props: { origin: "LHR", destination: "JFK" } }, // Mon 09:00
  { who: "P1", event: "booking_completed", at: "2026-11-02T15:00:00Z", device: "Desktop", browser: "Chrome", ...booking(200, 20, "acme", "USD", "LHR", "JFK") }, // Mon 10:00
  { who: "P2", event: "search", at: "2026-11-03T04:30:00Z", device: "Mobile", browser: "Safari", props: { origin: "CDG", destination: "JFK" } }, // Mon 23:30
  { who: "P2", event: "booking_completed", at: "2026-11-03T05:30:00Z", device: "Mobile", browser: "Safari", ...booking(100, 8, HOSTILE, "EUR", "CDG", "JFK") }, // Tue 00:30
  { who: "P4", event: "booking_completed", at: "2026-11-03T15:00:00Z", device: "Desktop", browser: "Firefox", ...booking(10, 1, "budget", "GBP", "MAN", "DUB") }, // Tue 10:00
  { who: "P4", event: "booking_completed", at: "2026-11-03T15:30:00Z", device: "Desktop", browser: "Firefox", ...booking(10, 1, "budget", "GBP", "MAN", "DUB") }, // Tue 10:30
  { who: "P3", event: "$pageview", at: "2026-11-04T12:00:00Z", device: "Desktop", browser: "Firefox" }, // Wed 07:00
  { who: "P5", event: "booking_completed", at: "2026-11-04T18:00:00Z", device: "Mobile", browser: "Chrome", ...booking(300, 30, "acme", "USD", "LHR", "JFK") }, // Wed 13:00
  // Not a booking, but it carries revenue (no commission, no provider, no device).
  { who: "P4", event: "subscription_paid", at: "2026-11-04T20:00:00Z", revenue: 50, props: { revenue: 50 } }, // Wed 15:00
  // Nov 5 01:00 local: after the Nov 2-4 range (in UTC it would be Nov 5 too, but 06:00).
  { who: "P1", event: "booking_completed", at: "2026-11-05T06:00:00Z", device: "Desktop", browser: "Chrome", ...booking(999, 99, "acme", "USD", "LHR", "JFK") },
  { who: "P2", event: "booking_completed", at: "2026-11-12T12:00:00Z", device: "Mobile", browser: "Safari", ...booking(60, 6, "acme", "USD", "CDG", "NCE") },
];

beforeAll(async () => {
  env = await createTestEnv();
  const pool = env.db.pool;
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Revenue', $2, $3, now())`, [project, `r-${project}`, TZ]);
  for (const who of ["P1", "P2", "P3", "P4"] as const) {
    await pool.query(`insert into persons (id, project_id) values ($1, $2)`, [P[who], project]);
  }
  await pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [project, P.P5, P.P1]);
  for (const e of EVENTS) {
    await pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, device, browser, revenue, properties)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [project, randomUUID(), e.event, new Date(e.at), e.who, P[e.who], e.device ?? null, e.browser ?? null, e.revenue ?? null, JSON.stringify(e.props ?? {})],
    );
  }
});
afterAll(() => env?.close());

function ctx(testAccountFilters: Filter[] = []): QueryContext {
  return { pool: env.db.pool, projectId: project, timezone: TZ, now: new Date("2026-11-22T00:00:00Z"), testAccountFilters };
}
const NOV_2_TO_4 = { from: "2026-11-02", to: "2026-11-04" };

async function run<R extends RevenueResult["report"]>(input: Record<string, unknown> & { report: R }, c = ctx()) {
  const out = await runRevenue(c, revenueQuery.parse({ kind: "revenue", dateRange: NOV_2_TO_4, ...input }));
  expect(out.source).toBe("events");
  return out.result as Extract<RevenueResult, { report: R }>;
}

/** Wilson 95% worked out here, from the formula. */
function wilson95(k: number, n: number) {
  const z = 1.959963984540054;
  const p = k / n;
  const center = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { rate: p, low: k === 0 ? 0 : center - half, high: k === n ? 1 : center + half };
}

describe("revenue overview", () => {
  it("per local day: revenue, commission, bookings, average booking value, ARPU", async () => {
    const r = await run({ report: "overview", interval: "day" });
    expect(r.buckets).toEqual(["2026-11-02T00:00:00-05:00", "2026-11-03T00:00:00-05:00", "2026-11-04T00:00:00-05:00"]);
    // Nov 2: P1 books 200 (20); P1 and P2 (searching at 23:30) active.
    // Nov 3: P2 100 (8) at 00:30 local + P4 2 x 10 (1); P2, P4 active.
    // Nov 4: P5=P1 books 300 (30), P4 pays a 50 subscription; P3, P1, P4 active.
    expect(r.series).toEqual([
      { revenue: 200, commission: 20, bookings: 1, averageBookingValue: 200, payingPersons: 1, activePersons: 2, arpu: 100 },
      { revenue: 120, commission: 10, bookings: 3, averageBookingValue: 40, payingPersons: 2, activePersons: 2, arpu: 60 },
      { revenue: 350, commission: 30, bookings: 1, averageBookingValue: 300, payingPersons: 2, activePersons: 3, arpu: 350 / 3 },
    ]);
    // Bookings 620 over 5; persons P1..P4 once each; payers P1, P2, P4.
    expect(r.totals).toEqual({ revenue: 670, commission: 60, bookings: 5, averageBookingValue: 124, payingPersons: 3, activePersons: 4, arpu: 167.5 });
  });

  it("per week (weeks start on Monday) equals the totals", async () => {
    const r = await run({ report: "overview", interval: "week" });
    expect(r.buckets).toEqual(["2026-11-02T00:00:00-05:00"]);
    expect(r.series).toEqual([r.totals]);
  });

  it("filters, hostile values and test-account exclusion apply to every event", async () => {
    const usd = await run({ report: "overview", filters: [{ type: "event", key: "currency", operator: "equals", value: "USD" }] });
    // Only the two acme USD bookings of P1 (one via P5); only P1 is active.
    expect(usd.totals).toEqual({ revenue: 500, commission: 50, bookings: 2, averageBookingValue: 250, payingPersons: 1, activePersons: 1, arpu: 500 });
    const hostile = await run({ report: "overview", filters: [{ type: "event", key: "provider", operator: "equals", value: HOSTILE }] });
    expect(hostile.totals).toMatchObject({ revenue: 100, bookings: 1, activePersons: 1 });
    const none = await run({ report: "overview", filters: [{ type: "event", key: HOSTILE, operator: "is_set" }] });
    expect(none.totals).toEqual({ revenue: 0, commission: 0, bookings: 0, averageBookingValue: null, payingPersons: 0, activePersons: 0, arpu: null });
    // Firefox is test traffic: P3's pageview and P4's two bookings go; P4's subscription (no browser) stays.
    const firefox: Filter[] = [{ type: "event", key: "$browser", operator: "equals", value: "Firefox" }];
    const real = await run({ report: "overview", excludeTestAccounts: true }, ctx(firefox));
    expect(real.totals).toEqual({ revenue: 650, commission: 58, bookings: 3, averageBookingValue: 200, payingPersons: 3, activePersons: 3, arpu: 650 / 3 });
    const events = await env.db.pool.query(`select count(*)::int as n from events where project_id = $1`, [project]);
    expect(events.rows[0].n).toBe(EVENTS.length);
  });

  it("a 25-hour local day: Nov 1, when New York leaves daylight time", async () => {
    const nov1 = { from: "2026-11-01", to: "2026-11-01" };
    const r = await run({ report: "overview", dateRange: nov1 });
    // Nov 1 starts at 00:00 EDT (-04:00) and ends at 24:00 EST: P4's booking at 04:59 UTC Nov 2 is 23:59 that day.
    expect(r.buckets).toEqual(["2026-11-01T00:00:00-04:00"]);
    expect(r.series[0]).toMatchObject({ revenue: 777, commission: 7, bookings: 1, activePersons: 1 });
    const peak = await run({ report: "peak_hours", dateRange: nov1 });
    expect(peak.cells.filter((c) => c.bookings > 0)).toEqual([{ weekday: 6, hour: 23, bookings: 1, revenue: 777 }]);
  });

  it("runs through runInsight (schema, registry, meta)", async () => {
    const answer = await runInsight(
      env.db.pool,
      { id: project, timezone: TZ },
      { kind: "revenue", report: "overview", interval: "week", dateRange: NOV_2_TO_4 },
      { now: new Date("2026-11-22T00:00:00Z"), useCache: false },
    );
    expect(answer.meta.source).toBe("events");
    expect((answer.result as { totals: { revenue: number } }).totals.revenue).toBe(670);
  });
});

describe("revenue by dimension", () => {
  it("provider: every value, the one without a provider included", async () => {
    const r = await run({ report: "by_dimension", dimension: "provider" });
    expect(r.rows).toEqual([
      { value: "acme", revenue: 500, commission: 50, bookings: 2, averageBookingValue: 250, payingPersons: 1, revenueSeries: [200, 0, 300] },
      { value: HOSTILE, revenue: 100, commission: 8, bookings: 1, averageBookingValue: 100, payingPersons: 1, revenueSeries: [0, 100, 0] },
      { value: null, revenue: 50, commission: 0, bookings: 0, averageBookingValue: null, payingPersons: 1, revenueSeries: [0, 0, 50] },
      { value: "budget", revenue: 20, commission: 2, bookings: 2, averageBookingValue: 10, payingPersons: 1, revenueSeries: [0, 20, 0] },
    ]);
    expect(r.other).toBeNull();
    expect(r.totals).toEqual({ revenue: 670, commission: 60, bookings: 5, averageBookingValue: 124, payingPersons: 3 });
  });

  it("top N with the rest as other (persons counted once)", async () => {
    const r = await run({ report: "by_dimension", dimension: "provider", limit: 2 });
    expect(r.rows.map((x) => x.value)).toEqual(["acme", HOSTILE]);
    // budget (P4, 2 x 10) + no provider (P4, 50): one paying person.
    expect(r.other).toEqual({ value: null, revenue: 70, commission: 2, bookings: 2, averageBookingValue: 10, payingPersons: 1, revenueSeries: [0, 20, 50] });
  });

  it("route, device and currency", async () => {
    const route = await run({ report: "by_dimension", dimension: "route" });
    expect(route.rows.map((x) => [x.value, x.revenue, x.bookings])).toEqual([
      ["LHR-JFK", 500, 2],
      ["CDG-JFK", 100, 1],
      [null, 50, 0],
      ["MAN-DUB", 20, 2],
    ]);
    const device = await run({ report: "by_dimension", dimension: "device" });
    expect(device.rows.map((x) => [x.value, x.revenue, x.bookings])).toEqual([
      ["Mobile", 400, 2],
      ["Desktop", 220, 3],
      [null, 50, 0],
    ]);
    const currency = await run({ report: "by_dimension", dimension: "currency", interval: "week" });
    expect(currency.rows.map((x) => [x.value, x.revenue, x.revenueSeries])).toEqual([
      ["USD", 500, [500]],
      ["EUR", 100, [100]],
      [null, 50, [50]],
      ["GBP", 20, [20]],
    ]);
  });

  it("needs a dimension", async () => {
    await expect(run({ report: "by_dimension" })).rejects.toThrow(QueryInputError);
    await expect(run({ report: "by_dimension" })).rejects.toThrow(/^dimension: /);
  });
});

describe("search to booking", () => {
  it("per local day and over the range, with Wilson intervals", async () => {
    const r = await run({ report: "search_to_booking" });
    // Nov 2: P1 searched and booked; P2 searched at 23:30 but booked at 00:30 the next local day.
    expect(r.series[0]).toEqual({ searchers: 2, bookers: 1, ...wilson95(1, 2) });
    expect(r.series[1]).toEqual({ searchers: 0, bookers: 0, rate: 0, low: 0, high: 1 });
    expect(r.series[2]).toEqual({ searchers: 0, bookers: 0, rate: 0, low: 0, high: 1 });
    // Over the range both booked after searching.
    expect(r.total).toEqual({ searchers: 2, bookers: 2, ...wilson95(2, 2) });
    expect(r.total.low).toBeCloseTo(0.3424, 4);
    expect(r.series[0]!.low).toBeCloseTo(0.0945, 4);
  });
});

describe("LTV by acquisition cohort", () => {
  it("cumulative revenue per person by weeks since each person's first event", async () => {
    // First events: P1 Nov 2, P2 Nov 3 (local Nov 2 23:30), P3 Nov 4; P4 first came Nov 1 local, so no cohort here.
    // Week 0: P1 200 + 300 (via P5) + 999 (Nov 5) and P2 100 = 1599; week 1: P2's 60 on Nov 12 (9 days after).
    const r = await run({ report: "ltv_by_cohort", interval: "week", weeks: 4, dateRange: { from: "2026-11-02", to: "2026-11-20" } });
    expect(r.cohorts).toEqual([{ cohort: "2026-11-02T00:00:00-05:00", persons: 3, cumulativeRevenuePerPerson: [533, 553, 553, null] }]);
  });

  it("monthly cohorts; weeks after the range end are null", async () => {
    const r = await run({ report: "ltv_by_cohort", interval: "month", weeks: 2 });
    // Up to Nov 4 only: week 0 = 200 + 300 + 100 = 600 over 3; Nov 1 + 7 days is after the range end.
    expect(r.cohorts).toEqual([{ cohort: "2026-11-01T00:00:00-04:00", persons: 3, cumulativeRevenuePerPerson: [200, null] }]);
  });

  it("refuses hourly cohorts", async () => {
    await expect(run({ report: "ltv_by_cohort", interval: "hour" })).rejects.toThrow(/^interval: /);
  });
});

describe("routes, hours, shares", () => {
  it("top routes by revenue and by bookings", async () => {
    const r = await run({ report: "top_routes", limit: 2 });
    const lhr = { route: "LHR-JFK", origin: "LHR", destination: "JFK", revenue: 500, commission: 50, bookings: 2, averageBookingValue: 250 };
    expect(r.byRevenue).toEqual([lhr, { route: "CDG-JFK", origin: "CDG", destination: "JFK", revenue: 100, commission: 8, bookings: 1, averageBookingValue: 100 }]);
    expect(r.byBookings).toEqual([lhr, { route: "MAN-DUB", origin: "MAN", destination: "DUB", revenue: 20, commission: 2, bookings: 2, averageBookingValue: 10 }]);
  });

  it("peak booking hours in the project timezone", async () => {
    const r = await run({ report: "peak_hours" });
    expect(r.cells).toHaveLength(168);
    const busy = r.cells.filter((c) => c.bookings > 0);
    // Mon 10h P1; Tue 00h P2 (05:30 UTC); Tue 10h P4 twice; Wed 13h P5.
    expect(busy).toEqual([
      { weekday: 0, hour: 10, bookings: 1, revenue: 200 },
      { weekday: 1, hour: 0, bookings: 1, revenue: 100 },
      { weekday: 1, hour: 10, bookings: 2, revenue: 20 },
      { weekday: 2, hour: 13, bookings: 1, revenue: 300 },
    ]);
    expect(r.peak).toEqual({ weekday: 1, hour: 10, bookings: 2, revenue: 20 });
  });

  it("device shares of persons and of bookings", async () => {
    const r = await run({ report: "device_share" });
    // Desktop: P1, P3, P4; Mobile: P1 (via P5), P2; none: P4's subscription. 4 persons, 5 bookings.
    expect(r.totals).toEqual({ persons: 4, bookings: 5, revenue: 670 });
    expect(r.rows).toEqual([
      { value: "Desktop", persons: 3, personShare: 0.75, bookings: 3, bookingShare: 0.6, revenue: 220 },
      { value: "Mobile", persons: 2, personShare: 0.5, bookings: 2, bookingShare: 0.4, revenue: 400 },
      { value: null, persons: 1, personShare: 0.25, bookings: 0, bookingShare: 0, revenue: 50 },
    ]);
    const top1 = await run({ report: "device_share", limit: 1 });
    expect(top1.other).toEqual({ value: null, persons: 3, personShare: 0.75, bookings: 2, bookingShare: 0.4, revenue: 450 });
  });

  it("browser shares", async () => {
    const r = await run({ report: "browser_share" });
    expect(r.dimension).toBe("browser");
    expect(r.rows).toEqual([
      { value: "Firefox", persons: 2, personShare: 0.5, bookings: 2, bookingShare: 0.4, revenue: 20 },
      { value: "Chrome", persons: 1, personShare: 0.25, bookings: 2, bookingShare: 0.4, revenue: 500 },
      { value: "Safari", persons: 1, personShare: 0.25, bookings: 1, bookingShare: 0.2, revenue: 100 },
      { value: null, persons: 1, personShare: 0.25, bookings: 0, bookingShare: 0, revenue: 50 },
    ]);
  });
});
