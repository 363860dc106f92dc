import type { TaskHandler } from "../define-task";

// Placeholder: the engineer who owns this task replaces it.
export const syncAudiencesTask: TaskHandler<"sync_audiences"> = async () => {
  throw new Error("sync_audiences is not built yet");
};
