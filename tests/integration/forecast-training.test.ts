import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { trainForecasts } from "../../server/forecasts";
import { enqueue } from "../../server/jobs/queue";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";
import { createProject, expectedDaily, insertEvents, isoDay, makeEvents } from "./forecast-events";

const TARGETS = ["revenue", "bookings", "new_users", "active_users", "route:LHR-JFK", "route:CDG-BCN"];
let env: TestEnv;
let runner: Runner;
let projectId: string;
const events = makeEvents(120);

beforeAll(async () => {
  env = await createTestEnv();
  projectId = await createProject(env.db.pool, "forecast-training");
  await insertEvents(env.db.pool, projectId, events);
  runner = await startWorker(env.deps);
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await env?.close();
});

async function versions(project: string, target?: string) {
  const { rows } = await env.db.pool.query<{ target: string; version: number; status: string; active: boolean; metrics: { mase: number }; progress: { step: number; of: number; note: string } }>(
    `select target, version, status, active, metrics, progress from model_versions where project_id = $1 and kind = 'forecast' and ($2::text is null or target = $2) order by target, version`,
    [project, target ?? null],
  );
  return rows;
}

async function runJob(jobId: string) {
  const run = await waitFor(() => env.db.prisma.jobRun.findFirst({ where: { jobId, status: { not: "running" } } }), `train_forecasts job ${jobId}`, 120_000);
  expect(run.status, run.error ?? "").toBe("completed");
  return run;
}

describe("train_forecasts through graphile-worker", () => {
  it("retrain now: trains every target, stores backtest metrics, promotes the first version, records its forecast", async () => {
    const { caller } = await signIn(env.deps, "analyst");
    const { jobId } = await caller.forecasts.retrain({});
    const run = await runJob(jobId);
    expect(run.result).toMatchObject({ projects: 1, trained: TARGETS.length, promoted: TARGETS.length, failed: 0 });
    const rows = await versions(projectId);
    expect(rows.map((r) => r.target).sort()).toEqual([...TARGETS].sort());
    for (const r of rows) {
      expect(r, r.target).toMatchObject({ version: 1, status: "ready", active: true, progress: { step: 4, of: 4 } });
      expect(r.progress.note).toMatch(/^promoted: first active version/);
      expect(Number.isFinite(r.metrics.mase) && r.metrics.mase >= 0, `${r.target} ${JSON.stringify(r.metrics)}`).toBe(true);
    }
    // 14 predictions per target, for today .. today + 13 (yesterday is the last complete day).
    const { rows: preds } = await env.db.pool.query(
      `select target, count(*)::int as n, min(for_date)::text as first, max(horizon)::int as h from predictions where project_id = $1 group by target`,
      [projectId],
    );
    expect(preds).toHaveLength(TARGETS.length);
    for (const p of preds) expect(p).toMatchObject({ n: 14, first: isoDay(new Date()), h: 14 });
    const progress = await caller.forecasts.progress({ jobId, target: "revenue" });
    expect(progress).toMatchObject({ state: "completed", latest: { version: 1, active: true, progress: { step: 4, of: 4 } } });
    // The training histogram observed every target.
    const { registry } = await import("../../server/monitoring/metrics");
    expect(await registry.getSingleMetricAsString("foresight_model_training_duration_seconds")).toMatch(/_count\{model="forecast"\} ([6-9]|\d\d)/);
  });

  it("promotes a new version only when its backtest MASE beats the active one's", async () => {
    const pool = env.db.pool;
    // Same data, same engine: the same MASE does not beat the active version (strictly better is required).
    const same = await trainForecasts(pool, { projectId, target: "bookings" });
    expect(same.targets[0]).toMatchObject({ status: "trained", version: 2, promoted: false });
    // An active version that scored far better on its backtest is kept ...
    await pool.query(`update model_versions set metrics = jsonb_set(metrics, '{mase}', '0.001') where project_id = $1 and target = 'bookings' and active`, [projectId]);
    const worse = await trainForecasts(pool, { projectId, target: "bookings" });
    expect(worse.targets[0]).toMatchObject({ status: "trained", version: 3, promoted: false });
    // ... one that scored far worse is replaced.
    await pool.query(`update model_versions set metrics = jsonb_set(metrics, '{mase}', '99') where project_id = $1 and target = 'bookings' and active`, [projectId]);
    const better = await trainForecasts(pool, { projectId, target: "bookings" });
    expect(better.targets[0]).toMatchObject({ status: "trained", version: 4, promoted: true });
    const rows = await versions(projectId, "bookings");
    expect(rows.map((r) => [r.version, r.active])).toEqual([[1, false], [2, false], [3, false], [4, true]]);
    expect(rows[1]!.progress.note).toMatch(/^kept the active version: mase .* does not beat active version 1/);
  });

  it("promote and rollback from the router: analyst only, one active version at a time", async () => {
    const viewer = (await signIn(env.deps, "viewer")).caller;
    const analyst = (await signIn(env.deps, "analyst")).caller;
    const history = await viewer.forecasts.history({ target: "bookings" });
    expect(history.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    const v2 = history.find((v) => v.version === 2)!;
    await expect(viewer.forecasts.promote({ versionId: v2.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await analyst.forecasts.promote({ versionId: v2.id });
    expect((await viewer.forecasts.history({ target: "bookings" })).filter((v) => v.active).map((v) => v.version)).toEqual([2]);
    expect(await analyst.forecasts.rollback({ target: "bookings" })).toEqual({ from: 2, to: 4 });
    expect((await viewer.forecasts.history({ target: "bookings" })).filter((v) => v.active).map((v) => v.version)).toEqual([4]);
    await expect(analyst.forecasts.promote({ versionId: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reconcile_predictions fills actuals from the same query and computes live accuracy", async () => {
    const pool = env.db.pool;
    const other = await createProject(pool, "forecast-reconcile");
    const evs = makeEvents(120);
    await insertEvents(pool, other, evs);
    // Trained as if 10 days ago: its 14-day forecast covers 10 complete days and 4 future ones.
    const past = new Date(Date.now() - 10 * 86_400_000);
    await trainForecasts(pool, { projectId: other, target: "bookings", now: past });
    const job = await enqueue(pool, "reconcile_predictions", {});
    await runJob(job.id);
    const { rows } = await pool.query<{ forDate: string; predicted: number; actual: number | null; lower80: number; upper80: number }>(
      `select for_date::text as "forDate", predicted, actual, lower_80 as "lower80", upper_80 as "upper80" from predictions where project_id = $1 order by for_date`,
      [other],
    );
    expect(rows).toHaveLength(14);
    const done = rows.filter((r) => r.actual !== null);
    expect(done).toHaveLength(10);
    const want = expectedDaily(evs, done.map((r) => r.forDate)).bookings;
    expect(done.map((r) => r.actual)).toEqual(want);
    const mae = done.reduce((s, r) => s + Math.abs(r.actual! - r.predicted), 0) / done.length;
    const cov80 = done.filter((r) => r.actual! >= r.lower80 && r.actual! <= r.upper80).length / done.length;
    const { rows: v } = await pool.query(`select live_metrics as live from model_versions where project_id = $1`, [other]);
    expect(v[0].live.n).toBe(10);
    expect(v[0].live.mae).toBeCloseTo(mae, 9);
    expect(v[0].live.coverage80).toBeCloseTo(cov80, 9);
    // Idempotent: a second run changes nothing.
    const again = await enqueue(pool, "reconcile_predictions", {});
    const run = await runJob(again.id);
    expect((run.result as { reconciled: number }).reconciled).toBe(0);
  });
});
