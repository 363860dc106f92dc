import { describe, expect, it } from "vitest";
import { autoEts, etsFilter, etsWithParams, fitEts, type EtsParams } from "../../ml/forecast/ets";
import { seasonalNaive } from "../../ml/forecast/naive";
import { nelderMead } from "../../ml/forecast/nelder-mead";
import { acf, classicalSeasonalIndices, detectSeasonLength } from "../../ml/forecast/season";
import { fitSes, fitTheta, olsSlope, sesLevels, thetaCore } from "../../ml/forecast/theta";

const base: EtsParams = { trend: "N", season: "N", m: 1, alpha: 0.5, beta: 0, gamma: 0, phi: 1, l0: 0, b0: 0, s0: [] };

// Saudi Arabian oil production 1996-2013 (million tonnes), Hyndman & Athanasopoulos,
// Forecasting: Principles and Practice, 2nd ed., section 7.1, Table 7.1: SES with
// alpha = 0.8339 and l0 = 446.59 (the values R's ses() estimates), one-step forecasts to 2 d.p.
const oil = [445.36, 453.2, 454.41, 422.38, 456.04, 440.39, 425.19, 486.21, 500.43, 521.28, 508.95, 488.89, 509.87, 456.72, 473.82, 525.95, 549.83, 542.34];
const oilOneStep = [446.59, 445.57, 451.93, 454.0, 427.63, 451.32, 442.2, 428.01, 476.54, 496.46, 517.15, 510.31, 492.45, 506.98, 465.07, 472.36, 517.05, 544.39];

describe("simple exponential smoothing (ETS(A,N,N))", () => {
  it("reproduces FPP2 Table 7.1 (oil production) with alpha 0.8339, l0 446.59", () => {
    const run = etsFilter(oil, { ...base, alpha: 0.8339, l0: 446.59 });
    run.fitted.forEach((f, i) => expect(f).toBeCloseTo(oilOneStep[i]!, 1));
    expect(run.level).toBeCloseTo(542.68, 1);
    expect(etsWithParams({ ...base, alpha: 0.8339, l0: 446.59 }, oil).forecast(3)).toEqual([run.level, run.level, run.level]);
    // The Theta module's SES is the same recursion.
    expect(sesLevels(oil, 0.8339, 446.59).levels.at(-1)).toBeCloseTo(run.level, 9);
  });

  it("estimates alpha ~ 0.834 and l0 ~ 446.6 on the oil data (the published MLE)", () => {
    const ses = fitSes(oil);
    expect(ses.alpha).toBeCloseTo(0.8339, 2);
    expect(Math.abs(ses.l0 - 446.59)).toBeLessThan(1);
    const ets = fitEts(oil, 1, "N", "N")!;
    expect(ets.params.alpha).toBeCloseTo(0.8339, 2);
  });

  it("hand-worked: y = 3 5 4 6 8, alpha 0.5, l0 3 gives levels 3 4 4 5 6.5", () => {
    expect(sesLevels([3, 5, 4, 6, 8], 0.5, 3).levels).toEqual([3, 4, 4, 5, 6.5]);
  });
});

describe("Holt's linear and damped trend (ETS(A,A,N), ETS(A,Ad,N))", () => {
  const y = [10, 12, 13, 15];
  it("linear trend: recursions worked by hand", () => {
    // alpha 0.5, beta 0.25 (= alpha * beta*, beta* = 0.5), l0 9, b0 1. Component form:
    // l_t = a y_t + (1-a)(l + b); b_t = b*(l_t - l_{t-1}) + (1-b*) b.
    // t1: yhat 10, l 10, b 1; t2: yhat 11, l 11.5, b 1.25; t3: yhat 12.75, l 12.875, b 1.3125;
    // t4: yhat 14.1875, l 14.59375, b 1.515625. Forecasts l + h b.
    const p: EtsParams = { ...base, trend: "A", alpha: 0.5, beta: 0.25, l0: 9, b0: 1 };
    const run = etsFilter(y, p);
    expect(run.fitted).toEqual([10, 11, 12.75, 14.1875]);
    expect(run.level).toBe(14.59375);
    expect(run.slope).toBe(1.515625);
    expect(etsWithParams(p, y).forecast(3)).toEqual([16.109375, 17.625, 19.140625]);
  });

  it("damped trend phi 0.9: recursions worked by hand", () => {
    // yhat_t = l + phi b; l_t = yhat_t + a e; b_t = phi b + beta e.
    // t1: yhat 9.9, e 0.1, l 9.95, b 0.925
    // t2: yhat 10.7825, e 1.2175, l 11.39125, b 1.136875
    // t3: yhat 12.4144375, e 0.5855625, l 12.70721875, b 1.169578125
    // t4: yhat 13.7598390625, e 1.2401609375, l 14.37991953125, b 1.362660546875
    // h = 1: l + 0.9 b = 15.6063140234375; h = 2: l + 1.71 b = 16.71006906640625
    const p: EtsParams = { ...base, trend: "Ad", alpha: 0.5, beta: 0.25, phi: 0.9, l0: 9, b0: 1 };
    const run = etsFilter(y, p);
    const want = [9.9, 10.7825, 12.4144375, 13.7598390625];
    run.fitted.forEach((f, i) => expect(f).toBeCloseTo(want[i]!, 12));
    expect(run.level).toBeCloseTo(14.37991953125, 12);
    expect(run.slope).toBeCloseTo(1.362660546875, 12);
    const f = etsWithParams(p, y).forecast(2);
    expect(f[0]).toBeCloseTo(15.6063140234375, 12);
    expect(f[1]).toBeCloseTo(16.71006906640625, 12);
  });
});

describe("additive and multiplicative seasonality", () => {
  it("ETS(A,N,A) with m = 2: recursions worked by hand", () => {
    // l0 7, s0 = [-2, 2], alpha 0.5, gamma 0.25; y = 5 9 6 10.
    // t0: yhat 5, e 0; t1: yhat 9, e 0; t2: yhat 5, e 1, l 7.5, s[0] -1.75;
    // t3: yhat 9.5, e 0.5, l 7.75, s[1] 2.125. Forecasts 7.75 - 1.75, 7.75 + 2.125, ...
    const p: EtsParams = { ...base, season: "A", m: 2, alpha: 0.5, gamma: 0.25, l0: 7, s0: [-2, 2] };
    const run = etsFilter([5, 9, 6, 10], p);
    expect(run.fitted).toEqual([5, 9, 5, 9.5]);
    expect(etsWithParams(p, [5, 9, 6, 10]).forecast(3)).toEqual([6, 9.875, 6]);
  });

  it("ETS(A,N,M) with m = 2: recursions worked by hand", () => {
    // l0 10, s0 = [0.5, 1.5], alpha 0.5, gamma 0.2; y = 6, 15.
    // t0: yhat 5, e 1, l 10 + 0.5 * 1 / 0.5 = 11, s[0] = 0.5 + 0.2 * 1 / 10 = 0.52
    // t1: yhat 16.5, e -1.5, l 11 - 0.75 / 1.5 = 10.5, s[1] = 1.5 - 0.3 / 11
    const p: EtsParams = { ...base, season: "M", m: 2, alpha: 0.5, gamma: 0.2, l0: 10, s0: [0.5, 1.5] };
    const run = etsFilter([6, 15], p);
    expect(run.fitted).toEqual([5, 16.5]);
    expect(run.level).toBeCloseTo(10.5, 12);
    expect(run.season[0]).toBeCloseTo(0.52, 12);
    expect(run.season[1]).toBeCloseTo(1.5 - 0.3 / 11, 12);
    expect(etsWithParams(p, [6, 15]).forecast(2).map((v) => +v.toFixed(9))).toEqual([+(10.5 * 0.52).toFixed(9), +(10.5 * (1.5 - 0.3 / 11)).toFixed(9)]);
  });

  it("AICc picks a seasonal form for a clean seasonal series and a trend form for a clean trend", () => {
    const seasonal = Array.from({ length: 60 }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 12) + 0.3 * Math.cos(7 * t));
    expect(autoEts(seasonal, 12).params.season).not.toBe("N");
    const trend = Array.from({ length: 40 }, (_, t) => 5 + 2 * t + 0.5 * Math.sin(3 * t));
    expect(autoEts(trend, 1).params.trend).not.toBe("N");
    const f = etsWithParams(autoEts(trend, 1).params, trend).forecast(2);
    expect(f[0]).toBeCloseTo(5 + 2 * 40, -0.5);
  });

  it("classical decomposition indices: mean 1 (multiplicative) or sum 0 (additive)", () => {
    const y = Array.from({ length: 24 }, (_, t) => (50 + t) * [0.8, 1.0, 1.2, 1.0][t % 4]!);
    const mult = classicalSeasonalIndices(y, 4, true);
    expect(mult.reduce((a, b) => a + b, 0) / 4).toBeCloseTo(1, 12);
    expect(mult[0]).toBeCloseTo(0.8, 1);
    expect(mult[2]).toBeCloseTo(1.2, 1);
    expect(classicalSeasonalIndices(y, 4, false).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
  });
});

describe("seasonal naive", () => {
  it("repeats the last season", () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6, 7, 8], 4, 6)).toEqual([5, 6, 7, 8, 5, 6]);
    expect(seasonalNaive([1, 2, 3], 1, 3)).toEqual([3, 3, 3]);
  });
});

describe("Theta (Hyndman & Billah 2003 SES-with-drift form)", () => {
  it("hand-worked: y = 3 5 4 6 8, alpha 0.5, l0 3", () => {
    // SES levels 3 4 4 5 6.5 -> l_n = 6.5. OLS slope: tbar 2, ybar 5.2, Sxy 11, Sxx 10 -> b = 1.1.
    // (1 - (1 - a)^n) / a = (1 - 1/32) / 0.5 = 1.9375.
    // yhat(h) = 6.5 + 0.55 (h - 1 + 1.9375): 7.565625, 8.115625, 8.665625.
    const y = [3, 5, 4, 6, 8];
    expect(olsSlope(y)).toBeCloseTo(1.1, 12);
    const f = thetaCore(y, 0.5, 3, 3);
    expect(f[0]).toBeCloseTo(7.565625, 12);
    expect(f[1]).toBeCloseTo(8.115625, 12);
    expect(f[2]).toBeCloseTo(8.665625, 12);
  });

  it("equals the original method's two theta lines (Assimakopoulos & Nikolopoulos 2000)", () => {
    // Original: forecast = (LRL_{n+h} + SES(Z2)_n) / 2, LRL the least-squares line a + b t and
    // Z2_t = 2 y_t - (a + b t), extrapolated by SES with the same alpha. SES is linear, so
    // SES(Z2) = 2 SES(y) - SES(line) when Z2's start is 2 l0 - (the line's start). Smoothing a line
    // started at its own value a at t = 0 gives, after n points, a + b(n-1) - b((1 - q)/a - 1) with
    // q = (1 - a)^n, and the average of the two lines becomes exactly
    // l_n + (b/2)(h - 1 + (1 - q)/alpha): Hyndman & Billah (2003)'s SES-with-drift form.
    const y = [12, 15, 14, 18, 17, 21, 20, 24, 26, 25];
    const alpha = 0.35;
    const l0 = 11;
    const n = y.length;
    const b = olsSlope(y);
    const a = y.reduce((s, v) => s + v, 0) / n - (b * (n - 1)) / 2;
    const z2 = y.map((v, t) => 2 * v - (a + b * t));
    const zSes = sesLevels(z2, alpha, 2 * l0 - a).levels.at(-1)!;
    const twoLines = [1, 2, 3, 4].map((h) => (a + b * (n - 1 + h) + zSes) / 2);
    thetaCore(y, alpha, l0, 4).forEach((v, i) => expect(v).toBeCloseTo(twoLines[i]!, 10));
  });

  it("seasonally adjusts a seasonal series and reseasonalises the forecast", () => {
    const y = Array.from({ length: 48 }, (_, t) => (100 + t) * [0.9, 1.1, 1.3, 0.7][t % 4]!);
    const { params, model } = fitTheta(y, 4);
    expect(params.seasonal).toBe(true);
    const f = model.forecast(4);
    const want = [148, 149, 150, 151].map((lvl, i) => lvl * [0.9, 1.1, 1.3, 0.7][i]!);
    f.forEach((v, i) => expect(Math.abs(v - want[i]!) / want[i]!).toBeLessThan(0.03));
  });
});

describe("season length detection (ACF)", () => {
  it("finds 12 in a trending monthly series, 4 in a quarterly one, 1 in a random walk", () => {
    const monthly = Array.from({ length: 96 }, (_, t) => 200 + 1.5 * t + 20 * Math.sin((2 * Math.PI * t) / 12) + 3 * Math.sin(5.3 * t));
    expect(detectSeasonLength(monthly, "monthly")).toBe(12);
    expect(detectSeasonLength(monthly)).toBe(12);
    const quarterly = Array.from({ length: 40 }, (_, t) => 50 + t + [5, -3, 8, -10][t % 4]! + Math.sin(2.1 * t));
    expect(detectSeasonLength(quarterly, "quarterly")).toBe(4);
    let s = 1;
    let v = 0;
    const walk = Array.from({ length: 120 }, () => {
      s = (s * 16807) % 2147483647;
      v += s / 2147483647 - 0.5;
      return v;
    });
    expect(detectSeasonLength(walk, "monthly")).toBe(1);
  });

  it("acf of a period-2 alternation is -1-ish at lag 1 and +1-ish at lag 2", () => {
    const r = acf([1, -1, 1, -1, 1, -1, 1, -1], 2);
    expect(r[0]).toBeCloseTo(-7 / 8, 12);
    expect(r[1]).toBeCloseTo(6 / 8, 12);
  });
});

describe("Nelder-Mead", () => {
  it("minimises the Rosenbrock function to (1, 1)", () => {
    const r = nelderMead(([x, y]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2, [-1.2, 1], { maxIterations: 5000, tolerance: 1e-14 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });

  it("treats non-finite values as +Infinity (a constraint wall)", () => {
    const r = nelderMead(([x]) => (x! < 0 ? NaN : (x! - 2) ** 2), [5]);
    expect(r.x[0]).toBeCloseTo(2, 3);
  });
});
