/**
 * Which ETS (ADR 0025): compares the ETS options (ml/forecast/ets.ts EtsOptions) on the validation
 * window, never the holdout: for every npm bench series and every series of the R reference set,
 * the last H points (run.ts's holdout) are dropped first; of what is left, the last H points are
 * the validation window and the automatic ETS / damped ETS are fitted once on the points before it.
 * Run: npx tsx tests/bench/forecast/select-ets.ts
 *
 * Rule, written 2026-11-22 (session 5) before this script first ran: the variant with the smallest
 * validation MASE of the automatic ETS member, mean of the monthly and the quarterly means over all
 * series (npm and R); but a variant that estimates the seasonal initial states (several times the
 * fitting time) only if it beats the best variant that does not by more than 1%.
 */
import { autoEts, etsForecast, type EtsOptions } from "../../../ml/forecast/ets";
import { detectSeasonLength } from "../../../ml/forecast/season";
import { mase, mean } from "../../../ml/metrics";
import { benchSeries, referenceSeries } from "./data";
import { HOLDOUT, SCALE_M, type Frequency, type Split } from "./evaluate";
import { evaluatePeer, peerVersion } from "./peer-r";

const VARIANTS: Record<string, EtsOptions> = {
  "additive errors, heuristic seasonal states (before)": { errors: "additive", estimateSeason: false },
  "R's forms (A and M errors), heuristic seasonal states": { errors: "both", estimateSeason: false },
  "additive errors, estimated seasonal states": { errors: "additive", estimateSeason: true },
  "R's forms, estimated seasonal states": { errors: "both", estimateSeason: true },
};

const all = [...benchSeries(), ...referenceSeries()];
const splits: Split[] = [];
const results: { variant: string; freq: Frequency; npm: boolean; member: string; mase: number; ms: number }[] = [];
for (const s of all) {
  const H = HOLDOUT[s.frequency];
  const beforeHoldout = s.values.slice(0, -H); // the holdout is dropped here and never used
  const fit = beforeHoldout.slice(0, -H);
  const val = beforeHoldout.slice(-H);
  if (fit.length < 2 * H + 6) continue;
  const m = detectSeasonLength(fit, s.frequency);
  splits.push({ s, train: fit, test: val, m });
  for (const [variant, options] of Object.entries(VARIANTS)) {
    for (const [member, only] of [["ets", undefined], ["damped", ["Ad" as const]]] as const) {
      const t0 = performance.now();
      const f = autoEts(fit, m, only ? [...only] : undefined, options);
      const ms = performance.now() - t0;
      const forecast = etsForecast(f.run, f.params, fit.length, H);
      results.push({ variant, freq: s.frequency, npm: s.set !== "R", member, mase: mase(val, forecast, fit, SCALE_M[s.frequency]), ms });
    }
  }
}
console.log("| variant | member | monthly all (npm / R) | quarterly all (npm / R) | mean | ms per fit |");
console.log("|---|---|---|---|---|---|");
const summary: { variant: string; mean: number }[] = [];
for (const variant of Object.keys(VARIANTS)) {
  for (const member of ["ets", "damped"]) {
    const sel = results.filter((r) => r.variant === variant && r.member === member);
    const f = (freq: Frequency, npm?: boolean) => mean(sel.filter((r) => r.freq === freq && (npm === undefined || r.npm === npm)).map((r) => r.mase));
    const M = f("monthly");
    const Q = f("quarterly");
    if (member === "ets") summary.push({ variant, mean: (M + Q) / 2 });
    console.log(`| ${variant} | ${member} | ${M.toFixed(3)} (${f("monthly", true).toFixed(3)} / ${f("monthly", false).toFixed(3)}) | ${Q.toFixed(3)} (${f("quarterly", true).toFixed(3)} / ${f("quarterly", false).toFixed(3)}) | ${((M + Q) / 2).toFixed(3)} | ${mean(sel.map((r) => r.ms)).toFixed(1)} |`);
  }
}
// The peer engine on the same validation windows, for comparison only (not a candidate).
if (peerVersion()) {
  const peer = await evaluatePeer(splits);
  for (const method of ["R ets", "R arima", "R theta"]) {
    const f = (freq: Frequency, npm?: boolean) => mean(peer.rows.filter((r) => r.method === method && r.freq === freq && (npm === undefined || (r.set !== "R") === npm)).map((r) => r.score.mase));
    console.log(`| peer: ${method} | | ${f("monthly").toFixed(3)} (${f("monthly", true).toFixed(3)} / ${f("monthly", false).toFixed(3)}) | ${f("quarterly").toFixed(3)} (${f("quarterly", true).toFixed(3)} / ${f("quarterly", false).toFixed(3)}) | ${((f("monthly") + f("quarterly")) / 2).toFixed(3)} | |`);
  }
}
console.log(`series: ${results.length / Object.keys(VARIANTS).length / 2}`);
const cheap = summary.filter((x) => !VARIANTS[x.variant]!.estimateSeason).sort((a, b) => a.mean - b.mean)[0]!;
const costly = summary.filter((x) => VARIANTS[x.variant]!.estimateSeason).sort((a, b) => a.mean - b.mean)[0]!;
const chosen = costly.mean < 0.99 * cheap.mean ? costly : cheap;
console.log(`chosen by the rule: ${chosen.variant} (ETS validation MASE ${chosen.mean.toFixed(3)}; best without estimated seasonal states ${cheap.mean.toFixed(3)}, best with ${costly.mean.toFixed(3)})`);
