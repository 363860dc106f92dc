// Bayesian model for conversion rates: each arm's rate has a Beta(prior + conversions,
// prior + failures) posterior. P(B > A) = integral of f_B(x) F_A(x) dx, by adaptive Gauss-Kronrod
// on pieces cut at both posteriors' means +/- 3, 6, 10 and 20 standard deviations, so the peaks
// are never stepped over. Expected losses use the same integral through
// x f(x; a, b) = a / (a + b) f(x; a + 1, b). Credible intervals for the difference and the
// relative lift invert P(B - A <= d) = integral of f_A(x) F_B(x + d) dx (and its ratio form) on
// fixed Gauss-Legendre nodes over the narrower posterior, so the density is computed once.
import { betaCdf, betaDensity, betaQuantile } from "./distributions";
import { integrate } from "./integrate";
import type { ProportionArm } from "./proportions";
import { invertIncreasing } from "./invert";

export interface BetaPosterior {
  alpha: number;
  beta: number;
}

export type BetaPrior = BetaPosterior;

/** Uniform prior: Beta(1, 1). */
export const UNIFORM_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

export function betaPosterior(arm: ProportionArm, prior: BetaPrior = UNIFORM_PRIOR): BetaPosterior {
  return { alpha: prior.alpha + arm.conversions, beta: prior.beta + arm.n - arm.conversions };
}

const betaMean = (p: BetaPosterior) => p.alpha / (p.alpha + p.beta);
const betaSd = (p: BetaPosterior) => Math.sqrt((p.alpha * p.beta) / ((p.alpha + p.beta) ** 2 * (p.alpha + p.beta + 1)));

/** Cut points in (0, 1) around each posterior's bulk. */
function cuts(...ps: BetaPosterior[]): number[] {
  const points = new Set<number>([0, 1]);
  for (const p of ps) {
    const m = betaMean(p);
    const s = betaSd(p);
    for (const k of [-20, -10, -6, -3, 0, 3, 6, 10, 20]) points.add(Math.min(1, Math.max(0, m + k * s)));
  }
  return [...points].sort((x, y) => x - y);
}

function integrateOver(points: number[], f: (x: number) => number): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) if (points[i]! > points[i - 1]!) total += integrate(f, points[i - 1]!, points[i]!, 1e-13);
  return total;
}

/** P(B > A) for independent beta variables, to about 1e-12. */
export function probabilityGreater(b: BetaPosterior, a: BetaPosterior): number {
  // Integrate over the narrower posterior's density: the other's distribution function is then smooth across it.
  const p =
    betaSd(b) <= betaSd(a)
      ? integrateOver(cuts(a, b), (x) => betaDensity(x, b.alpha, b.beta) * betaCdf(x, a.alpha, a.beta))
      : 1 - integrateOver(cuts(a, b), (x) => betaDensity(x, a.alpha, a.beta) * betaCdf(x, b.alpha, b.beta));
  return Math.min(1, Math.max(0, p));
}

/** E[max(A - B, 0)]: what choosing B costs, in rate, when A is in fact better. */
export function expectedShortfall(b: BetaPosterior, a: BetaPosterior): number {
  const aUp = { alpha: a.alpha + 1, beta: a.beta };
  const bUp = { alpha: b.alpha + 1, beta: b.beta };
  // E[A 1{A > B}] - E[B 1{A > B}]
  return Math.max(0, betaMean(a) * probabilityGreater(aUp, b) - betaMean(b) * probabilityGreater(a, bUp));
}

interface ArmSummary {
  posterior: BetaPosterior;
  mean: number;
  ciLow: number;
  ciHigh: number;
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
  relative: { mean: number; ciLow: number; ciHigh: number };
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
  const diffCdf = differenceCdf(a, b);
  const ratioCdf = ratioMinusOneCdf(a, b);
  return {
    chanceToBeatControl: probabilityGreater(b, a),
    expectedLossVariant: expectedShortfall(b, a),
    expectedLossControl: expectedShortfall(a, b),
    control: summary(a, level),
    variant: summary(b, level),
    diff: { mean: betaMean(b) - betaMean(a), ciLow: invertIncreasing(diffCdf, tail, -1, 1), ciHigh: invertIncreasing(diffCdf, 1 - tail, -1, 1) },
    relative: {
      // E[B / A] = E[B] E[1 / A] = E[B] (alpha + beta - 1) / (alpha - 1), defined for alpha > 1
      mean: a.alpha > 1 ? (betaMean(b) * (a.alpha + a.beta - 1)) / (a.alpha - 1) - 1 : Infinity,
      ciLow: invertIncreasing(ratioCdf, tail, -1, ratioUpper(a, b)),
      ciHigh: invertIncreasing(ratioCdf, 1 - tail, -1, ratioUpper(a, b)),
    },
  };
}

// Composite Gauss-Legendre (8 points on each of 16 panels) over the narrower posterior's mean +/- 10 sd.
const GL_X = [-0.960289856497536, -0.796666477413627, -0.525532409916329, -0.18343464249565, 0.18343464249565, 0.525532409916329, 0.796666477413627, 0.960289856497536];
const GL_W = [0.101228536290376, 0.222381034453374, 0.313706645877887, 0.362683783378362, 0.362683783378362, 0.313706645877887, 0.222381034453374, 0.101228536290376];

function nodes(p: BetaPosterior): { x: number; w: number }[] {
  const lo = Math.max(0, betaMean(p) - 10 * betaSd(p));
  const hi = Math.min(1, betaMean(p) + 10 * betaSd(p));
  const panels = 16;
  const h = (hi - lo) / panels;
  const out: { x: number; w: number }[] = [];
  for (let k = 0; k < panels; k++) {
    for (let j = 0; j < 8; j++) {
      const x = lo + h * (k + (GL_X[j]! + 1) / 2);
      out.push({ x, w: (h / 2) * GL_W[j]! * betaDensity(x, p.alpha, p.beta) });
    }
  }
  const total = out.reduce((s, n) => s + n.w, 0);
  return out.map((n) => ({ x: n.x, w: n.w / total }));
}

/** d -> P(B - A <= d) */
export function differenceCdf(a: BetaPosterior, b: BetaPosterior): (d: number) => number {
  if (betaSd(a) <= betaSd(b)) {
    const ns = nodes(a);
    return (d) => ns.reduce((s, n) => s + n.w * betaCdf(n.x + d, b.alpha, b.beta), 0);
  }
  const ns = nodes(b);
  return (d) => ns.reduce((s, n) => s + n.w * (1 - betaCdf(n.x - d, a.alpha, a.beta)), 0);
}

/** r -> P(B / A - 1 <= r) */
export function ratioMinusOneCdf(a: BetaPosterior, b: BetaPosterior): (r: number) => number {
  if (betaSd(a) <= betaSd(b)) {
    const ns = nodes(a);
    return (r) => ns.reduce((s, n) => s + n.w * betaCdf((1 + r) * n.x, b.alpha, b.beta), 0);
  }
  const ns = nodes(b);
  return (r) => ns.reduce((s, n) => s + n.w * (1 - betaCdf(n.x / (1 + r), a.alpha, a.beta)), 0);
}

const ratioUpper = (a: BetaPosterior, b: BetaPosterior) => Math.max(1, 1000 * (betaMean(b) / betaMean(a)));
