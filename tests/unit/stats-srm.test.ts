// References: chi-square statistics are exact rationals; p-values are the regularized upper
// incomplete gamma Q(df/2, chi2/2) from mpmath (tests/unit/stats-reference-values.py, srm(...) lines).
import { describe, expect, it } from "vitest";
import normalRandom from "@stdlib/random-base-normal";
import { sampleRatioMismatch, SRM_THRESHOLD } from "../../server/experiments/stats";

describe("sample ratio mismatch", { timeout: 30_000 }, () => {
  it("matches the chi-square distribution", () => {
    const cases: [number[], number[], number, number][] = [
      [[5000, 5200], [1, 1], 3.9215686274509804, 0.047670380656161448], // srm([5000, 5200], [1, 1])
      [[1000, 1050, 2100], [1, 1, 2], 1.8072289156626506, 0.40510278342823418], // srm([1000, 1050, 2100], [1, 1, 2])
      [[821, 779], [50, 50], 1.1025, 0.29371811275179189], // srm([821, 779], [50, 50])
    ];
    for (const [observed, weights, chi2, p] of cases) {
      const r = sampleRatioMismatch(observed, weights);
      expect(Math.abs(r.chi2 - chi2)).toBeLessThan(1e-12);
      expect(Math.abs(r.pValue - p)).toBeLessThan(1e-9);
      expect(r.df).toBe(observed.length - 1);
    }
    // df = 2: the survival function is exp(-x / 2) exactly.
    expect(sampleRatioMismatch([1000, 1050, 2100], [1, 1, 2]).pValue).toBeCloseTo(Math.exp(-1.8072289156626506 / 2), 14);
  });

  it("flags at p < 0.001 only", () => {
    expect(SRM_THRESHOLD).toBe(0.001);
    expect(sampleRatioMismatch([5000, 5300], [1, 1]).mismatch).toBe(false); // p = 0.0034
    expect(sampleRatioMismatch([5000, 5400], [1, 1]).mismatch).toBe(true); // p = 8.8e-5
    expect(sampleRatioMismatch([0, 0], [1, 1])).toMatchObject({ chi2: 0, pValue: 1, mismatch: false });
  });

  it("gives uniform p-values under a correct split (seeded simulation, 90/10 split over three arms)", () => {
    const uniform = normalRandom.factory({ seed: 5 }).PRNG;
    const weights = [45, 45, 10];
    const runs = 2000;
    let below05 = 0;
    let below20 = 0;
    for (let run = 0; run < runs; run++) {
      const observed = [0, 0, 0];
      for (let i = 0; i < 1000; i++) {
        const u = uniform();
        observed[u < 0.45 ? 0 : u < 0.9 ? 1 : 2]!++;
      }
      const p = sampleRatioMismatch(observed, weights).pValue;
      if (p < 0.05) below05++;
      if (p < 0.2) below20++;
    }
    expect(Math.abs(below05 / runs - 0.05)).toBeLessThan(0.02);
    expect(Math.abs(below20 / runs - 0.2)).toBeLessThan(0.035);
  });
});
