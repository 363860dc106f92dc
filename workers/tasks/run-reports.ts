import type { TaskHandler } from "../define-task";

// Placeholder: the engineer who owns this task replaces it.
export const runReportsTask: TaskHandler<"run_reports"> = async () => {
  throw new Error("run_reports is not built yet");
};
