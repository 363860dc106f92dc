import { maseScale } from "../metrics";
import { rollingBacktest, scoreForecasts, type Backtest } from "./backtest";
import { COMBINATION_RULES, combineBy, ruleWeights, type CombinationRule } from "./combination";
import { calibrate, intervals, localVolatility, type ConformalCalibration } from "./conformal";
import { dampedEtsMember, etsMember } from "./ets";
import { seasonalNaiveMember } from "./naive";
import { detectSeasonLength, type Frequency } from "./season";
import { thetaMember } from "./theta";
import type { Member } from "./types";

/** The members the engine runs by default (each also reported on its own, with its own intervals). */
export const STATISTICAL_MEMBERS: Member[] = [seasonalNaiveMember, etsMember, thetaMember, dampedEtsMember];
/**
 * The members combined by default: ETS and damped-trend ETS. Chosen by the nested validation of
 * tests/bench/forecast/select.ts (docs/decisions/0021): seasonal naive, Theta and the global MLP
 * were clearly weaker there and combining them in cost accuracy. The others are still fitted and
 * reported. When none of these is among the members given, every member is combined.
 */
export const DEFAULT_COMBINATION_MEMBERS = ["ets", "damped"];
/** Backtest origins by default: as many as the series allows, at most this many. */
export const MAX_ORIGINS = 120;

/**
 * How many of the latest backtest origins calibrate the intervals: those whose history holds at
 * least half of the series (n / 2 points), at most max(2H, 2m, 36), at least one. Conformal
 * coverage needs the calibration errors exchangeable with the final forecast's, and a model fitted
 * on a much shorter history errs more (worse parameter and form estimates). On simulated local
 * level series (n 60, H 6) calibrating on the latest 36 origins (histories from 19 points)
 * over-covered with the ETS members (86 / 97% for 80 / 95%); with histories of at least n / 2,
 * 83 / 94% (BENCHMARKS.md, ADR 0021).
 */
export function calibrationCount(origins: number[], n: number, horizon: number, m: number): number {
  const late = origins.filter((o) => o >= n / 2).length;
  return Math.max(1, Math.min(origins.length, Math.max(2 * horizon, 2 * m, 36), late));
}

export interface ForecastOptions {
  horizon: number;
  /** Given season length; detected from the ACF when absent. */
  seasonLength?: number;
  frequency?: Frequency;
  /** Members to try (default: seasonal naive, ETS, Theta; add neuralMember(model) for the global model). */
  members?: Member[];
  /** Backtest origins (default: as many as the series allows, at most MAX_ORIGINS). */
  origins?: number;
  refitEvery?: number;
  /** How members are combined (default DEFAULT_COMBINATION). */
  combination?: CombinationRule;
  /** "none": plain split-conformal; "local-volatility": residuals scaled by local volatility. */
  intervalScaling?: IntervalScaling;
}

export type IntervalScaling = "none" | "local-volatility";
export const INTERVAL_SCALINGS: IntervalScaling[] = ["none", "local-volatility"];
export { COMBINATION_RULES, type CombinationRule };
export const DEFAULT_COMBINATION: CombinationRule = "inverse-mase2-within-1.5";
export const DEFAULT_INTERVAL_SCALING: IntervalScaling = "local-volatility";

export interface ForecastBand {
  mean: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
}

export interface MemberReport extends ForecastBand {
  name: string;
  weight: number;
  backtest: { mase: number; smape: number };
  model: Record<string, unknown>;
}

export interface ForecastResult extends ForecastBand {
  seasonLength: number;
  horizon: number;
  members: MemberReport[];
  backtest: { mase: number; smape: number; origins: number };
  calibration: ConformalCalibration;
  /** The combination rule used. */
  combination: CombinationRule;
}

export class SeriesTooShortError extends Error {}

/** The fewest points the engine needs for horizon H and season length m. */
export function minimumLength(horizon: number, m: number): number {
  return minTrain(m) + horizon + 3;
}

function minTrain(m: number): number {
  return Math.max(2 * m + 2, 10);
}

/**
 * Where the rolling-origin backtest of a series of n points starts: K origins (default as many as
 * the series allows, at most MAX_ORIGINS), the first at n - H - K + 1, never before
 * max(2m + 2, 10, minHistory) points (minHistory: the longest history a member needs, e.g. the
 * neural member's window, so that every member runs at every origin). A global model used as a
 * member must be trained on each series' points before `firstOrigin` only, so its backtest
 * residuals are out of sample like the others'; a cut computed without minHistory is earlier or
 * equal, so it is safe too.
 */
export function planBacktest(n: number, horizon: number, m: number, origins?: number, minHistory = 0): { origins: number; firstOrigin: number } {
  const available = n - horizon - Math.max(minTrain(m), minHistory) + 1;
  const K = Math.max(1, Math.min(origins ?? MAX_ORIGINS, available));
  return { origins: K, firstOrigin: n - horizon - K + 1 };
}

/**
 * Combination weights of the first engine's rule (1 / MASE^2 among members within 1.5x of the
 * best), kept for callers; the engine combines by `options.combination` (see combination.ts).
 */
export function combinationWeights(scores: number[]): number[] {
  return ruleWeights("inverse-mase2-within-1.5", scores);
}

export function combine(forecasts: number[][], weights: number[]): number[] {
  return combineBy("equal", forecasts, weights);
}

function band(mean: number[], cal: ConformalCalibration): ForecastBand {
  const i80 = intervals(mean, cal, 0.8);
  const i95 = intervals(mean, cal, 0.95);
  return { mean, lo80: i80.lo, hi80: i80.hi, lo95: i95.lo, hi95: i95.hi };
}

/** Everything the combination step needs: members, their backtests and final fits. */
export interface SeriesAnalysis {
  y: number[];
  seasonLength: number;
  horizon: number;
  members: Member[];
  backtest: Backtest;
  finals: { mean: number[]; model: Record<string, unknown> }[];
  /** Local volatility before each backtest origin, and at the end of the series. */
  originScale: number[];
  currentScale: number;
}

/**
 * Step 1 of the engine: season length, rolling-origin backtest of every member, final fits.
 * Pure and synchronous; `combineAnalysis` then applies a combination rule and the intervals.
 */
export function analyseSeries(y: number[], options: ForecastOptions): SeriesAnalysis {
  const H = options.horizon;
  if (!Number.isInteger(H) || H < 1) throw new Error("horizon must be a positive integer");
  if (y.some((v) => !Number.isFinite(v))) throw new Error("series has missing or non-numeric values");
  let m = options.seasonLength ?? detectSeasonLength(y, options.frequency);
  if (y.length < minimumLength(H, m) && options.seasonLength === undefined) m = 1;
  if (y.length < minimumLength(H, m)) {
    throw new SeriesTooShortError(`series has ${y.length} points; horizon ${H} with season length ${m} needs at least ${minimumLength(H, m)}`);
  }
  const given = options.members ?? STATISTICAL_MEMBERS;
  // Leave room for every member that can run at all on the series before the last origin.
  const lastOrigin = y.length - H;
  const minHistory = Math.max(0, ...given.map((mb) => mb.minLength(m)).filter((l) => l <= lastOrigin - 1));
  const { origins: K, firstOrigin: firstTrain } = planBacktest(y.length, H, m, options.origins, minHistory);
  const members = given.filter((mb) => mb.minLength(m) <= firstTrain);
  const bt: Backtest = rollingBacktest(y, m, members, { horizon: H, origins: K, refitEvery: options.refitEvery });
  const finals = members.map((member) => {
    const model = (member.finalFit ?? member.fit)(y, m);
    return { mean: model.forecast(H), model: model.describe() };
  });
  return {
    y,
    seasonLength: m,
    horizon: H,
    members,
    backtest: bt,
    finals,
    originScale: bt.origins.map((o) => localVolatility(y, o, m)),
    currentScale: localVolatility(y, y.length, m),
  };
}

export interface CombineOptions {
  combination?: CombinationRule;
  intervalScaling?: IntervalScaling;
  /** Use only these members (by name) in the combination; default: all. */
  memberNames?: string[];
  /**
   * Backtest MASE per member name pooled over a set of series (e.g. the mean of each member's
   * backtest MASE over a project's series, `pooledBacktestScores`). When given, the rule weighs
   * members by these instead of the one series' own scores: a series' few backtest origins rank
   * members noisily, a set of series ranks them reliably.
   */
  pooledScores?: Record<string, number>;
  /**
   * Where the interval half-widths come from (default "own"): the series' own backtest residuals
   * (split-conformal, `calibrate`), the scale-free residuals pooled over a set of series
   * (`pooledCalibration`, needs `pooledIntervals`), or the mean of the two half-widths ("blend").
   */
  intervalSource?: IntervalSource;
  /** Cross-series calibration of the same set of series, for intervalSource "pooled" / "blend". */
  pooledIntervals?: PooledCalibration;
  /**
   * Which backtest origins calibrate the intervals: "half-history" (default, `calibrationCount`)
   * or "all" (every backtest origin, up to MAX_ORIGINS).
   */
  calibrationWindow?: CalibrationWindow;
}

export type CalibrationWindow = "half-history" | "all";
export const CALIBRATION_WINDOWS: CalibrationWindow[] = ["half-history", "all"];

function calibrationOrigins(a: SeriesAnalysis, window: CalibrationWindow | undefined): number {
  const o = a.backtest.origins;
  return window === "all" ? o.length : calibrationCount(o, a.y.length, a.horizon, a.seasonLength);
}

export type IntervalSource = "own" | "pooled" | "blend";
export const INTERVAL_SOURCES: IntervalSource[] = ["own", "pooled", "blend"];

/**
 * Cross-series split-conformal calibration (one per frequency of a set of analysed series):
 * every series' backtest residuals at its calibration origins (`calibrationCount`) are divided by
 * a scale measured on the data before each origin, then for each horizon step h and level the
 * quantile of |e| / scale is taken over all series, each series weighted equally (its origins
 * share weight 1), at level * (N + 1) / N (capped at 1) for N scores at that step (the usual
 * split-conformal correction; with the series as units, (S + 1) / S, the sets of 40 simulated
 * series in calibration.ts over-covered by 5 / 3 points); made non-decreasing in h. A series'
 * interval is then mean[h] -/+ q[h] * (the same scale measured at the end of the series).
 * The scale follows the interval scaling: "none" -> the in-sample seasonal naive MAE (the MASE
 * scale), "local-volatility" -> `localVolatility`. A short or calm series borrows the error
 * distribution of the whole set instead of its own few origins (Stankeviciute et al. 2021 pool
 * conformal scores over series; Makridakis et al. 2020, M4, on learning across series).
 * Keyed by "combination" and by member name. `options.calibrationWindow` picks the origins as in
 * `combineAnalysis`; the combination's residuals follow `options` (rule, members, pooled scores).
 */
export interface PooledCalibration {
  levels: number[];
  horizon: number;
  normaliser: IntervalScaling;
  quantile: Record<string, Record<string, number[]>>;
  series: number;
}

/** The scale that makes a series' residuals comparable across series, before position `end`. */
export function seriesScale(y: number[], end: number, m: number, normaliser: IntervalScaling): number {
  if (normaliser === "local-volatility") return localVolatility(y, end, m);
  const s = maseScale(y.slice(0, end), m);
  return Number.isFinite(s) && s > 0 ? s : localVolatility(y, end, m);
}

/**
 * Weighted quantile at `level` of scores with weights (smallest x whose cumulative weight share
 * reaches level); Infinity when level > 1 is asked or nothing is there.
 */
export function weightedQuantile(scores: number[], weights: number[], level: number): number {
  const idx = scores.map((_, i) => i).filter((i) => Number.isFinite(scores[i]!) && weights[i]! > 0).sort((a, b) => scores[a]! - scores[b]!);
  const total = idx.reduce((t, i) => t + weights[i]!, 0);
  if (idx.length === 0 || total <= 0) return Infinity;
  let cum = 0;
  for (const i of idx) {
    cum += weights[i]!;
    if (cum >= level * total * (1 - 1e-12)) return scores[i]!;
  }
  return scores[idx[idx.length - 1]!]!;
}

export function pooledCalibration(analyses: SeriesAnalysis[], options: CombineOptions = {}, levels: number[] = [0.8, 0.95]): PooledCalibration {
  const normaliser = options.intervalScaling ?? DEFAULT_INTERVAL_SCALING;
  const H = Math.max(...analyses.map((a) => a.horizon));
  // per name: per step: scores and weights
  const acc: Record<string, { s: number[]; w: number[] }[]> = {};
  const add = (name: string, a: SeriesAnalysis, residuals: number[][]) => {
    const C = calibrationOrigins(a, options.calibrationWindow);
    const origins = a.backtest.origins.slice(-C);
    const rows = residuals.slice(-C);
    const steps = (acc[name] ??= Array.from({ length: H }, () => ({ s: [], w: [] })));
    rows.forEach((r, k) => {
      const scale = seriesScale(a.y, origins[k]!, a.seasonLength, normaliser);
      r.forEach((e, h) => {
        if (!Number.isFinite(e)) return;
        steps[h]!.s.push(Math.abs(e) / scale);
        steps[h]!.w.push(1 / rows.length);
      });
    });
  };
  for (const a of analyses) {
    const c = combinedBacktest(a, options);
    add("combination", a, c.residuals);
    a.members.forEach((mb, i) => add(mb.name, a, a.backtest.members[i]!.residuals));
  }
  const S = analyses.length;
  const quantile: Record<string, Record<string, number[]>> = {};
  for (const [name, steps] of Object.entries(acc)) {
    quantile[name] = {};
    for (const level of levels) {
      let running = 0;
      quantile[name]![String(level)] = steps.map((st) => {
        const N = st.s.length;
        running = Math.max(running, weightedQuantile(st.s, st.w, Math.min(1, (level * (N + 1)) / N)));
        return running;
      });
    }
  }
  return { levels, horizon: H, normaliser, quantile, series: S };
}

/**
 * Geometric mean of each member's backtest MASE over a set of analysed series (members absent from
 * a series, or with a non-positive score, are skipped there). Geometric, not arithmetic: MASE is a
 * ratio, and one series with a tiny in-sample scale would otherwise decide the ranking
 * (Fleming & Wallace 1986; Davydenko & Fildes 2013).
 */
export function pooledBacktestScores(analyses: SeriesAnalysis[]): Record<string, number> {
  const sum: Record<string, { s: number; n: number }> = {};
  for (const a of analyses) {
    a.backtest.members.forEach((b) => {
      if (!(Number.isFinite(b.mase) && b.mase > 0)) return;
      const e = (sum[b.name] ??= { s: 0, n: 0 });
      e.s += Math.log(b.mase);
      e.n++;
    });
  }
  return Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, Math.exp(v.s / v.n)]));
}

/** The combination's weights and backtest (residuals, scores) of an analysed series under a rule. */
export function combinedBacktest(a: SeriesAnalysis, options: CombineOptions = {}): { weights: number[]; forecasts: number[][]; mase: number; smape: number; residuals: number[][] } {
  const rule = options.combination ?? DEFAULT_COMBINATION;
  const bt = a.backtest;
  const names = options.memberNames ?? DEFAULT_COMBINATION_MEMBERS;
  let included = a.members.map((mb) => names.includes(mb.name));
  if (!included.some(Boolean)) included = a.members.map(() => true);
  // The rule weighs the included members only; the others get weight 0.
  const idx = a.members.map((_, i) => i).filter((i) => included[i]);
  const scores = idx.map((i) => {
    const b = bt.members[i]!;
    return options.pooledScores ? (options.pooledScores[b.name] ?? NaN) : b.mase;
  });
  const sub = ruleWeights(rule, scores);
  const weights = a.members.map(() => 0);
  idx.forEach((i, j) => (weights[i] = sub[j]!));
  const forecasts = bt.origins.map((_, k) => combineBy(rule, bt.members.map((b) => b.forecasts[k]!), weights));
  const score = scoreForecasts(a.y, a.seasonLength, bt.origins, forecasts);
  return { weights, forecasts, ...score };
}

/** Step 2 of the engine: weights by the rule, combined forecast, conformal intervals. */
export function combineAnalysis(a: SeriesAnalysis, options: CombineOptions = {}): ForecastResult {
  const rule = options.combination ?? DEFAULT_COMBINATION;
  const scaling = options.intervalScaling ?? DEFAULT_INTERVAL_SCALING;
  const source = options.intervalSource ?? "own";
  if (source !== "own" && !options.pooledIntervals) throw new Error(`intervalSource "${source}" needs pooledIntervals (pooledCalibration over a set of series)`);
  const H = a.horizon;
  const m = a.seasonLength;
  const bt = a.backtest;
  const { weights, mase: combinedMase, smape: combinedSmape, residuals: combinedResiduals } = combinedBacktest(a, options);
  const C = calibrationOrigins(a, options.calibrationWindow);
  const latest = <T>(xs: T[]): T[] => xs.slice(xs.length - C);
  const local = scaling === "local-volatility" ? { originScale: latest(a.originScale), currentScale: a.currentScale } : undefined;
  const pooled = options.pooledIntervals;
  const currentPooledScale = pooled ? seriesScale(a.y, a.y.length, m, pooled.normaliser) : NaN;
  const bandFor = (name: string, mean: number[], cal: ConformalCalibration): ForecastBand => {
    const own = band(mean, cal);
    if (source === "own" || !pooled) return own;
    const q = pooled.quantile[name];
    if (!q) return own; // a member the pooled set never ran: its own intervals
    const half = (level: number, h: number, lo: number[], hi: number[]): number => {
      const p = q[String(level)]![Math.min(h, q[String(level)]!.length - 1)]! * currentPooledScale;
      const o = (hi[h]! - lo[h]!) / 2;
      return source === "pooled" ? p : (p + o) / 2;
    };
    const h80 = mean.map((_, h) => half(0.8, h, own.lo80, own.hi80));
    const h95 = mean.map((_, h) => half(0.95, h, own.lo95, own.hi95));
    return { mean, lo80: mean.map((v, h) => v - h80[h]!), hi80: mean.map((v, h) => v + h80[h]!), lo95: mean.map((v, h) => v - h95[h]!), hi95: mean.map((v, h) => v + h95[h]!) };
  };
  const reports: MemberReport[] = a.members.map((member, i) => ({
    name: member.name,
    weight: weights[i]!,
    backtest: { mase: bt.members[i]!.mase, smape: bt.members[i]!.smape },
    model: a.finals[i]!.model,
    ...bandFor(member.name, a.finals[i]!.mean, calibrate(latest(bt.members[i]!.residuals), H, undefined, local)),
  }));
  const mean = combineBy(
    rule,
    reports.map((r) => r.mean),
    weights,
  );
  const calibration = calibrate(latest(combinedResiduals), H, undefined, local);
  return {
    seasonLength: m,
    horizon: H,
    members: reports,
    backtest: { mase: combinedMase, smape: combinedSmape, origins: bt.origins.length },
    calibration,
    combination: rule,
    ...bandFor("combination", mean, calibration),
  };
}

/**
 * Forecasts y for H steps: backtest every member on rolling origins, weight them by backtest
 * MASE, fit them on the whole series, combine, and wrap the combination (and each member) in
 * split-conformal 80% / 95% intervals from its own backtest residuals.
 */
export function forecastSeries(y: number[], options: ForecastOptions): ForecastResult {
  return combineAnalysis(analyseSeries(y, options), options);
}
