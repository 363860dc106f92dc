import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { aiccFrom, etsFilter, fitEts, minus2LogLik, type EtsParams, type ErrorKind, type SeasonKind, type TrendKind } from "../../ml/forecast/ets";
import { fitTheta } from "../../ml/forecast/theta";

/**
 * Known values from the reference implementation: R forecast 8.20's ets() fits of AirPassengers
 * (tests/bench/forecast/r/reference-fixtures.R wrote the fixture). Run with R's estimated parameters and
 * initial states, Foresight's recursions must give R's fitted values, and its -2 log-likelihood
 * R's up to a constant that depends on n only (R keeps n log(SSE), Foresight n log(SSE / n)).
 */
interface RFit {
  model: string;
  damped: boolean;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  l: number;
  b: number;
  s: number[];
  fitted: number[];
  loglik: number;
  aicc: number;
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "r-forecast-reference.json"), "utf8")) as {
  y: number[];
  fits: RFit[];
  thetaf: { name: string; y: number[]; mean: number[] }[];
};
const y = fixture.y;
const n = y.length;

function paramsOf(f: RFit): EtsParams {
  const season = f.model[2] as SeasonKind;
  return {
    error: f.model[0] as ErrorKind,
    trend: (f.model[1] === "N" ? "N" : f.damped ? "Ad" : "A") as TrendKind,
    season,
    m: season === "N" ? 1 : 12,
    alpha: f.alpha,
    beta: f.beta,
    gamma: f.gamma,
    phi: f.phi,
    l0: f.l,
    b0: f.b,
    // R's initial state vector holds s_0, s_-1, ..., s_-11; the state used at Foresight's t = j is s_(j-11).
    s0: f.s.slice().reverse(),
  };
}

describe("ETS against R forecast::ets (AirPassengers)", () => {
  it("has the forms the test needs", () => {
    expect(fixture.fits.map((f) => `${f.model}${f.damped ? "d" : ""}`).sort()).toEqual(["AAA", "AAAd", "AAN", "AANd", "ANN", "MAM", "MAMd", "MAN", "MANd", "MNM", "MNN"].sort());
  });

  for (const f of fixture.fits) {
    const name = `ETS(${f.model[0]},${f.model[1]}${f.damped ? "d" : ""},${f.model[2]})`;
    it(`${name}: R's fitted values from R's parameters`, () => {
      const run = etsFilter(y, paramsOf(f));
      expect(run.ok).toBe(true);
      run.fitted.forEach((v, t) => expect(Math.abs(v - f.fitted[t]!) / f.fitted[t]!).toBeLessThan(1e-9));
    });
    it(`${name}: R's log-likelihood and AICc up to n log n`, () => {
      const p = paramsOf(f);
      const m2ll = minus2LogLik(etsFilter(y, p), n, p.error);
      expect(-2 * f.loglik - m2ll).toBeCloseTo(n * Math.log(n), 6);
      // R counts every smoothing parameter, l, b, m - 1 free seasonal states and the variance.
      const k = 1 + (p.trend !== "N" ? 2 : 0) + (p.trend === "Ad" ? 1 : 0) + (p.season !== "N" ? 12 : 0) + 1 + 1;
      expect(f.aicc - aiccFrom(m2ll, n, k)).toBeCloseTo(n * Math.log(n), 6);
    });
  }

  it("estimates each form at least as well as R (maximum likelihood within 0.1% of R's, seasonal states estimated)", () => {
    for (const f of fixture.fits) {
      const p = paramsOf(f);
      const fit = fitEts(y, p.m, p.trend, p.season, p.error, { estimateSeason: true });
      expect(fit, f.model).not.toBeNull();
      const ours = minus2LogLik(fit!.run, n, p.error);
      const r = -2 * f.loglik - n * Math.log(n);
      expect(ours, `${f.model}${f.damped ? "d" : ""}`).toBeLessThan(r + 0.001 * Math.abs(r));
    }
  });
});

describe("Theta against R forecast::thetaf", () => {
  for (const t of fixture.thetaf) {
    it(`${t.name}: the same 18 forecasts (season test, multiplicative adjustment, SES fit, drift)`, () => {
      const { params, model } = fitTheta(t.y, 12);
      expect(params.seasonal).toBe(true);
      // Both fit SES by maximum likelihood with Nelder-Mead, so the optima agree to about 1e-6.
      model.forecast(18).forEach((v, i) => expect(Math.abs(v - t.mean[i]!) / t.mean[i]!).toBeLessThan(1e-5));
    });
  }
});
