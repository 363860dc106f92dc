// The distribution functions the statistics use, from @stdlib (never hand-written), named for
// what the tests need: two-sided tails are taken from the lower tail of -|x| so that small
// p-values keep their relative precision instead of cancelling in 1 - cdf.
import betaCdf from "@stdlib/stats-base-dists-beta-cdf";
import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Standard normal distribution function. */
export const phi = (z: number): number => normalCdf(z, 0, 1);
/** Standard normal quantile. */
export const phiInverse = (p: number): number => normalQuantile(p, 0, 1);
/** Standard normal density (the closed form; stdlib's normal-pdf is not a dependency). */
export const phiDensity = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** Two-sided p-value of a standard normal statistic. */
export const normalTwoSided = (z: number): number => Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
/** Two-sided p-value of a Student t statistic with `df` degrees of freedom. */
export const tTwoSided = (t: number, df: number): number => Math.min(1, 2 * tCdf(-Math.abs(t), df));
/** Upper-tail probability of a chi-square statistic. */
export const chisquareUpper = (x: number, df: number): number => 1 - chisquareCdf(x, df);

/** z such that a two-sided interval of the standard normal has this coverage (1.959963984540054 for 0.95). */
export const zFor = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2, 0, 1);
/** t quantile for a two-sided interval with this coverage. */
export const tFor = (confidence: number, df: number): number => tQuantile(1 - (1 - confidence) / 2, df);

/**
 * Beta density, from distribution functions only (stdlib's beta-pdf is not a dependency), by the
 * recurrence I_x(a, b) - I_x(a + 1, b) = x^a (1 - x)^b / (a B(a, b)) (DLMF 8.17.20), so
 * f(x) = a (I_x(a, b) - I_x(a + 1, b)) / (x (1 - x)). Above the mode both terms are taken from the
 * upper tail, I_{1-x}(b, a + 1) - I_{1-x}(b, a), so that the difference keeps its precision.
 */
export function betaDensity(x: number, a: number, b: number): number {
  if (!(x > 0 && x < 1)) return 0;
  const diff = x < a / (a + b) ? betaCdf(x, a, b) - betaCdf(x, a + 1, b) : betaCdf(1 - x, b, a + 1) - betaCdf(1 - x, b, a);
  return Math.max(0, (a * diff) / (x * (1 - x)));
}

export { betaCdf, betaQuantile };
