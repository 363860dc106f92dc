import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { enqueue, queueDepth } from "../../server/jobs/queue";
import { crontab } from "../../workers/crontab";
import { startWorker } from "../../workers/runner";
import { parseCrontab } from "graphile-worker";
import { taskCatalog } from "../../server/jobs/catalog";
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

describe("graphile-worker runner", () => {
  it("runs purge_expired_sessions from the queue and records the run", async () => {
    const { prisma } = env.db;
    const { user } = await createUser(prisma, { email: "w@worker.test", role: "viewer", name: "", password: "password-123" });
    await createSession(prisma, user.id, {});
    await prisma.session.create({ data: { id: "expired-1", userId: user.id, expiresAt: new Date(Date.now() - 1000) } });
    await prisma.jobRun.create({ data: { task: "old", status: "completed", startedAt: new Date("2020-01-01") } });

    const job = await enqueue(env.db.pool, "purge_expired_sessions", { jobHistoryDays: 30 });
    const run = await waitFor(
      () => prisma.jobRun.findFirst({ where: { jobId: job.id, status: { not: "running" } } }),
      "the job run to finish",
    );
    expect(run.status).toBe("completed");
    expect(run.result).toEqual({ sessionsDeleted: 1, jobRunsDeleted: 1 });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("records a failure with the reason and leaves the job for retry", async () => {
    const { prisma } = env.db;
    // Bypass enqueue's validation to put a bad payload on the queue, as a foreign producer could.
    await env.db.pool.query("select graphile_worker.add_job('purge_expired_sessions', $1::json, max_attempts := 1)", [
      JSON.stringify({ jobHistoryDays: -5 }),
    ]);
    const run = await waitFor(() => prisma.jobRun.findFirst({ where: { status: "failed" } }), "the failed run");
    expect(run.error).toMatch(/invalid payload for purge_expired_sessions: jobHistoryDays:/);
    const depth = await waitFor(async () => {
      const d = await queueDepth(env.db.pool);
      return d.failed === 1 ? d : null;
    }, "the job to be marked failed");
    expect(depth.installed).toBe(true);
  });

  it("accepts the _cron stamp graphile-worker adds to scheduled jobs", async () => {
    const { rows } = await env.db.pool.query("select (graphile_worker.add_job('purge_expired_sessions', $1::json)).id", [
      JSON.stringify({ _cron: { ts: new Date().toISOString(), backfilled: false } }),
    ]);
    const run = await waitFor(
      () => env.db.prisma.jobRun.findFirst({ where: { jobId: String(rows[0].id), status: { not: "running" } } }),
      "the cron-stamped run",
    );
    expect(run.status).toBe("completed");
  });

  it("rejects a bad payload before it reaches the queue", async () => {
    await expect(enqueue(env.db.pool, "purge_expired_sessions", { jobHistoryDays: "many" })).rejects.toThrow(/jobHistoryDays/);
  });

  it("has a crontab that graphile-worker parses, naming only known tasks", () => {
    const items = parseCrontab(crontab);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(Object.keys(taskCatalog)).toContain(item.task);
  });
});
