// Reference values: unless a comment says otherwise, computed independently of this code and of
// @stdlib with mpmath 1.3.0 at 50 digits by tests/unit/stats-reference-values.py (the formulas
// are written out there; the call that printed each value is in the comment above it).
import { describe, expect, it } from "vitest";
import { relativeLift, twoProportionZTest, welchTTest } from "../../server/experiments/stats";

/** |actual - expected| <= tol * max(1, |expected|) */
function close(actual: number | null, expected: number, tol = 1e-9) {
  expect(actual).not.toBeNull();
  const err = Math.abs(actual! - expected);
  if (err > tol * Math.max(1, Math.abs(expected))) expect.fail(`${actual} differs from ${expected} by ${err}`);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sampleVariance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};
const arm = (xs: number[]) => ({ n: xs.length, mean: mean(xs), variance: sampleVariance(xs) });

describe("two-proportion z-test", () => {
  it("matches the reference for 100/1000 vs 120/1000", () => {
    const r = twoProportionZTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 });
    // proportions(1000, 100, 1000, 120)
    close(r.diff, 0.02);
    close(r.z, 1.4293008498232322);
    close(r.pValue, 0.15291778186394597);
    close(r.ciLow, -0.0074114819980199363);
    close(r.ciHigh, 0.047411481998019936);
    close(r.relativeLift, 0.2);
    close(r.relativeCiLow, -0.10058461614448242);
    close(r.relativeCiHigh, 0.50058461614448242);
  });

  it("matches the reference for unequal arms 500/5000 vs 560/5100", () => {
    const r = twoProportionZTest({ n: 5000, conversions: 500 }, { n: 5100, conversions: 560 });
    // proportions(5000, 500, 5100, 560)
    close(r.diff, 0.009803921568627451);
    close(r.z, 1.6072870940043806);
    close(r.pValue, 0.10799140410577575);
    close(r.ciLow, -0.0021448011735383302);
    close(r.ciHigh, 0.021752644310793232);
    close(r.relativeCiLow, -0.027258301199438762);
    close(r.relativeCiHigh, 0.22333673257198778);
  });

  it("matches the reference for small arms 3/20 vs 9/25", () => {
    const r = twoProportionZTest({ n: 20, conversions: 3 }, { n: 25, conversions: 9 });
    // proportions(20, 3, 25, 9)
    close(r.z, 1.582934559033259);
    close(r.pValue, 0.11343638083618268);
    close(r.ciLow, -0.034728797801652509);
    close(r.ciHigh, 0.45472879780165251);
    close(r.relativeLift, 1.4);
    close(r.relativeCiLow, -1.4004860878656633);
    close(r.relativeCiHigh, 4.2004860878656633);
  });

  it("handles a variant at 0%: z is defined, the variant adds no variance", () => {
    const r = twoProportionZTest({ n: 1300, conversions: 4 }, { n: 1200, conversions: 0 });
    // proportions(1300, 4, 1200, 0)
    close(r.z, -1.9230769230769231);
    close(r.pValue, 0.054470390027477402);
    close(r.ciLow, -0.0060876097419596154);
    close(r.ciHigh, -6.6236411886538401e-5);
    close(r.relativeLift, -1);
  });

  it("gives null where undefined: z and p when both arms are 0% or both 100%, the lift when control is 0%", () => {
    for (const c of [0, 500]) {
      const r = twoProportionZTest({ n: 500, conversions: c }, { n: 700, conversions: c === 0 ? 0 : 700 });
      expect(r.z).toBeNull();
      expect(r.pValue).toBeNull();
      expect([r.ciLow, r.ciHigh]).toEqual([0, 0]);
    }
    const r = twoProportionZTest({ n: 500, conversions: 0 }, { n: 500, conversions: 5 });
    expect(r.relativeLift).toBeNull();
    expect(r.z).not.toBeNull();
  });

  it("squares to the chi-square of a 2x2 table without continuity correction (R prop.test(correct = FALSE))", () => {
    // 2x2 table [[100, 900], [120, 880]]: Pearson's X^2 = N (ad - bc)^2 / (row and column sums) = 2000 (100*880 - 900*120)^2 / (1000 * 1000 * 220 * 1780)
    const x2 = (2000 * (100 * 880 - 900 * 120) ** 2) / (1000 * 1000 * 220 * 1780);
    close(twoProportionZTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 120 }).z! ** 2, x2, 1e-12);
  });
});

describe("Welch t-test", () => {
  it("reproduces the NIST/SEMATECH e-Handbook example (section 7.3.1, AUTO83B: US vs Japanese cars)", () => {
    // Published summary: N = 249, mean 20.14458, sd 6.41470 vs N = 79, mean 30.48101, sd 6.10771;
    // unequal variances: T = -12.94627, df = 136.8750 (the handbook subtracts the other way round).
    const r = welchTTest({ n: 249, mean: 20.14458, variance: 6.4147 ** 2 }, { n: 79, mean: 30.48101, variance: 6.10771 ** 2 });
    expect(r.t!).toBeCloseTo(12.94627, 5);
    expect(r.df!).toBeCloseTo(136.875, 4);
    // welch(249, 20.14458, 6.41470^2, 79, 30.48101, 6.10771^2)
    close(r.t, 12.946267565658849);
    close(r.df, 136.8749900936937);
    close(r.pValue! / 1.5709046154648229e-25, 1, 1e-9);
    close(r.ciLow, 8.7576162191278131);
    close(r.ciHigh, 11.915243780872187);
  });

  it("reproduces Wikipedia's worked examples (\"Welch's t-test\", examples 1 and 2)", () => {
    const A1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const A2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const B1 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
    const B2 = [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8];
    const a = welchTTest(arm(A1), arm(A2));
    // Published: t = -2.46, df = 25.0, p = 0.021 (A1 - A2)
    expect(a.t!).toBeCloseTo(2.46, 2);
    expect(a.df!).toBeCloseTo(25.0, 1);
    expect(a.pValue!).toBeCloseTo(0.021, 3);
    // welch(A1, A2)
    close(a.t, 2.4553563982860051);
    close(a.df, 24.988529290231414);
    close(a.pValue, 0.021378001462867032);
    close(a.ciLow, 0.34923706619240523);
    close(a.ciHigh, 3.9840962671409281);
    const b = welchTTest(arm(B1), arm(B2));
    // Published: t = -1.57, df = 9.9, p = 0.149
    expect(b.t!).toBeCloseTo(1.57, 2);
    expect(b.df!).toBeCloseTo(9.9, 1);
    expect(b.pValue!).toBeCloseTo(0.149, 3);
    // welch(B1, B2)
    close(b.t, 1.5654335235985052);
    close(b.df, 9.9047412486508289);
    close(b.pValue, 0.14884169660532799);
    close(b.ciLow, -0.64842132537516538);
    close(b.ciHigh, 3.6984213253751654);
  });

  it("matches the reference for summaries, including a tiny arm with df near 2", () => {
    // welch(10, 5.2, 1.3, 14, 6.1, 2.9)
    const r = welchTTest({ n: 10, mean: 5.2, variance: 1.3 }, { n: 14, mean: 6.1, variance: 2.9 });
    close(r.t, 1.5500136686111371);
    close(r.df, 21.949864927680731);
    close(r.pValue, 0.13543753706903513);
    close(r.ciLow, -0.30433323042640726);
    close(r.ciHigh, 2.1043332304264073);
    // welch(3, 100, 400, 500, 104, 25)
    const s = welchTTest({ n: 3, mean: 100, variance: 400 }, { n: 500, mean: 104, variance: 25 });
    close(s.t, 0.3463452278705082);
    close(s.df, 2.0015002801218999);
    close(s.pValue, 0.76210469795465744);
    close(s.ciLow, -45.656391431990726);
    close(s.ciHigh, 53.656391431990726);
  });

  it("gives null t, df and p when both variances are 0, and a point interval", () => {
    const r = welchTTest({ n: 5, mean: 3, variance: 0 }, { n: 5, mean: 4, variance: 0 });
    expect([r.t, r.df, r.pValue]).toEqual([null, null, null]);
    expect([r.ciLow, r.ciHigh]).toEqual([1, 1]);
  });
});

describe("relative lift (delta method)", () => {
  it("is the first-order variance of a ratio of independent estimates", () => {
    // Var(B/A) ~= Var(B)/A^2 + B^2 Var(A)/A^4 = 0.0004/4 + 9 * 0.0001/16 = 0.00015625; se = 0.0125
    const r = relativeLift(2, 0.0001, 3, 0.0004)!;
    close(r.lift, 0.5, 1e-15);
    close(r.se, 0.0125, 1e-15);
    close(r.ciHigh - r.lift, 1.9599639845400542 * 0.0125, 1e-12); // z_0.975 from the reference script
    expect(relativeLift(0, 1, 1, 1)).toBeNull();
  });
});
