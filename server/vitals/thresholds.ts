/**
 * Core Web Vitals and their published thresholds. A value at or below `good` is good, above `poor`
 * is poor, in between needs improvement; a page passes when its 75th percentile is good.
 * Sources (web.dev): https://web.dev/articles/lcp, /inp, /cls, /fcp, /ttfb and
 * https://web.dev/articles/defining-core-web-vitals-thresholds (the p75 rule). The same numbers
 * are the `thresholds` the `web-vitals` package (which our browser SDK uses) rates with.
 */
export const VITALS = [
  { metric: "LCP", name: "Largest Contentful Paint", unit: "ms", good: 2500, poor: 4000 },
  { metric: "INP", name: "Interaction to Next Paint", unit: "ms", good: 200, poor: 500 },
  { metric: "CLS", name: "Cumulative Layout Shift", unit: "", good: 0.1, poor: 0.25 },
  { metric: "FCP", name: "First Contentful Paint", unit: "ms", good: 1800, poor: 3000 },
  { metric: "TTFB", name: "Time to First Byte", unit: "ms", good: 800, poor: 1800 },
] as const;

export type VitalMetric = (typeof VITALS)[number]["metric"];
export type VitalRating = "good" | "needs-improvement" | "poor";

export const VITAL_METRICS: VitalMetric[] = VITALS.map((v) => v.metric);

/** The SDK's `$web_vitals` event carries each metric as `$web_vitals_<METRIC>_value`. */
export const WEB_VITALS_EVENT = "$web_vitals";
export function vitalPropertyKey(metric: VitalMetric): string {
  return `$web_vitals_${metric}_value`;
}

export function vitalThresholds(metric: VitalMetric): { good: number; poor: number } {
  const v = VITALS.find((x) => x.metric === metric);
  if (!v) throw new Error(`unknown web vital ${metric}`);
  return { good: v.good, poor: v.poor };
}

export function rateVital(metric: VitalMetric, value: number): VitalRating {
  const { good, poor } = vitalThresholds(metric);
  if (value > poor) return "poor";
  if (value > good) return "needs-improvement";
  return "good";
}
