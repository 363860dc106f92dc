import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryContext } from "../../server/query/context";
import { funnelPersons, runFunnels } from "../../server/query/funnels";
import { runInsight } from "../../server/query/run";
import { funnelPersonsInput, funnelsQuery, type FunnelsResult } from "../../server/query/schema/funnels";
import { wilson } from "../../server/query/stats/wilson";
import { dropColumnar } from "../../server/query/stream";
import { createTestEnv, type TestEnv } from "../support/db";

/**
 * A hand-built event set (project timezone America/New_York, EDT = UTC-4 in October). Steps are
 * signup -> search -> book. T0 = Monday 2026-10-05 12:00 UTC. Minutes after T0:
 *
 *   p1  signup 0 (FR), search 60, book 80                       ordered 3 steps, strict 3
 *   p2  signup 0 (FR), book 60, search 120                      ordered 2 (book before search), strict 1, any 3
 *   p3  signup 0 (DE), search 60, $pageview 90, book 120        ordered 3, strict 2 (pageview between)
 *   p4  signup 0 (DE), search 2 days later                      1 step (window 1 day)
 *   p5  anon: signup 0 (US), search 60; user: book 180;         one person after the merge: 3 steps
 *       anon merged into user (person_merges)
 *   p6  search 0 only                                           not in ordered funnels; 1 step in any order
 *   p7  signup 0 (FR), cancel 30, search 60, book 90            3 steps; excluded by cancel between steps 0-1
 *   p8  signup 0 (INJECTION), search 10, cancel 20, book 30     3 steps; excluded by cancel between steps 1-2
 *   p9  a week later: signup 2026-10-14 03:30Z (Oct 13 23:30 in New York), search 04:30Z (Oct 14 00:30 local)
 */
const INJECTION = "'); DROP TABLE events; --";
const UNICODE_KEY = "ключ 🔑 ✓";
const LONG = "x".repeat(10 * 1024);
const T0 = Date.UTC(2026, 9, 5, 12);
const MIN = 60_000;

let env: TestEnv;
let ctx: QueryContext;
const ids: Record<string, string> = {};

async function person(name: string, distinctId: string) {
  const id = randomUUID();
  ids[name] = id;
  await env.db.pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, ctx.projectId, JSON.stringify({ name })]);
  await env.db.pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [ctx.projectId, distinctId, id]);
}

async function event(who: string, name: string, at: number, country: string | null = null, properties: object = {}) {
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, country, properties) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [ctx.projectId, randomUUID(), name, new Date(at), `d-${who}`, ids[who], country, JSON.stringify(properties)],
  );
}

const steps = [{ event: "signup" }, { event: "search" }, { event: "book" }];
const base = { kind: "funnels", steps, dateRange: { from: "2026-10-01", to: "2026-10-10" }, window: { value: 1, unit: "day" } };

/** Runs the query from both sources, checks they agree, returns the result. */
async function funnel(q: object): Promise<FunnelsResult> {
  const query = funnelsQuery.parse({ ...base, ...q });
  const fromSql = await runFunnels(ctx, query, { source: "events" });
  expect(fromSql.source).toBe("events");
  // The columnar store holds the country column, not the properties jsonb nor cohorts.
  const text = JSON.stringify(q);
  const keys = [...text.matchAll(/"key":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  if (!text.includes('"cohort"') && keys.every((k) => k === "$geoip_country_code")) {
    const fromColumnar = await runFunnels(ctx, query, { source: "columnar" });
    expect(fromColumnar.source).toBe("columnar");
    expect(fromColumnar.result).toEqual(fromSql.result);
  }
  return fromSql.result;
}
const counts = (r: FunnelsResult, g = 0) => r.breakdowns[g]!.steps.map((s) => s.count);

beforeAll(async () => {
  env = await createTestEnv();
  const projectId = randomUUID();
  await env.db.pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Funnels', $2, 'America/New_York', now())`, [projectId, `f-${projectId}`]);
  ctx = { pool: env.db.pool, projectId, timezone: "America/New_York", now: new Date("2026-11-01T00:00:00Z"), testAccountFilters: [] };
  for (const p of ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"]) await person(p, `d-${p}`);
  await person("p5anon", "anon-5");
  const at = (m: number) => T0 + m * MIN;
  await event("p1", "signup", at(0), "FR");
  await event("p1", "search", at(60));
  await event("p1", "book", at(80));
  await event("p2", "signup", at(0), "FR", { [INJECTION]: "$$" });
  await event("p2", "book", at(60));
  await event("p2", "search", at(120));
  await event("p3", "signup", at(0), "DE", { [UNICODE_KEY]: "値 🚀" });
  await event("p3", "search", at(60));
  await event("p3", "$pageview", at(90));
  await event("p3", "book", at(120));
  await event("p4", "signup", at(0), "DE", { long: LONG });
  await event("p4", "search", at(2 * 24 * 60));
  await event("p5anon", "signup", at(0), "US");
  await event("p5anon", "search", at(60));
  await event("p5", "book", at(180));
  await env.db.pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [projectId, ids.p5anon, ids.p5]);
  await event("p6", "search", at(0));
  await event("p7", "signup", at(0), "FR");
  await event("p7", "cancel", at(30));
  await event("p7", "search", at(60));
  await event("p7", "book", at(90));
  await event("p8", "signup", at(0), INJECTION);
  await event("p8", "search", at(10));
  await event("p8", "cancel", at(20));
  await event("p8", "book", at(30));
  await event("p9", "signup", Date.UTC(2026, 9, 14, 3, 30));
  await event("p9", "search", Date.UTC(2026, 9, 14, 4, 30));
  dropColumnar(projectId);
});
afterAll(() => env?.close());

describe("funnel orders", () => {
  it("ordered: steps in order, other events allowed between", async () => {
    const r = await funnel({});
    // signup: p1 p2 p3 p4 p5 p7 p8; search after signup within a day: all but p4; book after search: p1 p3 p5 p7 p8.
    expect(counts(r)).toEqual([7, 6, 5]);
    const [s0, s1, s2] = r.breakdowns[0]!.steps;
    expect(s1).toMatchObject({ droppedOff: 1, fromStart: wilson(6, 7), fromPrevious: wilson(6, 7) });
    expect(s2).toMatchObject({ droppedOff: 1, fromStart: wilson(5, 7), fromPrevious: wilson(5, 6) });
    expect(s0!.fromStart.rate).toBe(1);
    // signup -> search seconds: p1 3600, p2 7200, p3 3600, p5 3600, p7 3600, p8 600.
    expect(s1!.medianSecondsFromPrevious).toBe(3600);
    expect(s1!.averageSecondsFromPrevious).toBe((600 + 4 * 3600 + 7200) / 6);
    // search -> book: p1 1200, p3 3600, p5 7200, p7 1800, p8 1200.
    expect(s2!.medianSecondsFromPrevious).toBe(1800);
    expect(s2!.averageSecondsFromPrevious).toBe((1200 + 3600 + 7200 + 1800 + 1200) / 5);
    // Time to convert: p8 1800, p1 4800, p7 5400, p3 7200, p5 10800 s; width ceil(9000 / 10) = 900.
    expect(r.timeToConvert.medianSeconds).toBe(5400);
    const bins = r.timeToConvert.bins;
    expect(bins.length).toBe(11);
    expect(bins[0]).toEqual({ fromSeconds: 1800, toSeconds: 2700, persons: 1 });
    expect(bins[3]).toEqual({ fromSeconds: 4500, toSeconds: 5400, persons: 1 });
    expect(bins[4]).toEqual({ fromSeconds: 5400, toSeconds: 6300, persons: 1 });
    expect(bins[6]!.persons).toBe(1);
    expect(bins[10]!.persons).toBe(1);
    expect(bins.reduce((a, b) => a + b.persons, 0)).toBe(5);
  });

  it("strict: no other event of the person between steps", async () => {
    // p2: book right after signup; p3: $pageview between search and book; p7: cancel after
    // signup; p8: cancel after search. p4: window. Left at step 2: p1 p5; at step 1 also p3 p8.
    expect(counts(await funnel({ order: "strict" }))).toEqual([7, 4, 2]);
  });

  it("any order: distinct steps within the window from any step", async () => {
    // Step 1 is any step: p1..p8 (p6 searched). Two and three steps: p1 p2 p3 p5 p7 p8.
    expect(counts(await funnel({ order: "any" }))).toEqual([8, 6, 6]);
  });

  it("counts merged persons once", async () => {
    // Without the merge p5's book would belong to a person with no signup and p5anon would stop at search.
    const persons = await funnelPersons(ctx, funnelPersonsInput.parse({ query: { ...base }, step: 2, outcome: "converted" }));
    expect(persons.total).toBe(5);
    expect(persons.persons.map((p) => p.id)).toEqual([ids.p1, ids.p3, ids.p5, ids.p7, ids.p8].sort());
    const p5 = persons.persons.find((p) => p.id === ids.p5)!;
    expect(p5.distinctIds.sort()).toEqual(["anon-5", "d-p5"]);
    expect(p5.properties).toEqual({ name: "p5" });
  });
});

describe("conversion windows", () => {
  it("per-step window fails while the whole window passes", async () => {
    // book within 30 minutes of search: p1 (20), p7 (30, inclusive), p8 (20); p3 (60) and p5 (120) fail.
    const r = await funnel({ steps: [steps[0], steps[1], { event: "book", window: { value: 30, unit: "minute" } }] });
    expect(counts(r)).toEqual([7, 6, 3]);
  });

  it("whole window fails while every per-step window passes", async () => {
    const twoHours = { value: 2, unit: "hour" };
    const perStep = [steps[0], { event: "search", window: twoHours }, { event: "book", window: twoHours }];
    // With a day for the whole funnel every step is within 2 h of the previous one (p2's search at 120, p5's book 120 after search).
    expect(counts(await funnel({ steps: perStep }))).toEqual([7, 6, 5]);
    // Within 90 minutes of signup: search for all but p2 (120); book only p1 (80), p7 (90), p8 (30).
    expect(counts(await funnel({ steps: perStep, window: { value: 90, unit: "minute" } }))).toEqual([7, 5, 3]);
  });

  it("refuses per-step windows in any order", () => {
    expect(() => funnelsQuery.parse({ ...base, order: "any", steps: [steps[0], { event: "search", window: { value: 1, unit: "hour" } }] })).toThrow();
  });
});

describe("exclusions", () => {
  it("drops persons who did the excluded event between the steps of their chain", async () => {
    // cancel between signup and search: p7 out. p8's cancel comes after its search.
    expect(counts(await funnel({ exclusions: [{ event: "cancel", fromStep: 0, toStep: 1 }] }))).toEqual([6, 5, 4]);
    // cancel between search and book: p8 out.
    expect(counts(await funnel({ exclusions: [{ event: "cancel", fromStep: 1, toStep: 2 }] }))).toEqual([6, 5, 4]);
    // between signup and book: both out.
    expect(counts(await funnel({ exclusions: [{ event: "cancel", fromStep: 0, toStep: 2 }] }))).toEqual([5, 4, 3]);
  });
});

describe("breakdowns", () => {
  it("by an event property: top N by step-1 persons, the rest as other", async () => {
    const r = await funnel({ breakdown: { type: "event", key: "$geoip_country_code", limit: 2 } });
    // FR: p1 p2 p7 (3); DE: p3 p4 (2); other: p5 (US), p8 (the injection string).
    expect(r.breakdowns.map((b) => b.breakdownValue)).toEqual(["FR", "DE", "$other"]);
    expect(counts(r, 0)).toEqual([3, 3, 2]);
    expect(counts(r, 1)).toEqual([2, 1, 1]);
    expect(counts(r, 2)).toEqual([2, 2, 2]);
    const dropped = await funnelPersons(ctx, funnelPersonsInput.parse({ query: { ...base, breakdown: { type: "event", key: "$geoip_country_code", limit: 2 } }, step: 2, outcome: "dropped", breakdownValue: "FR" }));
    expect(dropped.persons.map((p) => p.id)).toEqual([ids.p2]);
  });

  it("in any order, by the value on the row that starts the window", async () => {
    const r = await funnel({ order: "any", breakdown: { type: "event", key: "$geoip_country_code", limit: 10 } });
    // Only signups carry a country. Not set: every person with a search or book row starts there
    // (p1 p2 p3 p4 p5 p6 p7 p8) and finds one more step in the day after, except p4 and p6; never all three.
    expect(r.breakdowns.map((b) => [b.breakdownValue, counts(r, r.breakdowns.indexOf(b))])).toEqual([
      [null, [8, 6, 0]],
      ["FR", [3, 3, 3]],
      ["DE", [2, 1, 1]],
      [INJECTION, [1, 1, 1]],
      ["US", [1, 1, 1]],
    ]);
  });

  it("by day of week and hour in the project timezone", async () => {
    // Every signup is Monday 08:00 in New York.
    const r = await funnel({ breakdown: { type: "day_of_week" } });
    expect(r.breakdowns.map((b) => b.breakdownValue)).toEqual(["1"]);
    expect(counts(r)).toEqual([7, 6, 5]);
    const h = await funnel({ breakdown: { type: "hour_of_day" } });
    expect(h.breakdowns.map((b) => b.breakdownValue)).toEqual(["8"]);
  });

  it("by cohort: a person counts in every cohort they belong to", async () => {
    const a = randomUUID();
    const b = randomUUID();
    for (const c of [a, b])
      await env.db.pool.query(`insert into cohorts (id, project_id, name, kind, updated_at) values ($1, $2, 'c', 'static', now())`, [c, ctx.projectId]);
    for (const [c, p] of [[a, "p1"], [a, "p2"], [b, "p2"], [b, "p4"]] as const)
      await env.db.pool.query(`insert into cohort_members (cohort_id, project_id, person_id) values ($1, $2, $3)`, [c, ctx.projectId, ids[p]]);
    const r = await funnel({ breakdown: { type: "cohort", cohortIds: [a, b] } });
    expect(r.breakdowns.map((x) => x.breakdownValue)).toEqual([a, b]);
    expect(counts(r, 0)).toEqual([2, 2, 1]); // p1 3 steps, p2 2 steps
    expect(counts(r, 1)).toEqual([2, 1, 0]); // p2 2 steps, p4 1 step
  });
});

describe("time zones", () => {
  it("reads date ranges as local days", async () => {
    const funnelP9 = (to: string) => funnel({ dateRange: { from: "2026-10-12", to } });
    // p9's signup (03:30Z Oct 14) is still Oct 13 in New York; its search (04:30Z) is Oct 14.
    expect(counts(await funnelP9("2026-10-13"))).toEqual([1, 0, 0]);
    expect(counts(await funnelP9("2026-10-14"))).toEqual([1, 1, 0]);
  });
});

describe("user input stays data", () => {
  it("filters and breaks down on hostile keys and values", async () => {
    const only = (filters: object[]) => funnel({ steps: [{ event: "signup", filters }, steps[1], steps[2]] });
    expect(counts(await only([{ type: "event", key: "$geoip_country_code", operator: "equals", value: INJECTION }]))).toEqual([1, 1, 1]);
    expect(counts(await only([{ type: "event", key: INJECTION, operator: "equals", value: "$$" }]))).toEqual([1, 1, 0]);
    expect(counts(await only([{ type: "event", key: UNICODE_KEY, operator: "contains", value: "🚀" }]))).toEqual([1, 1, 1]);
    expect(counts(await only([{ type: "event", key: "long", operator: "equals", value: LONG }]))).toEqual([1, 0, 0]);
    expect(counts(await only([{ type: "event", key: "long", operator: "regex", value: "^x+$" }]))).toEqual([1, 0, 0]);
    const r = await funnel({ breakdown: { type: "event", key: INJECTION, limit: 5 } });
    // p2 has "$$"; everyone else has no value.
    expect(Object.fromEntries(r.breakdowns.map((b) => [String(b.breakdownValue), counts(r, r.breakdowns.indexOf(b))]))).toEqual({
      null: [6, 5, 5],
      $$: [1, 1, 0],
    });
    const { rows } = await env.db.pool.query(`select count(*)::int as n from events where project_id = $1`, [ctx.projectId]);
    expect(rows[0].n).toBe(26);
  });
});

describe("through runInsight", () => {
  it("runs from the registry and says where the answer came from", async () => {
    const answer = await runInsight(env.db.pool, { id: ctx.projectId, timezone: "America/New_York" }, base, { now: ctx.now, useCache: false });
    expect((answer.result as FunnelsResult).breakdowns[0]!.steps.map((s) => s.count)).toEqual([7, 6, 5]);
    expect(answer.meta.source).toBe("columnar");
  });
});
