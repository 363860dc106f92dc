import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { parseCrontab, type Runner } from "graphile-worker";
import { enqueue } from "../../server/jobs/queue";
import { crontab } from "../../workers/crontab";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { waitFor } from "../support/wait";

let env: TestEnv;
let runner: Runner;
beforeAll(async () => {
  env = await createTestEnv();
  runner = await startWorker(env.deps);
});
afterAll(async () => {
  await runner?.stop();
  await env.close();
});

describe("refresh_rollups through graphile-worker", () => {
  it("is scheduled every minute with a job key", () => {
    const item = parseCrontab(crontab).find((i) => i.task === "refresh_rollups");
    expect(item).toBeDefined();
    expect(item!.options.jobKey).toBe("refresh_rollups");
    expect(item!.match).toBeDefined();
  });

  it("refreshes every project's stale days and records the run", async () => {
    const pool = env.db.pool;
    const projects = [randomUUID(), randomUUID()];
    for (const [i, id] of projects.entries()) {
      await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, $2, $2, 'UTC', now())`, [id, `w${i}-${id}`]);
      const person = randomUUID();
      // Two events on Nov 3 and one on Nov 6 (UTC): Nov 4 and 5 are gaps to fill.
      for (const at of ["2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", "2026-11-06T10:00:00Z"]) {
        await pool.query(
          `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties) values ($1, $2, 'search', $3, 'd', $4, '{}')`,
          [id, randomUUID(), at, person],
        );
      }
    }
    const job = await enqueue(pool, "refresh_rollups", {});
    const run = await waitFor(
      () => env.db.prisma.jobRun.findFirst({ where: { jobId: job.id, status: { not: "running" } } }),
      "the refresh_rollups run",
    );
    expect(run.status, run.error ?? "").toBe("completed");
    expect((run.result as { projects: number }).projects).toBeGreaterThanOrEqual(2);
    for (const id of projects) {
      const { rows } = await pool.query(
        `select day::text, events::int from rollup_event_days where project_id = $1 and event = '$all' and dim = '' order by day`,
        [id],
      );
      expect(rows).toEqual([{ day: "2026-11-03", events: 2 }, { day: "2026-11-06", events: 1 }]);
      const { rows: states } = await pool.query(
        `select count(*)::int as n from rollup_day_states where project_id = $1 and rollup = 'event_days' and day between '2026-11-03' and '2026-11-06'`,
        [id],
      );
      expect(states[0].n).toBe(4);
    }
  });
});
