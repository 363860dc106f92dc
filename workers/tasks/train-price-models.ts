import type { TaskHandler } from "../define-task";

// Placeholder: the engineer who owns this task replaces it.
export const trainPriceModelsTask: TaskHandler<"train_price_models"> = async () => {
  throw new Error("train_price_models is not built yet");
};
