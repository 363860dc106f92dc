import normalRandom from "@stdlib/random-base-normal";
import { describe, expect, it } from "vitest";
import { covariateArm, cuped, pooledTheta, welchTTest } from "../../server/experiments/stats";

/** Users with a pre-exposure metric X ~ N(5, 1) and Y = 2 + 0.8 X + effect + N(0, 0.6^2): corr(X, Y)^2 = 0.64. */
function arm(draw: (m: number, s: number) => number, n: number, effect: number, slope = 0.8) {
  const x = Array.from({ length: n }, () => draw(5, 1));
  const y = x.map((v) => 2 + slope * v + effect + draw(0, 0.6));
  return covariateArm(y, x);
}

describe("CUPED", { timeout: 30_000 }, () => {
  it("computes theta = cov(Y, X) / var(X) over all users of both arms", () => {
    const y1 = [1, 2, 3, 4];
    const x1 = [2, 1, 4, 3];
    const y2 = [5, 7, 6];
    const x2 = [6, 5, 9];
    const ys = [...y1, ...y2];
    const xs = [...x1, ...x2];
    const my = ys.reduce((s, v) => s + v, 0) / ys.length;
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
    const cov = ys.reduce((s, v, i) => s + (v - my) * (xs[i]! - mx), 0);
    const varX = xs.reduce((s, v) => s + (v - mx) ** 2, 0);
    expect(pooledTheta([covariateArm(y1, x1), covariateArm(y2, x2)])).toBeCloseTo(cov / varX, 14);
  });

  it("keeps the difference unbiased and cuts its variance by about 1 - rho^2 when the covariate correlates", () => {
    const draw = normalRandom.factory({ seed: 3 });
    const raw: number[] = [];
    const adjusted: number[] = [];
    let reduction = 0;
    let covered = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const arms = [arm(draw, 500, 0), arm(draw, 500, 0.1)];
      const c = cuped(arms);
      raw.push(arms[1]!.meanY - arms[0]!.meanY);
      adjusted.push(c.arms[1]!.mean - c.arms[0]!.mean);
      reduction += (c.varianceReduction[0]! + c.varianceReduction[1]!) / 2;
      const t = welchTTest(c.arms[0]!, c.arms[1]!);
      if (t.ciLow <= 0.1 && 0.1 <= t.ciHigh) covered++;
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: number[]) => v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1);
    console.log(
      `CUPED, rho^2 = 0.64: per-user variance reduced by ${(reduction / runs).toFixed(3)}; variance of the estimated difference ${variance(raw).toExponential(2)} -> ${variance(adjusted).toExponential(2)}; adjusted Welch coverage ${(covered / runs).toFixed(3)}`,
    );
    expect(reduction / runs).toBeCloseTo(0.64, 1);
    expect(variance(adjusted) / variance(raw)).toBeGreaterThan(0.25);
    expect(variance(adjusted) / variance(raw)).toBeLessThan(0.5);
    expect(Math.abs(mean(adjusted) - 0.1)).toBeLessThan(4 * Math.sqrt(variance(adjusted) / runs));
    expect(covered / runs).toBeGreaterThan(0.92);
  });

  it("changes almost nothing when the covariate does not correlate", () => {
    const draw = normalRandom.factory({ seed: 4 });
    const c = cuped([arm(draw, 2000, 0, 0), arm(draw, 2000, 0, 0)]);
    expect(Math.abs(c.theta)).toBeLessThan(0.05);
    for (const r of c.varianceReduction) expect(Math.abs(r)).toBeLessThan(0.01);
  });
});
