export { forecastWindow, readSeries, readDays, type DailySeries, type ForecastWindow } from "./series";
export { FIXED_TARGETS, FORECAST_KIND, listTargets, queryTarget, resolveTarget, targetId, TargetNotFoundError, type Target } from "./targets";
export { forecastTarget, summarizeVersion, type TargetForecast, type VersionSummary } from "./serving";
export { trainForecasts, trainTarget, forecastKey, TRAINING_WINDOW, type TrainJobOutcome } from "./training";
export { reconcilePredictions } from "./reconcile";
export { reclaimAbandonedTrainingJobs, startTrainingReclaimer } from "./reclaim";
export { versionHistory, trainingJobState } from "./history";
