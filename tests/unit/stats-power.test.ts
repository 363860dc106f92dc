// References: R's power.prop.test help examples (printed output: n = 76.7 per group for
// p1 = .50, p2 = .75, power = .90; power = 0.7401659 for n = 50) and the same closed form in
// mpmath (tests/unit/stats-reference-values.py, "prop n" / "prop power" / "means n" lines).
import normalRandom from "@stdlib/random-base-normal";
import { describe, expect, it } from "vitest";
import { meansPower, meansSampleSize, minimumSampleSize, proportionsPower, proportionsSampleSize, sampleSize, sampleSizeInputSchema, twoProportionZTest } from "../../server/experiments/stats";

describe("power and sample size", { timeout: 30_000 }, () => {
  it("reproduces R's power.prop.test examples", () => {
    expect(proportionsSampleSize(0.5, 0.75, { power: 0.9 })).toBeCloseTo(76.7, 1);
    expect(proportionsPower(50, 0.5, 0.75)).toBeCloseTo(0.7401659, 7);
    expect(Math.abs(proportionsSampleSize(0.5, 0.75, { power: 0.9 }) - 76.706928451777447)).toBeLessThan(1e-9);
    expect(Math.abs(proportionsPower(50, 0.5, 0.75) - 0.74016590133138782)).toBeLessThan(1e-9);
    expect(Math.abs(proportionsSampleSize(0.1, 0.11) / 14750.790469044939 - 1)).toBeLessThan(1e-9);
  });

  it("sizes means by 2 sd^2 (z_alpha/2 + z_beta)^2 / delta^2, and inverts to the asked power", () => {
    expect(Math.abs(meansSampleSize(1, 4) - 251.16415149917085)).toBeLessThan(1e-9);
    expect(meansPower(meansSampleSize(1, 4), 1, 4)).toBeCloseTo(0.8, 12);
    expect(proportionsPower(proportionsSampleSize(0.2, 0.23, { power: 0.9, alpha: 0.01 }), 0.2, 0.23, 0.01)).toBeCloseTo(0.9, 12);
    expect(minimumSampleSize(76.706928451777447)).toBe(77);
    expect(minimumSampleSize(251)).toBe(251);
  });

  it("delivers the planned power in simulation (10% -> 12%, seeded)", () => {
    const n = minimumSampleSize(proportionsSampleSize(0.1, 0.12));
    const uniform = normalRandom.factory({ seed: 6 }).PRNG;
    const runs = 1000;
    let rejected = 0;
    for (let run = 0; run < runs; run++) {
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        if (uniform() < 0.1) a++;
        if (uniform() < 0.12) b++;
      }
      if (twoProportionZTest({ n, conversions: a }, { n, conversions: b }).pValue! < 0.05) rejected++;
    }
    console.log(`power: n = ${n} per arm for 10% -> 12%, simulated power ${(rejected / runs).toFixed(3)}`);
    expect(Math.abs(rejected / runs - 0.8)).toBeLessThan(0.05);
  });

  it("answers the setup wizard from a baseline and a relative effect, validating the input", () => {
    expect(sampleSize({ kind: "proportion", baselineRate: 0.1, relativeEffect: 0.1 })).toEqual({ perArm: 14751, total: 29502 });
    expect(sampleSize({ kind: "mean", sd: 4, effect: 1, arms: 3 })).toEqual({ perArm: 252, total: 756 });
    const bad = sampleSizeInputSchema.safeParse({ kind: "proportion", baselineRate: 1.5, relativeEffect: 0 });
    expect(bad.error!.issues.map((i) => i.path.join("."))).toEqual(["baselineRate", "relativeEffect"]);
  });
});
