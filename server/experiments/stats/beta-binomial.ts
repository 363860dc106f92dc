// Bayesian model for conversion rates: each arm's rate has a Beta(prior + conversions,
// prior + failures) posterior. P(variant > control) is computed by numerical integration,
// P(B > A) = E[F_A(B)] = integral over u in (0,1) of F_A(Q_B(u)), which needs only the beta
// distribution and quantile functions; the outer variable is the arm with the narrower posterior,
// so the integrand stays smooth. Expected losses follow from the same integral through
// x f(x; a, b) = a / (a + b) f(x; a + 1, b).
import { betaCdf, betaQuantile } from "./distributions";
import { integrate } from "./integrate";
import type { ProportionArm } from "./proportions";
import { expectationOverQuantiles, invertIncreasing } from "./quantile-expectation";

export interface BetaPosterior {
  alpha: number;
  beta: number;
}

export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** Uniform prior: Beta(1, 1). */
export const UNIFORM_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

export function betaPosterior(arm: ProportionArm, prior: BetaPrior = UNIFORM_PRIOR): BetaPosterior {
  return { alpha: prior.alpha + arm.conversions, beta: prior.beta + arm.n - arm.conversions };
}

const betaMean = (p: BetaPosterior) => p.alpha / (p.alpha + p.beta);
const betaVariance = (p: BetaPosterior) => (p.alpha * p.beta) / ((p.alpha + p.beta) ** 2 * (p.alpha + p.beta + 1));

/** P(B > A) for independent beta variables, to about 1e-12. */
export function probabilityGreater(b: BetaPosterior, a: BetaPosterior): number {
  if (betaVariance(b) <= betaVariance(a)) {
    return clamp01(integrate((u) => betaCdf(betaQuantile(u, b.alpha, b.beta), a.alpha, a.beta), 0, 1));
  }
  return clamp01(1 - integrate((u) => betaCdf(betaQuantile(u, a.alpha, a.beta), b.alpha, b.beta), 0, 1));
}

/** E[max(A - B, 0)]: what choosing B costs, in rate, when A is in fact better. */
export function expectedShortfall(b: BetaPosterior, a: BetaPosterior): number {
  const aUp = { alpha: a.alpha + 1, beta: a.beta };
  const bUp = { alpha: b.alpha + 1, beta: b.beta };
  // E[A 1{A > B}] - E[B 1{A > B}]
  return Math.max(0, betaMean(a) * probabilityGreater(aUp, b) - betaMean(b) * probabilityGreater(a, bUp));
}

export interface BetaBinomialResult {
  /** P(variant rate > control rate) */
  chanceToBeatControl: number;
  /** E[max(control - variant, 0)]: expected loss of shipping the variant. */
  expectedLossVariant: number;
  /** E[max(variant - control, 0)]: expected loss of keeping the control. */
  expectedLossControl: number;
  control: ArmSummary;
  variant: ArmSummary;
  /** Equal-tailed credible interval for variant rate - control rate. */
  diff: { mean: number; ciLow: number; ciHigh: number };
  /** Equal-tailed credible interval for variant rate / control rate - 1. */
  relative: { ciLow: number; ciHigh: number };
}

interface ArmSummary {
  posterior: BetaPosterior;
  mean: number;
  ciLow: number;
  ciHigh: number;
}

function summary(p: BetaPosterior, level: number): ArmSummary {
  const tail = (1 - level) / 2;
  return { posterior: p, mean: betaMean(p), ciLow: betaQuantile(tail, p.alpha, p.beta), ciHigh: betaQuantile(1 - tail, p.alpha, p.beta) };
}

export function betaBinomial(control: ProportionArm, variant: ProportionArm, options: { prior?: BetaPrior; credibility?: number } = {}): BetaBinomialResult {
  const prior = options.prior ?? UNIFORM_PRIOR;
  const level = options.credibility ?? 0.95;
  const a = betaPosterior(control, prior);
  const b = betaPosterior(variant, prior);
  const tail = (1 - level) / 2;
  return {
    chanceToBeatControl: probabilityGreater(b, a),
    expectedLossVariant: expectedShortfall(b, a),
    expectedLossControl: expectedShortfall(a, b),
    control: summary(a, level),
    variant: summary(b, level),
    diff: {
      mean: betaMean(b) - betaMean(a),
      ciLow: differenceQuantile(a, b, tail),
      ciHigh: differenceQuantile(a, b, 1 - tail),
    },
    relative: { ciLow: ratioQuantile(a, b, tail), ciHigh: ratioQuantile(a, b, 1 - tail) },
  };
}

/** Quantile of B - A, by inverting P(B - A <= d), computed over the narrower arm's quantiles. */
export function differenceQuantile(a: BetaPosterior, b: BetaPosterior, q: number): number {
  const cdf =
    betaVariance(a) <= betaVariance(b)
      ? expectationOverQuantiles((u) => betaQuantile(u, a.alpha, a.beta), (x) => (d: number) => betaCdf(x + d, b.alpha, b.beta))
      : expectationOverQuantiles((u) => betaQuantile(u, b.alpha, b.beta), (x) => (d: number) => 1 - betaCdf(x - d, a.alpha, a.beta));
  return invertIncreasing(cdf, q, -1, 1);
}

/** Quantile of B / A - 1, by inverting P(B <= (1 + r) A). */
export function ratioQuantile(a: BetaPosterior, b: BetaPosterior, q: number): number {
  const cdf =
    betaVariance(a) <= betaVariance(b)
      ? expectationOverQuantiles((u) => betaQuantile(u, a.alpha, a.beta), (x) => (r: number) => betaCdf((1 + r) * x, b.alpha, b.beta))
      : expectationOverQuantiles((u) => betaQuantile(u, b.alpha, b.beta), (y) => (r: number) => 1 - betaCdf(y / (1 + r), a.alpha, a.beta));
  const upper = Math.max(1, 100 * (betaMean(b) / betaMean(a)));
  return invertIncreasing(cdf, q, -1 + 1e-12, upper);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
