/** Autocorrelations r_1..r_maxLag of y (the usual biased estimator, as R's acf). */
export function acf(y: number[], maxLag: number): number[] {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let c0 = 0;
  for (const v of y) c0 += (v - mean) ** 2;
  const r: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = k; t < n; t++) c += (y[t]! - mean) * (y[t - k]! - mean);
    r.push(c0 > 0 ? c / c0 : 0);
  }
  return r;
}

/**
 * The seasonality test of Hyndman's thetaf (forecast package): lag m autocorrelation beyond its
 * 90% band under the null of no correlation beyond lag m-1 (Bartlett's formula),
 * |r_m| > 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n).
 */
export function isSeasonal(y: number[], m: number): boolean {
  if (m <= 1 || y.length < 2 * m + 1) return false;
  const r = acf(y, m);
  let s = 0;
  for (let k = 0; k < m - 1; k++) s += r[k]! ** 2;
  return Math.abs(r[m - 1]!) > 1.645 * Math.sqrt((1 + 2 * s) / y.length);
}

export type Frequency = "daily" | "weekly" | "monthly" | "quarterly";

/** Season lengths worth trying for a frequency, most likely first. */
export const SEASON_CANDIDATES: Record<Frequency, number[]> = {
  daily: [7],
  weekly: [52],
  monthly: [12],
  quarterly: [4],
};

/**
 * Season length from the ACF: the trend is removed first (first differences), then the candidate
 * lags of the frequency are tested for a positive autocorrelation outside the white-noise band
 * 1.96 / sqrt(n); without a frequency every lag from 2 to n/3 is, and must also be a local peak.
 * The strongest wins.
 * Returns 1 when nothing is seasonal.
 */
export function detectSeasonLength(y: number[], frequency?: Frequency): number {
  const d = y.slice(1).map((v, i) => v - y[i]!);
  const n = d.length;
  const candidates = frequency ? SEASON_CANDIDATES[frequency] : range(2, Math.floor(n / 3));
  const usable = candidates.filter((m) => n >= 3 * m);
  if (usable.length === 0) return 1;
  const maxLag = Math.max(...usable) + 1;
  const r = acf(d, maxLag);
  let best = 1;
  let bestR = 0;
  for (const m of usable) {
    const rm = r[m - 1]!;
    // The white-noise 95% band: Bartlett's wider band (thetaf's test, used by Theta) counts the
    // season's own autocorrelations at lags < m against it and misses clean seasons in short series.
    const band = 1.96 / Math.sqrt(n);
    // Scanning every lag needs the peak condition (else a multiple or neighbour of the period wins);
    // a candidate from the frequency only has to be significant.
    const peak = frequency !== undefined || (rm >= (r[m - 2] ?? -Infinity) && rm >= (r[m] ?? -Infinity));
    if (rm > band && peak && rm > bestR) {
      best = m;
      bestR = rm;
    }
  }
  return best;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

/**
 * Classical decomposition's seasonal indices (centred 2xm moving average), one per position
 * t mod m, normalised to mean 1 (multiplicative) or sum 0 (additive).
 */
export function classicalSeasonalIndices(y: number[], m: number, multiplicative: boolean): number[] {
  const n = y.length;
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let trend: number;
    if (m % 2 === 0) {
      let s = 0.5 * (y[t - half]! + y[t + half]!);
      for (let k = -half + 1; k < half; k++) s += y[t + k]!;
      trend = s / m;
    } else {
      let s = 0;
      for (let k = -half; k <= half; k++) s += y[t + k]!;
      trend = s / m;
    }
    sums[t % m]! += multiplicative ? y[t]! / trend : y[t]! - trend;
    counts[t % m]! += 1;
  }
  const raw = sums.map((s, i) => (counts[i]! > 0 ? s / counts[i]! : multiplicative ? 1 : 0));
  const mean = raw.reduce((a, b) => a + b, 0) / m;
  return raw.map((v) => (multiplicative ? v / mean : v - mean));
}
