// CUPED (Deng, Xu, Kohavi, Walker, "Improving the sensitivity of online controlled experiments by
// utilizing pre-experiment data", WSDM 2013): each user's metric Y is replaced by
// Y - theta (X - mean X), X being the same user's pre-exposure covariate. theta = cov(Y, X) / var(X)
// is computed on all users pooled across arms (X is independent of the assignment, so one theta
// keeps the arms comparable); the adjusted means stay unbiased for the difference and the
// variance drops by the factor 1 - rho^2.
import type { MeanArm } from "./means";

/** Per-arm sufficient statistics of (Y, X); variances and covariance with denominator n - 1. */
export interface CovariateArm {
  n: number;
  meanY: number;
  meanX: number;
  varY: number;
  varX: number;
  covXY: number;
}

export interface CupedResult {
  theta: number;
  /** Adjusted arms, ready for welchTTest / normalPosterior / the sequential look. */
  arms: MeanArm[];
  /** Share of each arm's variance removed: 1 - adjusted variance / original variance. */
  varianceReduction: number[];
}

/** Sufficient statistics of one arm from raw per-user values. */
export function covariateArm(y: readonly number[], x: readonly number[]): CovariateArm {
  const n = y.length;
  if (x.length !== n) throw new RangeError("y and x must have the same length");
  let my = 0;
  let mx = 0;
  for (let i = 0; i < n; i++) {
    my += y[i]!;
    mx += x[i]!;
  }
  my /= n;
  mx /= n;
  let syy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dy = y[i]! - my;
    const dx = x[i]! - mx;
    syy += dy * dy;
    sxx += dx * dx;
    sxy += dx * dy;
  }
  return { n, meanY: my, meanX: mx, varY: syy / (n - 1), varX: sxx / (n - 1), covXY: sxy / (n - 1) };
}

/** theta from all arms' users pooled: total covariance over total variance of X. */
export function pooledTheta(arms: readonly CovariateArm[]): number {
  const n = arms.reduce((s, a) => s + a.n, 0);
  const mx = arms.reduce((s, a) => s + a.n * a.meanX, 0) / n;
  const my = arms.reduce((s, a) => s + a.n * a.meanY, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const a of arms) {
    sxx += (a.n - 1) * a.varX + a.n * (a.meanX - mx) ** 2;
    sxy += (a.n - 1) * a.covXY + a.n * (a.meanX - mx) * (a.meanY - my);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

export function cuped(arms: readonly CovariateArm[]): CupedResult {
  const theta = pooledTheta(arms);
  const n = arms.reduce((s, a) => s + a.n, 0);
  const mx = arms.reduce((s, a) => s + a.n * a.meanX, 0) / n;
  const adjusted = arms.map((a) => ({
    n: a.n,
    mean: a.meanY - theta * (a.meanX - mx),
    variance: Math.max(0, a.varY + theta * theta * a.varX - 2 * theta * a.covXY),
  }));
  return { theta, arms: adjusted, varianceReduction: arms.map((a, i) => (a.varY > 0 ? 1 - adjusted[i]!.variance / a.varY : 0)) };
}
