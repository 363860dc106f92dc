// Bayesian model for means: with many users per arm each arm's mean is normal with variance
// s^2 / n (flat prior), so the difference D = variant - control has a normal posterior. An
// optional N(0, priorVariance) prior on D shrinks small, noisy effects toward zero.
import { phi, phiDensity, zFor } from "./distributions";
import type { MeanArm } from "./means";
import { relativeLift } from "./relative-lift";

export interface NormalPosteriorResult {
  /** Posterior mean and standard deviation of variant - control. */
  diff: { mean: number; sd: number; ciLow: number; ciHigh: number };
  /** Relative difference with a delta-method credible interval (null when the control mean is 0). */
  relative: { mean: number; ciLow: number; ciHigh: number } | null;
  chanceToBeatControl: number;
  /** E[max(control - variant, 0)] */
  expectedLossVariant: number;
  /** E[max(variant - control, 0)] */
  expectedLossControl: number;
}

/** E[max(X, 0)] for X ~ N(m, s^2). */
const positivePart = (m: number, s: number) => (s > 0 ? m * phi(m / s) + s * phiDensity(m / s) : Math.max(m, 0));

export function normalPosterior(control: MeanArm, variant: MeanArm, options: { priorVariance?: number; credibility?: number } = {}): NormalPosteriorResult {
  const level = options.credibility ?? 0.95;
  const a = control.variance / control.n;
  const b = variant.variance / variant.n;
  let mean = variant.mean - control.mean;
  let variance = a + b;
  const tau2 = options.priorVariance;
  if (tau2 !== undefined && tau2 > 0 && variance > 0) {
    const shrink = tau2 / (tau2 + variance);
    mean *= shrink;
    variance *= shrink;
  }
  const sd = Math.sqrt(variance);
  const z = zFor(level);
  const rel = relativeLift(control.mean, a, variant.mean, b, level);
  return {
    diff: { mean, sd, ciLow: mean - z * sd, ciHigh: mean + z * sd },
    relative: rel && { mean: rel.lift, ciLow: rel.ciLow, ciHigh: rel.ciHigh },
    chanceToBeatControl: sd > 0 ? phi(mean / sd) : mean > 0 ? 1 : mean < 0 ? 0 : 0.5,
    expectedLossVariant: positivePart(-mean, sd),
    expectedLossControl: positivePart(mean, sd),
  };
}
