/**
 * Nested validation: chooses the engine's combination rule, member set, number of backtest
 * origins and interval settings WITHOUT the benchmark's holdout. For every bench series the last
 * H points (the holdout of run.ts) are cut off first and never used here; of what is left, the
 * last H points are the validation window and the engine sees only the points before it.
 * Run: npx tsx tests/bench/forecast/select.ts   (about 10 minutes on 2 shared cores)
 *
 * Rule, written down before the first run (docs/decisions/0021; the candidate list was extended
 * once after a first run, with {ETS, damped} sets and pooled scores, as the ADR says; step 2 and
 * the {ETS, damped, Theta} set were written 2026-11-22 in session 4, before this version ran,
 * ADR 0023):
 * 1. Point forecasts: among every (member set, origins, combination rule, own or pooled backtest
 *    scores), the one with the
 *    smallest mean validation MASE, averaged over the monthly and the quarterly means.
 * 2. Intervals: with that choice fixed, candidates are interval scaling (none, local volatility)
 *    x source (the series' own backtest residuals, pooled over the frequency's series
 *    (pooledCalibration), or the blend of the two) x calibration window (half-history, all
 *    origins). Among the candidates whose validation coverage is within 5 points of nominal at
 *    80% and at 95% in both frequencies, the one with the smallest scaled Winkler score (the
 *    interval score divided by the series' MASE scale, M4's MSIS form; mean over series, over the
 *    two levels and over the two frequencies). If none is within 5 points everywhere: the one
 *    closest to nominal, smallest mean over frequencies of |cov80 - 80| + |cov95 - 95| (the
 *    rule of ADR 0021).
 */
import { initBackend } from "../../../ml/backend";
import { COMBINATION_RULES } from "../../../ml/forecast/combination";
import {
  analyseSeries,
  CALIBRATION_WINDOWS,
  combineAnalysis,
  INTERVAL_SCALINGS,
  INTERVAL_SOURCES,
  minimumLength,
  planBacktest,
  pooledBacktestScores,
  pooledCalibration,
  STATISTICAL_MEMBERS,
  type CombineOptions,
  type SeriesAnalysis,
} from "../../../ml/forecast/engine";
import { DEFAULT_NEURAL, neuralMember, trainGlobalModel } from "../../../ml/forecast/neural";
import { detectSeasonLength } from "../../../ml/forecast/season";
import { coverage, mase, maseScale, mean, winkler } from "../../../ml/metrics";
import { benchSeries } from "./data";

const HOLDOUT = { monthly: 18, quarterly: 8 } as const;
const SCALE_M = { monthly: 12, quarterly: 4 } as const;
/**
 * Origins: the engine's first default, max(2H, 2m, 36), and "as many as the series allows" (capped
 * at 120, and leaving the neural member's window before the first origin so every member runs).
 */
const ORIGIN_VARIANTS = { default: undefined, all: 120 } as const;
const MEMBER_SETS: Record<string, string[]> = {
  "snaive+ets+theta+neural": ["snaive", "ets", "theta", "neural"],
  "snaive+ets+theta+damped+neural": ["snaive", "ets", "theta", "damped", "neural"],
  "ets+theta+damped+neural": ["ets", "theta", "damped", "neural"],
  "ets+damped+neural": ["ets", "damped", "neural"],
  "ets+damped+theta": ["ets", "damped", "theta"],
  "ets+damped": ["ets", "damped"],
};
/** Weights from each series' own backtest scores, or from the scores pooled over the frequency's series. */
const SCORE_SOURCES = ["own", "pooled"] as const;

interface Row {
  freq: "monthly" | "quarterly";
  key: string;
  mase: number;
  c80: number;
  c95: number;
  /** Winkler score / MASE scale of the fit part, mean of the 80% and 95% levels. */
  msis: number;
}

type Usable = { fit: number[]; val: number[]; m: number };
type Analysed = { u: Usable; a: SeriesAnalysis }[];

async function main(): Promise<void> {
  const started = Date.now();
  await initBackend({ info: () => {}, warn: () => {} });
  const rows: Row[] = [];
  const memberRows: { freq: string; origins: string; member: string; mase: number }[] = [];
  const store: Record<string, { analysed: Analysed; pooled: Record<string, number> }> = {};
  const score = (u: Usable, r: { mean: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] }, freq: "monthly" | "quarterly") => {
    const sc = maseScale(u.fit, SCALE_M[freq]);
    return {
      mase: mase(u.val, r.mean, u.fit, SCALE_M[freq]),
      c80: coverage(u.val, r.lo80, r.hi80),
      c95: coverage(u.val, r.lo95, r.hi95),
      msis: (winkler(u.val, r.lo80, r.hi80, 0.2) / sc + winkler(u.val, r.lo95, r.hi95, 0.05) / sc) / 2,
    };
  };
  for (const freq of ["monthly", "quarterly"] as const) {
    const H = HOLDOUT[freq];
    const usable = benchSeries()
      .filter((s) => s.frequency === freq)
      .map((s) => {
        const beforeHoldout = s.values.slice(0, -H); // the holdout is dropped here and never used
        const fit = beforeHoldout.slice(0, -H);
        const val = beforeHoldout.slice(-H);
        let m = detectSeasonLength(fit, freq);
        if (fit.length < minimumLength(H, m)) m = 1;
        return { s, fit, val, m };
      })
      .filter((u) => u.fit.length >= minimumLength(H, 1));
    const config = { ...DEFAULT_NEURAL, horizon: H, windowLength: Math.max(2 * SCALE_M[freq], H) };
    const full = await trainGlobalModel(usable.map((u) => u.fit), config);
    for (const [variant, cap] of Object.entries(ORIGIN_VARIANTS)) {
      const originsOf = (u: (typeof usable)[number]) =>
        cap === undefined ? undefined : Math.max(1, Math.min(cap, u.fit.length - H - Math.max(minimumLength(H, u.m) - H - 3, config.windowLength) + 1));
      const before = await trainGlobalModel(usable.map((u) => u.fit.slice(0, planBacktest(u.fit.length, H, u.m, originsOf(u)).firstOrigin)), config);
      const members = [...STATISTICAL_MEMBERS, neuralMember(before, full)];
      const analysed: Analysed = [];
      for (const u of usable) {
        const a: SeriesAnalysis = analyseSeries(u.fit, { horizon: H, seasonLength: u.m, members, origins: originsOf(u) });
        if (a.members.length !== members.length) continue; // the neural window does not fit: left out, as in run.ts
        analysed.push({ u, a });
      }
      const pooled = pooledBacktestScores(analysed.map((x) => x.a));
      store[`${freq}|${variant}`] = { analysed, pooled };
      process.stderr.write(`${freq} ${variant}: pooled backtest MASE ${JSON.stringify(pooled)}\n`);
      for (const { u, a } of analysed) {
        a.finals.forEach((f, i) => memberRows.push({ freq, origins: variant, member: a.members[i]!.name, mase: mase(u.val, f.mean, u.fit, SCALE_M[freq]) }));
        for (const [setName, names] of Object.entries(MEMBER_SETS)) {
          for (const rule of COMBINATION_RULES) {
            for (const source of SCORE_SOURCES) {
              // Step 1 compares point forecasts; the intervals here are the first engine's (own, none).
              const r = combineAnalysis(a, { combination: rule, intervalScaling: "none", memberNames: names, pooledScores: source === "pooled" ? pooled : undefined });
              rows.push({ freq, key: `${setName} | ${variant} | ${rule} | ${source}`, ...score(u, r, freq) });
            }
          }
        }
      }
      process.stderr.write(`${freq} ${variant}: ${analysed.length} of ${usable.length} series, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  const aggregate = (rs: Row[]) => {
    const keys = [...new Set(rs.map((r) => r.key))];
    return keys.map((key) => {
      const f = (sel: Row[]) => ({ n: sel.length, mase: mean(sel.map((r) => r.mase)), c80: 100 * mean(sel.map((r) => r.c80)), c95: 100 * mean(sel.map((r) => r.c95)), msis: mean(sel.map((r) => r.msis)) });
      const M = f(rs.filter((r) => r.key === key && r.freq === "monthly"));
      const Q = f(rs.filter((r) => r.key === key && r.freq === "quarterly"));
      const within = [M, Q].every((x) => Math.abs(x.c80 - 80) <= 5 && Math.abs(x.c95 - 95) <= 5);
      return { key, M, Q, mase: (M.mase + Q.mase) / 2, msis: (M.msis + Q.msis) / 2, within, covGap: (Math.abs(M.c80 - 80) + Math.abs(M.c95 - 95) + Math.abs(Q.c80 - 80) + Math.abs(Q.c95 - 95)) / 2 };
    });
  };
  const agg = aggregate(rows);
  console.log("Step 1, point forecasts (validation window; intervals own / none)");
  console.log("| member set | origins | rule | scores | monthly MASE (n) | quarterly MASE (n) | mean |");
  console.log("|---|---|---|---|---|---|---|");
  for (const a of agg.slice().sort((x, y) => x.mase - y.mase)) {
    console.log(`| ${a.key} | ${a.M.mase.toFixed(3)} (${a.M.n}) | ${a.Q.mase.toFixed(3)} (${a.Q.n}) | ${a.mase.toFixed(3)} |`);
  }
  console.log("\nmembers alone (validation MASE):");
  for (const freq of ["monthly", "quarterly"]) {
    for (const origins of Object.keys(ORIGIN_VARIANTS)) {
      const names = [...new Set(memberRows.map((r) => r.member))];
      console.log(`${freq} ${origins}: ${names.map((n) => `${n} ${mean(memberRows.filter((r) => r.freq === freq && r.origins === origins && r.member === n).map((r) => r.mase)).toFixed(3)}`).join(", ")}`);
    }
  }
  const pointBest = agg.slice().sort((x, y) => x.mase - y.mase)[0]!;
  const [setName, variant, rule, source] = pointBest.key.split(" | ") as [string, string, (typeof COMBINATION_RULES)[number], string];
  console.log(`\nstep 1 chose: ${pointBest.key} (validation MASE ${pointBest.M.mase.toFixed(3)} / ${pointBest.Q.mase.toFixed(3)}, mean ${pointBest.mase.toFixed(3)})`);

  // Step 2: intervals for the chosen point setting.
  const irows: Row[] = [];
  for (const freq of ["monthly", "quarterly"] as const) {
    const { analysed, pooled } = store[`${freq}|${variant}`]!;
    const point: CombineOptions = { combination: rule, memberNames: MEMBER_SETS[setName], pooledScores: source === "pooled" ? pooled : undefined };
    for (const intervalScaling of INTERVAL_SCALINGS) {
      for (const calibrationWindow of CALIBRATION_WINDOWS) {
        const pooledIntervals = pooledCalibration(
          analysed.map((x) => x.a),
          { ...point, intervalScaling, calibrationWindow },
        );
        for (const intervalSource of INTERVAL_SOURCES) {
          for (const { u, a } of analysed) {
            const r = combineAnalysis(a, { ...point, intervalScaling, calibrationWindow, intervalSource, pooledIntervals });
            irows.push({ freq, key: `${intervalScaling} | ${calibrationWindow} | ${intervalSource}`, ...score(u, r, freq) });
          }
        }
      }
    }
  }
  const iagg = aggregate(irows);
  console.log("\nStep 2, intervals for that setting (validation window)");
  console.log("| interval scaling | calibration window | source | monthly cov 80/95 | quarterly cov 80/95 | within 5 points | scaled Winkler (mean of 80/95, monthly / quarterly) | mean |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const a of iagg.slice().sort((x, y) => x.msis - y.msis)) {
    console.log(`| ${a.key} | ${a.M.c80.toFixed(1)} / ${a.M.c95.toFixed(1)} | ${a.Q.c80.toFixed(1)} / ${a.Q.c95.toFixed(1)} | ${a.within ? "yes" : "no"} | ${a.M.msis.toFixed(2)} / ${a.Q.msis.toFixed(2)} | ${a.msis.toFixed(2)} |`);
  }
  const within = iagg.filter((a) => a.within).sort((x, y) => x.msis - y.msis);
  const intervalBest = within[0] ?? iagg.slice().sort((x, y) => x.covGap - y.covGap)[0]!;
  console.log(
    `\nchosen by the rule: ${pointBest.key} | ${intervalBest.key} (${within.length ? "within 5 points, smallest scaled Winkler" : "none within 5 points: closest to nominal"}; coverage ${intervalBest.M.c80.toFixed(1)} / ${intervalBest.M.c95.toFixed(1)} monthly, ${intervalBest.Q.c80.toFixed(1)} / ${intervalBest.Q.c95.toFixed(1)} quarterly)`,
  );
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
