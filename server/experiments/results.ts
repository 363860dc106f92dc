// An experiment's results: exposures in the window, every metric at each daily look, multiple-
// testing control across metrics and variants, and plain-words guidance.
import type pg from "pg";
import { benjaminiHochberg, holm } from "./stats";
import { readExposures, type Exposures } from "./exposures";
import { analyzeMetric, type MetricResult } from "./metric-analysis";
import { readPersonValues } from "./metric-values";
import type { ExperimentView } from "./store";
import { guidanceFor, type Guidance } from "./guidance";

const DAY = 86_400_000;
const MAX_LOOKS = 120;

export interface ExperimentResults {
  experimentId: string;
  status: ExperimentView["status"];
  window: { from: string; to: string } | null;
  exposures: { byVariant: Record<string, number>; holdout: number; multipleVariants: number; unknownValues: number };
  metrics: MetricResult[];
  guidance: Guidance;
}

/** Look times: the end of each UTC day inside the window, then the window's end; at most MAX_LOOKS (the earliest thinned). */
export function lookTimes(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = Math.floor(from / DAY) * DAY + DAY; t < to; t += DAY) out.push(t);
  out.push(to);
  if (out.length <= MAX_LOOKS) return out;
  const step = Math.ceil(out.length / MAX_LOOKS);
  return out.filter((_, i) => (out.length - 1 - i) % step === 0);
}

function plannedVariance(e: ExperimentView): number | null {
  const p = e.plan;
  if (!p) return null;
  if (e.primaryMetric.kind === "conversion" || e.primaryMetric.kind === "retention") return p.baselineRate ? p.baselineRate * (1 - p.baselineRate) : null;
  return p.sd ? p.sd * p.sd : null;
}

export async function experimentResults(pool: pg.Pool, projectId: string, e: ExperimentView, opts: { asOf?: Date; now?: Date } = {}): Promise<ExperimentResults> {
  const now = (opts.now ?? new Date()).getTime();
  const noExposures = { byVariant: Object.fromEntries(e.variants.map((v) => [v.key, 0])), holdout: 0, multipleVariants: 0, unknownValues: 0 };
  if (!e.startedAt || !e.flagKey) {
    return { experimentId: e.id, status: e.status, window: null, exposures: noExposures, metrics: [], guidance: guidanceFor(e, [], noExposures) };
  }
  const from = e.startedAt.getTime();
  const to = Math.max(from + 1, Math.min(opts.asOf?.getTime() ?? now, e.endedAt?.getTime() ?? now, now));
  const exposures: Exposures = await readExposures(pool, {
    projectId,
    flagKey: e.flagKey,
    experimentKey: e.key,
    exposureEvent: e.exposureEvent,
    variantKeys: e.variants.map((v) => v.key),
    holdout: e.holdoutPercent > 0,
    from: new Date(from),
    to: new Date(to),
  });
  const looks = lookTimes(from, to);
  const alpha = e.plan?.alpha ?? 0.05;
  const everyone = [...exposures.persons, ...exposures.holdout];
  const metrics: MetricResult[] = [];
  const all = [
    ...[e.primaryMetric].map((m) => ({ m, role: "primary" as const })),
    ...e.secondaryMetrics.map((m) => ({ m, role: "secondary" as const })),
    ...e.guardrailMetrics.map((m) => ({ m, role: "guardrail" as const })),
  ];
  for (const { m, role } of all) {
    const values = await readPersonValues(pool, projectId, m, everyone, new Date(to));
    metrics.push(
      analyzeMetric(m, exposures.persons, exposures.holdout, values, {
        role,
        variants: e.variants,
        looks,
        perArm: e.minSampleSize,
        plannedVariance: role === "primary" ? plannedVariance(e) : null,
        alpha,
        // The primary metric: Holm across its variants. The others are adjusted below, as families.
        correction: role === "primary" ? "holm" : "none",
      }),
    );
  }
  adjustFamily(metrics.filter((r) => r.role === "secondary"), benjaminiHochberg);
  adjustFamily(metrics.filter((r) => r.role === "guardrail"), holm);

  const byVariant: Record<string, number> = Object.fromEntries(e.variants.map((v) => [v.key, 0]));
  for (const p of exposures.persons) byVariant[p.variant] = (byVariant[p.variant] ?? 0) + 1;
  const exposureCounts = { byVariant, holdout: exposures.holdout.length, multipleVariants: exposures.multipleVariants, unknownValues: exposures.unknownValues };
  return {
    experimentId: e.id,
    status: e.status,
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    exposures: exposureCounts,
    metrics,
    guidance: guidanceFor(e, metrics, exposureCounts),
  };
}

/**
 * Secondary metrics are one family (Benjamini-Hochberg: false discovery rate), guardrails another
 * (Holm: any harm is worth a look); each (metric, variant) pair is one test. Adjusts both the
 * sequential and the fixed-horizon p-values.
 */
function adjustFamily(results: MetricResult[], method: (p: readonly number[]) => number[]): void {
  for (const which of ["sequential", "fixedHorizon"] as const) {
    const rows = results.flatMap((r) => r.analysis?.variants.map((v) => v[which]) ?? []).filter((x) => x.pValue !== null);
    const adjusted = method(rows.map((x) => x.pValue!));
    rows.forEach((x, i) => (x.adjustedPValue = adjusted[i]!));
  }
}
