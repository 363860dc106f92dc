import { refreshRollups } from "../../server/rollups";
import type { TaskHandler } from "../define-task";

/**
 * Recomputes stale rollup days of every project (or the one asked). Safe to retry: each day is
 * recomputed as a whole in one transaction, so a repeated or interrupted run gives the same rows.
 */
export const refreshRollupsTask: TaskHandler<"refresh_rollups"> = async (payload, { deps }) => {
  const pool = deps.db.pool;
  const ids = payload.projectId
    ? [payload.projectId]
    : (await pool.query<{ id: string }>(`select id from projects order by created_at, id`)).rows.map((r) => r.id);
  let daysRecomputed = 0;
  let remaining = 0;
  for (const id of ids) {
    const r = await refreshRollups(pool, id);
    daysRecomputed += r.daysRecomputed;
    remaining += r.remaining;
  }
  return { projects: ids.length, daysRecomputed, remaining };
};
