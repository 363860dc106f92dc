// Two-proportion z-test: the pooled standard error for the test (the null says both arms share
// one rate), the unpooled Wald interval for the difference, and the relative lift with a
// delta-method interval. Undefined quantities are null, never NaN or Infinity.
import { normalTwoSided, zFor } from "./distributions";
import { relativeLift } from "./relative-lift";

export interface ProportionArm {
  n: number;
  conversions: number;
}

export interface ProportionsResult {
  /** variant rate - control rate */
  diff: number;
  /** Pooled z; null when the pooled rate is 0 or 1 (both arms at 0% or both at 100%). */
  z: number | null;
  pValue: number | null;
  /** Unpooled Wald interval for `diff`. */
  ciLow: number;
  ciHigh: number;
  /** variant rate / control rate - 1; null when the control rate is 0. */
  relativeLift: number | null;
  relativeCiLow: number | null;
  relativeCiHigh: number | null;
  controlRate: number;
  variantRate: number;
}

export function twoProportionZTest(control: ProportionArm, variant: ProportionArm, confidence = 0.95): ProportionsResult {
  const p1 = control.conversions / control.n;
  const p2 = variant.conversions / variant.n;
  const diff = p2 - p1;
  const pooled = (control.conversions + variant.conversions) / (control.n + variant.n);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / variant.n));
  const z = sePooled > 0 ? diff / sePooled : null;
  const v1 = (p1 * (1 - p1)) / control.n;
  const v2 = (p2 * (1 - p2)) / variant.n;
  const half = zFor(confidence) * Math.sqrt(v1 + v2);
  const rel = relativeLift(p1, v1, p2, v2, confidence);
  return {
    diff,
    z,
    pValue: z === null ? null : normalTwoSided(z),
    ciLow: diff - half,
    ciHigh: diff + half,
    relativeLift: rel?.lift ?? null,
    relativeCiLow: rel?.ciLow ?? null,
    relativeCiHigh: rel?.ciHigh ?? null,
    controlRate: p1,
    variantRate: p2,
  };
}
