import { syncAudiences } from "../../server/automations/audiences";
import type { TaskHandler } from "../define-task";

export const syncAudiencesTask: TaskHandler<"sync_audiences"> = async (payload, { deps }) => {
  return syncAudiences(deps, { syncId: payload.syncId });
};
