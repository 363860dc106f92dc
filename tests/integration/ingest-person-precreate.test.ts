// preCreatePersons against a real database: ids another web process linked first are found and
// cached (not re-created), new ids get their deterministic person, and neither path scans the
// whole person_distinct_ids table (one primary-key probe per id: checked on the plan's buffers).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPersonId, preCreatePersons } from "../../server/ingest/identity";
import type { IngestRow } from "../../server/ingest/ingest-row";
import { PersonCache } from "../../server/ingest/person-cache";
import { createProject } from "../../server/projects/create-project";
import { createTestEnv, type TestEnv } from "../support/db";

let env: TestEnv;
let projectId: string;
beforeAll(async () => {
  env = await createTestEnv();
  projectId = (await createProject(env.db.prisma, { name: "Precreate" })).project.id;
});
afterAll(() => env?.close());

const NO_FIELDS = {
  url: null, host: null, pathname: null, referrer: null, referringDomain: null, utmSource: null, utmMedium: null,
  utmCampaign: null, utmTerm: null, utmContent: null, device: "Desktop", browser: null, browserVersion: null,
  os: null, osVersion: null, country: null, city: null, ip: null,
};
const row = (distinctId: string): IngestRow => ({
  projectId, uuid: randomUUID(), event: "$pageview", ts: Date.now(), distinctId, sessionId: null, fields: NO_FIELDS, revenue: null, propertiesJson: "{}",
});

describe("preCreatePersons", () => {
  it("caches a link made by another process, creates the persons of new ids, with first-touch attribution", async () => {
    const pool = env.db.pool;
    // Another web process linked "known" to a person of its own (merged there, say).
    const other = randomUUID();
    await pool.query(`insert into persons (id, project_id) values ($1, $2)`, [other, projectId]);
    await pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, 'known', $2)`, [projectId, other]);

    const cache = new PersonCache();
    const rows = [row("known"), row("fresh-1"), row("fresh-2"), row("known"), row("fresh-1")];
    const plan = await preCreatePersons(pool, rows, cache);
    expect(plan.personIds).toEqual([other, newPersonId(projectId, "fresh-1"), newPersonId(projectId, "fresh-2"), other, newPersonId(projectId, "fresh-1")]);
    expect(cache.get(projectId, "known")).toBe(other);
    expect(cache.get(projectId, "fresh-2")).toBe(newPersonId(projectId, "fresh-2"));
    const { rows: made } = await pool.query(
      `select d.distinct_id, p.properties->>'$initial_device_type' as device from person_distinct_ids d join persons p on p.id = d.person_id
        where d.project_id = $1 order by d.distinct_id`,
      [projectId],
    );
    expect(made).toEqual([
      { distinct_id: "fresh-1", device: "Desktop" },
      { distinct_id: "fresh-2", device: "Desktop" },
      { distinct_id: "known", device: null },
    ]);
    // A second writer (cold cache) sees all three as already linked and creates nothing.
    const again = await preCreatePersons(pool, [row("fresh-1"), row("known")], new PersonCache());
    expect(again.personIds).toEqual([newPersonId(projectId, "fresh-1"), other]);
    expect((await pool.query(`select count(*)::int as n from persons where project_id = $1`, [projectId])).rows[0].n).toBe(3);
  });

  it("probes person_distinct_ids by key, whatever its size", async () => {
    const pool = env.db.pool;
    // 20k links, analysed: the size at which a join was planned as a sequential scan.
    await pool.query(
      `with ids as (select gen_random_uuid() as p, 'bulk-' || g as d from generate_series(1, 20000) g),
            ps as (insert into persons (id, project_id) select p, $1 from ids)
       insert into person_distinct_ids (project_id, distinct_id, person_id) select $1, d, p from ids`,
      [projectId],
    );
    await pool.query("analyze person_distinct_ids");
    const before = await pool.query(`select coalesce(seq_scan, 0)::int as n from pg_stat_user_tables where relname = 'person_distinct_ids'`);
    await pool.query("select pg_stat_clear_snapshot()");
    const rows = Array.from({ length: 130 }, (_, i) => row(i % 2 ? `bulk-${i + 1}` : `new-${i}`));
    const plan = await preCreatePersons(pool, rows, new PersonCache());
    expect(plan.personIds.every((p) => typeof p === "string")).toBe(true);
    // Statistics reach pg_stat_user_tables when the backend reports them (at the latest at idle).
    await new Promise((r) => setTimeout(r, 1200));
    await pool.query("select pg_stat_force_next_flush()");
    const after = await pool.query(`select coalesce(seq_scan, 0)::int as n from pg_stat_user_tables where relname = 'person_distinct_ids'`);
    expect(after.rows[0].n - before.rows[0].n).toBe(0);
  });
});
