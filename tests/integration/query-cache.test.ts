import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestEnv, type TestEnv } from "../support/db";
import { runInsight } from "../../server/query/run";

let env: TestEnv;
const projectId = randomUUID();
const project = { id: projectId, timezone: "UTC", testAccountFilters: [] };
const now = new Date("2026-11-20T12:00:00Z");
const persons = [randomUUID(), randomUUID()];
const query = { kind: "trends", series: [{ event: "search", math: "unique_persons" }], interval: "day", dateRange: { from: "2026-11-19", to: "2026-11-19" } };

/** An event stored `agoMs` before now (a minute: settled data, which the cache keeps). */
async function addEvent(person: string, at: string, agoMs = 60_000) {
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties, inserted_at)
     values ($1, $2, 'search', $3, $4::text, $4::uuid, '{}', now() - $5 * interval '1 millisecond')`,
    [projectId, randomUUID(), new Date(at), person, agoMs],
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  await env.db.pool.query(`insert into projects (id, name, slug, updated_at) values ($1, 'Cache', $2, now())`, [projectId, `c-${projectId}`]);
  for (const p of persons) await env.db.pool.query(`insert into persons (id, project_id) values ($1, $2)`, [p, projectId]);
  await addEvent(persons[0]!, "2026-11-19T10:00:00Z");
  await addEvent(persons[1]!, "2026-11-19T11:00:00Z");
});
afterAll(() => env?.close());

const total = (a: Awaited<ReturnType<typeof runInsight>>) => (a.result as { series: { total: number }[] }).series[0]!.total;

describe("result cache", () => {
  it("serves the same query at the same watermark from the cache, and recomputes after new events or a merge", async () => {
    const first = await runInsight(env.db.pool, project, query, { now });
    expect(first.meta.cached).toBe(false);
    expect(total(first)).toBe(2);
    expect(first.meta.dataWatermark).not.toBeNull();

    const again = await runInsight(env.db.pool, project, query, { now });
    expect(again.meta.cached).toBe(true);
    expect(total(again)).toBe(2);

    // Same meaning, keys in another order: still a hit.
    const reordered = await runInsight(env.db.pool, project, { dateRange: query.dateRange, interval: "day", series: query.series, kind: "trends" }, { now });
    expect(reordered.meta.cached).toBe(true);

    // A merge changes unique persons without any new event.
    await env.db.pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [projectId, persons[1], persons[0]]);
    const merged = await runInsight(env.db.pool, project, query, { now });
    expect(merged.meta.cached).toBe(false);
    expect(total(merged)).toBe(1);

    const third = randomUUID();
    await env.db.pool.query(`insert into persons (id, project_id) values ($1, $2)`, [third, projectId]);
    await addEvent(third, "2026-11-19T12:00:00Z");
    const fresh = await runInsight(env.db.pool, project, query, { now });
    expect(fresh.meta.cached).toBe(false);
    expect(total(fresh)).toBe(2);
    expect(fresh.meta.dataWatermark).not.toBe(merged.meta.dataWatermark);
  });

  it("does not keep answers while writes may still commit below the watermark", async () => {
    const fourth = randomUUID();
    await env.db.pool.query(`insert into persons (id, project_id) values ($1, $2)`, [fourth, projectId]);
    await addEvent(fourth, "2026-11-19T13:00:00Z", 0);
    const first = await runInsight(env.db.pool, project, query, { now });
    expect(total(first)).toBe(3);
    const second = await runInsight(env.db.pool, project, query, { now });
    expect(second.meta.cached).toBe(false);
    expect(total(second)).toBe(3);
  });
});
