import { mase, maseScale, smape } from "../metrics";
import type { Fitted, Member } from "./types";

/**
 * Rolling-origin backtest (Tashman 2000): origins o_1 < ... < o_K one step apart, the last one
 * H steps before the end; at each origin every member forecasts y[o .. o+H) from y[0 .. o).
 * Parameters are re-estimated every `refitEvery` origins (default 6); in between the last fit is re-run
 * (same form and parameters) over the longer history. Nothing at or after an origin is used.
 */
export interface BacktestOptions {
  horizon: number;
  origins: number;
  refitEvery?: number;
}

export interface MemberBacktest {
  name: string;
  /** forecasts[k][h] made at origin k. */
  forecasts: number[][];
  residuals: number[][];
  mase: number;
  smape: number;
}

export interface Backtest {
  origins: number[];
  horizon: number;
  members: MemberBacktest[];
}

export function originsFor(n: number, horizon: number, count: number): number[] {
  const out: number[] = [];
  for (let k = count - 1; k >= 0; k--) out.push(n - horizon - k);
  return out;
}

export function rollingBacktest(y: number[], m: number, members: Member[], opts: BacktestOptions): Backtest {
  const H = opts.horizon;
  const origins = originsFor(y.length, H, opts.origins);
  const refitEvery = Math.max(1, opts.refitEvery ?? 6);
  const result: MemberBacktest[] = [];
  for (const member of members) {
    const forecasts: number[][] = [];
    const residuals: number[][] = [];
    const mases: number[] = [];
    const smapes: number[] = [];
    let model: Fitted | null = null;
    origins.forEach((o, k) => {
      const history = y.slice(0, o);
      model = model && k % refitEvery !== 0 ? model.refilter(history) : member.fit(history, m);
      const f = model.forecast(H);
      const actual = y.slice(o, o + H);
      forecasts.push(f);
      residuals.push(actual.map((a, h) => a - f[h]!));
      mases.push(mase(actual, f, history, m));
      smapes.push(smape(actual, f));
    });
    result.push({ name: member.name, forecasts, residuals, mase: meanFinite(mases), smape: meanFinite(smapes) });
  }
  return { origins, horizon: H, members: result };
}

/** Scores of an arbitrary set of backtest forecasts (e.g. a combination) on the same origins. */
export function scoreForecasts(y: number[], m: number, origins: number[], forecasts: number[][]): { mase: number; smape: number; residuals: number[][] } {
  const mases: number[] = [];
  const smapes: number[] = [];
  const residuals: number[][] = [];
  origins.forEach((o, k) => {
    const f = forecasts[k]!;
    const actual = y.slice(o, o + f.length);
    const scale = maseScale(y.slice(0, o), m);
    mases.push(actual.reduce((a, v, h) => a + Math.abs(v - f[h]!), 0) / actual.length / scale);
    smapes.push(smape(actual, f));
    residuals.push(actual.map((a, h) => a - f[h]!));
  });
  return { mase: meanFinite(mases), smape: meanFinite(smapes), residuals };
}

function meanFinite(xs: number[]): number {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Infinity;
}
