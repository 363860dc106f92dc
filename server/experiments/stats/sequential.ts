// Always-valid inference for a difference (of means or of proportions): the normal-mixture
// sequential probability ratio test (mSPRT) of Johari, Pekelis and Walsh, "Always Valid
// Inference" (Operations Research 2022; arXiv 1512.04922, 2017), in the two-sample form whose
// confidence sequence is Howard et al.'s normal-mixture boundary ("Time-uniform, nonparametric,
// nonasymptotic confidence sequences", Ann. Statist. 2021, eq. 14).
//
// At a look, the estimate theta-hat of the difference has variance V (s_A^2/n_A + s_B^2/n_B,
// plugged in from the data). Mixing the likelihood ratio over theta ~ N(theta0, tau^2) gives
//   Lambda = sqrt(V / (V + tau^2)) * exp((theta-hat - theta0)^2 tau^2 / (2 V (V + tau^2))),
// a nonnegative martingale under theta = theta0, so by Ville's inequality P(ever Lambda >= 1/alpha)
// <= alpha. The always-valid p-value is the running minimum of 1/Lambda, and the confidence
// sequence is the running intersection of {theta0 : Lambda(theta0) < 1/alpha}:
//   theta-hat +/- sqrt(V (V + tau^2) / tau^2 * (2 ln(1/alpha) + ln((V + tau^2) / V))).
//
// The mixing variance tau^2 is fixed before the data are seen. Our default (mixingVarianceFor)
// makes the interval narrowest at the planned sample size from the power calculator: with
// r = tau^2 / V*, the width at V* is smallest where r = 2 ln(1/alpha) + ln(1 + r) (r = 8.22 at
// alpha = 0.05), so tau^2 = r V*. Any tau^2 keeps the guarantee; a poor one only costs width.

export interface SequentialOptions {
  /** tau^2, in squared units of the difference. */
  mixingVariance: number;
  alpha?: number;
  /** theta0, the difference under the null (0 unless testing a margin). */
  nullValue?: number;
}

export interface SequentialLook {
  /** The estimated difference at this look. */
  estimate: number;
  /** Variance of that estimate at this look. */
  variance: number;
}

export interface SequentialResult {
  /** 1 / Lambda at this look, capped at 1 (null when the variance is 0). */
  pValue: number | null;
  /** The confidence set at this look (before intersecting with earlier looks). */
  ciLow: number;
  ciHigh: number;
  logLikelihoodRatio: number | null;
}

/** r solving r = 2 ln(1/alpha) + ln(1 + r): the mixing variance in units of V that is best at V. */
export function optimalMixingRatio(alpha = 0.05): number {
  const c = 2 * Math.log(1 / alpha);
  let r = c;
  for (let i = 0; i < 100; i++) r = c + Math.log1p(r);
  return r;
}

/** tau^2 that makes the confidence sequence narrowest when the estimate's variance is `plannedVariance`. */
export function mixingVarianceFor(plannedVariance: number, alpha = 0.05): number {
  return optimalMixingRatio(alpha) * plannedVariance;
}

export function msprt(look: SequentialLook, options: SequentialOptions): SequentialResult {
  const alpha = options.alpha ?? 0.05;
  const tau2 = options.mixingVariance;
  if (!(tau2 > 0)) throw new RangeError("mixingVariance must be positive");
  const v = look.variance;
  if (!(v > 0)) return { pValue: null, ciLow: look.estimate, ciHigh: look.estimate, logLikelihoodRatio: null };
  const d = look.estimate - (options.nullValue ?? 0);
  const log = 0.5 * Math.log(v / (v + tau2)) + (d * d * tau2) / (2 * v * (v + tau2));
  const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log1p(tau2 / v)));
  return { pValue: Math.min(1, Math.exp(-log)), ciLow: look.estimate - half, ciHigh: look.estimate + half, logLikelihoodRatio: log };
}

export interface SequentialPoint extends SequentialResult {
  /** Running minimum of the per-look p-values: the always-valid p-value. */
  alwaysValidPValue: number | null;
  /** Running intersection of the per-look intervals: the confidence sequence. */
  csLow: number;
  csHigh: number;
}

/** The always-valid p-value and confidence sequence after each of a series of looks. */
export function sequentialSeries(looks: readonly SequentialLook[], options: SequentialOptions): SequentialPoint[] {
  let p: number | null = null;
  let low = -Infinity;
  let high = Infinity;
  return looks.map((look) => {
    const r = msprt(look, options);
    if (r.pValue !== null) {
      p = p === null ? r.pValue : Math.min(p, r.pValue);
      low = Math.max(low, r.ciLow);
      high = Math.min(high, r.ciHigh);
    }
    // An empty intersection can only happen on the alpha-probability event; show the latest set then.
    const empty = low > high;
    return { ...r, alwaysValidPValue: p, csLow: empty ? r.ciLow : low, csHigh: empty ? r.ciHigh : high };
  });
}

/** The look for a difference of proportions (unpooled variance). */
export function proportionsLook(control: { n: number; conversions: number }, variant: { n: number; conversions: number }): SequentialLook {
  const p1 = control.conversions / control.n;
  const p2 = variant.conversions / variant.n;
  return { estimate: p2 - p1, variance: (p1 * (1 - p1)) / control.n + (p2 * (1 - p2)) / variant.n };
}

/** The look for a difference of means (sample variances). */
export function meansLook(control: { n: number; mean: number; variance: number }, variant: { n: number; mean: number; variance: number }): SequentialLook {
  return { estimate: variant.mean - control.mean, variance: control.variance / control.n + variant.variance / variant.n };
}
