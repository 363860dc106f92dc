import { describe, expect, it } from "vitest";
import { combineBy, median, ruleWeights } from "../../ml/forecast/combination";
import { calibrate, intervals, localVolatility } from "../../ml/forecast/conformal";
import { calibrationCount, forecastSeries, planBacktest, pooledBacktestScores } from "../../ml/forecast/engine";
import { dampedEtsMember } from "../../ml/forecast/ets";

describe("combination rules (weights worked by hand)", () => {
  // Backtest MASE of four members; the last one is 2.5x the best, so "within 1.5x" drops it.
  const scores = [1, 2, 1.25, 2.5];

  it("inverse MASE^2 within 1.5x of the best: 1, 0, 0.64 normalised", () => {
    const w = ruleWeights("inverse-mase2-within-1.5", scores);
    expect(w[0]).toBeCloseTo(1 / 1.64, 12);
    expect(w[2]).toBeCloseTo(0.64 / 1.64, 12);
    expect(w[1]).toBe(0);
    expect(w[3]).toBe(0);
  });

  it("inverse MASE over all: 1, 0.5, 0.8, 0.4 over 2.7", () => {
    expect(ruleWeights("inverse-mase", scores).map((v) => +v.toFixed(12))).toEqual([1, 0.5, 0.8, 0.4].map((v) => +(v / 2.7).toFixed(12)));
  });

  it("shrunk: half inverse MASE, half equal", () => {
    const w = ruleWeights("shrunk-inverse-mase", scores);
    expect(w[0]).toBeCloseTo(0.5 / 2.7 + 0.125, 12);
    expect(w[3]).toBeCloseTo(0.2 / 2.7 + 0.125, 12);
  });

  it("equal, trimmed-equal and best", () => {
    expect(ruleWeights("equal", scores)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(ruleWeights("trimmed-equal", scores)).toEqual([0.5, 0, 0.5, 0]);
    expect(ruleWeights("best", scores)).toEqual([1, 0, 0, 0]);
  });

  it("a member without a finite score gets no weight; the median ignores it", () => {
    const w = ruleWeights("equal", [1, NaN, 2]);
    expect(w).toEqual([0.5, 0, 0.5]);
    expect(
      combineBy(
        "median",
        [
          [1, 10],
          [100, 100],
          [3, 20],
        ],
        w,
      ),
    ).toEqual([2, 15]);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("linear rules combine as the weighted sum", () => {
    expect(
      combineBy(
        "inverse-mase",
        [
          [10, 20],
          [20, 40],
        ],
        [0.75, 0.25],
      ),
    ).toEqual([12.5, 25]);
  });
});

describe("locally weighted split-conformal intervals", () => {
  it("local volatility: mean |one-step change| over the last max(2m, 12) points", () => {
    // Changes 1, 2, 3, ..., 20 (y_t = t(t+1)/2); at end 21 with m = 1: the last 12 changes are 9..20 -> mean 14.5.
    const y = Array.from({ length: 21 }, (_, t) => (t * (t + 1)) / 2);
    expect(localVolatility(y, 21, 1)).toBeCloseTo(14.5, 12);
    // m = 12: window 24 > 20 changes available -> all of them: mean 10.5.
    expect(localVolatility(y, 21, 12)).toBeCloseTo(10.5, 12);
    // A flat stretch is floored, never zero.
    expect(localVolatility([1, 1, 1, 1], 4, 1)).toBeGreaterThan(0);
  });

  it("divides residuals by the origin's volatility and multiplies the scale by the current one", () => {
    // Origin volatilities 1 and 2; residuals 1 and 2 per step -> normalised 1, 1 per step, RMS 1.
    const res = [
      [1, -1],
      [2, -2],
    ];
    const cal = calibrate(res, 2, [0.5], { originScale: [1, 2], currentScale: 3 });
    expect(cal.normalisedScale).toEqual([1, 1]);
    expect(cal.scale).toEqual([3, 3]);
    expect(cal.quantile["0.5"]).toBe(1);
    expect(intervals([10, 10], cal, 0.5)).toEqual({ lo: [7, 7], hi: [13, 13] });
    // Without weighting the same residuals give scale sqrt(2.5) per step.
    expect(calibrate(res, 2, [0.5]).scale[0]).toBeCloseTo(Math.sqrt(2.5), 12);
  });
});

describe("damped-trend ETS member", () => {
  it("always fits a damped trend, and its forecast flattens out (Gardner & McKenzie 1985)", () => {
    const y = Array.from({ length: 40 }, (_, t) => 20 + 1.5 * t + Math.sin(2.3 * t));
    const fit = dampedEtsMember.fit(y, 1);
    const d = fit.describe();
    expect(d.trend).toBe("Ad");
    const f = fit.forecast(30);
    // Increments shrink geometrically by phi < 1.
    const inc = f.slice(1).map((v, i) => v - f[i]!);
    expect(inc[20]!).toBeLessThan(inc[0]!);
    expect((d.phi as number) < 1).toBe(true);
  });
});

describe("backtest plan, calibration window and pooled scores", () => {
  it("plans as many origins as the series allows (at most 120), leaving room for the longest member history", () => {
    // n 100, H 6, m 1: first origin at max(2m + 2, 10) = 10 -> 100 - 6 - 10 + 1 = 85 origins.
    expect(planBacktest(100, 6, 1)).toEqual({ origins: 85, firstOrigin: 10 });
    // A member needing 24 points: 100 - 6 - 24 + 1 = 71 origins starting at 24.
    expect(planBacktest(100, 6, 1, undefined, 24)).toEqual({ origins: 71, firstOrigin: 24 });
    // Long series: capped at 120, the last origin H before the end.
    expect(planBacktest(1000, 12, 12)).toEqual({ origins: 120, firstOrigin: 1000 - 12 - 120 + 1 });
  });

  it("calibrates on the origins with at least n / 2 points of history, at most max(2H, 2m, 36)", () => {
    const origins = Array.from({ length: 85 }, (_, k) => 10 + k); // 10 .. 94, n 100
    expect(calibrationCount(origins, 100, 6, 1)).toBe(36); // 45 origins >= 50, capped at 36
    expect(calibrationCount(origins.slice(0, 50), 60, 6, 1)).toBe(30); // origins 30 .. 59 of n 60 -> 30
    expect(calibrationCount([3], 100, 6, 1)).toBe(1);
  });

  it("pools backtest MASE by the geometric mean over series", () => {
    const fake = (scores: Record<string, number>) =>
      ({ backtest: { members: Object.entries(scores).map(([name, mase]) => ({ name, mase })) } }) as unknown as Parameters<typeof pooledBacktestScores>[0][number];
    const pooled = pooledBacktestScores([fake({ ets: 1, theta: 4 }), fake({ ets: 4, theta: 1 }), fake({ ets: 2, theta: NaN })]);
    expect(pooled.ets).toBeCloseTo(2, 12); // (1 * 4 * 2)^(1/3)
    expect(pooled.theta).toBeCloseTo(2, 12); // (4 * 1)^(1/2); the NaN is skipped
  });
});

describe("engine edge cases", () => {
  it("a constant series (every backtest MASE is 0 / 0) forecasts the constant with equal weights on the combined members", () => {
    const r = forecastSeries(Array(40).fill(5), { horizon: 6 });
    expect(r.mean).toEqual([5, 5, 5, 5, 5, 5]);
    expect(r.members.find((m) => m.name === "ets")!.weight).toBe(0.5);
    expect(r.members.find((m) => m.name === "damped")!.weight).toBe(0.5);
    expect(r.members.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 12);
  });

  it("members outside the combined set are reported with weight 0; the weights sum to 1", () => {
    const y = Array.from({ length: 60 }, (_, t) => 100 + t + 5 * Math.sin((2 * Math.PI * t) / 12) + Math.sin(2.7 * t));
    const r = forecastSeries(y, { horizon: 6, seasonLength: 12 });
    expect(r.members.map((m) => m.name)).toEqual(["snaive", "ets", "theta", "damped"]);
    expect(r.members.find((m) => m.name === "snaive")!.weight).toBe(0);
    expect(r.members.find((m) => m.name === "theta")!.weight).toBe(0);
    expect(r.members.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 12);
    expect(r.combination).toBe("inverse-mase2-within-1.5");
  });
});
