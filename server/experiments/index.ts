export * from "./schema";
export * from "./store";
export { experimentResults, lookTimes, type ExperimentResults } from "./results";
export { getVariant, trackConversion, useCaptureForExperiments, ExperimentNotFoundError, ExperimentInputErrorFromCapture, type VariantAnswer } from "./assignment";
export type { MetricResult, ArmSummary } from "./metric-analysis";
export type { Guidance, Recommendation } from "./guidance";
