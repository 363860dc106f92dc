import { nelderMead } from "./nelder-mead";
import { classicalSeasonalIndices, isSeasonal } from "./season";
import type { Fitted, Member } from "./types";

/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003)
 * showed it to be: simple exponential smoothing with drift equal to half the slope of the
 * least-squares line, h-step forecast
 *   yhat_{n+h} = l_n + (b/2) * ((h - 1) + (1 - (1 - alpha)^n) / alpha),
 * which is what forecast::thetaf computes. Seasonal series (thetaf's 90% ACF test at lag m) are
 * seasonally adjusted first by classical multiplicative decomposition (additive when the data are
 * not all positive) and reseasonalised after.
 */
export interface ThetaParams {
  alpha: number;
  l0: number;
  m: number;
  seasonal: boolean;
  multiplicative: boolean;
}

/** SES level after the series: l_t = alpha y_t + (1 - alpha) l_{t-1}. */
export function sesLevels(y: number[], alpha: number, l0: number): { levels: number[]; sse: number } {
  let l = l0;
  let sse = 0;
  const levels: number[] = [];
  for (const v of y) {
    sse += (v - l) ** 2;
    l = alpha * v + (1 - alpha) * l;
    levels.push(l);
  }
  return { levels, sse };
}

/** alpha and l0 minimising the one-step SSE (the MLE for SES with additive errors). */
export function fitSes(y: number[]): { alpha: number; l0: number; sse: number } {
  const scale = Math.max(1e-9, Math.abs(y[0]!) || 1);
  const decode = (x: number[]): [number, number] => [0.0001 + 0.9998 / (1 + Math.exp(-x[0]!)), y[0]! + x[1]! * scale];
  const best = nelderMead((x) => sesLevels(y, ...decode(x)).sse, [0, 0], { step: [1, 0.1], maxIterations: 1000, tolerance: 1e-12 });
  const [alpha, l0] = decode(best.x);
  return { alpha, l0, sse: best.fx };
}

export function olsSlope(y: number[]): number {
  const n = y.length;
  const tbar = (n - 1) / 2;
  const ybar = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tbar) * (y[t]! - ybar);
    sxx += (t - tbar) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/** Theta forecasts of a (seasonally adjusted) series for given alpha and l0. */
export function thetaCore(y: number[], alpha: number, l0: number, h: number): number[] {
  const n = y.length;
  const { levels } = sesLevels(y, alpha, l0);
  const ln = levels[n - 1]!;
  const b = olsSlope(y);
  const out: number[] = [];
  for (let i = 1; i <= h; i++) out.push(ln + (b / 2) * (i - 1 + (1 - (1 - alpha) ** n) / alpha));
  return out;
}

function adjust(y: number[], p: ThetaParams): { adjusted: number[]; indices: number[] } {
  if (!p.seasonal) return { adjusted: y, indices: [] };
  const indices = classicalSeasonalIndices(y, p.m, p.multiplicative);
  const adjusted = y.map((v, t) => (p.multiplicative ? v / indices[t % p.m]! : v - indices[t % p.m]!));
  return { adjusted, indices };
}

function fitted(p: ThetaParams, y: number[]): Fitted {
  const { adjusted, indices } = adjust(y, p);
  return {
    forecast(h) {
      const f = thetaCore(adjusted, p.alpha, p.l0, h);
      if (!p.seasonal) return f;
      return f.map((v, i) => {
        const s = indices[(y.length + i) % p.m]!;
        return p.multiplicative ? v * s : v + s;
      });
    },
    refilter: (longer) => fitted(p, longer),
    describe: () => ({ method: "theta", ...p }),
  };
}

export function fitTheta(y: number[], m: number): { params: ThetaParams; model: Fitted } {
  const seasonal = m > 1 && y.length >= 2 * m + 1 && isSeasonal(y, m);
  const multiplicative = y.every((v) => v > 0);
  const base: ThetaParams = { alpha: 0.5, l0: y[0]!, m, seasonal, multiplicative };
  const { adjusted } = adjust(y, base);
  const ses = fitSes(adjusted);
  const params = { ...base, alpha: ses.alpha, l0: ses.l0 };
  return { params, model: fitted(params, y) };
}

export const thetaMember: Member = {
  name: "theta",
  minLength: () => 4,
  fit: (y, m) => fitTheta(y, m).model,
};

export function thetaWithParams(p: ThetaParams, y: number[]): Fitted {
  return fitted(p, y);
}
