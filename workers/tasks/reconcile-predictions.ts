import type { TaskHandler } from "../define-task";

// Placeholder: the engineer who owns this task replaces it.
export const reconcilePredictionsTask: TaskHandler<"reconcile_predictions"> = async () => {
  throw new Error("reconcile_predictions is not built yet");
};
