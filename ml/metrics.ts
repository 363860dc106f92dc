/**
 * Forecast accuracy and interval metrics. MASE follows Hyndman & Koehler (2006) with the
 * in-sample seasonal naive scale (lag m, falling back to lag 1 when the history is shorter than
 * m + 1); sMAPE is the M4 competition's form, in percent: mean of 200 |y - f| / (|y| + |f|).
 */
export function maseScale(insample: number[], m: number): number {
  const lag = insample.length > m ? m : 1;
  let s = 0;
  let c = 0;
  for (let t = lag; t < insample.length; t++) {
    s += Math.abs(insample[t]! - insample[t - lag]!);
    c++;
  }
  return c > 0 ? s / c : NaN;
}

export function mase(actual: number[], forecast: number[], insample: number[], m: number): number {
  const scale = maseScale(insample, m);
  return mean(actual.map((a, i) => Math.abs(a - forecast[i]!))) / scale;
}

export function smape(actual: number[], forecast: number[]): number {
  return mean(
    actual.map((a, i) => {
      const d = Math.abs(a) + Math.abs(forecast[i]!);
      return d === 0 ? 0 : (200 * Math.abs(a - forecast[i]!)) / d;
    }),
  );
}

/** Share of actuals inside [lo, hi] (inclusive), 0..1. */
export function coverage(actual: number[], lo: number[], hi: number[]): number {
  return mean(actual.map((a, i) => (a >= lo[i]! && a <= hi[i]! ? 1 : 0)));
}

export function meanWidth(lo: number[], hi: number[]): number {
  return mean(lo.map((l, i) => hi[i]! - l));
}

/**
 * Winkler (interval) score at level 1 - alpha: width plus 2/alpha times the distance by which the
 * actual falls outside (Winkler 1972; Gneiting & Raftery 2007). Lower is better.
 */
export function winkler(actual: number[], lo: number[], hi: number[], alpha: number): number {
  return mean(
    actual.map((a, i) => {
      const l = lo[i]!;
      const u = hi[i]!;
      return u - l + (a < l ? (2 / alpha) * (l - a) : 0) + (a > u ? (2 / alpha) * (a - u) : 0);
    }),
  );
}

/** Pinball (quantile) loss of quantile forecasts q at level tau. */
export function pinball(actual: number[], q: number[], tau: number): number {
  return mean(actual.map((a, i) => (a >= q[i]! ? tau * (a - q[i]!) : (1 - tau) * (q[i]! - a))));
}

export function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
