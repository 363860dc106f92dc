/**
 * Nested validation: chooses the engine's combination rule, member set, number of backtest
 * origins and interval scaling WITHOUT the benchmark's holdout. For every bench series the last
 * H points (the holdout of run.ts) are cut off first and never used here; of what is left, the
 * last H points are the validation window and the engine sees only the points before it.
 * Run: npx tsx tests/bench/forecast/select.ts   (about 3 minutes on 2 shared cores)
 *
 * Rule, written down before the first run (docs/decisions/0021; the candidate list was extended
 * once after a first run, with {ETS, damped} sets and pooled scores, as the ADR says):
 * 1. Point forecasts: among every (member set, origins, combination rule, own or pooled backtest
 *    scores), the one with the
 *    smallest mean validation MASE, averaged over the monthly and the quarterly means.
 * 2. Intervals: with that choice fixed, the interval scaling whose validation coverage is closest
 *    to nominal: smallest mean over frequencies of |cov80 - 80| + |cov95 - 95|.
 */
import { initBackend } from "../../../ml/backend";
import { COMBINATION_RULES } from "../../../ml/forecast/combination";
import { analyseSeries, combineAnalysis, INTERVAL_SCALINGS, minimumLength, planBacktest, pooledBacktestScores, STATISTICAL_MEMBERS, type SeriesAnalysis } from "../../../ml/forecast/engine";
import { dampedEtsMember } from "../../../ml/forecast/ets";
import { DEFAULT_NEURAL, neuralMember, trainGlobalModel } from "../../../ml/forecast/neural";
import { detectSeasonLength } from "../../../ml/forecast/season";
import { coverage, mase, mean } from "../../../ml/metrics";
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
}

async function main(): Promise<void> {
  const started = Date.now();
  await initBackend({ info: () => {}, warn: () => {} });
  const rows: Row[] = [];
  const memberRows: { freq: string; origins: string; member: string; mase: number }[] = [];
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
      const members = [...STATISTICAL_MEMBERS, dampedEtsMember, neuralMember(before, full)];
      const analysed: { u: (typeof usable)[number]; a: SeriesAnalysis }[] = [];
      for (const u of usable) {
        const a: SeriesAnalysis = analyseSeries(u.fit, { horizon: H, seasonLength: u.m, members, origins: originsOf(u) });
        if (a.members.length !== members.length) continue; // the neural window does not fit: left out, as in run.ts
        analysed.push({ u, a });
      }
      const pooled = pooledBacktestScores(analysed.map((x) => x.a));
      process.stderr.write(`${freq} ${variant}: pooled backtest MASE ${JSON.stringify(pooled)}\n`);
      for (const { u, a } of analysed) {
        a.finals.forEach((f, i) => memberRows.push({ freq, origins: variant, member: a.members[i]!.name, mase: mase(u.val, f.mean, u.fit, SCALE_M[freq]) }));
        for (const [setName, names] of Object.entries(MEMBER_SETS)) {
          for (const rule of COMBINATION_RULES) {
            for (const source of SCORE_SOURCES) for (const scaling of INTERVAL_SCALINGS) {
              const r = combineAnalysis(a, { combination: rule, intervalScaling: scaling, memberNames: names, pooledScores: source === "pooled" ? pooled : undefined });
              rows.push({
                freq,
                key: `${setName} | ${variant} | ${rule} | ${source} | ${scaling}`,
                mase: mase(u.val, r.mean, u.fit, SCALE_M[freq]),
                c80: coverage(u.val, r.lo80, r.hi80),
                c95: coverage(u.val, r.lo95, r.hi95),
              });
            }
          }
        }
      }
      process.stderr.write(`${freq} ${variant}: ${usable.length} series, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  const keys = [...new Set(rows.map((r) => r.key))];
  const agg = keys.map((key) => {
    const by = (freq: string) => rows.filter((r) => r.key === key && r.freq === freq);
    const mo = by("monthly");
    const qu = by("quarterly");
    const f = (sel: Row[]) => ({ n: sel.length, mase: mean(sel.map((r) => r.mase)), c80: 100 * mean(sel.map((r) => r.c80)), c95: 100 * mean(sel.map((r) => r.c95)) });
    const M = f(mo);
    const Q = f(qu);
    return { key, M, Q, mase: (M.mase + Q.mase) / 2, covGap: (Math.abs(M.c80 - 80) + Math.abs(M.c95 - 95) + Math.abs(Q.c80 - 80) + Math.abs(Q.c95 - 95)) / 2 };
  });
  console.log("| member set | origins | rule | scores | interval scaling | monthly MASE | quarterly MASE | mean | monthly cov 80/95 | quarterly cov 80/95 |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const a of agg.slice().sort((x, y) => x.mase - y.mase)) {
    console.log(`| ${a.key} | ${a.M.mase.toFixed(3)} | ${a.Q.mase.toFixed(3)} | ${a.mase.toFixed(3)} | ${a.M.c80.toFixed(1)} / ${a.M.c95.toFixed(1)} | ${a.Q.c80.toFixed(1)} / ${a.Q.c95.toFixed(1)} |`);
  }
  console.log("\nmembers alone (validation MASE):");
  for (const freq of ["monthly", "quarterly"]) {
    for (const origins of Object.keys(ORIGIN_VARIANTS)) {
      const names = [...new Set(memberRows.map((r) => r.member))];
      console.log(`${freq} ${origins}: ${names.map((n) => `${n} ${mean(memberRows.filter((r) => r.freq === freq && r.origins === origins && r.member === n).map((r) => r.mase)).toFixed(3)}`).join(", ")}`);
    }
  }
  // Step 1: point forecasts (scaling does not change the mean; take "none" rows).
  const pointBest = agg.filter((a) => a.key.endsWith("| none")).sort((x, y) => x.mase - y.mase)[0]!;
  const prefix = pointBest.key.slice(0, pointBest.key.lastIndexOf("|"));
  const intervalBest = agg.filter((a) => a.key.startsWith(prefix)).sort((x, y) => x.covGap - y.covGap)[0]!;
  console.log(`\nchosen by the rule: ${intervalBest.key} (validation MASE ${pointBest.mase.toFixed(3)}, coverage gap ${intervalBest.covGap.toFixed(1)} points)`);
  console.log(`${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
