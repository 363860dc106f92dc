import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLifecycle } from "../../server/query/lifecycle";
import { runInsight } from "../../server/query/run";
import { lifecycleQuery } from "../../server/query/schema/lifecycle";
import type { LifecycleResult } from "../../server/query/schema/lifecycle";
import { createTestEnv, type TestEnv } from "../support/db";
import { BIG, HOSTILE, InsightFixture } from "../support/insight-fixture";

/**
 * Project in America/New_York; DST ends Sun Nov 1 2026, so Nov 1 is 25 hours long
 * (04:00Z .. 05:00Z next day) and later days run 05:00Z .. 05:00Z. Range Nov 2 .. Nov 5 by day;
 * Nov 1 is the look-back day. Event "active":
 * - ann: history Oct 20 (as anonymous "ann-anon", merged into ann); active Nov 2 04:30Z (= Nov 1
 *   23:30 EST, look-back day) and Nov 3: dormant Nov 2, resurrecting Nov 3, dormant Nov 4.
 * - ben: first ever at Nov 2 00:00 EST and 23:59 EST, then Nov 3: new Nov 2, returning Nov 3,
 *   dormant Nov 4.
 * - cat: history Oct 15, active Nov 4: resurrecting Nov 4, dormant Nov 5.
 * - dan: first ever Nov 4 as "dan-anon" (merged into dan), Nov 5 as dan: new Nov 4, returning Nov 5.
 * - eve: only other events.
 */
let env: TestEnv;
let fx: InsightFixture;
const now = new Date("2026-11-20T00:00:00Z");

beforeAll(async () => {
  env = await createTestEnv();
  fx = await new InsightFixture(env.db.pool, "America/New_York").init();
  for (const p of ["ann", "ann-anon", "ben", "cat", "dan", "dan-anon", "eve"]) await fx.person(p);
  await fx.merge("ann-anon", "ann");
  await fx.merge("dan-anon", "dan");
  await fx.event("ann-anon", "active", "2026-10-20T15:00:00Z");
  await fx.event("ann", "active", "2026-11-02T04:30:00Z", { properties: { note: HOSTILE } });
  await fx.event("ann", "active", "2026-11-03T15:00:00Z");
  await fx.event("ben", "active", "2026-11-02T05:00:00Z", { properties: { note: "日本語 ✈️" } });
  await fx.event("ben", "active", "2026-11-03T04:59:00Z");
  await fx.event("ben", "active", "2026-11-03T15:00:00Z", { properties: { note: BIG } });
  await fx.event("cat", "active", "2026-10-15T15:00:00Z");
  await fx.event("cat", "active", "2026-11-04T15:00:00Z", { properties: { note: "$$" } });
  await fx.event("dan-anon", "active", "2026-11-04T15:00:00Z");
  await fx.event("dan", "active", "2026-11-05T15:00:00Z");
  await fx.event("eve", "other", "2026-11-03T15:00:00Z");
});
afterAll(() => env?.close());

async function lifecycle(extra: Record<string, unknown> = {}) {
  const answer = await runInsight(
    env.db.pool,
    fx.project,
    { kind: "lifecycle", event: { event: "active" }, interval: "day", dateRange: { from: "2026-11-02", to: "2026-11-05" }, ...extra },
    { now, useCache: false },
  );
  return { result: answer.result as LifecycleResult, source: answer.meta.source };
}

describe("lifecycle on a real database", () => {
  it("new, returning, resurrecting, dormant per New York day, with history before the range and merged persons", async () => {
    const { result, source } = await lifecycle();
    expect(["events", "columnar"]).toContain(source);
    expect(result.buckets).toEqual(["2026-11-02T00:00:00-05:00", "2026-11-03T00:00:00-05:00", "2026-11-04T00:00:00-05:00", "2026-11-05T00:00:00-05:00"]);
    expect(result.new).toEqual([1, 0, 1, 0]); // ben; dan
    expect(result.returning).toEqual([0, 1, 0, 1]); // ben; dan
    expect(result.resurrecting).toEqual([0, 1, 1, 0]); // ann; cat
    expect(result.dormant).toEqual([-1, 0, -2, -1]); // ann; ann + ben; cat
  });

  it.each(["events", "columnar"] as const)("the same answer from the %s stream source", async (source) => {
    const query = lifecycleQuery.parse({ kind: "lifecycle", event: { event: "active" }, interval: "day", dateRange: { from: "2026-11-02", to: "2026-11-05" } });
    const out = await runLifecycle(fx.context(now), query, { source });
    expect(out.source).toBe(source);
    expect([out.result.new, out.result.returning, out.result.resurrecting, out.result.dormant]).toEqual([
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [0, 1, 1, 0],
      [-1, 0, -2, -1],
    ]);
  });

  it("weekly buckets: history before the look-back week decides new vs resurrecting", async () => {
    // Weeks Mon Oct 26 (look-back) and Mon Nov 2 (EST). In week Nov 2: ann was active in the
    // look-back week (Nov 1 23:30) -> returning; ben, dan first ever -> new; cat -> resurrecting.
    const { result } = await lifecycle({ interval: "week", dateRange: { from: "2026-11-02", to: "2026-11-08" } });
    expect(result.buckets).toEqual(["2026-11-02T00:00:00-05:00"]);
    expect([result.new, result.returning, result.resurrecting, result.dormant]).toEqual([[2], [1], [1], [0]]);
  });

  it("filters with hostile values are plain data", async () => {
    const only = await lifecycle({ event: { event: "active", filters: [{ type: "event", key: "note", operator: "in", value: [HOSTILE, BIG, "$$", "日本語 ✈️"] }] } });
    // matching events: ann Nov 1 (look-back), ben Nov 2 and Nov 3, cat Nov 4 (cat's Oct 15 event has no note: cat is new)
    expect(only.result.new).toEqual([1, 0, 1, 0]);
    expect(only.result.returning).toEqual([0, 1, 0, 0]);
    expect(only.result.resurrecting).toEqual([0, 0, 0, 0]);
    expect(only.result.dormant).toEqual([-1, 0, -1, -1]);
    const none = await lifecycle({ event: { event: HOSTILE }, filters: [{ type: "person", key: HOSTILE, operator: "equals", value: "$$" }] });
    expect(none.result.new).toEqual([0, 0, 0, 0]);
  });
});
