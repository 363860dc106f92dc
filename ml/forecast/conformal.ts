/**
 * Split-conformal prediction intervals from rolling-origin backtest residuals, per horizon step.
 *
 * Input: residuals e[k][h] = y[o_k + h] - yhat_k[h] of K backtest origins and H steps (all from
 * forecasts made without the scored points), and the point forecast to wrap.
 * 1. Scale per step: s_h = sqrt(mean_k e[k][h]^2), made non-decreasing in h (running maximum), so a
 *    later step is never narrower than an earlier one.
 * 2. Normalised scores r[k][h] = |e[k][h]| / s_h, pooled over all steps: N = K * H scores. Pooling
 *    the normalised scores lets a handful of origins still calibrate a 95% interval (per-step
 *    scores alone would need K >= 19).
 * 3. Quantile at level 1 - a: q = the ceil((N + 1)(1 - a))-th smallest score (the finite-sample
 *    conformal quantile; the largest score when that rank exceeds N).
 * 4. Interval at step h: yhat[h] -/+ q * s_h.
 * Under exchangeability of the scores this covers with probability >= 1 - a (Vovk et al. 2005;
 * Lei et al. 2018); backtest origins of one series are only approximately exchangeable, which the
 * calibration tests and the benchmark check empirically.
 *
 * Locally weighted (normalised) variant (Papadopoulos et al. 2008; Lei et al. 2018, section 5.2):
 * with `originScale[k]` = a local volatility measured on the data before origin k and
 * `currentScale` the same measure at the end of the series, residuals are divided by their
 * origin's volatility before steps 1-3, and the interval at step h is
 * yhat[h] -/+ q * s_h * currentScale. The scores stay exchangeable when the errors are
 * proportional to the local volatility (a series whose swings grow or shrink), so the guarantee
 * is the same, and the intervals widen when the series has just become more volatile.
 * `scale` is then the absolute scale s_h * currentScale, so `intervals` works unchanged.
 */
export interface ConformalCalibration {
  levels: number[];
  /** Per horizon step scale s_h. */
  scale: number[];
  /** Score quantile per level. */
  quantile: Record<string, number>;
  scores: number;
  /** With local weighting: s_h before multiplying by `localScale`, and the local scale used. */
  normalisedScale?: number[];
  localScale?: number;
}

export interface LocalWeighting {
  /** Local volatility before each backtest origin (same order as the residual rows). */
  originScale: number[];
  /** Local volatility at the end of the series (where the forecast starts). */
  currentScale: number;
}

export function calibrate(rawResiduals: number[][], horizon: number, levels: number[] = [0.8, 0.95], local?: LocalWeighting): ConformalCalibration {
  const H = horizon;
  const residuals = local ? rawResiduals.map((r, k) => r.map((e) => e / local.originScale[k]!)) : rawResiduals;
  const scale: number[] = [];
  let running = 0;
  for (let h = 0; h < H; h++) {
    const col = residuals.map((r) => r[h]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const rms = col.length ? Math.sqrt(col.reduce((a, v) => a + v * v, 0) / col.length) : running;
    running = Math.max(running, rms);
    scale.push(running);
  }
  const floor = Math.max(1e-12, running * 1e-6);
  for (let h = 0; h < H; h++) scale[h] = Math.max(scale[h]!, floor);
  const scores: number[] = [];
  for (const r of residuals) for (let h = 0; h < H; h++) if (r[h] !== undefined && Number.isFinite(r[h]!)) scores.push(Math.abs(r[h]!) / scale[h]!);
  scores.sort((a, b) => a - b);
  const quantile: Record<string, number> = {};
  for (const level of levels) {
    const rank = Math.ceil((scores.length + 1) * level);
    quantile[String(level)] = scores.length === 0 ? Infinity : scores[Math.min(rank, scores.length) - 1]!;
  }
  if (!local) return { levels, scale, quantile, scores: scores.length };
  return { levels, scale: scale.map((s) => s * local.currentScale), quantile, scores: scores.length, normalisedScale: scale, localScale: local.currentScale };
}

/**
 * Local volatility before position `end` (exclusive): the mean absolute one-step change over the
 * last w = max(2m, 12) points (fewer when the series is shorter), floored at 1e-3 of the mean
 * absolute change over everything before `end` so a flat stretch cannot give a zero scale.
 */
export function localVolatility(y: number[], end: number, m: number): number {
  const w = Math.max(2 * m, 12);
  const from = Math.max(1, end - w);
  let s = 0;
  let c = 0;
  for (let t = from; t < end; t++) {
    s += Math.abs(y[t]! - y[t - 1]!);
    c++;
  }
  let all = 0;
  for (let t = 1; t < end; t++) all += Math.abs(y[t]! - y[t - 1]!);
  const floor = Math.max(1e-12, (1e-3 * all) / Math.max(1, end - 1));
  return Math.max(c > 0 ? s / c : 0, floor);
}

export function intervals(mean: number[], cal: ConformalCalibration, level: number): { lo: number[]; hi: number[] } {
  const q = cal.quantile[String(level)];
  if (q === undefined) throw new Error(`conformal: level ${level} was not calibrated`);
  const lo = mean.map((v, h) => v - q * cal.scale[Math.min(h, cal.scale.length - 1)]!);
  const hi = mean.map((v, h) => v + q * cal.scale[Math.min(h, cal.scale.length - 1)]!);
  return { lo, hi };
}
