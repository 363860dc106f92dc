import type { PriceObservation } from "./features";
import { CompiledModelSet, fitModelSet, NotEnoughDataError, type Basis, type ModelSet, type Rung, type Thresholds } from "./model-set";
import { routeKey } from "./model";

/**
 * Out-of-time backtest of the whole ladder: fit on searches made before the holdout, predict the
 * searches made in it. Interval widths are split-conformal on normalised log residuals
 * |log(price) - prediction| / scale, where scale is the rung's residual SD (plus the spread of
 * route levels when a pooled model has not seen the route): the first half of the holdout
 * calibrates, the second half measures coverage. The served model is refitted on everything and
 * uses the quantiles from the whole holdout.
 */
export interface Calibration {
  q80: number;
  q95: number;
}

export interface PriceMetrics {
  /** MAE of the predicted price over the MAE of the naive forecast (route and cabin median before the holdout). */
  mase: number;
  mae: number;
  naiveMae: number;
  /** Symmetric MAPE, percent. */
  smape: number;
  naiveSmape: number;
  coverage80: number | null;
  coverage95: number | null;
  holdoutDays: number;
  trainSearches: number;
  holdoutSearches: number;
  byBasis: Partial<Record<Basis, { n: number; smape: number; coverage80: number | null }>>;
}

/** The log half-width scale of a prediction from this rung. */
export function scaleOf(rung: Rung, routeSeen: boolean): number {
  const s = rung.model.residualSd;
  return routeSeen ? s : Math.sqrt(s * s + rung.model.routeEffectSd ** 2);
}

/** The conformal quantile: the ceil((n+1)(1-alpha))-th smallest score (the largest when n is small). */
export function conformalQuantile(scores: number[], level: number): number {
  if (scores.length === 0) return NaN;
  const sorted = [...scores].sort((a, b) => a - b);
  const k = Math.min(sorted.length, Math.ceil((sorted.length + 1) * level));
  return sorted[k - 1]!;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function naiveForecaster(train: readonly PriceObservation[]) {
  const by = new Map<string, number[]>();
  const add = (k: string, p: number) => (by.get(k) ?? by.set(k, []).get(k)!).push(p);
  for (const o of train) {
    add(`${routeKey(o.origin, o.destination)}/${o.cabin}`, o.price);
    add(`*/${o.cabin}`, o.price);
    add("*", o.price);
  }
  const med = new Map([...by].map(([k, v]) => [k, median(v)]));
  return (o: PriceObservation) => med.get(`${routeKey(o.origin, o.destination)}/${o.cabin}`) ?? med.get(`*/${o.cabin}`) ?? med.get("*")!;
}

export function holdoutDaysFor(obs: readonly PriceObservation[], wanted = 14): number {
  let first = Infinity;
  let last = -Infinity;
  for (const o of obs) {
    first = Math.min(first, o.purchaseDay);
    last = Math.max(last, o.purchaseDay);
  }
  const span = last - first + 1;
  return Math.max(2, Math.min(wanted, Math.floor(span / 4)));
}

export function backtest(obs: readonly PriceObservation[], opts: { holdoutDays?: number; thresholds?: Thresholds } = {}): { metrics: PriceMetrics; calibration: Calibration } {
  const holdoutDays = opts.holdoutDays ?? holdoutDaysFor(obs);
  const last = obs.reduce((m, o) => Math.max(m, o.purchaseDay), -Infinity);
  const cutoff = last + 1 - holdoutDays;
  const middle = cutoff + Math.floor(holdoutDays / 2);
  const train = obs.filter((o) => o.purchaseDay < cutoff);
  const test = obs.filter((o) => o.purchaseDay >= cutoff);
  if (test.length < 20) throw new NotEnoughDataError(test.length, 20);
  const set: ModelSet = fitModelSet(train, opts.thresholds);
  const compiled = new CompiledModelSet(set);
  const naive = naiveForecaster(train);

  let absErr = 0, naiveAbs = 0, smape = 0, naiveSmape = 0;
  const calibScores: number[] = [];
  const evalRows: { score: number; basis: Basis }[] = [];
  const all: number[] = [];
  const perBasis = new Map<Basis, { n: number; smape: number }>();
  for (const o of test) {
    const rung = compiled.rung(o.origin, o.destination);
    const { logPrice, routeSeen } = compiled.predict(rung, o);
    const pred = Math.exp(logPrice);
    const score = Math.abs(Math.log(o.price) - logPrice) / scaleOf(rung, routeSeen);
    const nv = naive(o);
    absErr += Math.abs(o.price - pred);
    naiveAbs += Math.abs(o.price - nv);
    const s = (200 * Math.abs(o.price - pred)) / (o.price + pred);
    smape += s;
    naiveSmape += (200 * Math.abs(o.price - nv)) / (o.price + nv);
    const b = perBasis.get(rung.basis) ?? { n: 0, smape: 0 };
    perBasis.set(rung.basis, { n: b.n + 1, smape: b.smape + s });
    all.push(score);
    if (o.purchaseDay < middle) calibScores.push(score);
    else evalRows.push({ score, basis: rung.basis });
  }
  const n = test.length;
  const q80c = conformalQuantile(calibScores, 0.8);
  const q95c = conformalQuantile(calibScores, 0.95);
  const cover = (rows: { score: number }[], q: number) => (rows.length && Number.isFinite(q) ? rows.filter((r) => r.score <= q).length / rows.length : null);
  const byBasis: PriceMetrics["byBasis"] = {};
  for (const [basis, v] of perBasis) {
    byBasis[basis] = { n: v.n, smape: v.smape / v.n, coverage80: cover(evalRows.filter((r) => r.basis === basis), q80c) };
  }
  const mae = absErr / n;
  const naiveMae = naiveAbs / n;
  return {
    metrics: {
      mase: mae / naiveMae,
      mae,
      naiveMae,
      smape: smape / n,
      naiveSmape: naiveSmape / n,
      coverage80: cover(evalRows, q80c),
      coverage95: cover(evalRows, q95c),
      holdoutDays,
      trainSearches: train.length,
      holdoutSearches: n,
      byBasis,
    },
    calibration: { q80: conformalQuantile(all, 0.8), q95: conformalQuantile(all, 0.95) },
  };
}
