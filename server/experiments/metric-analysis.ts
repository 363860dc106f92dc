// One metric of an experiment: per-person values replayed at each look into per-arm totals, then
// the stats module's analysis (sequential by default, fixed-horizon, Bayesian, SRM). Mean metrics
// use CUPED with the pre-exposure covariate when it varies; proportions use the proportion tests.
import { analyzeExperiment, cuped, type CovariateArm, type ExperimentAnalysis } from "./stats";
import type { ExposedPerson } from "./exposures";
import { valueAt, type PersonValues } from "./metric-values";
import { isProportion, metricLabel, type MetricDefinition } from "./schema";

export interface ArmSummary {
  key: string;
  /** Persons who count at the last look. */
  n: number;
  /** Conversion rate, or mean per person. */
  value: number;
  /** Proportions: persons converted; means: total. */
  total: number;
  /** CUPED-adjusted mean (mean metrics with a usable covariate). */
  adjusted: number | null;
}

export interface MetricResult {
  metric: MetricDefinition;
  label: string;
  role: "primary" | "secondary" | "guardrail";
  kind: "proportion" | "mean";
  arms: ArmSummary[];
  holdout: ArmSummary | null;
  cuped: { theta: number; varianceReduction: number } | null;
  /** The mixing variance's plan (users per arm, variance per user) and where it came from. */
  plan: { perArm: number; variancePerUser: number; source: string };
  analysis: ExperimentAnalysis | null;
  /** Per look: each arm's cumulative value (for the chart). */
  armSeries: { at: string; values: Record<string, number | null> }[];
  /** Why there is no analysis yet (too few persons). */
  pending: string | null;
}

export interface MetricAnalysisOptions {
  role: MetricResult["role"];
  variants: { key: string; weight: number }[];
  looks: number[];
  perArm: number | null;
  /** Variance per user assumed by the power calculation (primary metric only). */
  plannedVariance: number | null;
  alpha: number;
  correction: "holm" | "benjamini-hochberg" | "none";
}

interface Stat {
  n: number;
  sum: number;
  sumSq: number;
  x: number;
  xx: number;
  xy: number;
}

const empty = (): Stat => ({ n: 0, sum: 0, sumSq: 0, x: 0, xx: 0, xy: 0 });

function armStats(persons: ExposedPerson[], values: PersonValues, t: number, binary: boolean): Map<string, Stat> {
  const out = new Map<string, Stat>();
  for (const p of persons) {
    if (!(values.countsFrom(p) < t)) continue;
    const raw = valueAt(values, p.person, t);
    const y = binary ? (raw > 0 ? 1 : 0) : raw;
    const x = values.covariate?.get(p.person) ?? 0;
    let s = out.get(p.variant);
    if (!s) out.set(p.variant, (s = empty()));
    s.n++;
    s.sum += y;
    s.sumSq += y * y;
    s.x += x;
    s.xx += x * x;
    s.xy += x * y;
  }
  return out;
}

const variance = (n: number, sum: number, sumSq: number) => (n > 1 ? Math.max(0, (sumSq - (sum * sum) / n) / (n - 1)) : 0);

function covariateArm(s: Stat): CovariateArm {
  return {
    n: s.n,
    meanY: s.sum / s.n,
    meanX: s.x / s.n,
    varY: variance(s.n, s.sum, s.sumSq),
    varX: variance(s.n, s.x, s.xx),
    covXY: s.n > 1 ? (s.xy - (s.x * s.sum) / s.n) / (s.n - 1) : 0,
  };
}

const summary = (key: string, s: Stat | undefined, adjusted: number | null = null): ArmSummary =>
  s ? { key, n: s.n, value: s.n ? s.sum / s.n : 0, total: s.sum, adjusted } : { key, n: 0, value: 0, total: 0, adjusted: null };

export function analyzeMetric(metric: MetricDefinition, persons: ExposedPerson[], holdout: ExposedPerson[], values: PersonValues, o: MetricAnalysisOptions): MetricResult {
  const binary = isProportion(metric);
  const keys = o.variants.map((v) => v.key);
  const control = keys[0]!;
  const minN = binary ? 1 : 2;
  const useCuped = !binary && values.covariate !== null && values.covariate.size > 0;

  type ArmLook = Record<string, { n: number; conversions: number } | { n: number; mean: number; variance: number }>;
  const looks: { at: string; arms: ArmLook }[] = [];
  const armSeries: MetricResult["armSeries"] = [];
  let last: Map<string, Stat> = new Map();
  let cupedInfo: MetricResult["cuped"] = null;
  let adjustedMeans: Map<string, number> | null = null;

  for (const t of o.looks) {
    const stats = armStats(persons, values, t, binary);
    last = stats;
    // CUPED figures describe the last look only.
    cupedInfo = null;
    adjustedMeans = null;
    const at = new Date(t).toISOString();
    armSeries.push({ at, values: Object.fromEntries(keys.map((k) => [k, stats.get(k)?.n ? stats.get(k)!.sum / stats.get(k)!.n : null])) });
    const ready = keys.filter((k) => (stats.get(k)?.n ?? 0) >= minN);
    if (!ready.includes(control) || ready.length < 2) continue;
    const arms: ArmLook = {};
    if (binary) {
      for (const k of ready) arms[k] = { n: stats.get(k)!.n, conversions: stats.get(k)!.sum };
    } else if (useCuped) {
      const cov = ready.map((k) => covariateArm(stats.get(k)!));
      const r = cuped(cov);
      ready.forEach((k, i) => (arms[k] = r.arms[i]!));
      const pooled = cov.reduce((s, a) => s + a.varY * a.n, 0) / cov.reduce((s, a) => s + a.n, 0);
      const after = r.arms.reduce((s, a) => s + a.variance * a.n, 0) / r.arms.reduce((s, a) => s + a.n, 0);
      cupedInfo = { theta: r.theta, varianceReduction: pooled > 0 ? 1 - after / pooled : 0 };
      adjustedMeans = new Map(ready.map((k, i) => [k, r.arms[i]!.mean]));
    } else {
      for (const k of ready) {
        const s = stats.get(k)!;
        arms[k] = { n: s.n, mean: s.sum / s.n, variance: variance(s.n, s.sum, s.sumSq) };
      }
    }
    looks.push({ at, arms });
  }

  const plan = planFor(binary, o, looks);
  const base = {
    metric,
    label: metricLabel(metric),
    role: o.role,
    kind: binary ? ("proportion" as const) : ("mean" as const),
    arms: keys.map((k) => summary(k, last.get(k), adjustedMeans?.get(k) ?? null)),
    holdout: holdout.length ? summary("holdout", armStats(holdout, values, o.looks[o.looks.length - 1]!, binary).get("holdout")) : null,
    cuped: cupedInfo,
    plan,
    armSeries,
  };
  if (looks.length === 0) {
    return { ...base, analysis: null, pending: `needs at least ${minN} person${minN > 1 ? "s" : ""} in the control and one other variant` };
  }
  const weights = Object.fromEntries(o.variants.map((v) => [v.key, v.weight]));
  const common = { controlKey: control, plan: { perArm: plan.perArm, variancePerUser: plan.variancePerUser }, weights, alpha: o.alpha, correction: o.correction };
  const analysis = binary
    ? analyzeExperiment({ kind: "proportion", looks: looks as { at: string; arms: Record<string, { n: number; conversions: number }> }[], ...common })
    : analyzeExperiment({ kind: "mean", looks: looks as { at: string; arms: Record<string, { n: number; mean: number; variance: number }> }[], ...common });
  return { ...base, analysis, pending: null };
}

/**
 * The mixing variance is fixed before the data (ADR 0009): users per arm from the plan (1000 when
 * none was made), variance per user from the power calculation's assumption, else 0.25 (the most
 * a proportion can have), else, for means, the pooled variance at the first analysable look.
 */
function planFor(binary: boolean, o: MetricAnalysisOptions, looks: { arms: Record<string, unknown> }[]): MetricResult["plan"] {
  const perArm = o.perArm ?? 1000;
  const sizeSource = o.perArm ? "planned sample size" : "no planned size: 1000 per arm assumed";
  if (o.plannedVariance && o.plannedVariance > 0) return { perArm, variancePerUser: o.plannedVariance, source: `${sizeSource}; variance from the power calculation` };
  if (binary) return { perArm, variancePerUser: 0.25, source: `${sizeSource}; variance 0.25 (the largest for a rate)` };
  const first = looks[0]?.arms as Record<string, { n: number; variance: number }> | undefined;
  const arms = first ? Object.values(first) : [];
  const n = arms.reduce((s, a) => s + a.n, 0);
  const v = n ? arms.reduce((s, a) => s + a.variance * a.n, 0) / n : 0;
  return { perArm, variancePerUser: v > 0 ? v : 1, source: `${sizeSource}; variance of the first look` };
}
