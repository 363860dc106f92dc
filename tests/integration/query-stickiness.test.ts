import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInsight } from "../../server/query/run";
import { stickinessQuery } from "../../server/query/schema/lifecycle";
import { runStickiness } from "../../server/query/stickiness";
import type { StickinessResult } from "../../server/query/schema/lifecycle";
import { createTestEnv, type TestEnv } from "../support/db";
import { BIG, HOSTILE, InsightFixture } from "../support/insight-fixture";

/**
 * Project in Asia/Tokyo. Range Nov 2 .. Nov 12 2026 (Tokyo): week 1 (Mon Nov 2) whole, week 2
 * (Mon Nov 9) with 4 days in range. Event "open":
 * - amy: Nov 2 10:00 and 20:00 JST as anonymous "amy-anon" (merged into amy) and as amy, and
 *   Nov 3: 2 days in week 1 (3 "days" if the merge were ignored: 1 + 2).
 * - bo: Nov 3 23:30 JST and Nov 4 00:30 JST (one UTC day, two Tokyo days) and Mon Nov 9 00:00
 *   JST (Sunday in UTC): 2 days in week 1, 1 day in week 2.
 * - cy: every day of week 1, Nov 9-12 and Nov 13 (outside the range): 7 days, then 4 days.
 * - di: only other events.
 */
let env: TestEnv;
let fx: InsightFixture;
const now = new Date("2026-11-25T00:00:00Z");
const jst = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 10, day, hour - 9, minute)).toISOString();

beforeAll(async () => {
  env = await createTestEnv();
  fx = await new InsightFixture(env.db.pool, "Asia/Tokyo").init();
  for (const p of ["amy", "amy-anon", "bo", "cy", "di"]) await fx.person(p);
  await fx.merge("amy-anon", "amy");
  await fx.event("amy-anon", "open", jst(2, 10), { properties: { v: HOSTILE } });
  await fx.event("amy", "open", jst(2, 20));
  await fx.event("amy", "open", jst(3, 12));
  await fx.event("bo", "open", jst(3, 23, 30), { properties: { v: "日本語 ✈️" } });
  await fx.event("bo", "open", jst(4, 0, 30));
  await fx.event("bo", "open", jst(9, 0), { properties: { v: BIG } });
  for (const d of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]) await fx.event("cy", "open", jst(d, 12), { properties: { v: d === 2 ? "$$" : "x" } });
  await fx.event("di", "other", jst(5, 12));
});
afterAll(() => env?.close());

async function stickiness(extra: Record<string, unknown> = {}) {
  const answer = await runInsight(
    env.db.pool,
    fx.project,
    { kind: "stickiness", event: { event: "open" }, period: "week", dateRange: { from: "2026-11-02", to: "2026-11-12" }, ...extra },
    { now, useCache: false },
  );
  return { result: answer.result as StickinessResult, source: answer.meta.source };
}

describe("stickiness on a real database", () => {
  it("persons by days active per Tokyo week, merged persons as one, partial edge week counted with its days in range", async () => {
    const { result, source } = await stickiness();
    expect(["events", "columnar"]).toContain(source);
    expect(result.days).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // week 1: amy 2, bo 2, cy 7; week 2: bo 1, cy 4
    expect(result.persons).toEqual([1, 2, 0, 1, 0, 0, 1]);
    expect(result.periods).toEqual([
      { start: "2026-11-02T00:00:00+09:00", daysInRange: 7 },
      { start: "2026-11-09T00:00:00+09:00", daysInRange: 4 },
    ]);
  });

  it.each(["events", "columnar"] as const)("the same answer from the %s stream source", async (source) => {
    const query = stickinessQuery.parse({ kind: "stickiness", event: { event: "open" }, period: "week", dateRange: { from: "2026-11-02", to: "2026-11-12" } });
    const out = await runStickiness(fx.context(now), query, { source });
    expect(out.source).toBe(source);
    expect(out.result.persons).toEqual([1, 2, 0, 1, 0, 0, 1]);
  });

  it("per month: days active in the month (within the range)", async () => {
    const { result } = await stickiness({ period: "month", dateRange: { from: "2026-11-01", to: "2026-11-30" } });
    expect(result.days).toHaveLength(31);
    const expected = new Array(31).fill(0);
    expected[2 - 1] = 1; // amy: Nov 2, 3
    expected[3 - 1] = 1; // bo: Nov 3, 4, 9
    expected[12 - 1] = 1; // cy: Nov 2 .. 13
    expect(result.persons).toEqual(expected);
    expect(result.periods).toEqual([{ start: "2026-11-01T00:00:00+09:00", daysInRange: 30 }]);
  });

  it("filters with hostile values are plain data", async () => {
    const { result } = await stickiness({ event: { event: "open", filters: [{ type: "event", key: "v", operator: "in", value: [HOSTILE, BIG, "$$", "日本語 ✈️"] }] } });
    // amy (Nov 2), bo (Nov 3), cy (Nov 2) in week 1; bo (Nov 9) in week 2
    expect(result.persons).toEqual([4, 0, 0, 0, 0, 0, 0]);
    const none = await stickiness({ event: { event: HOSTILE }, filters: [{ type: "event", key: HOSTILE, operator: "equals", value: "$$" }] });
    expect(none.result.persons).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});
