import type pg from "pg";
import { quickAddJob } from "graphile-worker";
import type { PrismaClient } from "../db/generated/client";
import { taskCatalog, type TaskName } from "./catalog";

/** Validates the payload against the catalog and enqueues the job in graphile-worker. */
export async function enqueue<N extends TaskName>(
  pool: pg.Pool,
  name: N,
  payload: unknown = {},
  opts: { jobKey?: string; runAt?: Date; maxAttempts?: number } = {},
) {
  const parsed = taskCatalog[name].payload.parse(payload);
  const job = await quickAddJob({ pgPool: pool }, name as string, parsed, opts);
  return { id: String(job.id), task: name };
}

export interface QueueDepth {
  ready: number;
  scheduled: number;
  running: number;
  retrying: number;
  failed: number;
}

/** Counts jobs in graphile-worker's queue; all zero before the worker first installed its schema. */
export async function queueDepth(pool: pg.Pool): Promise<QueueDepth & { installed: boolean }> {
  const { rows: present } = await pool.query("select to_regclass('graphile_worker.jobs') is not null as ok");
  if (!present[0]?.ok) return { installed: false, ready: 0, scheduled: 0, running: 0, retrying: 0, failed: 0 };
  const { rows } = await pool.query(`
    select
      count(*) filter (where locked_at is null and attempts < max_attempts and run_at <= now())::int as ready,
      count(*) filter (where locked_at is null and attempts < max_attempts and run_at > now())::int as scheduled,
      count(*) filter (where locked_at is not null)::int as running,
      count(*) filter (where attempts > 0 and attempts < max_attempts and locked_at is null)::int as retrying,
      count(*) filter (where attempts >= max_attempts)::int as failed
    from graphile_worker.jobs`);
  return { installed: true, ...(rows[0] as QueueDepth) };
}

export async function recentJobRuns(db: PrismaClient, opts: { limit: number; status?: string }) {
  const runs = await db.jobRun.findMany({
    where: opts.status ? { status: opts.status } : {},
    orderBy: { startedAt: "desc" },
    take: opts.limit,
  });
  return runs.map((r) => ({ ...r, id: String(r.id) }));
}

/** Failed runs per task in the last 24 hours, for the jobs page header. */
export async function failuresByTask(db: PrismaClient) {
  const since = new Date(Date.now() - 24 * 3600 * 1000);
  const rows = await db.jobRun.groupBy({
    by: ["task", "status"],
    where: { startedAt: { gte: since } },
    _count: { _all: true },
  });
  return rows.map((r) => ({ task: r.task, status: r.status, count: r._count._all }));
}
