// Exact references: Evan Miller's closed form for P(B > A) with integer beta parameters
// ("Formulas for Bayesian A/B testing", evanmiller.org), and E[max(A - B, 0)] by quadrature, both
// with mpmath at 30-50 digits in tests/unit/stats-reference-values.py. Monte-Carlo checks draw
// from @stdlib/random-base-beta and -normal with fixed seeds.
import betaRandom from "@stdlib/random-base-beta";
import normalRandom from "@stdlib/random-base-normal";
import { describe, expect, it } from "vitest";
import { betaBinomial, expectedShortfall, normalPosterior, probabilityGreater } from "../../server/experiments/stats";
import { betaDensity } from "../../server/experiments/stats/distributions";

const DRAWS = 200_000;

function quantile(sorted: Float64Array, q: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

describe("beta density from distribution functions (DLMF 8.17.20)", { timeout: 30_000 }, () => {
  it("matches the closed form x^(a-1) (1-x)^(b-1) / B(a, b) to 1e-9 relative", () => {
    // beta_pdf(x, a, b) lines of the reference script
    const cases: [number, number, number, number][] = [
      [0.1, 101, 901, 42.058807651946524],
      [0.13, 121, 881, 24.708661496499199],
      [0.3, 3, 5, 2.268945],
      [0.9, 3, 5, 0.008505],
      [0.5, 1, 1, 1],
      [0.1003, 10001, 90001, 400.04908985934055],
      [0.0005, 2, 3000, 1004.5459763022717],
    ];
    for (const [x, a, b, f] of cases) expect(Math.abs(betaDensity(x, a, b) / f - 1)).toBeLessThan(1e-9);
    expect(betaDensity(0, 2, 3)).toBe(0);
    expect(betaDensity(1, 2, 3)).toBe(0);
  });
});

describe("beta-binomial: chance to beat control and expected loss", { timeout: 30_000 }, () => {
  // [A alpha, A beta, B alpha, B beta, P(B > A), E[max(A - B, 0)], E[max(B - A, 0)]]: beta A=(..) B=(..) lines of the script
  const exact: [number, number, number, number, number, number, number][] = [
    [101, 901, 121, 881, 0.92318343897355975, 0.00048461392635644373, 0.020444693766675805],
    [3, 5, 7, 4, 0.88296997120526532, 0.012931921020156314, 0.27429555738379268],
    [1, 1, 1, 1, 0.5, 1 / 6, 1 / 6],
    [41, 960, 35, 966, 0.24015358769835343, 0.0072008985699715022, 0.0012068925759655082],
    [1001, 9001, 1061, 8941, 0.91857189698344762, NaN, NaN],
  ];

  it("matches the exact closed form to 1e-9", () => {
    for (const [aa, ba, ab, bb, p, lossB, lossA] of exact) {
      const a = { alpha: aa, beta: ba };
      const b = { alpha: ab, beta: bb };
      expect(Math.abs(probabilityGreater(b, a) - p)).toBeLessThan(1e-9);
      expect(Math.abs(probabilityGreater(a, b) - (1 - p))).toBeLessThan(1e-9);
      if (!Number.isNaN(lossB)) {
        expect(Math.abs(expectedShortfall(b, a) - lossB)).toBeLessThan(1e-9);
        expect(Math.abs(expectedShortfall(a, b) - lossA)).toBeLessThan(1e-9);
      }
    }
  });

  it("agrees with a seeded Monte-Carlo estimate: chance to win, losses and credible intervals", () => {
    const control = { n: 1000, conversions: 100 };
    const variant = { n: 1000, conversions: 120 };
    const r = betaBinomial(control, variant);
    const draw = betaRandom.factory({ seed: 20261122 });
    const diffs = new Float64Array(DRAWS);
    const ratios = new Float64Array(DRAWS);
    let wins = 0;
    let lossVariant = 0;
    let lossControl = 0;
    for (let i = 0; i < DRAWS; i++) {
      const a = draw(101, 901);
      const b = draw(121, 881);
      if (b > a) wins++;
      lossVariant += Math.max(a - b, 0);
      lossControl += Math.max(b - a, 0);
      diffs[i] = b - a;
      ratios[i] = b / a - 1;
    }
    const p = wins / DRAWS;
    expect(Math.abs(r.chanceToBeatControl - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / DRAWS)); // about 0.0024
    expect(Math.abs(r.expectedLossVariant - lossVariant / DRAWS)).toBeLessThan(0.0001);
    expect(Math.abs(r.expectedLossControl - lossControl / DRAWS)).toBeLessThan(0.0002);
    const ratioMean = ratios.reduce((t, x) => t + x, 0) / DRAWS;
    expect(Math.abs(r.relative.mean - ratioMean)).toBeLessThan(0.002);
    diffs.sort();
    ratios.sort();
    expect(Math.abs(r.diff.ciLow - quantile(diffs, 0.025))).toBeLessThan(0.0005);
    expect(Math.abs(r.diff.ciHigh - quantile(diffs, 0.975))).toBeLessThan(0.0005);
    expect(Math.abs(r.relative.ciLow - quantile(ratios, 0.025))).toBeLessThan(0.005);
    expect(Math.abs(r.relative.ciHigh - quantile(ratios, 0.975))).toBeLessThan(0.005);
    // Each arm's interval is the beta quantiles of its posterior; the mean is alpha / (alpha + beta).
    expect(r.control.mean).toBeCloseTo(101 / 1002, 15);
    expect(r.control.ciLow).toBeLessThan(0.1);
    expect(r.variant.ciHigh).toBeGreaterThan(0.12);
  });

  it("agrees with Monte Carlo for arms of very different sizes (the integral runs over the narrower one)", () => {
    const r = betaBinomial({ n: 50_000, conversions: 2500 }, { n: 400, conversions: 26 });
    const draw = betaRandom.factory({ seed: 7 });
    let wins = 0;
    for (let i = 0; i < DRAWS; i++) if (draw(27, 375) > draw(2501, 47501)) wins++;
    const p = wins / DRAWS;
    expect(Math.abs(r.chanceToBeatControl - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / DRAWS));
  });

  it("takes a prior", () => {
    const flat = betaBinomial({ n: 10, conversions: 1 }, { n: 10, conversions: 3 });
    const strong = betaBinomial({ n: 10, conversions: 1 }, { n: 10, conversions: 3 }, { prior: { alpha: 50, beta: 450 } });
    expect(strong.control.posterior).toEqual({ alpha: 51, beta: 459 });
    expect(Math.abs(strong.chanceToBeatControl - 0.5)).toBeLessThan(Math.abs(flat.chanceToBeatControl - 0.5));
  });
});

describe("normal model for means", { timeout: 30_000 }, () => {
  it("gives Phi(diff / sd) and the closed-form expected loss, matching Monte Carlo", () => {
    const control = { n: 400, mean: 10, variance: 36 };
    const variant = { n: 500, mean: 10.6, variance: 49 };
    const r = normalPosterior(control, variant);
    const sd = Math.sqrt(36 / 400 + 49 / 500);
    expect(r.diff.mean).toBeCloseTo(0.6, 12);
    expect(r.diff.sd).toBeCloseTo(sd, 14);
    const draw = normalRandom.factory({ seed: 99 });
    let wins = 0;
    let lossVariant = 0;
    for (let i = 0; i < DRAWS; i++) {
      const d = draw(0.6, sd);
      if (d > 0) wins++;
      lossVariant += Math.max(-d, 0);
    }
    const p = wins / DRAWS;
    expect(Math.abs(r.chanceToBeatControl - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / DRAWS));
    expect(Math.abs(r.expectedLossVariant - lossVariant / DRAWS)).toBeLessThan(0.0005);
    // E[max(D, 0)] - E[max(-D, 0)] = E[D]
    expect(r.expectedLossControl - r.expectedLossVariant).toBeCloseTo(0.6, 12);
    expect(r.diff.ciHigh - r.diff.ciLow).toBeCloseTo(2 * 1.9599639845400542 * sd, 12);
  });

  it("shrinks toward zero with a prior on the effect", () => {
    const control = { n: 100, mean: 10, variance: 25 };
    const variant = { n: 100, mean: 11, variance: 25 };
    const r = normalPosterior(control, variant, { priorVariance: 0.5 });
    // posterior mean = 1 * 0.5 / (0.5 + 0.5), variance = 0.5 * 0.5 / 1
    expect(r.diff.mean).toBeCloseTo(0.5, 14);
    expect(r.diff.sd).toBeCloseTo(Math.sqrt(0.25), 14);
  });
});
