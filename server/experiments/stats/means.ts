// Welch's t-test for a difference of means from per-arm summaries (n, mean, sample variance
// with the n - 1 denominator), with Welch-Satterthwaite degrees of freedom, the t interval for
// the difference and a delta-method interval for the relative difference.
import { tFor, tTwoSided } from "./distributions";
import { relativeLift } from "./relative-lift";

export interface MeanArm {
  n: number;
  mean: number;
  /** Sample variance (denominator n - 1). */
  variance: number;
}

export interface MeansResult {
  /** variant mean - control mean */
  diff: number;
  /** Null when both variances are 0 (the standard error is 0). */
  t: number | null;
  df: number | null;
  pValue: number | null;
  /** t interval for `diff`; collapses to [diff, diff] when the standard error is 0. */
  ciLow: number;
  ciHigh: number;
  se: number;
  relativeLift: number | null;
  relativeCiLow: number | null;
  relativeCiHigh: number | null;
}

export function welchTTest(control: MeanArm, variant: MeanArm, confidence = 0.95): MeansResult {
  const a = control.variance / control.n;
  const b = variant.variance / variant.n;
  const diff = variant.mean - control.mean;
  const se = Math.sqrt(a + b);
  const rel = relativeLift(control.mean, a, variant.mean, b, confidence);
  const relative = { relativeLift: rel?.lift ?? null, relativeCiLow: rel?.ciLow ?? null, relativeCiHigh: rel?.ciHigh ?? null };
  if (!(se > 0)) return { diff, t: null, df: null, pValue: null, ciLow: diff, ciHigh: diff, se: 0, ...relative };
  const df = (a + b) ** 2 / (a ** 2 / (control.n - 1) + b ** 2 / (variant.n - 1));
  const t = diff / se;
  const half = tFor(confidence, df) * se;
  return { diff, t, df, pValue: tTwoSided(t, df), ciLow: diff - half, ciHigh: diff + half, se, ...relative };
}
