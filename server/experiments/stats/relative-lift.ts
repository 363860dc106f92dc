// Relative difference (variant / control - 1) with a delta-method interval, shared by proportions
// and means: for independent estimates, Var(B / A) ~= Var(B) / A^2 + B^2 Var(A) / A^4.
import { zFor } from "./distributions";

export interface RelativeLift {
  lift: number;
  ciLow: number;
  ciHigh: number;
  se: number;
}

/**
 * `control` and `variant` are the two estimates (a rate or a mean) and `controlVar`, `variantVar`
 * the variances of those estimates (e.g. p(1-p)/n or s^2/n). Null when the control estimate is 0:
 * a lift relative to nothing is undefined.
 */
export function relativeLift(control: number, controlVar: number, variant: number, variantVar: number, confidence = 0.95): RelativeLift | null {
  if (control === 0) return null;
  const lift = variant / control - 1;
  const se = Math.sqrt(variantVar / control ** 2 + (variant ** 2 * controlVar) / control ** 4);
  const half = zFor(confidence) * se;
  return { lift, ciLow: lift - half, ciHigh: lift + half, se };
}
