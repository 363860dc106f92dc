import { describe, expect, it } from "vitest";
import { analyzeExperiment, experimentAnalysisSchema, holm, mixingVarianceFor, msprt, proportionsLook, twoProportionZTest } from "../../server/experiments/stats";

const plan = { perArm: 4000, variancePerUser: 0.09 };
const looks = [
  { at: "2026-11-01", arms: { control: { n: 1000, conversions: 100 }, blue: { n: 1000, conversions: 118 }, green: { n: 1000, conversions: 96 } } },
  { at: "2026-11-02", arms: { control: { n: 2000, conversions: 200 }, blue: { n: 2000, conversions: 262 }, green: { n: 2000, conversions: 190 } } },
  { at: "2026-11-03", arms: { control: { n: 3000, conversions: 300 }, blue: { n: 3000, conversions: 400 }, green: { n: 3000, conversions: 290 } } },
];

describe("experiment analysis (the results page's numbers)", { timeout: 30_000 }, () => {
  it("gives each variant the sequential series, fixed-horizon and Bayesian results, adjusted across variants", () => {
    const r = analyzeExperiment({ kind: "proportion", controlKey: "control", plan, looks });
    expect(r.variants.map((v) => v.key)).toEqual(["blue", "green"]);
    expect(r.srm.mismatch).toBe(false);
    const blue = r.variants[0]!;
    const tau2 = mixingVarianceFor((2 * 0.09) / 4000);
    const perLook = looks.map((l) => msprt(proportionsLook(l.arms.control, l.arms.blue), { mixingVariance: tau2 }));
    expect(blue.sequential.series).toHaveLength(3);
    expect(blue.sequential.pValue).toBe(Math.min(...perLook.map((p) => p.pValue!)));
    expect(blue.sequential.ciLow).toBe(Math.max(...perLook.map((p) => p.ciLow)));
    expect(blue.sequential.ciHigh).toBe(Math.min(...perLook.map((p) => p.ciHigh)));
    const fixed = twoProportionZTest({ n: 3000, conversions: 300 }, { n: 3000, conversions: 400 });
    expect(blue.fixedHorizon.pValue).toBe(fixed.pValue);
    expect(blue.fixedHorizon.ciLow).toBe(fixed.ciLow);
    const green = r.variants[1]!;
    expect([blue.fixedHorizon.adjustedPValue, green.fixedHorizon.adjustedPValue]).toEqual(holm([blue.fixedHorizon.pValue!, green.fixedHorizon.pValue!]));
    expect([blue.sequential.adjustedPValue, green.sequential.adjustedPValue]).toEqual(holm([blue.sequential.pValue!, green.sequential.pValue!]));
    expect(blue.verdict).toBe("variant-better");
    expect(green.verdict).toBe("inconclusive");
    expect(blue.bayesian.chanceToBeatControl).toBeGreaterThan(0.99);
    expect(green.bayesian.chanceToBeatControl).toBeLessThan(0.5);
  });

  it("reports a sample ratio mismatch against the intended weights and says so in every verdict", () => {
    const skewed = [{ at: "now", arms: { control: { n: 5000, conversions: 500 }, test: { n: 5400, conversions: 700 } } }];
    const r = analyzeExperiment({ kind: "proportion", controlKey: "control", plan, looks: skewed });
    expect(r.srm.mismatch).toBe(true);
    expect(r.variants[0]!.verdict).toBe("sample-ratio-mismatch");
    // the same split was intended: 50/54
    const fine = analyzeExperiment({ kind: "proportion", controlKey: "control", plan, looks: skewed, weights: { control: 50, test: 54 } });
    expect(fine.srm.mismatch).toBe(false);
  });

  it("handles means", () => {
    const r = analyzeExperiment({
      kind: "mean",
      controlKey: "a",
      plan: { perArm: 1000, variancePerUser: 25 },
      looks: [{ at: "now", arms: { a: { n: 800, mean: 20, variance: 25 }, b: { n: 810, mean: 19, variance: 26 } } }],
    });
    expect(r.variants[0]!.verdict).toBe("variant-worse");
    expect(r.variants[0]!.fixedHorizon.diff).toBe(-1);
  });

  it("rejects bad input with paths naming the look and arm", () => {
    const bad = experimentAnalysisSchema.safeParse({
      kind: "proportion",
      controlKey: "control",
      plan,
      looks: [{ at: "x", arms: { treatment: { n: 10, conversions: 11 } } }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("looks.0.arms.treatment.conversions");
  });
});
