import { Logger as GraphileLogger, run, type Runner } from "graphile-worker";
import type { Deps } from "../server/deps";
import { queueDepth } from "../server/jobs/queue";
import { installErrorRecorder } from "../server/monitoring/error-records";
import { bindMetrics } from "../server/monitoring/metrics";
import { startTrainingReclaimer } from "../server/forecasts/reclaim";
import { crontab } from "./crontab";
import { buildTaskList } from "./task-list";

/** Starts the graphile-worker runner on the shared pool; signals are handled by Foresight itself. */
export async function startWorker(deps: Deps): Promise<Runner> {
  const log = deps.logger.child({ component: "worker" });
  installErrorRecorder(deps);
  bindMetrics({ pool: deps.db.pool, queueDepth: () => queueDepth(deps.db.pool).then(({ installed: _, ...d }) => d) });
  const logger = new GraphileLogger(() => (level, message, meta) => {
    const fn = level === "error" ? log.error : level === "warning" ? log.warn : level === "info" ? log.info : log.debug;
    fn.call(log, meta ?? {}, message);
  });
  const runner = await run({
    pgPool: deps.db.pool,
    taskList: buildTaskList(deps),
    crontab,
    concurrency: deps.config.FORESIGHT_WORKER_CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2000,
    logger,
  });
  // Training jobs of a worker that was killed are retried now, not after graphile-worker's 4 hours.
  const stopReclaimer = startTrainingReclaimer(deps.db.pool, (err) => log.warn({ err }, "reclaiming abandoned training jobs failed"));
  runner.promise.then(stopReclaimer, stopReclaimer);
  return runner;
}
