import type { TaskHandler } from "../define-task";

// Placeholder: the engineer who owns this task replaces it.
export const trainForecastsTask: TaskHandler<"train_forecasts"> = async () => {
  throw new Error("train_forecasts is not built yet");
};
