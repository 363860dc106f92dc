import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createTestEnv, type TestEnv } from "../support/db";
import { waitFor } from "../support/wait";
import { refreshRollups, rollupFreshness } from "../../server/rollups";
import { trendsQuery } from "../../server/query/schema/trends";
import { runTrends } from "../../server/query/trends";

/**
 * Rollups in Europe/Paris (UTC+1 in November). Days are project-timezone days: an event at
 * 23:30 UTC on Nov 2 is on Nov 3 in Paris.
 */
const TZ = "Europe/Paris";
const project = randomUUID();
const persons = Array.from({ length: 5 }, () => randomUUID());
let env: TestEnv;
let pool: pg.Pool;

beforeAll(async () => {
  env = await createTestEnv();
  pool = env.db.pool;
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Rollups', $2, $3, now())`, [project, `r-${project}`, TZ]);
  for (const id of persons) await pool.query(`insert into persons (id, project_id) values ($1, $2)`, [id, project]);
});
afterAll(() => env?.close());

interface Ev {
  p: number;
  event: string;
  at: string;
  session?: string;
  country?: string | null;
  revenue?: number | null;
  commission?: number;
  insertedAt?: string;
}

async function insert(events: Ev[]) {
  for (const e of events) {
    await pool.query(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, session_id, country, revenue, properties, inserted_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, now()))`,
      [project, randomUUID(), e.event, new Date(e.at), `d${e.p}`, persons[e.p], e.session ?? null, e.country ?? null, e.revenue ?? null,
        JSON.stringify(e.commission === undefined ? {} : { commission: e.commission }), e.insertedAt ?? null],
    );
  }
}

/** What ingest does on a merge: record it, re-point the merged person's events. */
async function merge(from: number, to: number) {
  await pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [project, persons[from], persons[to]]);
  await pool.query(`update events set person_id = $3 where project_id = $1 and person_id = $2`, [project, persons[from], persons[to]]);
}

/** Both rollup tables, in a stable order, as plain values. */
async function snapshot() {
  const days = await pool.query(
    `select day::text, event, dim, value, events::int, persons::int, sessions::int, revenue::text, commission::text
       from rollup_event_days where project_id = $1 order by day, event, dim, value`,
    [project],
  );
  const personDays = await pool.query(
    `select day::text, person_id, events from rollup_person_days where project_id = $1 order by day, person_id`,
    [project],
  );
  return { days: days.rows, personDays: personDays.rows };
}

async function cell(day: string, event: string, dim = "", value = "") {
  const { rows } = await pool.query(
    `select events::int, persons::int, sessions::int, revenue::float8 as revenue, commission::float8 as commission
       from rollup_event_days where project_id = $1 and day = $2 and event = $3 and dim = $4 and value = $5`,
    [project, day, event, dim, value],
  );
  return rows[0] ?? null;
}

const hourAgo = new Date(Date.now() - 3600_000).toISOString();
const FIRST = new Date("2026-11-01T12:00:00Z");
const fullRebuild = () => refreshRollups(pool, project, { from: FIRST, to: new Date(), full: true });

describe("rollup refresh", () => {
  it("computes days in the project timezone, fills gaps, and an incremental refresh equals a full recount", async () => {
    await insert([
      { p: 0, event: "search", at: "2026-11-02T09:00:00Z", session: "a", country: "FR", insertedAt: hourAgo },
      { p: 1, event: "search", at: "2026-11-02T10:00:00Z", session: "b", country: "DE", insertedAt: hourAgo },
      { p: 0, event: "booking_completed", at: "2026-11-02T11:00:00Z", session: "a", country: "FR", revenue: 120, commission: 12.5, insertedAt: hourAgo },
      // 23:30 UTC on Nov 2 is 00:30 on Nov 3 in Paris.
      { p: 2, event: "search", at: "2026-11-02T23:30:00Z", session: "c", country: null, insertedAt: hourAgo },
      { p: 1, event: "search", at: "2026-11-05T08:00:00Z", session: "d", country: "DE", insertedAt: hourAgo },
    ]);
    const first = await refreshRollups(pool, project);
    expect(first.days.map((d) => d.day)).toEqual(expect.arrayContaining(["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]));
    expect(first.scanLine).not.toBeNull();
    expect(await cell("2026-11-02", "$all")).toEqual({ events: 3, persons: 2, sessions: 2, revenue: 120, commission: 12.5 });
    expect(await cell("2026-11-02", "search", "country", "DE")).toEqual({ events: 1, persons: 1, sessions: 1, revenue: 0, commission: 0 });
    expect(await cell("2026-11-03", "search", "country", "")).toEqual({ events: 1, persons: 1, sessions: 1, revenue: 0, commission: 0 });
    // Nov 4 has no events: computed (a state, no rows), not a gap.
    expect(await cell("2026-11-04", "$all")).toBeNull();
    const { rows: gap } = await pool.query(`select rollup from rollup_day_states where project_id = $1 and day = '2026-11-04' order by rollup`, [project]);
    expect(gap.map((r) => r.rollup)).toEqual(["event_days", "person_days"]);
    // Nothing changed: nothing to do.
    expect((await refreshRollups(pool, project)).days.filter((d) => d.day < "2026-11-20")).toEqual([]);

    // More events, a late one for Nov 2, and a merge of person 1 into person 0 (both active Nov 2).
    await insert([
      { p: 3, event: "search", at: "2026-11-05T09:00:00Z", session: "e", country: "ES" },
      { p: 4, event: "search", at: "2026-11-02T15:00:00Z", session: "f", country: "FR" },
    ]);
    await merge(1, 0);
    const second = await refreshRollups(pool, project);
    const reasons = Object.fromEntries(second.days.map((d) => [d.day, d.reason]));
    expect(reasons["2026-11-02"]).toBe("events");
    expect(reasons["2026-11-05"]).toBe("events");
    // Nov 2: persons 0 (with merged 1) and 4 = 2 persons; 4 events; sessions a, b, f.
    expect(await cell("2026-11-02", "$all")).toEqual({ events: 4, persons: 2, sessions: 3, revenue: 120, commission: 12.5 });
    expect(await cell("2026-11-05", "$all")).toEqual({ events: 2, persons: 2, sessions: 2, revenue: 0, commission: 0 });
    const incremental = await snapshot();
    await fullRebuild();
    expect(await snapshot()).toEqual(incremental);
  });

  it("recomputes the days of a merged person", async () => {
    // Person 2 (Nov 3) merged into person 3 (Nov 5): no new event, only the merge.
    await merge(2, 3);
    const r = await refreshRollups(pool, project);
    const reasons = Object.fromEntries(r.days.map((d) => [d.day, d.reason]));
    expect(reasons["2026-11-03"]).toBe("merges");
    const { rows } = await pool.query(`select person_id from rollup_person_days where project_id = $1 and day = '2026-11-03'`, [project]);
    expect(rows.map((x) => x.person_id)).toEqual([persons[3]]);
    const incremental = await snapshot();
    await fullRebuild();
    expect(await snapshot()).toEqual(incremental);
  });

  it("fills a day whose state went missing (gap detection)", async () => {
    const before = await snapshot();
    await pool.query(`delete from rollup_event_days where project_id = $1 and day = '2026-11-02'`, [project]);
    await pool.query(`delete from rollup_day_states where project_id = $1 and day = '2026-11-02'`, [project]);
    const f = await rollupFreshness(pool, project, { from: new Date("2026-11-01T23:00:00Z"), to: new Date("2026-11-05T23:00:00Z") });
    // (Days whose last change is under 10 s old stay stale too: inserts stamped then may still commit.)
    expect(f.stale).toContainEqual({ day: "2026-11-02", reason: "missing" });
    const r = await refreshRollups(pool, project);
    expect(r.days).toContainEqual({ day: "2026-11-02", reason: "missing" });
    expect(await snapshot()).toEqual(before);
  });

  it("leaves the old rows when a refresh is killed mid-way, and the retry gives the same totals as a recount", async () => {
    const before = await snapshot();
    await insert([{ p: 4, event: "booking_completed", at: "2026-11-05T12:00:00Z", session: "g", country: "FR", revenue: 80, commission: 8 }]);
    // Hold a lock the refresh needs after its first delete, find its backend waiting, kill it.
    const blocker = new pg.Client({ connectionString: env.url });
    await blocker.connect();
    await blocker.query("begin");
    await blocker.query("lock table rollup_person_days in exclusive mode");
    const refresh = refreshRollups(pool, project).then(
      () => null,
      (e: Error) => e,
    );
    const pid = await waitFor(async () => {
      // Polled from the pool: inside the blocker's transaction pg_stat_activity would be a snapshot.
      const { rows } = await pool.query(
        `select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'delete from rollup_person_days%'`,
      );
      return rows[0]?.pid as number | undefined;
    }, "the refresh to wait on the lock");
    await blocker.query("select pg_terminate_backend($1)", [pid]);
    await blocker.query("commit");
    await blocker.end();
    const failed = await refresh;
    expect(failed).toBeInstanceOf(Error);
    // Rolled back: the day still has its old rows (the first delete did not stick).
    expect(await snapshot()).toEqual(before);

    const retry = await refreshRollups(pool, project);
    expect(retry.days.map((d) => d.day)).toContain("2026-11-05");
    expect(await cell("2026-11-05", "$all")).toEqual({ events: 3, persons: 3, sessions: 3, revenue: 80, commission: 8 });
    const retried = await snapshot();
    await fullRebuild();
    expect(await snapshot()).toEqual(retried);
  });

  it("recomputes every day when the project timezone changes", async () => {
    await pool.query(`update projects set timezone = 'UTC' where id = $1`, [project]);
    const r = await refreshRollups(pool, project);
    expect(r.days.filter((d) => d.day <= "2026-11-05").every((d) => d.reason === "timezone")).toBe(true);
    // In UTC the 23:30 event of Nov 2 is on Nov 2: Nov 3 is empty.
    expect(await cell("2026-11-03", "$all")).toBeNull();
    expect((await cell("2026-11-02", "$all"))?.events).toBe(5);
    const incremental = await snapshot();
    await fullRebuild();
    expect(await snapshot()).toEqual(incremental);
  });

  it("answers active users near the first day of data from rollups: days before it are known to be empty", async () => {
    await refreshRollups(pool, project);
    const ctx = { pool, projectId: project, timezone: "UTC", now: new Date(), testAccountFilters: [] };
    const q = trendsQuery.parse({
      kind: "trends",
      dateRange: { from: "2026-11-02", to: "2026-11-05" },
      series: [{ event: "$all", math: "mau" }, { event: "$all", math: "wau" }],
    });
    // The 30-day windows reach back to Oct 4; the first events are on Nov 2.
    const fromRollups = await runTrends(ctx, q);
    expect(fromRollups.source).toBe("rollup");
    // Persons after the merges (UTC days): Nov 2 has person 0 (with 1), 3 (with 2) and 4; every window holds Nov 2.
    expect(fromRollups.result.series.map((s) => s.data)).toEqual([[3, 3, 3, 3], [3, 3, 3, 3]]);
    await pool.query(`delete from rollup_day_states where project_id = $1`, [project]);
    const raw = await runTrends(ctx, q);
    expect(raw.source).toBe("events");
    expect(fromRollups.result).toEqual(raw.result);
  });
});
