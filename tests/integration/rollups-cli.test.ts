import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createTestDatabase } from "../support/db";
import { spawnForesight } from "../support/spawn-foresight";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
const project = randomUUID();
const slug = `cli-${project.slice(0, 8)}`;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'CLI', $2, 'Asia/Tokyo', now())`, [project, slug]);
  // 16:00 UTC on Nov 2 is 01:00 on Nov 3 in Tokyo.
  for (const at of ["2026-11-02T01:00:00Z", "2026-11-02T16:00:00Z", "2026-11-04T03:00:00Z"]) {
    await pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties) values ($1, $2, 'search', $3, 'd', $4, '{}')`,
      [project, randomUUID(), at, project],
    );
  }
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("foresight rollups", () => {
  it("backfills a range of project-timezone days and reports their freshness", async () => {
    const backfill = spawnForesight(["rollups", "backfill", "--from", "2026-11-01", "--to", "2026-11-05", "--project", slug], { DATABASE_URL: db.url });
    const done = await backfill.exited;
    expect(done.code, backfill.output()).toBe(0);
    expect(backfill.output()).toContain(`${slug}: recomputed 5 days (2026-11-01 to 2026-11-05, Asia/Tokyo)`);
    const { rows } = await pool.query(
      `select day::text, events::int from rollup_event_days where project_id = $1 and event = '$all' and dim = '' order by day`,
      [project],
    );
    expect(rows).toEqual([
      { day: "2026-11-02", events: 1 },
      { day: "2026-11-03", events: 1 },
      { day: "2026-11-04", events: 1 },
    ]);

    const status = spawnForesight(["rollups", "status", "--project", slug, "--json"], { DATABASE_URL: db.url });
    expect((await status.exited).code, status.output()).toBe(0);
    const [report] = JSON.parse(status.output().slice(status.output().indexOf("[")));
    expect(report).toMatchObject({ project: slug, timezone: "Asia/Tokyo", daysComputed: 5, firstDay: "2026-11-01", lastDay: "2026-11-05" });
  });

  it("names a bad option in one line", async () => {
    const p = spawnForesight(["rollups", "backfill", "--from", "yesterday", "--to", "2026-11-05"], { DATABASE_URL: db.url });
    expect((await p.exited).code).not.toBe(0);
    expect(p.output()).toMatch(/--from: use a date like 2026-11-01 \(got "yesterday"\)/);
  });
});
