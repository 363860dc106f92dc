import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryInputError } from "../../server/query/errors";
import { runRetention } from "../../server/query/retention";
import { runInsight } from "../../server/query/run";
import { retentionQuery } from "../../server/query/schema/retention";
import type { RetentionResult } from "../../server/query/schema/retention";
import { createTestEnv, type TestEnv } from "../support/db";
import { BIG, HOSTILE, InsightFixture } from "../support/insight-fixture";

/**
 * Project in Asia/Tokyo (UTC+9). Weeks (Monday, Tokyo) of the range Nov 2 .. Nov 22 2026:
 * w1 = Nov 2, w2 = Nov 9, w3 = Nov 16. Target "signed_up", return "search".
 * - alice: signed up as anonymous "anon" (merged into alice) at Nov 2 00:30 JST (still Nov 1 in
 *   UTC); searches Nov 10 (w2) as alice and Nov 17 (w3) as anon: w1 cohort, back at k=1 and k=2.
 * - bob: signs up Sun Nov 8 23:59 JST (w1), searches Mon Nov 9 00:00 JST: k=1 (same week in UTC).
 * - carol: signed up Oct 20 (before the range) and again Nov 3; searches Nov 10.
 * - dave: signs up Nov 9 JST (w2), never searches.
 * - erin: signs up and searches Mon Nov 16 JST (w3).
 * - frank: only searches.
 */
let env: TestEnv;
let fx: InsightFixture;
const now = new Date("2026-11-25T00:00:00Z");

beforeAll(async () => {
  env = await createTestEnv();
  fx = await new InsightFixture(env.db.pool, "Asia/Tokyo").init();
  await fx.person("alice", { tier: "gold" });
  await fx.person("anon", { tier: "bronze" });
  await fx.person("bob", { tier: "silver" });
  await fx.person("carol", { tier: "gold" });
  await fx.person("dave", { tier: "gold" });
  await fx.person("erin");
  await fx.person("frank");
  await fx.merge("anon", "alice");
  await fx.event("anon", "signed_up", "2026-11-01T15:30:00Z", { properties: { plan: HOSTILE } });
  await fx.event("alice", "search", "2026-11-10T03:00:00Z");
  await fx.event("anon", "search", "2026-11-17T03:00:00Z");
  await fx.event("bob", "signed_up", "2026-11-08T14:59:00Z", { properties: { plan: "日本語 ✈️" } });
  await fx.event("bob", "search", "2026-11-08T15:00:00Z");
  await fx.event("carol", "signed_up", "2026-10-20T03:00:00Z", { properties: { plan: "$$" } });
  await fx.event("carol", "signed_up", "2026-11-03T03:00:00Z", { properties: { plan: "$$" } });
  await fx.event("carol", "search", "2026-11-10T03:00:00Z");
  await fx.event("dave", "signed_up", "2026-11-09T03:00:00Z", { properties: { plan: BIG } });
  await fx.event("erin", "signed_up", "2026-11-15T15:00:00Z", { properties: { plan: "$$" } });
  await fx.event("erin", "search", "2026-11-16T05:00:00Z");
  await fx.event("frank", "search", "2026-11-10T03:00:00Z");
});
afterAll(() => env?.close());

const base = {
  kind: "retention",
  targetEvent: { event: "signed_up" },
  returnEvent: { event: "search" },
  period: "week",
  periods: 2,
  dateRange: { from: "2026-11-02", to: "2026-11-22" },
};
async function retention(extra: Record<string, unknown> = {}) {
  const answer = await runInsight(env.db.pool, fx.project, { ...base, ...extra }, { now, useCache: false });
  return { result: answer.result as RetentionResult, meta: answer.meta };
}
const counts = (r: RetentionResult, i = 0) => r.breakdowns[i]!.cohorts.map((c) => c.values.map((v) => v.count));

/** Wilson 95% interval, written out here from the formula. */
function wilsonByHand(k: number, n: number) {
  const z = 1.959963984540054;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = ((z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n)));
  return [centre - half, centre + half];
}

describe("retention on a real database", () => {
  it("first time: cohorts by the first ever target event in Tokyo weeks, merged persons as one", async () => {
    const { result, meta } = await retention();
    expect(["events", "columnar"]).toContain(meta.source);
    expect(result.breakdowns).toHaveLength(1);
    const [b] = result.breakdowns;
    expect(b!.breakdownValue).toBeNull();
    expect(b!.cohorts.map((c) => c.start)).toEqual(["2026-11-02T00:00:00+09:00", "2026-11-09T00:00:00+09:00", "2026-11-16T00:00:00+09:00"]);
    expect(b!.cohorts.map((c) => c.size)).toEqual([2, 1, 1]); // alice + bob (carol signed up before the range); dave; erin
    expect(counts(result)).toEqual([[2, 2, 1], [1, 0], [1]]);
    const w1 = b!.cohorts[0]!.values;
    expect(w1[1]!.rate).toBe(1);
    expect(w1[2]!.rate).toBe(0.5);
    const [low, high] = wilsonByHand(1, 2);
    expect(w1[2]!.low).toBeCloseTo(low!, 10);
    expect(w1[2]!.high).toBeCloseTo(high!, 10);
    expect(w1[1]!.low).toBeCloseTo(wilsonByHand(2, 2)[0]!, 10);
    expect(w1[1]!.high).toBeCloseTo(1, 10);
    expect(b!.cohorts[1]!.values[1]).toEqual({ count: 0, rate: 0, low: 0, high: expect.closeTo(wilsonByHand(0, 1)[1]!, 10) });
  });

  it.each(["events", "columnar"] as const)("the same answer from the %s stream source", async (source) => {
    for (const retentionType of ["first_time", "recurring"]) {
      const out = await runRetention(fx.context(now), retentionQuery.parse({ ...base, retentionType }), { source });
      expect(out.source).toBe(source);
      expect(counts(out.result), retentionType).toEqual(retentionType === "first_time" ? [[2, 2, 1], [1, 0], [1]] : [[3, 3, 1], [1, 0], [1]]);
    }
  });

  it("recurring: every week with a sign-up starts a cohort entry (carol's Nov 3 one too)", async () => {
    const { result } = await retention({ retentionType: "recurring" });
    expect(result.breakdowns[0]!.cohorts.map((c) => c.size)).toEqual([3, 1, 1]);
    expect(counts(result)).toEqual([[3, 3, 1], [1, 0], [1]]);
  });

  it("daily periods follow Tokyo days", async () => {
    const { result } = await retention({ period: "day", periods: 1, dateRange: { from: "2026-11-08", to: "2026-11-09" } });
    // Nov 8 JST: bob signs up at 23:59 and searches at 00:00 on Nov 9 (k = 1).
    expect(result.breakdowns[0]!.cohorts.map((c) => [c.start, c.size, c.values.map((v) => v.count)])).toEqual([
      ["2026-11-08T00:00:00+09:00", 1, [1, 1]],
      ["2026-11-09T00:00:00+09:00", 1, [1]], // dave
    ]);
  });

  it("breakdown by the event property on the cohort-defining event; hostile values are plain data", async () => {
    const { result } = await retention({ breakdown: { type: "event", key: "plan", limit: 10 } });
    const byValue = Object.fromEntries(result.breakdowns.map((b) => [b.breakdownValue, b.cohorts.map((c) => c.values.map((v) => v.count))]));
    expect(Object.keys(byValue).sort()).toEqual([HOSTILE, "$$", BIG, "日本語 ✈️"].sort());
    expect(byValue[HOSTILE]).toEqual([[1, 1, 1], [0, 0], [0]]); // alice
    expect(byValue["日本語 ✈️"]).toEqual([[1, 1, 0], [0, 0], [0]]); // bob
    expect(byValue[BIG]).toEqual([[0, 0, 0], [1, 0], [0]]); // dave
    expect(byValue["$$"]).toEqual([[0, 0, 0], [0, 0], [1]]); // erin (carol is not a first-timer)
  });

  it("breakdown by a person property of the canonical person", async () => {
    const { result } = await retention({ breakdown: { type: "person", key: "tier", limit: 10 } });
    const byValue = Object.fromEntries(result.breakdowns.map((b) => [String(b.breakdownValue), b.cohorts.map((c) => c.size)]));
    // alice's anonymous sign-up reads alice's tier (gold), not anon's (bronze)
    expect(byValue).toEqual({ gold: [1, 1, 0], silver: [1, 0, 0], null: [0, 0, 1] });
  });

  it("breakdown by cohort membership: a person counts in each cohort they belong to", async () => {
    const [c1, c2] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const [id, members] of [[c1, ["alice", "dave"]], [c2, ["alice"]]] as const) {
      await env.db.pool.query(`insert into cohorts (id, project_id, name, kind, updated_at) values ($1, $2, 'c', 'static', now())`, [id, fx.projectId]);
      for (const m of members)
        await env.db.pool.query(`insert into cohort_members (cohort_id, project_id, person_id) values ($1, $2, $3)`, [id, fx.projectId, fx.persons.get(m)]);
    }
    const { result } = await retention({ breakdown: { type: "cohort", cohortIds: [c1, c2] } });
    expect(result.breakdowns.map((b) => [b.breakdownValue, b.cohorts.map((c) => c.size)])).toEqual([
      [c1, [1, 1, 0]],
      [c2, [1, 0, 0]],
    ]);
  });

  it("too many cohorts is an input error naming the field", async () => {
    const err = await retention({ period: "day", dateRange: { from: "2024-01-01", to: "2026-11-22" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryInputError);
    expect((err as QueryInputError).field).toBe("period");
  });

  it("filters with hostile keys and values are plain data", async () => {
    const same = await retention({ filters: [{ type: "event", key: HOSTILE, operator: "is_not_set" }] });
    expect(counts(same.result)).toEqual([[2, 2, 1], [1, 0], [1]]);
    const only = await retention({ targetEvent: { event: "signed_up", filters: [{ type: "event", key: "plan", operator: "equals", value: HOSTILE }] } });
    expect(counts(only.result)).toEqual([[1, 1, 1], [0, 0], [0]]);
    const none = await retention({ targetEvent: { event: HOSTILE }, returnEvent: { event: "$$" } });
    expect(none.result.breakdowns[0]!.cohorts.map((c) => c.size)).toEqual([0, 0, 0]);
    const big = await retention({ targetEvent: { event: "signed_up", filters: [{ type: "event", key: "plan", operator: "in", value: [BIG, "$$"] }] } });
    expect(big.result.breakdowns[0]!.cohorts.map((c) => c.size)).toEqual([0, 1, 1]);
    const { rows } = await env.db.pool.query(`select count(*)::int as n from events where project_id = $1`, [fx.projectId]);
    expect(rows[0].n).toBe(12); // every event still there
  });
});
