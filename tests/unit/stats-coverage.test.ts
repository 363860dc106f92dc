// Seeded coverage simulations: the fixed-horizon intervals hold about 95% of the time.
import normalRandom from "@stdlib/random-base-normal";
import { describe, expect, it } from "vitest";
import { normalPosterior, twoProportionZTest, welchTTest } from "../../server/experiments/stats";

const RUNS = 4000;
// 4000 runs: the standard error of a 95% coverage estimate is 0.0034; allow about 3.
const near95 = (c: number) => {
  expect(c).toBeGreaterThan(0.94);
  expect(c).toBeLessThan(0.96);
};

describe("interval coverage", { timeout: 30_000 }, () => {
  it("Wald interval for a difference of proportions (10% vs 12%, 2000 users per arm)", () => {
    const uniform = normalRandom.factory({ seed: 1 }).PRNG;
    let covered = 0;
    let relCovered = 0;
    for (let run = 0; run < RUNS; run++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < 2000; i++) {
        if (uniform() < 0.1) a++;
        if (uniform() < 0.12) b++;
      }
      const r = twoProportionZTest({ n: 2000, conversions: a }, { n: 2000, conversions: b });
      if (r.ciLow <= 0.02 && 0.02 <= r.ciHigh) covered++;
      if (r.relativeCiLow! <= 0.2 && 0.2 <= r.relativeCiHigh!) relCovered++;
    }
    console.log(`coverage: Wald difference ${(covered / RUNS).toFixed(3)}, delta-method relative lift ${(relCovered / RUNS).toFixed(3)}`);
    near95(covered / RUNS);
    near95(relCovered / RUNS);
  });

  it("Welch interval with unequal variances and small, unequal arms (15 vs 40 users, sd 1 vs 3)", () => {
    const draw = normalRandom.factory({ seed: 2 });
    let covered = 0;
    let bayesCovered = 0;
    for (let run = 0; run < RUNS; run++) {
      const x = Array.from({ length: 15 }, () => draw(5, 1));
      const y = Array.from({ length: 40 }, () => draw(5.5, 3));
      const arm = (v: number[]) => {
        const m = v.reduce((s, t) => s + t, 0) / v.length;
        return { n: v.length, mean: m, variance: v.reduce((s, t) => s + (t - m) ** 2, 0) / (v.length - 1) };
      };
      const r = welchTTest(arm(x), arm(y));
      if (r.ciLow <= 0.5 && 0.5 <= r.ciHigh) covered++;
      const b = normalPosterior(arm(x), arm(y));
      if (b.diff.ciLow <= 0.5 && 0.5 <= b.diff.ciHigh) bayesCovered++;
    }
    console.log(`coverage: Welch ${(covered / RUNS).toFixed(3)}, normal-model credible interval at n = 15/40 ${(bayesCovered / RUNS).toFixed(3)}`);
    near95(covered / RUNS);
    // The normal model ignores the t correction, so at these tiny sizes it is a little short.
    expect(bayesCovered / RUNS).toBeGreaterThan(0.92);
  });
});
