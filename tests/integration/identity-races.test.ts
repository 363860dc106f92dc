import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "../../server/projects/create-project";
import { post } from "../support/capture-client";
import { startTestWebServer } from "../support/web-server";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let key: string;
let projectId: string;
beforeAll(async () => {
  server = await startTestWebServer();
  const created = await createProject(server.env.db.prisma, { name: "Races" });
  key = created.keys.write;
  projectId = created.project.id;
});
afterAll(() => server?.close());

describe("identity under concurrent requests", () => {
  it("every event ends on the person its distinct id resolves to, however identify and events interleave", async () => {
    const send = (batch: object[]) => post(server.web.url, "/api/capture", { api_key: key, batch });
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const anon = `race-anon-${round}-${i}`;
          const user = `race-user-${round}-${i}`;
          return Promise.all([
            send([{ event: "$pageview", distinct_id: anon }]),
            send([{ event: "$identify", distinct_id: user, properties: { $anon_distinct_id: anon } }]),
            send([{ event: "search", distinct_id: anon }]),
            send([{ event: "booking_completed", distinct_id: user }]),
            send([{ event: "$pageview", distinct_id: user }, { event: "search", distinct_id: anon }]),
          ]);
        }),
      );
    }
    const { rows: stale } = await server.env.db.pool.query(
      `select e.distinct_id, e.event from events e
         join person_distinct_ids d on d.project_id = e.project_id and d.distinct_id = e.distinct_id
        where e.project_id = $1 and e.person_id <> d.person_id`,
      [projectId],
    );
    expect(stale).toEqual([]);
    const { rows: split } = await server.env.db.pool.query(
      `select count(distinct person_id)::int as persons from person_distinct_ids
        where project_id = $1 and distinct_id like 'race-%' group by substring(distinct_id from '[0-9]+-[0-9]+$')
       having count(distinct person_id) > 1`,
      [projectId],
    );
    expect(split).toEqual([]);
    const { rows: total } = await server.env.db.pool.query("select count(*)::int as n from events where project_id = $1", [projectId]);
    expect(total[0].n).toBe(5 * 12 * 6);
  });

  it("concurrent merges all succeed (writers that deadlock retry holding the project lock)", async () => {
    const send = (batch: object[]) => post(server.web.url, "/api/capture", { api_key: key, batch });
    const n = 24;
    // Both ids of every pair already have a person with events: each identify is a real merge.
    await Promise.all(Array.from({ length: n }, (_, i) => send([
      { event: "$pageview", distinct_id: `merge-anon-${i}` },
      { event: "login_page", distinct_id: `merge-user-${i}` },
    ])));
    const results = await Promise.all(Array.from({ length: n }, (_, i) =>
      send([{ event: "$identify", distinct_id: `merge-user-${i}`, properties: { $anon_distinct_id: `merge-anon-${i}` } }])));
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
    const { rows } = await server.env.db.pool.query(
      `select count(*)::int as merges from person_merges where project_id = $1`, [projectId]);
    expect(rows[0].merges).toBeGreaterThanOrEqual(n);
    const { rows: stale } = await server.env.db.pool.query(
      `select e.distinct_id from events e join person_distinct_ids d on d.project_id = e.project_id and d.distinct_id = e.distinct_id
        where e.project_id = $1 and e.person_id <> d.person_id`, [projectId]);
    expect(stale).toEqual([]);
  });
});
