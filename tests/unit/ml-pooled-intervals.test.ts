import { describe, expect, it } from "vitest";
import { analyseSeries, combineAnalysis, pooledCalibration, seriesScale, weightedQuantile, type SeriesAnalysis } from "../../ml/forecast/engine";
import { etsMember } from "../../ml/forecast/ets";
import { seasonalNaiveMember } from "../../ml/forecast/naive";
import { thetaMember } from "../../ml/forecast/theta";
import { coverage, maseScale } from "../../ml/metrics";
import { normals } from "../support/seeded";

const members = [seasonalNaiveMember, etsMember, thetaMember];

describe("cross-series (pooled) conformal intervals", () => {
  it("weighted quantile: the smallest score whose cumulative weight share reaches the level", () => {
    expect(weightedQuantile([4, 1, 3, 2], [1, 1, 1, 1], 0.5)).toBe(2);
    expect(weightedQuantile([4, 1, 3, 2], [1, 1, 1, 1], 0.75)).toBe(3);
    // Weight 3 on the score 1: half the weight is already at 1.
    expect(weightedQuantile([1, 2, 3, 4], [3, 1, 1, 1], 0.5)).toBe(1);
    expect(weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], 1)).toBe(4);
    expect(weightedQuantile([], [], 0.8)).toBe(Infinity);
  });

  it("series scale: the MASE scale before the position, or the local volatility", () => {
    const y = [1, 2, 4, 7, 11];
    expect(seriesScale(y, 4, 1, "none")).toBe(maseScale([1, 2, 4, 7], 1));
    expect(seriesScale(y, 4, 1, "none")).toBe(2);
    // local volatility over the last max(2m, 12) one-step changes: (1 + 2 + 3) / 3.
    expect(seriesScale(y, 4, 1, "local-volatility")).toBe(2);
  });

  it("is scale-free: a series multiplied by 10 gets the same quantiles and intervals 10x as wide", () => {
    const z = normals(7);
    let level = 50;
    const y = Array.from({ length: 60 }, () => (level += 0.2 + z()));
    const a = analyseSeries(y, { horizon: 6, seasonLength: 1, members });
    const b = analyseSeries(
      y.map((v) => 10 * v),
      { horizon: 6, seasonLength: 1, members },
    );
    const one = pooledCalibration([a]);
    const both = pooledCalibration([a, b]);
    for (const level of ["0.8", "0.95"]) {
      one.quantile.combination![level]!.forEach((q, h) => expect(both.quantile.combination![level]![h]).toBeCloseTo(q, 9));
    }
    const ra = combineAnalysis(a, { intervalSource: "pooled", pooledIntervals: both });
    const rb = combineAnalysis(b, { intervalSource: "pooled", pooledIntervals: both });
    ra.mean.forEach((m, h) => {
      expect(rb.mean[h]).toBeCloseTo(10 * m, 6);
      expect(rb.hi80[h]! - rb.lo80[h]!).toBeCloseTo(10 * (ra.hi80[h]! - ra.lo80[h]!), 6);
    });
    // Quantiles are non-decreasing in the horizon step, and the 95% is at least the 80%.
    const q80 = both.quantile.combination!["0.8"]!;
    const q95 = both.quantile.combination!["0.95"]!;
    q80.forEach((q, h) => {
      if (h > 0) expect(q).toBeGreaterThanOrEqual(q80[h - 1]!);
      expect(q95[h]).toBeGreaterThanOrEqual(q);
    });
    expect(both.series).toBe(2);
    // Members are calibrated too, under their own names.
    expect(Object.keys(both.quantile).sort()).toEqual(["combination", "ets", "snaive", "theta"]);
  });

  it("a calm series borrows the wider errors of a volatile set; blend is halfway; own is unchanged", () => {
    const z = normals(11);
    const walk = (sd: number, n: number) => {
      let level = 100;
      return Array.from({ length: n }, () => (level += sd * z()));
    };
    const calm = analyseSeries(
      walk(1, 48).map((v, t) => v + 0.001 * t),
      { horizon: 6, seasonLength: 1, members },
    );
    // Volatile relative to their own in-sample scale: random walks with occasional level shifts.
    const jumpy: SeriesAnalysis[] = Array.from({ length: 6 }, () => {
      const y = walk(1, 48).map((v, t) => v + (t % 12 === 11 ? 8 * z() : 0));
      return analyseSeries(y, { horizon: 6, seasonLength: 1, members });
    });
    const pooled = pooledCalibration([calm, ...jumpy]);
    const own = combineAnalysis(calm);
    const viaOwn = combineAnalysis(calm, { intervalSource: "own", pooledIntervals: pooled });
    const viaPooled = combineAnalysis(calm, { intervalSource: "pooled", pooledIntervals: pooled });
    const viaBlend = combineAnalysis(calm, { intervalSource: "blend", pooledIntervals: pooled });
    expect(viaOwn.lo95).toEqual(own.lo95);
    own.mean.forEach((m, h) => {
      expect(viaPooled.mean[h]).toBe(m);
      const wOwn = own.hi95[h]! - own.lo95[h]!;
      const wPooled = viaPooled.hi95[h]! - viaPooled.lo95[h]!;
      expect(viaBlend.hi95[h]! - viaBlend.lo95[h]!).toBeCloseTo((wOwn + wPooled) / 2, 9);
    });
  });

  it("calibration window 'all' calibrates on every backtest origin, 'half-history' on those with n / 2 points of history", () => {
    const z = normals(3);
    let level = 0;
    const y = Array.from({ length: 80 }, () => (level += z()));
    const a = analyseSeries(y, { horizon: 4, seasonLength: 1, members });
    const all = combineAnalysis(a, { calibrationWindow: "all", intervalScaling: "none" });
    const half = combineAnalysis(a, { intervalScaling: "none" });
    expect(all.calibration.scores).toBe(a.backtest.origins.length * 4);
    // at most max(2H, 2m, 36) = 36 origins
    expect(half.calibration.scores).toBe(Math.min(36, a.backtest.origins.filter((o) => o >= 40).length) * 4);
    expect(all.calibration.scores).toBeGreaterThan(half.calibration.scores);
    expect(all.mean).toEqual(half.mean);
  });

  it("needs a pooled calibration for the pooled and blend sources", () => {
    const y = Array.from({ length: 40 }, (_, t) => 10 + t + (t % 3));
    const a = analyseSeries(y, { horizon: 4, seasonLength: 1, members });
    expect(() => combineAnalysis(a, { intervalSource: "pooled" })).toThrow(/pooledIntervals/);
  });

  it("short series (n 32, H 8) of varied scale: pooled intervals cover close to nominal over a set of draws", () => {
    // 40 local-level series with drift, each with its own scale; pooled over the set (the
    // exchangeable unit is the series), every series' last 8 points scored.
    const z = normals(20261122);
    const H = 8;
    const draws = Array.from({ length: 40 }, (_, i) => {
      const scale = 1 + (i % 5) * 3;
      let level = 100;
      const y = Array.from({ length: 32 + H }, () => {
        level += scale * (0.2 + 0.6 * z());
        return level + scale * z();
      });
      return { train: y.slice(0, -H), test: y.slice(-H) };
    });
    const analyses = draws.map((d) => analyseSeries(d.train, { horizon: H, seasonLength: 1, members }));
    const pooled = pooledCalibration(analyses, { intervalScaling: "none" });
    let c80 = 0;
    let c95 = 0;
    analyses.forEach((a, i) => {
      const r = combineAnalysis(a, { intervalScaling: "none", intervalSource: "pooled", pooledIntervals: pooled });
      c80 += coverage(draws[i]!.test, r.lo80, r.hi80) / analyses.length;
      c95 += coverage(draws[i]!.test, r.lo95, r.hi95) / analyses.length;
    });
    expect(Math.abs(c80 - 0.8)).toBeLessThan(0.07);
    expect(Math.abs(c95 - 0.95)).toBeLessThan(0.05);
  }, 120_000);
});
