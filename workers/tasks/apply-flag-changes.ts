import { applyDueChanges, recountExposures } from "../../server/flags";
import type { TaskHandler } from "../define-task";

/**
 * Applies the flag changes whose time has come (each claimed once, with SKIP LOCKED, and audited
 * as flag.apply_scheduled_change), then recounts `$feature_flag_called` exposures for yesterday
 * and today. Web processes notice applied changes through their definitions cache's version stamp
 * within a second. Safe to retry: applied changes are marked in the same transaction.
 */
export const applyFlagChangesTask: TaskHandler<"apply_flag_changes"> = async (_payload, { deps }) => {
  const { applied, failed } = await applyDueChanges({ prisma: deps.db.prisma });
  const since = new Date();
  since.setUTCHours(0, 0, 0, 0);
  since.setUTCDate(since.getUTCDate() - 1);
  const exposureRows = await recountExposures(deps.db.pool, { since });
  return { applied, failed, exposureRows };
};
