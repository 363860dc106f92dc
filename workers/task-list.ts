import type { Task, TaskList } from "graphile-worker";
import type { Deps } from "../server/deps";
import { taskCatalog, type TaskName } from "../server/jobs/catalog";
import { observeJob } from "../server/monitoring/metrics";
import { captureError } from "../server/monitoring/sentry";
import { taskHandlers } from "./tasks";

/**
 * Wraps each handler: parses the payload (it is `unknown` until validated), records the run in
 * `job_runs`, and reports failures to the logs and Sentry with the job's context before
 * rethrowing, so graphile-worker retries with backoff.
 */
export function buildTaskList(deps: Deps): TaskList {
  const list: TaskList = {};
  for (const name of Object.keys(taskHandlers) as TaskName[]) {
    list[name] = wrap(name, deps);
  }
  return list;
}

function wrap(name: TaskName, deps: Deps): Task {
  const handler = taskHandlers[name] as (p: unknown, c: Parameters<(typeof taskHandlers)[TaskName]>[1]) => Promise<Record<string, unknown> | void>;
  return async (rawPayload, helpers) => {
    const { prisma } = deps.db;
    const started = Date.now();
    const run = await prisma.jobRun.create({
      data: { jobId: String(helpers.job.id), task: name, status: "running", attempt: helpers.job.attempts },
    });
    const finish = (status: "completed" | "failed", extra: { error?: string; result?: object }) =>
      (observeJob(name, status, Date.now() - started), prisma.jobRun).update({
        where: { id: run.id },
        data: { status, finishedAt: new Date(), durationMs: Date.now() - started, ...extra },
      });
    try {
      const parsed = taskCatalog[name].payload.safeParse(rawPayload ?? {});
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
        throw new Error(`invalid payload for ${name}: ${problems}`);
      }
      const result = (await handler(parsed.data, { deps, helpers })) ?? {};
      await finish("completed", { result });
      deps.logger.info({ task: name, jobId: helpers.job.id, ms: Date.now() - started, result }, "job completed");
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await finish("failed", { error: message.slice(0, 4000) }).catch(() => {});
      deps.logger.error({ err, task: name, jobId: helpers.job.id, attempt: helpers.job.attempts }, "job failed");
      captureError(err, { kind: "job", task: name, jobId: String(helpers.job.id), attempt: helpers.job.attempts });
      throw err;
    }
  };
}
