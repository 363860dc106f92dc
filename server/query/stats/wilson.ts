import type { Proportion } from "../schema/funnels";

/** Two-sided 95%: the standard normal quantile at 0.975. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` out of `trials` (Wilson 1927; Newcombe 1998 method 3,
 * no continuity correction). Stays inside [0, 1] and behaves at 0 and n, unlike the Wald
 * interval. With no trials there is no information: rate 0, interval [0, 1].
 */
export function wilson(successes: number, trials: number, z = Z95): Proportion {
  if (!(trials > 0)) return { rate: 0, low: 0, high: 1 };
  if (successes < 0 || successes > trials) throw new RangeError(`wilson: ${successes} successes out of ${trials} trials`);
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return {
    rate: p,
    low: successes === 0 ? 0 : Math.max(0, center - half),
    high: successes === trials ? 1 : Math.min(1, center + half),
  };
}
