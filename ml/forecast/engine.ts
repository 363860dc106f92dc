import { rollingBacktest, scoreForecasts, type Backtest } from "./backtest";
import { calibrate, intervals, type ConformalCalibration } from "./conformal";
import { etsMember } from "./ets";
import { seasonalNaiveMember } from "./naive";
import { detectSeasonLength, type Frequency } from "./season";
import { thetaMember } from "./theta";
import type { Member } from "./types";

export const STATISTICAL_MEMBERS: Member[] = [seasonalNaiveMember, etsMember, thetaMember];

export interface ForecastOptions {
  horizon: number;
  /** Given season length; detected from the ACF when absent. */
  seasonLength?: number;
  frequency?: Frequency;
  /** Members to try (default: seasonal naive, ETS, Theta; add neuralMember(model) for the global model). */
  members?: Member[];
  /** Backtest origins (default max(2H, 2m, 36), fewer when the series is short). */
  origins?: number;
  refitEvery?: number;
}

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
 * Where the rolling-origin backtest of a series of n points starts: K origins (default
 * max(2H, 2m, 36), fewer when the series is short), the first at n - H - K + 1. A global model
 * used as a member must be trained on each series' points before `firstOrigin` only, so its
 * backtest residuals are out of sample like the others'.
 */
export function planBacktest(n: number, horizon: number, m: number, origins?: number): { origins: number; firstOrigin: number } {
  const available = n - horizon - minTrain(m) + 1;
  const K = Math.max(1, Math.min(origins ?? Math.max(2 * horizon, 2 * m, 36), available));
  return { origins: K, firstOrigin: n - horizon - K + 1 };
}

/**
 * Combination weights from backtest MASE: w_i proportional to 1 / MASE_i^2 over the members
 * whose MASE is within 1.5x of the best one (a member far behind only adds noise); a member
 * with an undefined score gets no weight.
 */
export function combinationWeights(scores: number[]): number[] {
  const finite = scores.filter((s) => Number.isFinite(s) && s > 0);
  if (finite.length === 0) return scores.map((_, i) => (i === 0 ? 1 : 0));
  const best = Math.min(...finite);
  const raw = scores.map((s) => (Number.isFinite(s) && s > 0 && s <= 1.5 * best ? 1 / (s * s) : 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

export function combine(forecasts: number[][], weights: number[]): number[] {
  const H = forecasts[0]!.length;
  const out = new Array<number>(H).fill(0);
  forecasts.forEach((f, i) => {
    for (let h = 0; h < H; h++) out[h]! += weights[i]! * f[h]!;
  });
  return out;
}

function band(mean: number[], cal: ConformalCalibration): ForecastBand {
  const i80 = intervals(mean, cal, 0.8);
  const i95 = intervals(mean, cal, 0.95);
  return { mean, lo80: i80.lo, hi80: i80.hi, lo95: i95.lo, hi95: i95.hi };
}

/**
 * Forecasts y for H steps: backtest every member on rolling origins, weight them by backtest
 * MASE, fit them on the whole series, combine, and wrap the combination (and each member) in
 * split-conformal 80% / 95% intervals from its own backtest residuals.
 */
export function forecastSeries(y: number[], options: ForecastOptions): ForecastResult {
  const H = options.horizon;
  if (!Number.isInteger(H) || H < 1) throw new Error("horizon must be a positive integer");
  if (y.some((v) => !Number.isFinite(v))) throw new Error("series has missing or non-numeric values");
  let m = options.seasonLength ?? detectSeasonLength(y, options.frequency);
  if (y.length < minimumLength(H, m) && options.seasonLength === undefined) m = 1;
  if (y.length < minimumLength(H, m)) {
    throw new SeriesTooShortError(`series has ${y.length} points; horizon ${H} with season length ${m} needs at least ${minimumLength(H, m)}`);
  }
  const { origins: K, firstOrigin: firstTrain } = planBacktest(y.length, H, m, options.origins);
  const members = (options.members ?? STATISTICAL_MEMBERS).filter((mb) => mb.minLength(m) <= firstTrain);
  const bt: Backtest = rollingBacktest(y, m, members, { horizon: H, origins: K, refitEvery: options.refitEvery });
  const weights = combinationWeights(bt.members.map((b) => b.mase));
  const combinedBacktest = bt.origins.map((_, k) => combine(bt.members.map((b) => b.forecasts[k]!), weights));
  const combinedScore = scoreForecasts(y, m, bt.origins, combinedBacktest);
  const reports: MemberReport[] = members.map((member, i) => {
    const model = (member.finalFit ?? member.fit)(y, m);
    const mean = model.forecast(H);
    const cal = calibrate(bt.members[i]!.residuals, H);
    return {
      name: member.name,
      weight: weights[i]!,
      backtest: { mase: bt.members[i]!.mase, smape: bt.members[i]!.smape },
      model: model.describe(),
      ...band(mean, cal),
    };
  });
  const mean = combine(reports.map((r) => r.mean), weights);
  const calibration = calibrate(combinedScore.residuals, H);
  return {
    seasonLength: m,
    horizon: H,
    members: reports,
    backtest: { mase: combinedScore.mase, smape: combinedScore.smape, origins: K },
    calibration,
    ...band(mean, calibration),
  };
}
