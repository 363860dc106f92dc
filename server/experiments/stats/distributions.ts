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

export { betaCdf, betaQuantile };
