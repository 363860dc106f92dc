import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";
import { rateVital } from "../../server/vitals/thresholds";

/**
 * Hand-made `$web_vitals` events (project timezone America/New_York, EST = UTC-5 in late November).
 * `day(k, h)` is k UTC days before today at hh:00 UTC; 12:00 UTC is 07:00 the same local day,
 * 02:00 UTC is 21:00 the day before locally.
 *
 *  page     device   at          LCP    INP     CLS    FCP   TTFB
 *  /home    desktop  day(1,12)   1000   150     0.05   800   200
 *  /home    desktop  day(1,13)   5000   -       0.3    -     -
 *  /home    desktop  day(2,12)   2000   600     0.1    -     -
 *  /home    desktop  day(2,13)   3000   "slow"  0.2    -     -
 *  /home    mobile   day(3,12)   2500   -       -      -     -
 *  /home    mobile   day(3,13)   4000   -       -      -     -
 *  /home    mobile   day(3,14)   4001   -       -      -     -
 *  /search  desktop  day(1,2)    1200   -       -      -     -      (local day 2)
 * Not counted: the same properties on a $pageview, a web-vitals event 10 days old (window 7 days),
 * one in another project.
 *
 * p75 is PostgreSQL's percentile_cont(0.75): position 0.75 * (n - 1) in the sorted values, linear
 * between neighbours. Worked out by hand:
 *  /home desktop LCP 1000 2000 3000 5000: pos 2.25 -> 3000 + 0.25 * 2000 = 3500 (needs improvement);
 *    good (<= 2500) 2/4, needs improvement 1/4, poor (> 4000) 1/4.
 *  /home desktop INP 150 600 (the string is skipped): pos 0.75 -> 150 + 0.75 * 450 = 487.5 (NI); 1/2 good, 1/2 poor.
 *  /home desktop CLS 0.05 0.1 0.2 0.3: pos 2.25 -> 0.2 + 0.25 * 0.1 = 0.225 (NI); good 2/4 (0.1 is good), NI 1/4, poor 1/4.
 *  /home mobile LCP 2500 4000 4001: pos 1.5 -> 4000.5 (poor); 1/3 each (2500 good, 4000 NI, 4001 poor).
 *  /home all devices LCP 1000 2000 2500 3000 4000 4001 5000: pos 4.5 -> 4000.5 (poor); 3/7, 2/7, 2/7.
 *  /search desktop LCP 1200: 1200 (good).
 *  All pages LCP (8 values) 1000 1200 2000 2500 3000 4000 4001 5000: pos 5.25 -> 4000.25 (poor); 4/8, 2/8, 2/8.
 *  Daily LCP (local days): day 1: 1000 5000 -> pos 0.75 -> 4000 (NI: 4000 is not > 4000);
 *    day 2: 1200 2000 3000 -> pos 1.5 -> 2500 (good); day 3: 4000.5 (poor).
 */
const TZ = "America/New_York";
const project = randomUUID();
const other = randomUUID();

function day(k: number, hour: number): Date {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - k);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}
const dateOf = (k: number) => day(k, 12).toISOString().slice(0, 10);

type V = { LCP?: number; INP?: number | string; CLS?: number; FCP?: number; TTFB?: number };
const vitals = (v: V) => Object.fromEntries(Object.entries(v).map(([k, x]) => [`$web_vitals_${k}_value`, x]));

let env: TestEnv;
let caller: Awaited<ReturnType<typeof signIn>>["caller"];

async function insert(projectId: string, event: string, at: Date, pathname: string, device: string, props: Record<string, unknown>) {
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, url, pathname, device, properties)
     values ($1, $2, $3, $4, 'd1', $5, $6, $7, $8, $9)`,
    [projectId, randomUUID(), event, at, randomUUID(), `https://shop.example${pathname}`, pathname, device, JSON.stringify(props)],
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  const pool = env.db.pool;
  await pool.query(`insert into projects (id, name, slug, timezone, created_at, updated_at) values ($1, 'Vitals', $2, $3, now() - interval '1 day', now())`, [project, `v-${project}`, TZ]);
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Other', $2, 'UTC', now())`, [other, `o-${other}`]);
  const W = "$web_vitals";
  await insert(project, W, day(1, 12), "/home", "desktop", vitals({ LCP: 1000, INP: 150, CLS: 0.05, FCP: 800, TTFB: 200 }));
  await insert(project, W, day(1, 13), "/home", "desktop", vitals({ LCP: 5000, CLS: 0.3 }));
  await insert(project, W, day(2, 12), "/home", "desktop", vitals({ LCP: 2000, INP: 600, CLS: 0.1 }));
  await insert(project, W, day(2, 13), "/home", "desktop", vitals({ LCP: 3000, INP: "slow", CLS: 0.2 }));
  await insert(project, W, day(3, 12), "/home", "mobile", vitals({ LCP: 2500 }));
  await insert(project, W, day(3, 13), "/home", "mobile", vitals({ LCP: 4000 }));
  await insert(project, W, day(3, 14), "/home", "mobile", vitals({ LCP: 4001 }));
  await insert(project, W, day(1, 2), "/search", "desktop", vitals({ LCP: 1200 }));
  await insert(project, "$pageview", day(1, 12), "/home", "desktop", vitals({ LCP: 90_000 }));
  await insert(project, W, day(10, 12), "/home", "desktop", vitals({ LCP: 90_000 }));
  await insert(other, W, day(1, 12), "/home", "desktop", vitals({ LCP: 90_000 }));
  ({ caller } = await signIn(env.deps, "viewer"));
});
afterAll(() => env?.close());

describe("web vitals thresholds (web.dev)", () => {
  it("rates at the published boundaries: good up to and including the first, poor above the second", () => {
    expect([rateVital("LCP", 2500), rateVital("LCP", 2501), rateVital("LCP", 4000), rateVital("LCP", 4001)]).toEqual(["good", "needs-improvement", "needs-improvement", "poor"]);
    expect([rateVital("INP", 200), rateVital("INP", 500), rateVital("INP", 501)]).toEqual(["good", "needs-improvement", "poor"]);
    expect([rateVital("CLS", 0.1), rateVital("CLS", 0.25), rateVital("CLS", 0.26)]).toEqual(["good", "needs-improvement", "poor"]);
    expect([rateVital("FCP", 1800), rateVital("FCP", 3000), rateVital("FCP", 3001)]).toEqual(["good", "needs-improvement", "poor"]);
    expect([rateVital("TTFB", 800), rateVital("TTFB", 1800), rateVital("TTFB", 1801)]).toEqual(["good", "needs-improvement", "poor"]);
  });
});

describe("vitals.pages", () => {
  it("gives p75 and rating shares per page and device, worked out by hand", async () => {
    const r = await caller.vitals.pages({ days: 7 });
    const row = (page: string, device: string | null) => r.pages.find((p) => p.page === page && p.device === device)!;

    const desktop = row("/home", "desktop");
    expect(desktop.pageLoads).toBe(4);
    expect(desktop.metrics.LCP).toEqual({ samples: 4, p75: 3500, rating: "needs-improvement", shares: { good: 0.5, needsImprovement: 0.25, poor: 0.25 } });
    expect(desktop.metrics.INP).toEqual({ samples: 2, p75: 487.5, rating: "needs-improvement", shares: { good: 0.5, needsImprovement: 0, poor: 0.5 } });
    expect(desktop.metrics.CLS!.p75).toBeCloseTo(0.225, 10);
    expect(desktop.metrics.CLS!.rating).toBe("needs-improvement");
    expect(desktop.metrics.CLS!.shares).toEqual({ good: 0.5, needsImprovement: 0.25, poor: 0.25 });
    expect(desktop.metrics.FCP).toEqual({ samples: 1, p75: 800, rating: "good", shares: { good: 1, needsImprovement: 0, poor: 0 } });
    expect(desktop.metrics.TTFB).toEqual({ samples: 1, p75: 200, rating: "good", shares: { good: 1, needsImprovement: 0, poor: 0 } });

    const mobile = row("/home", "mobile");
    expect(mobile.pageLoads).toBe(3);
    expect(mobile.metrics.LCP).toEqual({ samples: 3, p75: 4000.5, rating: "poor", shares: { good: 1 / 3, needsImprovement: 1 / 3, poor: 1 / 3 } });
    expect(Object.keys(mobile.metrics)).toEqual(["LCP"]);

    const home = row("/home", null);
    expect(home.pageLoads).toBe(7);
    expect(home.metrics.LCP).toEqual({ samples: 7, p75: 4000.5, rating: "poor", shares: { good: 3 / 7, needsImprovement: 2 / 7, poor: 2 / 7 } });

    expect(row("/search", "desktop").metrics.LCP).toEqual({ samples: 1, p75: 1200, rating: "good", shares: { good: 1, needsImprovement: 0, poor: 0 } });

    // Busiest page first, "all devices" before each device.
    expect(r.pages.map((p) => [p.page, p.device])).toEqual([["/home", null], ["/home", "desktop"], ["/home", "mobile"], ["/search", null], ["/search", "desktop"]]);

    const all = r.totals.find((t) => t.device === null)!;
    expect(all.pageLoads).toBe(8);
    expect(all.metrics.LCP).toEqual({ samples: 8, p75: 4000.25, rating: "poor", shares: { good: 0.5, needsImprovement: 0.25, poor: 0.25 } });
    expect(r.devices).toEqual(["desktop", "mobile"]);
  });

  it("filters by device and page (values are bind parameters), and limits pages", async () => {
    const mobile = await caller.vitals.pages({ days: 7, device: "mobile" });
    expect(mobile.totals.find((t) => t.device === null)!.metrics.LCP!.p75).toBe(4000.5);
    expect(mobile.pages.map((p) => p.page)).toEqual(["/home", "/home"]);

    const search = await caller.vitals.pages({ days: 7, page: "/search" });
    expect(search.totals.find((t) => t.device === null)!.metrics.LCP!.p75).toBe(1200);

    const hostile = await caller.vitals.pages({ days: 7, page: "'; drop table events; --" });
    expect(hostile.pages).toEqual([]);
    expect(hostile.totals).toEqual([]);

    const top = await caller.vitals.pages({ days: 7, pageLimit: 1 });
    expect([...new Set(top.pages.map((p) => p.page))]).toEqual(["/home"]);
    // Totals still cover every page.
    expect(top.totals.find((t) => t.device === null)!.metrics.LCP!.samples).toBe(8);
  });

  it("rejects bad input with a 400 naming the field", async () => {
    await expect(caller.vitals.pages({ days: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("days") });
    await expect(caller.vitals.trend({ days: 7, device: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("vitals.trend", () => {
  it("gives the daily p75 in the project's timezone, with empty days", async () => {
    const r = await caller.vitals.trend({ days: 7 });
    expect(r.timeZone).toBe(TZ);
    const at = (k: number) => r.points.find((p) => p.day === dateOf(k))!;
    expect(at(1).metrics.LCP).toEqual({ p75: 4000, samples: 2, rating: "needs-improvement" });
    expect(at(2).metrics.LCP).toEqual({ p75: 2500, samples: 3, rating: "good" });
    expect(at(3).metrics.LCP).toEqual({ p75: 4000.5, samples: 3, rating: "poor" });
    expect(at(1).metrics.INP).toEqual({ p75: 150, samples: 1, rating: "good" });
    expect(at(4).metrics).toEqual({});
    // Consecutive days, oldest first, ending today (local).
    const days = r.points.map((p) => p.day);
    for (let i = 1; i < days.length; i++) expect(Date.parse(days[i]!) - Date.parse(days[i - 1]!)).toBe(86_400_000);
    expect(days.length).toBeGreaterThanOrEqual(7);
  });
});
