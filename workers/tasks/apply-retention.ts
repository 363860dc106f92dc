import { applyRetention } from "../../server/privacy/retention";
import type { TaskHandler } from "../define-task";

export const applyRetentionTask: TaskHandler<"apply_retention"> = async (_payload, { deps }) => {
  const report = await applyRetention(deps.db.pool);
  return { ...report };
};
