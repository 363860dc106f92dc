import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeId } from "../../server/query/paths-graph";
import { runPaths } from "../../server/query/paths";
import { runInsight } from "../../server/query/run";
import { pathsQuery } from "../../server/query/schema/paths";
import type { PathsResult } from "../../server/query/schema/paths";
import { createTestEnv, type TestEnv } from "../support/db";
import { HOSTILE, InsightFixture } from "../support/insight-fixture";

/**
 * Project in Asia/Tokyo; the range is the Tokyo day Nov 2 2026 (Nov 1 15:00Z .. Nov 2 15:00Z).
 * - ann: /home, /pricing as anonymous "ann-anon" (merged into ann), then signed_up, /app as ann,
 *   a minute apart.
 * - bob: /home twice (one step), /pricing, then /app 2.5 hours later (after the 30 min gap).
 * - cho: search, /日本語, then a page whose path is hostile text.
 * - dee: pageviews at 23:59 JST the day before and 00:00 JST the day after: outside the range.
 */
let env: TestEnv;
let fx: InsightFixture;
const now = new Date("2026-11-25T00:00:00Z");
const jst = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 10, day, hour - 9, minute)).toISOString();
const PV = "$pageview";

beforeAll(async () => {
  env = await createTestEnv();
  fx = await new InsightFixture(env.db.pool, "Asia/Tokyo").init();
  for (const p of ["ann", "ann-anon", "bob", "cho", "dee"]) await fx.person(p);
  await fx.merge("ann-anon", "ann");
  await fx.event("ann-anon", PV, jst(2, 10, 0), { pathname: "/home" });
  await fx.event("ann-anon", PV, jst(2, 10, 1), { pathname: "/pricing" });
  await fx.event("ann", "signed_up", jst(2, 10, 2));
  await fx.event("ann", PV, jst(2, 10, 3), { pathname: "/app" });
  await fx.event("bob", PV, jst(2, 10, 0), { pathname: "/home" });
  await fx.event("bob", PV, jst(2, 10, 1), { pathname: "/home" });
  await fx.event("bob", PV, jst(2, 10, 5), { pathname: "/pricing" });
  await fx.event("bob", PV, jst(2, 12, 35), { pathname: "/app" });
  await fx.event("cho", "search", jst(2, 10, 0));
  await fx.event("cho", PV, jst(2, 10, 1), { pathname: "/日本語" });
  await fx.event("cho", PV, jst(2, 10, 2), { pathname: HOSTILE });
  await fx.event("dee", PV, jst(1, 23, 59), { pathname: "/home" });
  await fx.event("dee", PV, jst(3, 0, 0), { pathname: "/late" });
});
afterAll(() => env?.close());

async function paths(extra: Record<string, unknown> = {}) {
  const answer = await runInsight(env.db.pool, fx.project, { kind: "paths", dateRange: { from: "2026-11-02", to: "2026-11-02" }, ...extra }, { now, useCache: false });
  return { result: answer.result as PathsResult, source: answer.meta.source };
}
/** Paths with their persons, in a fixed order (ties in persons are ordered by the engine's own rule). */
const sorted = (xs: unknown[][]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const top = (r: PathsResult) => sorted(r.topPaths.map((p) => [p.path, p.persons]));

describe("paths on a real database", () => {
  it("event paths from each person's first event: repeats collapse, merged persons are one path", async () => {
    const { result, source } = await paths({ steps: 3 });
    expect(["events", "columnar"]).toContain(source);
    expect(top(result)).toEqual(
      sorted([
        [[PV, "signed_up", PV], 1], // ann (the anonymous pageviews are hers)
        [[PV], 1], // bob: three pageviews collapse; the gap ends the path
        [["search", PV], 1], // cho
      ]),
    );
    expect(result.nodes).toEqual([
      { id: nodeId(1, PV), step: 1, name: PV, persons: 2, dropOff: 1 },
      { id: nodeId(1, "search"), step: 1, name: "search", persons: 1, dropOff: 0 },
      { id: nodeId(2, PV), step: 2, name: PV, persons: 1, dropOff: 1 },
      { id: nodeId(2, "signed_up"), step: 2, name: "signed_up", persons: 1, dropOff: 0 },
      { id: nodeId(3, PV), step: 3, name: PV, persons: 1, dropOff: 1 },
    ]);
    expect(result.links).toEqual([
      { source: nodeId(1, PV), target: nodeId(2, "signed_up"), persons: 1 },
      { source: nodeId(1, "search"), target: nodeId(2, PV), persons: 1 },
      { source: nodeId(2, "signed_up"), target: nodeId(3, PV), persons: 1 },
    ]);
  });

  it.each(["events", "columnar"] as const)("the same answer from the %s stream source", async (source) => {
    const out = await runPaths(fx.context(now), pathsQuery.parse({ kind: "paths", steps: 3, dateRange: { from: "2026-11-02", to: "2026-11-02" } }), { source });
    expect(out.source).toBe(source);
    expect(top(out.result)).toEqual(sorted([[[PV, "signed_up", PV], 1], [[PV], 1], [["search", PV], 1]]));
  });

  it("page paths: pathnames of pageviews, with nodes beyond nodesPerStep as other", async () => {
    const { result } = await paths({ pathType: "pageview", nodesPerStep: 1 });
    expect(top(result)).toEqual(
      sorted([
        [["/home", "/pricing"], 1], // bob
        [["/home", "/pricing", "/app"], 1], // ann
        [["/日本語", HOSTILE], 1], // cho
      ]),
    );
    expect(result.nodes.map((n) => [n.step, n.name, n.persons, n.dropOff, n.other ?? false])).toEqual([
      [1, "/home", 2, 0, false],
      [1, "other", 1, 0, true], // /日本語
      [2, "/pricing", 2, 1, false],
      [2, "other", 1, 1, true], // the hostile path
      [3, "/app", 1, 1, false],
    ]);
    expect(result.links.map((l) => [l.source, l.target, l.persons])).toEqual([
      [nodeId(1, "/home"), nodeId(2, "/pricing"), 2],
      [nodeId(1, null), nodeId(2, null), 1],
      [nodeId(2, "/pricing"), nodeId(3, "/app"), 1],
    ]);
  });

  it("after a start event and before an end event", async () => {
    const pricing = { event: PV, filters: [{ type: "event", key: "$pathname", operator: "equals", value: "/pricing" }] };
    expect(top((await paths({ pathType: "pageview", startEvent: pricing })).result)).toEqual(
      sorted([
        [["/pricing"], 1], // bob, then the gap
        [["/pricing", "/app"], 1], // ann (signed_up is not a page)
      ]),
    );
    expect(top((await paths({ pathType: "pageview", endEvent: { event: "signed_up" } })).result)).toEqual([[["/home", "/pricing", "signed_up"], 1]]);
    expect(top((await paths({ startEvent: { event: "search" } })).result)).toEqual([[["search", PV], 1]]);
    expect(top((await paths({ pathType: "pageview", startEvent: { event: PV }, endEvent: { event: "signed_up" } })).result)).toEqual([
      [["/home", "/pricing", "signed_up"], 1],
    ]);
  });

  it("hostile and unicode values are plain data", async () => {
    const hostilePage = { event: PV, filters: [{ type: "event", key: "$pathname", operator: "equals", value: HOSTILE }] };
    expect(top((await paths({ pathType: "pageview", startEvent: hostilePage })).result)).toEqual([[[HOSTILE], 1]]);
    expect(top((await paths({ pathType: "pageview", endEvent: { event: PV, filters: [{ type: "event", key: "$pathname", operator: "equals", value: "/日本語" }] } })).result)).toEqual([[["/日本語"], 1]]);
    const none = await paths({ startEvent: { event: HOSTILE }, filters: [{ type: "event", key: HOSTILE, operator: "not_equals", value: "$$" }] });
    expect(none.result).toEqual({ nodes: [], links: [], topPaths: [] });
    const { rows } = await env.db.pool.query(`select count(*)::int as n from events where project_id = $1`, [fx.projectId]);
    expect(rows[0].n).toBe(13);
  });
});
