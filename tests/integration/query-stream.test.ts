import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryContext } from "../../server/query/context";
import { dropColumnar, loadEventStream, prepareColumnar, type EventStream, type StreamRequest } from "../../server/query/stream";
import { createTestEnv, type TestEnv } from "../support/db";

let env: TestEnv;
let ctx: QueryContext;
const H = 3_600_000;
const T0 = Date.UTC(2026, 9, 5, 12); // Monday 2026-10-05 12:00 UTC
const persons: Record<string, string> = {};

async function person(name: string, properties: object = {}) {
  const id = randomUUID();
  persons[name] = id;
  await env.db.pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, ctx.projectId, JSON.stringify(properties)]);
  return id;
}

async function event(who: string, name: string, at: number, cols: { country?: string; browser?: string; properties?: object } = {}) {
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, country, browser, properties)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [ctx.projectId, randomUUID(), name, new Date(at), `d-${who}`, persons[who], cols.country ?? null, cols.browser ?? null, JSON.stringify(cols.properties ?? {})],
  );
}

/** The stream as plain rows, persons by uuid, values by text: comparable across sources. */
function rows(s: EventStream) {
  return Array.from({ length: s.length }, (_, i) => ({
    ts: s.ts[i],
    person: s.personIds[s.person[i]!],
    match: s.match[i],
    breakdown: s.breakdown ? (s.breakdown[i]! < 0 ? undefined : s.breakdownValues[s.breakdown[i]!]) : undefined,
    event: s.eventName ? s.eventNames[s.eventName[i]!] : undefined,
  }));
}

const range = { from: new Date(T0 - 48 * H), to: new Date(T0 + 48 * H) };
const sel = (event: string, filters: StreamRequest["filters"] = []) => ({ event, filters });

beforeAll(async () => {
  env = await createTestEnv();
  const projectId = randomUUID();
  await env.db.pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Stream', $2, 'America/New_York', now())`, [projectId, `s-${projectId}`]);
  ctx = { pool: env.db.pool, projectId, timezone: "America/New_York", now: new Date(T0 + 48 * H), testAccountFilters: [] };
  await person("ann", { plan: "pro" });
  await person("bob", { plan: "free" });
  await person("anon");
  await env.db.pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [projectId, persons.anon, persons.ann]);
  await event("ann", "view", T0, { country: "FR", browser: "Firefox" });
  await event("bob", "view", T0, { country: "DE", browser: "Chrome" });
  await event("anon", "buy", T0 + H, { country: "FR", properties: { amount: "10" } });
  await event("bob", "other", T0 + 2 * H, { country: "DE" });
  await event("bob", "buy", T0 + 2 * H, { country: "DE" });
  // 03:30 UTC on Tuesday is still Monday 23:30 in New York (EDT, UTC-4).
  await event("ann", "view", Date.UTC(2026, 9, 6, 3, 30), { country: "FR" });
  // A person id with no persons row (the columnar build numbers persons from that table).
  persons.ghost = randomUUID();
  await event("ghost", "other", T0 + 5 * H, { country: "NO" });
});
afterAll(() => env?.close());

describe("SQL stream", () => {
  it("returns matching rows in time order with canonical persons and a match bitmask", async () => {
    const s = await loadEventStream(ctx, { range, selectors: [sel("view"), sel("buy")], filters: [], excludeTestAccounts: false, withEventNames: true, source: "events" });
    expect(s.source).toBe("events");
    const ann = persons.ann!;
    const bob = persons.bob!;
    const [first, second] = [ann, bob].sort();
    expect(rows(s)).toEqual([
      { ts: T0, person: first, match: 1, breakdown: undefined, event: "view" },
      { ts: T0, person: second, match: 1, breakdown: undefined, event: "view" },
      { ts: T0 + H, person: ann, match: 2, breakdown: undefined, event: "buy" },
      { ts: T0 + 2 * H, person: bob, match: 2, breakdown: undefined, event: "buy" },
      { ts: Date.UTC(2026, 9, 6, 3, 30), person: ann, match: 1, breakdown: undefined, event: "view" },
    ]);
    expect(s.personCount).toBe(2);
  });

  it("orders same-time rows of a person by selector, rows matching nothing last", async () => {
    const s = await loadEventStream(ctx, { range, selectors: [sel("buy")], filters: [], excludeTestAccounts: false, allEvents: true, withEventNames: true, source: "events" });
    const bob = rows(s).filter((r) => r.person === persons.bob);
    expect(bob.map((r) => [r.event, r.match])).toEqual([["view", 0], ["buy", 1], ["other", 0]]);
  });

  it("breaks down by day of week in the project timezone and by property", async () => {
    const s = await loadEventStream(ctx, { range, selectors: [sel("view")], filters: [], excludeTestAccounts: false, breakdown: { type: "day_of_week" }, source: "events" });
    // All three views are on Monday in New York (the last one is Tuesday in UTC).
    expect(rows(s).map((r) => r.breakdown)).toEqual(["1", "1", "1"]);
    const p = await loadEventStream(ctx, {
      range,
      selectors: [sel("view"), sel("buy")],
      filters: [],
      excludeTestAccounts: false,
      breakdown: { type: "person", key: "plan", limit: 10 },
      source: "events",
    });
    expect(rows(p).filter((r) => r.person === persons.ann).map((r) => r.breakdown)).toEqual(["pro", "pro", "pro"]);
  });

  it("applies selector filters to the mask and global filters to every row", async () => {
    const s = await loadEventStream(ctx, {
      range,
      selectors: [sel("view", [{ type: "event", key: "$geoip_country_code", operator: "equals", value: "FR" }]), sel("buy")],
      filters: [{ type: "event", key: "$geoip_country_code", operator: "in", value: ["FR", "'); DROP TABLE events; --"] }],
      excludeTestAccounts: false,
      source: "events",
    });
    expect(rows(s).map((r) => [r.person, r.match])).toEqual([[persons.ann, 1], [persons.ann, 2], [persons.ann, 1]]);
  });
});

describe("columnar source", () => {
  const requests: [string, Omit<StreamRequest, "range" | "source">][] = [
    ["steps", { selectors: [sel("view"), sel("buy")], filters: [], excludeTestAccounts: false }],
    ["all events with names", { selectors: [sel("buy")], filters: [], excludeTestAccounts: false, allEvents: true, withEventNames: true }],
    ["country breakdown", { selectors: [sel("view"), sel("buy")], filters: [], excludeTestAccounts: false, breakdown: { type: "event", key: "$geoip_country_code", limit: 5 } }],
    ["browser breakdown", { selectors: [sel("$all")], filters: [], excludeTestAccounts: false, breakdown: { type: "event", key: "$browser", limit: 5 } }],
    ["day of week", { selectors: [sel("view"), sel("buy")], filters: [], excludeTestAccounts: false, breakdown: { type: "day_of_week" } }],
    ["hour of day", { selectors: [sel("view"), sel("buy")], filters: [], excludeTestAccounts: false, breakdown: { type: "hour_of_day" } }],
    [
      "filters on cached columns",
      {
        selectors: [sel("view", [{ type: "event", key: "$browser", operator: "contains", value: "fox" }]), sel("$all", [{ type: "event", key: "$geoip_country_code", operator: "is_set" }])],
        filters: [{ op: "or", filters: [{ type: "event", key: "$geoip_country_code", operator: "not_equals", value: "DE" }, { type: "event", key: "$browser", operator: "regex", value: "^Ch" }] }],
        excludeTestAccounts: false,
      },
    ],
    ["test accounts excluded", { selectors: [sel("view"), sel("buy"), sel("other")], filters: [], excludeTestAccounts: true }],
  ];

  beforeAll(async () => {
    ctx = { ...ctx, testAccountFilters: [{ type: "event", key: "$browser", operator: "equals", value: "Chrome" }] };
    dropColumnar(ctx.projectId);
    await prepareColumnar(ctx.pool, ctx.projectId);
    // After the store is built: a late event (earlier than everything, at the same instant as
    // others), and a new person merged into bob whose events must count as bob's.
    await person("carl");
    await event("carl", "view", T0 - 30 * H, { country: "IT", browser: "Safari" });
    await event("carl", "buy", T0, { country: "IT" });
    await event("ann", "other", T0 + H, { country: "FR" });
    await env.db.pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [ctx.projectId, persons.carl, persons.bob]);
  });

  it.each(requests)("gives the same stream as SQL: %s", async (_name, req) => {
    const columnar = await loadEventStream(ctx, { ...req, range, source: "columnar" });
    const events = await loadEventStream(ctx, { ...req, range, source: "events" });
    expect(columnar.source).toBe("columnar");
    expect(events.source).toBe("events");
    expect(rows(columnar)).toEqual(rows(events));
    expect(columnar.personIds).toEqual(events.personIds);
    expect(events.length).toBeGreaterThan(0);
  });

  it("keeps rows of persons missing from the persons table", async () => {
    const s = await loadEventStream(ctx, { range, selectors: [sel("other")], filters: [], excludeTestAccounts: false, source: "columnar" });
    expect(rows(s).map((r) => r.person)).toContain(persons.ghost);
  });

  it("sees the late rows and the merge", async () => {
    const s = await loadEventStream(ctx, { range, selectors: [sel("view"), sel("buy")], filters: [], excludeTestAccounts: false });
    expect(s.source).toBe("columnar");
    // carl's late view comes first and belongs to bob; no row is loaded twice.
    expect(rows(s)[0]).toMatchObject({ ts: T0 - 30 * H, person: persons.bob, match: 1 });
    expect(s.length).toBe(7);
    expect(s.personIds).not.toContain(persons.carl);
  });

  it("leaves requests on uncached data to SQL", async () => {
    const jsonb = await loadEventStream(ctx, { range, selectors: [sel("buy", [{ type: "event", key: "amount", operator: "equals", value: "10" }])], filters: [], excludeTestAccounts: false });
    expect(jsonb.source).toBe("events");
    expect(rows(jsonb)).toEqual([{ ts: T0 + H, person: persons.ann, match: 1, breakdown: undefined, event: undefined }]);
    const personBreakdown = await loadEventStream(ctx, { range, selectors: [sel("buy")], filters: [], excludeTestAccounts: false, breakdown: { type: "person", key: "plan", limit: 3 } });
    expect(personBreakdown.source).toBe("events");
  });
});
