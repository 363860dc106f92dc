import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "../../server/projects/create-project";
import { QueryInputError } from "../../server/query/errors";
import type { FunnelsResult } from "../../server/query/schema/funnels";
import { queryError } from "../../server/trpc/routers/insights";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";

const HOSTILE = "'); DROP TABLE events; --";
let env: TestEnv;
let projectId: string;
let viewer: Awaited<ReturnType<typeof signIn>>;
let analyst: Awaited<ReturnType<typeof signIn>>;

/**
 * Three persons a day ago: ann searches, starts and completes a booking; bob searches and starts;
 * cy only searches. Steps are 10 (ann) and 20 (bob) minutes apart.
 */
const base = Date.now() - 24 * 3600_000;
const at = (minutes: number) => new Date(base + minutes * 60_000);
const people = ["ann", "bob", "cy"].map((name) => ({ name, id: randomUUID() }));
const events: { who: number; event: string; t: number; props: Record<string, unknown> }[] = [
  { who: 0, event: "search", t: 0, props: { origin: "LHR", [HOSTILE]: "x" } },
  { who: 0, event: "booking_started", t: 10, props: { provider: "acme" } },
  { who: 0, event: "booking_completed", t: 20, props: { provider: "acme", price: 120 } },
  { who: 1, event: "search", t: 1, props: { origin: "LHR" } },
  { who: 1, event: "booking_started", t: 21, props: { provider: "zeta" } },
  { who: 2, event: "search", t: 2, props: { origin: "JFK" } },
];

beforeAll(async () => {
  env = await createTestEnv();
  ({ project: { id: projectId } } = await createProject(env.db.prisma, { name: "Insights router" }));
  const pool = env.db.pool;
  for (const p of people) await pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [p.id, projectId, { name: p.name }]);
  for (const e of events) {
    await pool.query(
      // Stored a minute ago: the result cache keeps answers only once the data has settled.
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties, inserted_at)
       values ($1, $2, $3, $4, $5, $6, $7, now() - interval '1 minute')`,
      [projectId, randomUUID(), e.event, at(e.t), people[e.who]!.name, people[e.who]!.id, JSON.stringify(e.props)],
    );
    await pool.query(`insert into event_definitions (project_id, name) values ($1, $2) on conflict do nothing`, [projectId, e.event]);
    for (const [k, v] of Object.entries(e.props)) {
      await pool.query(
        `insert into property_definitions (project_id, event_name, key, types) values ($1, $2, $3, $4) on conflict do nothing`,
        [projectId, e.event, k, [typeof v]],
      );
    }
  }
  viewer = await signIn(env.deps, "viewer");
  analyst = await signIn(env.deps, "analyst");
});
afterAll(() => env?.close());

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

const funnel = {
  kind: "funnels" as const,
  steps: [{ event: "search" }, { event: "booking_started" }, { event: "booking_completed" }],
  dateRange: { from: "-7d" },
};

/** Wilson score 95% interval, worked out here rather than taken from the engine. */
function wilson(successes: number, n: number) {
  const z = 1.959963984540054;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { rate: p, low: centre - half, high: centre + half };
}

describe("insights pickers", () => {
  it("lists event names, property keys with their types, and top values (keys and values bound)", async () => {
    expect((await viewer.caller.insights.eventNames()).map((e) => e.name)).toEqual(["booking_completed", "booking_started", "search"]);
    const keys = await viewer.caller.insights.propertyKeys({ event: "booking_completed" });
    expect(keys).toEqual([
      { key: "price", types: ["number"] },
      { key: "provider", types: ["string"] },
    ]);
    const all = await viewer.caller.insights.propertyKeys();
    expect(all.map((k) => k.key)).toEqual([HOSTILE, "origin", "price", "provider"].sort());
    expect(await viewer.caller.insights.propertyValues({ key: "origin", event: "search" })).toEqual([
      { value: "LHR", count: 2 },
      { value: "JFK", count: 1 },
    ]);
    expect(await viewer.caller.insights.propertyValues({ key: HOSTILE })).toEqual([{ value: "x", count: 1 }]);
    expect(await viewer.caller.insights.propertyValues({ key: "provider", search: "ZE" })).toEqual([{ value: "zeta", count: 1 }]);
    expect(await viewer.caller.insights.propertyValues({ type: "person", key: "name", search: "a" })).toEqual([{ value: "ann", count: 1 }]);
    expect((await viewer.caller.insights.propertyKeys({ type: "person" })).map((k) => k.key)).toEqual(["name"]);
  });
});

describe("insights.run", () => {
  it("runs a funnel for the session's project and says where the answer came from", async () => {
    const answer = await viewer.caller.insights.run(funnel);
    expect(answer.kind).toBe("funnels");
    expect(["events", "columnar", "rollup"]).toContain(answer.meta.source);
    expect(answer.meta.timezone).toBe("UTC");
    const result = answer.result as FunnelsResult;
    expect(result.breakdowns).toHaveLength(1);
    const steps = result.breakdowns[0]!.steps;
    expect(steps.map((s) => s.count)).toEqual([3, 2, 1]);
    expect(steps.map((s) => s.droppedOff)).toEqual([0, 1, 1]);
    const twoOfThree = wilson(2, 3);
    expect(steps[1]!.fromStart.rate).toBeCloseTo(twoOfThree.rate, 9);
    expect(steps[1]!.fromStart.low).toBeCloseTo(twoOfThree.low, 9);
    expect(steps[1]!.fromStart.high).toBeCloseTo(twoOfThree.high, 9);
    expect(steps[2]!.fromPrevious.rate).toBeCloseTo(0.5, 9);
    // ann took 10 minutes from search to booking_started, bob 20.
    expect(steps[1]!.averageSecondsFromPrevious).toBeCloseTo(900, 6);

    const again = await viewer.caller.insights.run(funnel);
    expect(again.meta.cached).toBe(true);
    expect(again.result).toEqual(answer.result);
  });

  it("lists the persons who converted at or dropped before a step", async () => {
    const converted = await viewer.caller.insights.funnelPersons({ query: funnel, step: 2, outcome: "converted" });
    expect([converted.total, converted.persons.map((p) => p.id)]).toEqual([1, [people[0]!.id]]);
    const dropped = await viewer.caller.insights.funnelPersons({ query: funnel, step: 1, outcome: "dropped" });
    expect([dropped.total, dropped.persons.map((p) => p.properties.name)]).toEqual([1, ["cy"]]);
    const page = await viewer.caller.insights.funnelPersons({ query: funnel, step: 0, outcome: "converted", limit: 2, offset: 2 });
    expect([page.total, page.persons.length]).toEqual([3, 1]);
    const bad = await trpcError(viewer.caller.insights.funnelPersons({ query: funnel, step: 0, outcome: "converted", limit: 0 }));
    expect(bad.message).toMatch(/^limit: /);
  });

  it("answers 400 naming the field for a query that does not fit the schema", async () => {
    const oneStep = await trpcError(viewer.caller.insights.run({ ...funnel, steps: [{ event: "search" }] }));
    expect(oneStep.code).toBe("BAD_REQUEST");
    expect(oneStep.message).toMatch(/^steps: /);

    const badKind = await trpcError(viewer.caller.insights.run({ kind: "nope" } as never));
    expect(badKind.code).toBe("BAD_REQUEST");
    expect(badKind.message).toMatch(/^kind: /);

    const firstWindow = await trpcError(
      viewer.caller.insights.run({ ...funnel, steps: [{ event: "search", window: { value: 1, unit: "day" } }, { event: "booking_started" }] }),
    );
    expect(firstWindow.code).toBe("BAD_REQUEST");
    expect(firstWindow.message).toContain("steps.0.window");
  });

  it("answers 400 for a user's invalid regular expression", async () => {
    const bad = { ...funnel, filters: [{ type: "event" as const, key: "origin", operator: "regex" as const, value: "(unclosed" }] };
    const err = await trpcError(viewer.caller.insights.run(bad));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/invalid regular expression/);
  });

  it("maps QueryInputError and PostgreSQL's 2201B to 400s and leaves other errors alone", async () => {
    const named = queryError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new QueryInputError("breakdown", "not with this math") }));
    expect([named.code, named.message]).toEqual(["BAD_REQUEST", "breakdown: not with this math"]);
    const pgError = await env.db.pool.query(`select 'a' ~ $1::text`, ["("]).then(() => null, (e: unknown) => e);
    const regex = queryError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: pgError as Error }));
    expect(regex.code).toBe("BAD_REQUEST");
    const other = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("disk on fire") });
    expect(queryError(other)).toBe(other);
  });
});

describe("saved insights", () => {
  it("an analyst saves, lists, renames, updates and deletes; a viewer reads", async () => {
    const saved = await analyst.caller.insights.create({ name: "  Booking funnel ", query: funnel });
    expect(saved.name).toBe("Booking funnel");
    expect(saved.kind).toBe("funnels");

    const list = await viewer.caller.insights.list();
    expect(list.map((i) => [i.id, i.name, i.kind])).toEqual([[saved.id, "Booking funnel", "funnels"]]);
    const got = await viewer.caller.insights.get({ id: saved.id });
    expect(got.query).toMatchObject({ kind: "funnels", steps: funnel.steps.map((s) => ({ event: s.event })), order: "ordered" });

    await analyst.caller.insights.rename({ id: saved.id, name: "Bookings" });
    const trend = { kind: "trends" as const, series: [{ event: "search" }] };
    await analyst.caller.insights.update({ id: saved.id, query: trend });
    const updated = await viewer.caller.insights.get({ id: saved.id });
    expect([updated.name, updated.kind, (updated.query as { kind: string }).kind]).toEqual(["Bookings", "trends", "trends"]);

    expect((await trpcError(viewer.caller.insights.create({ name: "x", query: funnel }))).code).toBe("FORBIDDEN");
    expect((await trpcError(viewer.caller.insights.delete({ id: saved.id }))).code).toBe("FORBIDDEN");

    await analyst.caller.insights.delete({ id: saved.id });
    expect((await trpcError(viewer.caller.insights.get({ id: saved.id }))).code).toBe("NOT_FOUND");
    expect(await viewer.caller.insights.list()).toEqual([]);
  });

  it("refuses a bad query or name with 400 naming the field, and unknown ids with 404", async () => {
    const bad = await trpcError(analyst.caller.insights.create({ name: "Bad", query: { ...funnel, steps: [] } }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toMatch(/^query\.steps: /);
    const noName = await trpcError(analyst.caller.insights.create({ name: "   ", query: funnel }));
    expect(noName.message).toMatch(/^name: /);
    expect((await trpcError(analyst.caller.insights.rename({ id: randomUUID(), name: "x" }))).code).toBe("NOT_FOUND");
  });

  it("keeps insights to their project", async () => {
    const saved = await analyst.caller.insights.create({ name: "Mine", query: funnel });
    const { project: other } = await createProject(env.db.prisma, { name: "Other project" });
    await analyst.caller.projects.select({ id: other.id });
    expect(await analyst.caller.insights.list()).toEqual([]);
    expect((await trpcError(analyst.caller.insights.get({ id: saved.id }))).code).toBe("NOT_FOUND");
    await analyst.caller.projects.select({ id: projectId });
    expect((await analyst.caller.insights.list()).map((i) => i.id)).toEqual([saved.id]);
  });
});
