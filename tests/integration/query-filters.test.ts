import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestEnv, type TestEnv } from "../support/db";
import { eventsFrom, PERSON_ID, projectAndRange } from "../../server/query/events-sql";
import { filtersCondition, needsPersons, selectorCondition, testAccountExclusion } from "../../server/query/filters";
import type { QueryContext } from "../../server/query/context";
import type { Filter, FilterGroup } from "../../server/query/schema/common";
import { filters as filtersSchema } from "../../server/query/schema/common";
import { and, render, sql } from "../../server/query/sql";

const HOSTILE = "'); DROP TABLE events; --";
const BIG = "x".repeat(10_000);
const project = randomUUID();
const from = new Date("2026-11-01T00:00:00Z");
const to = new Date("2026-12-01T00:00:00Z");
let env: TestEnv;

/** Six events of three persons; the second person was merged into the first. */
const persons = [
  { id: randomUUID(), properties: { plan: "pro", email: "ann@corp.example", [HOSTILE]: "key-is-hostile" } },
  { id: randomUUID(), properties: { plan: "free" } },
  { id: randomUUID(), properties: { plan: "free", note: "日本語 ✈️" } },
];
const events: { person: number; event: string; browser: string | null; revenue: number | null; props: Record<string, unknown> }[] = [
  { person: 0, event: "search", browser: "Chrome", revenue: null, props: { origin: "LHR", passengers: 2, q: HOSTILE } },
  { person: 0, event: "booking_completed", browser: "Chrome", revenue: 120.5, props: { provider: "$$", passengers: "3" } },
  { person: 1, event: "search", browser: "Firefox", revenue: null, props: { origin: "JFK", passengers: 10, q: BIG } },
  { person: 2, event: "search", browser: "Safari", revenue: null, props: { origin: "日本語", passengers: "many", [HOSTILE]: "v" } },
  { person: 2, event: "booking_completed", browser: null, revenue: 80, props: { provider: "acme", flag: true } },
  { person: 2, event: "$pageview", browser: "Safari", revenue: null, props: { $current_url: "https://x.example/?a=1", nested: { deep: 1 } } },
];

beforeAll(async () => {
  env = await createTestEnv();
  const pool = env.db.pool;
  await pool.query(`insert into projects (id, name, slug, updated_at) values ($1, 'Filters', $2, now())`, [project, `f-${project}`]);
  for (const p of persons) {
    await pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [p.id, project, JSON.stringify(p.properties)]);
  }
  await pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [project, persons[1]!.id, persons[0]!.id]);
  let i = 0;
  for (const e of events) {
    await pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, browser, revenue, properties)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [project, randomUUID(), e.event, new Date(from.getTime() + ++i * 3600_000), `d${e.person}`, persons[e.person]!.id, e.browser, e.revenue, JSON.stringify(e.props)],
    );
  }
});
afterAll(() => env?.close());

async function matching(filters: (Filter | FilterGroup)[]): Promise<number> {
  const parsed = filtersSchema.parse(filters);
  const q = render(
    sql`select count(*)::int as n from ${eventsFrom({ persons: needsPersons(parsed) })} where ${and([projectAndRange(project, from, to), filtersCondition(parsed)])}`,
  );
  const { rows } = await env.db.pool.query(q.text, q.values);
  return rows[0].n;
}

describe("filter compiler on a real database", () => {
  it.each<[string, Filter[], number]>([
    ["equals string", [{ type: "event", key: "origin", operator: "equals", value: "LHR" }], 1],
    ["equals hostile value", [{ type: "event", key: "q", operator: "equals", value: HOSTILE }], 1],
    ["equals 10 KB value", [{ type: "event", key: "q", operator: "equals", value: BIG }], 1],
    ["equals unicode", [{ type: "event", key: "origin", operator: "equals", value: "日本語" }], 1],
    ["equals number matches numeric strings too", [{ type: "event", key: "passengers", operator: "equals", value: 3 }], 1],
    ["equals boolean", [{ type: "event", key: "flag", operator: "equals", value: true }], 1],
    ["$$ as a value", [{ type: "event", key: "provider", operator: "equals", value: "$$" }], 1],
    ["hostile key", [{ type: "event", key: HOSTILE, operator: "is_set" }], 1],
    ["not_equals includes events without the key", [{ type: "event", key: "origin", operator: "not_equals", value: "LHR" }], 5],
    ["contains is case-insensitive", [{ type: "event", key: "origin", operator: "contains", value: "jf" }], 1],
    ["contains with LIKE wildcards is literal", [{ type: "event", key: "q", operator: "contains", value: "%" }], 0],
    ["not_contains", [{ type: "event", key: "origin", operator: "not_contains", value: "JF" }], 5],
    ["regex", [{ type: "event", key: "origin", operator: "regex", value: "^[A-Z]{3}$" }], 2],
    ["not_regex", [{ type: "event", key: "origin", operator: "not_regex", value: "^[A-Z]{3}$" }], 4],
    ["gt skips non-numbers", [{ type: "event", key: "passengers", operator: "gt", value: 2 }], 2],
    ["lte", [{ type: "event", key: "passengers", operator: "lte", value: 3 }], 2],
    ["between inclusive", [{ type: "event", key: "passengers", operator: "between", value: [2, 3] }], 2],
    ["is_set", [{ type: "event", key: "passengers", operator: "is_set" }], 4],
    ["is_not_set", [{ type: "event", key: "passengers", operator: "is_not_set" }], 2],
    ["in", [{ type: "event", key: "origin", operator: "in", value: ["LHR", "JFK", HOSTILE] }], 2],
    ["not_in includes missing", [{ type: "event", key: "origin", operator: "not_in", value: ["LHR", "JFK"] }], 4],
    ["column: $browser", [{ type: "event", key: "$browser", operator: "equals", value: "Safari" }], 2],
    ["numeric column: revenue", [{ type: "event", key: "revenue", operator: "gte", value: 100 }], 1],
    ["person property of the canonical person", [{ type: "person", key: "plan", operator: "equals", value: "pro" }], 3],
    ["person property, hostile key", [{ type: "person", key: HOSTILE, operator: "is_set" }], 3],
    ["person property unicode", [{ type: "person", key: "note", operator: "contains", value: "✈️" }], 3],
  ])("%s", async (_name, filters, expected) => {
    expect(await matching(filters)).toBe(expected);
  });

  it("ANDs top-level filters and ORs groups", async () => {
    expect(
      await matching([
        { type: "event", key: "$browser", operator: "is_set" },
        { op: "or", filters: [{ type: "event", key: "origin", operator: "equals", value: "LHR" }, { type: "person", key: "plan", operator: "equals", value: "free" }] },
      ]),
    ).toBe(3); // LHR search (Chrome) + person 2's Safari search and pageview
  });

  it("cohort filters read cohort_members of the canonical person", async () => {
    const cohort = randomUUID();
    await env.db.pool.query(`insert into cohorts (id, project_id, name, kind, updated_at) values ($1, $2, 'c', 'static', now())`, [cohort, project]);
    await env.db.pool.query(`insert into cohort_members (cohort_id, project_id, person_id) values ($1, $2, $3)`, [cohort, project, persons[0]!.id]);
    expect(await matching([{ type: "cohort", cohortId: cohort, negate: false }])).toBe(3);
    expect(await matching([{ type: "cohort", cohortId: cohort, negate: true }])).toBe(3);
  });

  it("selectors match the event name (or any event) plus their own filters", async () => {
    const count = async (cond: ReturnType<typeof selectorCondition>) => {
      const q = render(sql`select count(distinct ${PERSON_ID})::int as n from ${eventsFrom({ persons: false })} where ${and([projectAndRange(project, from, to), cond])}`);
      return (await env.db.pool.query(q.text, q.values)).rows[0].n;
    };
    expect(await count(selectorCondition({ event: "search", filters: [] }))).toBe(2); // persons 0 (+ merged 1) and 2
    expect(await count(selectorCondition({ event: "$all", filters: [] }))).toBe(2);
    expect(await count(selectorCondition({ event: HOSTILE, filters: [] }))).toBe(0);
  });

  it("test-account exclusion drops events matching any of the project's filters", async () => {
    const ctx = { testAccountFilters: [{ type: "event", key: "$browser", operator: "equals", value: "Chrome" }] } as unknown as QueryContext;
    const q = render(sql`select count(*)::int as n from ${eventsFrom({ persons: false })} where ${and([projectAndRange(project, from, to), testAccountExclusion(ctx, true)])}`);
    expect((await env.db.pool.query(q.text, q.values)).rows[0].n).toBe(4);
  });

  it("the events table survived every hostile value", async () => {
    const { rows } = await env.db.pool.query(`select count(*)::int as n from events where project_id = $1`, [project]);
    expect(rows[0].n).toBe(6);
  });
});
