import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { enqueue } from "../../server/jobs/queue";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { spawnForesight } from "../support/spawn-foresight";
import { waitFor } from "../support/wait";
import { createProject, insertEvents, makeEvents } from "./forecast-events";

/**
 * A worker process is killed with SIGKILL while it trains forecast models; a fresh worker then
 * retries the job (graphile-worker alone would wait 4 hours before freeing the dead worker's
 * lock; server/forecasts/reclaim.ts frees it once the job's session lock is gone). Afterwards the
 * registry is consistent: exactly one active version per target, none left in 'training'.
 */
let env: TestEnv;
let runner: Runner | undefined;
let projectId: string;
const INSIGHTS = 8;

beforeAll(async () => {
  env = await createTestEnv();
  projectId = await createProject(env.db.pool, "forecast-kill");
  await insertEvents(env.db.pool, projectId, makeEvents(120));
  // More targets make a longer job, so the kill lands in the middle of it.
  for (let i = 0; i < INSIGHTS; i++) {
    await env.db.pool.query(
      `insert into saved_insights (id, project_id, name, kind, query, updated_at) values (gen_random_uuid(), $1, $2, 'trends', $3, now())`,
      [projectId, `Insight ${i}`, JSON.stringify({ kind: "trends", series: [{ event: i % 2 ? "search" : "$pageview", math: i % 3 ? "total" : "unique_persons" }] })],
    );
  }
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await env?.close();
});

const registryState = async () =>
  (
    await env.db.pool.query<{ target: string; version: number; status: string; active: boolean; error: string | null }>(
      `select target, version, status, active, error from model_versions where project_id = $1 order by target, version`,
      [projectId],
    )
  ).rows;

describe("a training job killed midway", () => {
  it("is retried by a fresh worker and leaves exactly one active version per target, none half-made", async () => {
    const job = await enqueue(env.db.pool, "train_forecasts", { projectId });
    const worker = spawnForesight(["worker"], { DATABASE_URL: env.url, FORESIGHT_DEMO_DATA: "false" });
    try {
      // Kill the moment some target has a version in 'training' (reserved, not yet stored).
      const deadline = Date.now() + 120_000;
      while ((await env.db.pool.query(`select 1 from model_versions where project_id = $1 and status = 'training'`, [projectId])).rows.length === 0) {
        if (Date.now() > deadline) throw new Error(`no version in training; worker output:\n${worker.output()}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      worker.child.kill("SIGKILL");
      expect((await worker.exited).signal).toBe("SIGKILL");
    } finally {
      worker.child.kill("SIGKILL");
    }
    const afterKill = await registryState();
    const half = afterKill.filter((v) => v.status === "training");
    expect(half.length).toBe(1);
    expect(afterKill.filter((v) => v.active && v.target === half[0]!.target)).toEqual([]);
    const trainedBeforeKill = afterKill.filter((v) => v.status === "ready").length;
    expect(trainedBeforeKill).toBeLessThan(4 + 2 + INSIGHTS);
    // The dead worker still holds graphile-worker's lock on the job.
    const { rows: locked } = await env.db.pool.query(`select locked_by from graphile_worker._private_jobs where id = $1`, [job.id]);
    expect(locked[0].locked_by).not.toBeNull();

    runner = await startWorker(env.deps);
    const run = await waitFor(
      () => env.db.prisma.jobRun.findFirst({ where: { jobId: job.id, status: { not: "running" } } }),
      "the retried train_forecasts run",
      120_000,
    );
    expect(run.status, run.error ?? "").toBe("completed");
    expect(run.attempt).toBe(2);
    const result = run.result as { trained: number; skipped: number };
    // The retry trains what the killed attempt had not finished and skips what it had.
    expect(result.skipped).toBe(trainedBeforeKill);
    expect(result.trained).toBe(4 + 2 + INSIGHTS - trainedBeforeKill);

    const state = await registryState();
    expect(state.filter((v) => v.status === "training")).toEqual([]);
    const killed = state.find((v) => v.target === half[0]!.target && v.version === (afterKill.find((a) => a.status === "training")!.version))!;
    expect(killed).toMatchObject({ status: "failed", active: false, error: "abandoned: training did not complete" });
    const targets = [...new Set(state.map((v) => v.target))];
    expect(targets).toHaveLength(4 + 2 + INSIGHTS);
    for (const t of targets) expect(state.filter((v) => v.target === t && v.active), t).toHaveLength(1);
  }, 300_000);
});
