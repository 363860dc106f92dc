import { nelderMead } from "./nelder-mead";
import { classicalSeasonalIndices } from "./season";
import type { Fitted, Member } from "./types";

/**
 * Exponential smoothing in the innovations state-space form (Hyndman, Koehler, Ord & Snyder,
 * "Forecasting with Exponential Smoothing", 2008, Tables 2.2/2.3, and Hyndman & Athanasopoulos,
 * FPP 2nd ed., ch. 7). Error A / M, trend N / A / Ad, seasonality N / A / M.
 * Written with the raw one-step error e = y - yhat, the state recursions of a multiplicative-error
 * model are those of its additive-error twin (the relative error is e / yhat); the two differ in
 * their likelihood, so in the parameters estimated and in which form the AICc picks.
 */
export type ErrorKind = "A" | "M";
export type TrendKind = "N" | "A" | "Ad";
export type SeasonKind = "N" | "A" | "M";

export interface EtsParams {
  /** Error kind; absent means additive. */
  error?: ErrorKind;
  trend: TrendKind;
  season: SeasonKind;
  m: number;
  alpha: number;
  /** Trend smoothing in the error-correction form (beta = alpha * beta* of the component form). */
  beta: number;
  gamma: number;
  phi: number;
  l0: number;
  b0: number;
  /** Initial seasonal states for positions 0..m-1 (the state used at time t is s[t mod m]). */
  s0: number[];
}

export interface EtsRun {
  sse: number;
  /** Sum of squared relative errors (e / yhat)^2 and of log |yhat|: the multiplicative-error likelihood's terms. */
  sseRelative: number;
  sumLogFitted: number;
  fitted: number[];
  level: number;
  slope: number;
  /** Latest seasonal state per position t mod m. */
  season: number[];
  ok: boolean;
}

/** Runs the recursions over y; `ok` is false if the state left the valid region. */
export function etsFilter(y: number[], p: EtsParams): EtsRun {
  const { trend, season: sk, m } = p;
  const phi = trend === "Ad" ? p.phi : 1;
  let l = p.l0;
  let b = trend === "N" ? 0 : p.b0;
  const season = sk === "N" ? [] : p.s0.slice();
  const fitted: number[] = [];
  let sse = 0;
  let sseRelative = 0;
  let sumLogFitted = 0;
  const relative = p.error === "M";
  let ok = true;
  for (let t = 0; t < y.length; t++) {
    const base = l + phi * b;
    const s = sk === "N" ? 0 : season[t % m]!;
    const yhat = sk === "A" ? base + s : sk === "M" ? base * s : base;
    const e = y[t]! - yhat;
    fitted.push(yhat);
    sse += e * e;
    if (relative) {
      if (!(yhat > 0)) ok = false;
      sseRelative += (e / yhat) ** 2;
      sumLogFitted += Math.log(Math.abs(yhat));
    }
    if (sk === "M") {
      if (!(s > 0) || !(base > 0)) ok = false;
      l = base + (p.alpha * e) / s;
      b = phi * b + (p.beta * e) / s;
      season[t % m] = s + (p.gamma * e) / base;
    } else {
      l = base + p.alpha * e;
      b = phi * b + p.beta * e;
      if (sk === "A") season[t % m] = s + p.gamma * e;
    }
    if (!Number.isFinite(l)) ok = false;
  }
  return { sse, sseRelative, sumLogFitted, fitted, level: l, slope: trend === "N" ? 0 : b, season, ok };
}

/** h-step point forecasts from the end state of a run. */
export function etsForecast(run: EtsRun, p: EtsParams, n: number, h: number): number[] {
  const phi = p.trend === "Ad" ? p.phi : 1;
  const out: number[] = [];
  let damp = 0;
  for (let i = 1; i <= h; i++) {
    damp += phi ** i;
    const base = run.level + (p.trend === "N" ? 0 : damp * run.slope);
    const s = p.season === "N" ? 0 : run.season[(n + i - 1) % p.m]!;
    out.push(p.season === "A" ? base + s : p.season === "M" ? base * s : base);
  }
  return out;
}

/**
 * Heuristic initial states (Hyndman et al. 2008, section 2.6.1): seasonal indices from a classical
 * decomposition of the first (up to) three seasons, then a line through the first
 * max(10, 2m) seasonally adjusted points gives l0 (intercept) and b0 (slope).
 */
export function initialStates(y: number[], m: number, trend: TrendKind, season: SeasonKind): { l0: number; b0: number; s0: number[] } {
  let s0: number[] = [];
  let adjusted = y;
  if (season !== "N") {
    const head = y.slice(0, Math.min(y.length, 3 * m));
    s0 = classicalSeasonalIndices(head, m, season === "M");
    adjusted = y.map((v, t) => (season === "M" ? v / s0[t % m]! : v - s0[t % m]!));
  }
  const k = Math.min(adjusted.length, Math.max(10, 2 * m));
  const xs = adjusted.slice(0, k);
  if (trend === "N") return { l0: xs.reduce((a, b) => a + b, 0) / k, b0: 0, s0 };
  const tbar = (k - 1) / 2;
  const ybar = xs.reduce((a, b) => a + b, 0) / k;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((v, t) => {
    sxy += (t - tbar) * (v - ybar);
    sxx += (t - tbar) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  // The intercept at t = -1: the level "before" the first observation.
  return { l0: ybar - slope * (tbar + 1), b0: slope, s0 };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

export interface EtsFit {
  params: EtsParams;
  run: EtsRun;
  n: number;
  aicc: number;
  /** Number of estimated quantities counted by the AICc (smoothing, initial states, variance). */
  k: number;
}

/**
 * Which forms automatic selection tries and what is estimated.
 * - errors "additive": additive-error forms only, every season kind (the engine's first ETS);
 *   "both": R forecast::ets's default set (restrict = TRUE, no multiplicative trend): additive and
 *   multiplicative errors, but no additive error with a multiplicative season (those forms have
 *   infinite forecast variance, Hyndman et al. 2008 section 15.1), multiplicative ones only for
 *   positive data.
 * - estimateSeason: the m - 1 free initial seasonal states are estimated with the rest (as R does);
 *   otherwise they stay at their heuristic values.
 */
export interface EtsOptions {
  errors?: "additive" | "both";
  estimateSeason?: boolean;
}

/** What the engine's ETS members use (ADR 0025: chosen by tests/bench/forecast/select.ts). */
export const ETS_DEFAULTS: EtsOptions = { errors: "additive", estimateSeason: false };

/**
 * -2 log-likelihood up to a constant shared by every form (Hyndman et al. 2008 section 5.2):
 * n log(SSE / n) with additive errors, n log(sum (e / yhat)^2 / n) + 2 sum log |yhat| with
 * multiplicative ones.
 */
export function minus2LogLik(run: EtsRun, n: number, error: ErrorKind = "A"): number {
  return error === "M" ? n * Math.log(Math.max(run.sseRelative, 1e-300) / n) + 2 * run.sumLogFitted : n * Math.log(Math.max(run.sse, 1e-300) / n);
}

/**
 * Fits one ETS form by maximum likelihood over
 * 0 < alpha < 1, 0 < beta < alpha, 0 < gamma < 1 - alpha, 0.8 <= phi <= 0.98 (the usual region,
 * Hyndman et al. 2008 section 5.3) and over l0, b0 (and the free initial seasonal states when
 * `estimateSeason`; their sum stays 0, or m for a multiplicative season). Returns null when no
 * valid fit exists.
 */
export function fitEts(y: number[], m: number, trend: TrendKind, season: SeasonKind, error: ErrorKind = "A", options: { estimateSeason?: boolean } = {}): EtsFit | null {
  const n = y.length;
  if (season !== "N" && (m < 2 || n < 2 * m + 2)) return null;
  if ((season === "M" || error === "M") && y.some((v) => !(v > 0))) return null;
  const init = initialStates(y, m, trend, season);
  const scale = Math.max(1e-9, sd(y));
  const hasB = trend !== "N";
  const hasS = season !== "N";
  const freeSeason = hasS && options.estimateSeason === true ? m - 1 : 0;
  const seasonStep = season === "M" ? 0.05 : 0.1 * scale;
  const decode = (x: number[]): EtsParams => {
    let i = 0;
    const alpha = 0.0001 + 0.9998 * sigmoid(x[i++]!);
    const beta = hasB ? alpha * sigmoid(x[i++]!) : 0;
    const gamma = hasS ? (1 - alpha) * sigmoid(x[i++]!) : 0;
    const phi = trend === "Ad" ? 0.8 + 0.18 * sigmoid(x[i++]!) : 1;
    const l0 = init.l0 + x[i++]! * scale;
    const b0 = hasB ? init.b0 + (x[i++]! * scale) / 10 : 0;
    let s0 = init.s0;
    if (freeSeason) {
      s0 = init.s0.slice();
      let sum = 0;
      for (let j = 0; j < freeSeason; j++) {
        const d = x[i++]! * seasonStep;
        s0[j] = s0[j]! + d;
        sum += d;
      }
      s0[m - 1] = s0[m - 1]! - sum;
    }
    return { error, trend, season, m, alpha, beta, gamma, phi, l0, b0, s0 };
  };
  const x0 = [logit(0.3)];
  if (hasB) x0.push(logit(0.1));
  if (hasS) x0.push(logit(0.1));
  if (trend === "Ad") x0.push(logit(0.5));
  x0.push(0);
  if (hasB) x0.push(0);
  for (let j = 0; j < freeSeason; j++) x0.push(0);
  const objective = (x: number[]): number => {
    const r = etsFilter(y, decode(x));
    // With additive errors minimising SSE is maximising the likelihood (and keeps the search the engine's first ETS made).
    return r.ok ? (error === "M" ? minus2LogLik(r, n, error) : r.sse) : Infinity;
  };
  const best = nelderMead(objective, x0, { step: x0.map(() => 0.5), maxIterations: 400 * x0.length, tolerance: 1e-10 });
  if (!Number.isFinite(best.fx)) return null;
  const params = decode(best.x);
  const run = etsFilter(y, params);
  const k = 1 + (hasB ? 1 : 0) + (hasS ? 1 : 0) + (trend === "Ad" ? 1 : 0) + 1 + (hasB ? 1 : 0) + (hasS ? m - 1 : 0) + 1;
  const aicc = aiccFrom(minus2LogLik(run, n, error), n, k);
  return { params, run, n, aicc, k };
}

/** AICc = -2 log L + 2k + 2k(k+1)/(n-k-1). */
export function aiccFrom(m2ll: number, n: number, k: number): number {
  if (n - k - 1 <= 0) return Infinity;
  return m2ll + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
}

/** AICc for additive Gaussian errors: n log(SSE/n) + 2k + 2k(k+1)/(n-k-1) (constants dropped). */
export function aiccOf(sse: number, n: number, k: number): number {
  return aiccFrom(n * Math.log(Math.max(sse, 1e-300) / n), n, k);
}

function sd(y: number[]): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  return Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, y.length - 1));
}

/** The forms (error, trend, season) tried by automatic selection for season length m and data y. */
export function candidateForms(y: number[], m: number, errors: EtsOptions["errors"] = "additive"): [ErrorKind, TrendKind, SeasonKind][] {
  const positive = y.every((v) => v > 0);
  const seasons: SeasonKind[] = m > 1 && y.length >= 2 * m + 2 ? ["N", "A", ...(positive ? (["M"] as const) : [])] : ["N"];
  const errorKinds: ErrorKind[] = errors === "both" && positive ? ["A", "M"] : ["A"];
  const forms: [ErrorKind, TrendKind, SeasonKind][] = [];
  for (const e of errorKinds) {
    for (const s of seasons) {
      if (errors === "both" && e === "A" && s === "M") continue;
      for (const t of ["N", "A", "Ad"] as const) forms.push([e, t, s]);
    }
  }
  return forms;
}

/** Fits every candidate form (or those whose trend `only` allows) and keeps the smallest AICc. */
export function autoEts(y: number[], m: number, only?: TrendKind[], options: EtsOptions = ETS_DEFAULTS): EtsFit {
  let best: EtsFit | null = null;
  for (const [e, t, s] of candidateForms(y, m, options.errors)) {
    if (only && !only.includes(t)) continue;
    const fit = fitEts(y, m, t, s, e, options);
    if (fit && (!best || fit.aicc < best.aicc)) best = fit;
  }
  if (!best) throw new Error("ets: no form could be fitted");
  return best;
}

function fittedFrom(params: EtsParams, y: number[], extra: Record<string, unknown>): Fitted {
  const run = etsFilter(y, params);
  return {
    forecast: (h) => etsForecast(run, params, y.length, h),
    refilter: (longer) => fittedFrom(params, longer, extra),
    describe: () => ({ method: `ETS(${params.error ?? "A"},${params.trend},${params.season})`, ...params, ...extra }),
  };
}

/** Automatic ETS (form by AICc) with the given options; `etsMember` uses ETS_DEFAULTS. */
export function etsMemberWith(options: EtsOptions, name = "ets"): Member {
  return {
    name,
    minLength: () => 6,
    fit(y, m) {
      const best = autoEts(y, m, undefined, options);
      return fittedFrom(best.params, y, { aicc: best.aicc });
    },
  };
}

export const etsMember: Member = etsMemberWith(ETS_DEFAULTS);

/**
 * Damped-trend exponential smoothing (Gardner & McKenzie 1985): ETS(A,Ad,N/A/M) with the season
 * chosen by AICc. A robust benchmark on the M-competitions (Makridakis & Hibon 2000), and unlike
 * the automatic choice it never extrapolates a linear trend without bound.
 */
export function dampedEtsMemberWith(options: EtsOptions, name = "damped"): Member {
  return {
    name,
    minLength: () => 6,
    fit(y, m) {
      const best = autoEts(y, m, ["Ad"], options);
      return fittedFrom(best.params, y, { aicc: best.aicc });
    },
  };
}

export const dampedEtsMember: Member = dampedEtsMemberWith(ETS_DEFAULTS);

/** For tests and callers that fix the parameters: a Fitted for given parameters. */
export function etsWithParams(params: EtsParams, y: number[]): Fitted {
  return fittedFrom(params, y, {});
}
