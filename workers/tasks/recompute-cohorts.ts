import { recomputeAllCohorts, recomputeCohort } from "../../server/query/cohorts";
import type { TaskHandler } from "../define-task";

/**
 * Recomputes one cohort (`cohortId`, as `cohorts.recompute` queues it) or every cohort of a
 * project or of all projects (the crontab), dependencies first. Each cohort is replaced in its own
 * transaction, so a retry recomputes from scratch and ends with the same membership.
 */
export const recomputeCohortsTask: TaskHandler<"recompute_cohorts"> = async (payload, { deps }) => {
  const { pool } = deps.db;
  if (payload.cohortId) {
    const r = await recomputeCohort(pool, payload.cohortId);
    return r ? { cohorts: 1, memberCount: r.memberCount, added: r.added, removed: r.removed } : { cohorts: 0, missing: payload.cohortId };
  }
  const { done, failed } = await recomputeAllCohorts(pool, { projectId: payload.projectId });
  if (failed.length > 0) {
    deps.logger.warn({ failed }, "some cohorts could not be recomputed");
  }
  return {
    cohorts: done.length,
    members: done.reduce((n, r) => n + r.memberCount, 0),
    added: done.reduce((n, r) => n + r.added, 0),
    removed: done.reduce((n, r) => n + r.removed, 0),
    failed: failed.length,
    ...(failed.length > 0 ? { errors: failed.slice(0, 10) } : {}),
  };
};
