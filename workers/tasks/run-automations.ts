import type { TaskHandler } from "../define-task";

// Placeholder: the engineer who owns this task replaces it.
export const runAutomationsTask: TaskHandler<"run_automations"> = async () => {
  throw new Error("run_automations is not built yet");
};
