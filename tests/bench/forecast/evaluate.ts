import { analyseSeries, combineAnalysis, minimumLength, planBacktest, pooledBacktestScores, STATISTICAL_MEMBERS, type ForecastBand } from "../../../ml/forecast/engine";
import { DEFAULT_NEURAL, neuralMember, trainGlobalModel } from "../../../ml/forecast/neural";
import { detectSeasonLength } from "../../../ml/forecast/season";
import { coverage, mase, mean, smape } from "../../../ml/metrics";
import type { BenchSeries } from "./data";

export const HOLDOUT = { monthly: 18, quarterly: 8 } as const;
export const SCALE_M = { monthly: 12, quarterly: 4 } as const;
export type Frequency = keyof typeof HOLDOUT;
/** Weights from backtest scores pooled over each frequency's series (select.ts chose this; see ADR 0021). */
const POOLED = true;

export interface Score {
  mase: number;
  smape: number;
  c80: number;
  c95: number;
}

export interface Row {
  freq: Frequency;
  set: string;
  group: string;
  series: string;
  method: string;
  score: Score;
  /** Season length the engine used (Foresight's rows only). */
  m?: number;
}

/** A series cut at the holdout, as every engine (Foresight's and the peer) receives it. */
export interface Split {
  s: BenchSeries;
  train: number[];
  test: number[];
  /** Season length Foresight's engine detected on the training part (1 when too short for it). */
  m: number;
}

export const ENGINE_METHODS = ["combination", ...STATISTICAL_MEMBERS.map((mb) => mb.name), "neural"];

export function scoreBand(split: Split, b: Pick<ForecastBand, "mean" | "lo80" | "hi80" | "lo95" | "hi95">): Score {
  const { train, test, s } = split;
  return {
    mase: mase(test, b.mean, train, SCALE_M[s.frequency]),
    smape: smape(test, b.mean),
    c80: coverage(test, b.lo80, b.hi80),
    c95: coverage(test, b.lo95, b.hi95),
  };
}

export function groupOf(s: BenchSeries): string {
  if (s.set === "R") return "R";
  return s.name.split("/")[0]!.replace(/^sp500$/, "stock");
}

/** Cuts each series at its frequency's holdout; series too short for the engine go to `skipped`. */
export function splitSeries(series: BenchSeries[], skipped: string[]): Split[] {
  const out: Split[] = [];
  for (const s of series) {
    const H = HOLDOUT[s.frequency];
    const train = s.values.slice(0, -H);
    const test = s.values.slice(-H);
    if (train.length < minimumLength(H, 1)) {
      skipped.push(`${s.frequency} ${s.name} (${s.values.length} points)`);
      continue;
    }
    const m = detectSeasonLength(train, s.frequency);
    out.push({ s, train, test, m: train.length < minimumLength(H, m) ? 1 : m });
  }
  return out;
}

/**
 * Foresight's engine on every split of one frequency, exactly as the product runs it: the global
 * MLP trained across these series (once on the points before each series' first backtest origin,
 * once on all training points), weights from pooled backtest scores, intervals from each series'
 * own residuals (the engine's defaults).
 */
export async function evaluateEngine(freq: Frequency, splits: Split[], log: (line: string) => void): Promise<Row[]> {
  const H = HOLDOUT[freq];
  const windowLength = Math.max(2 * SCALE_M[freq], H);
  const config = { ...DEFAULT_NEURAL, horizon: H, windowLength };
  const t0 = Date.now();
  const beforeOrigins = await trainGlobalModel(splits.map((u) => u.train.slice(0, planBacktest(u.train.length, H, u.m, undefined, windowLength).firstOrigin)), config);
  const full = await trainGlobalModel(splits.map((u) => u.train), config);
  log(`${freq}: trained 2 global models on ${splits.length} series in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const members = [...STATISTICAL_MEMBERS, neuralMember(beforeOrigins, full)];
  const analysed = splits.map((u) => ({ u, a: analyseSeries(u.train, { horizon: H, seasonLength: u.m, members }) }));
  // Pooled only over series where every member ran (the others are left out of the means anyway).
  const pooled = pooledBacktestScores(analysed.filter((x) => x.a.members.length === members.length).map((x) => x.a));
  log(`${freq}: pooled backtest MASE ${Object.entries(pooled).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
  const rows: Row[] = [];
  for (const { u, a } of analysed) {
    const r = combineAnalysis(a, { pooledScores: POOLED ? pooled : undefined });
    const base = { freq, set: u.s.set, group: groupOf(u.s), series: u.s.name, m: u.m };
    rows.push({ ...base, method: "combination", score: scoreBand(u, r) });
    for (const mb of r.members) rows.push({ ...base, method: mb.name, score: scoreBand(u, mb) });
  }
  return rows;
}

export interface Summary {
  method: string;
  n: number;
  mase: number;
  smape: number;
  c80: number;
  c95: number;
}

/**
 * Means over the series every listed method forecast (a member too long-windowed for a short
 * series is left out of its engine run; comparing means over different sets would mislead).
 */
export function summarise(rows: Row[], methods: string[], filter: (r: Row) => boolean, skipped?: string[]): Summary[] {
  const keys = new Set(rows.map((r) => `${r.freq}|${r.series}`));
  const complete = new Set([...keys].filter((k) => methods.every((m) => rows.some((r) => `${r.freq}|${r.series}` === k && r.method === m))));
  if (skipped) for (const k of keys) if (!complete.has(k)) skipped.push(`${k.replace("|", " ")} (not every method could run)`);
  return methods.map((method) => {
    const sel = rows.filter((r) => r.method === method && complete.has(`${r.freq}|${r.series}`) && filter(r));
    return { method, n: sel.length, mase: mean(sel.map((r) => r.score.mase)), smape: mean(sel.map((r) => r.score.smape)), c80: 100 * mean(sel.map((r) => r.score.c80)), c95: 100 * mean(sel.map((r) => r.score.c95)) };
  });
}

export function printTable(title: string, table: Summary[]): void {
  console.log(`\n${title}`);
  console.log("| method | series | MASE | sMAPE % | 80% coverage | 95% coverage |");
  console.log("|---|---|---|---|---|---|");
  for (const t of table) console.log(`| ${t.method} | ${t.n} | ${t.mase.toFixed(3)} | ${t.smape.toFixed(2)} | ${t.c80.toFixed(1)} | ${t.c95.toFixed(1)} |`);
}
