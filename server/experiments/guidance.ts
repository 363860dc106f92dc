// Decision guidance in plain words, read off the always-valid results (the default display), the
// SRM check, the planned sample size and the guardrails.
import type { MetricResult } from "./metric-analysis";
import type { ExperimentView } from "./store";

export type Recommendation = "not-started" | "fix-assignment" | "ship-variant" | "keep-control" | "keep-running" | "no-difference" | "decided";

export interface Guidance {
  recommendation: Recommendation;
  /** The variant to ship, when there is one. */
  variant: string | null;
  headline: string;
  details: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signedPct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

/** "+2.3 percentage points (0.4 to 4.1)" or "+0.12 per user (...)": the always-valid interval of the difference. */
export function describeDifference(r: MetricResult, ciLow: number, ciHigh: number, diff: number): string {
  if (!Number.isFinite(ciLow) || !Number.isFinite(ciHigh)) return `${r.kind === "proportion" ? `${signedPct(diff).replace("%", "")} percentage points` : `${diff >= 0 ? "+" : ""}${num(diff)} per person`} (no interval yet: the arms do not vary)`;
  if (r.kind === "proportion") return `${signedPct(diff).replace("%", "")} percentage points (interval ${pct(ciLow).replace("%", "")} to ${pct(ciHigh).replace("%", "")})`;
  return `${diff >= 0 ? "+" : ""}${num(diff)} per person (interval ${num(ciLow)} to ${num(ciHigh)})`;
}

export function guidanceFor(e: ExperimentView, metrics: MetricResult[], exposures: { byVariant: Record<string, number>; multipleVariants: number }): Guidance {
  if (e.status === "draft") return { recommendation: "not-started", variant: null, headline: "The experiment has not started: start it to assign people and collect exposures.", details: [] };
  const details: string[] = [];
  if (e.status === "completed") details.push(`Completed${e.winner ? `: "${e.winner}" was declared the winner and rolled out to everyone` : ""}.`);
  const primary = metrics.find((m) => m.role === "primary");
  const control = e.variants[0]!.key;
  const counts = e.variants.map((v) => `${v.key} ${exposures.byVariant[v.key] ?? 0}`).join(", ");
  if (!primary || !primary.analysis) {
    return { recommendation: e.status === "completed" ? "decided" : "keep-running", variant: e.winner, headline: "Not enough exposed people yet to compare the variants.", details: [...details, `Exposed so far: ${counts}.`] };
  }
  if (exposures.multipleVariants > 0) details.push(`${exposures.multipleVariants} people were seen in more than one variant and are left out of every metric.`);

  const srm = primary.analysis.srm;
  if (srm.mismatch) {
    return {
      recommendation: "fix-assignment",
      variant: null,
      headline: `Sample ratio mismatch: the people are not split between the variants as intended (chi-square p = ${srm.pValue.toExponential(1)}). Don't trust these results until the cause is found.`,
      details: [...details, `Exposed: ${counts}; expected about ${srm.expected.map((x) => Math.round(x)).join(" / ")}. Look for bots, redirects or an exposure event sent only in some variants.`],
    };
  }

  const higher = primary.metric.higherIsBetter;
  const better = primary.analysis.variants.filter((v) => (higher ? v.sequential.ciLow > 0 : v.sequential.ciHigh < 0));
  const worse = primary.analysis.variants.filter((v) => (higher ? v.sequential.ciHigh < 0 : v.sequential.ciLow > 0));
  for (const v of primary.analysis.variants) {
    const diff = v.sequential.series[v.sequential.series.length - 1]?.estimate ?? v.fixedHorizon.diff;
    details.push(`${v.key} vs ${control} on ${primary.label}: ${describeDifference(primary, v.sequential.ciLow, v.sequential.ciHigh, diff)}; chance to beat ${control} ${pct(v.bayesian.chanceToBeatControl)}.`);
  }

  const harmed = metrics
    .filter((m) => m.role === "guardrail" && m.analysis)
    .flatMap((m) =>
      m.analysis!.variants
        .filter((v) => (v.sequential.adjustedPValue ?? 1) < (e.plan?.alpha ?? 0.05) && (m.metric.higherIsBetter ? v.sequential.ciHigh < 0 : v.sequential.ciLow > 0))
        .map((v) => ({ metric: m.label, variant: v.key })),
    );
  for (const h of harmed) details.push(`Guardrail "${h.metric}" got worse in ${h.variant}.`);

  const planned = e.minSampleSize;
  const smallest = Math.min(...e.variants.map((v) => exposures.byVariant[v.key] ?? 0));
  if (e.status === "completed") return { recommendation: "decided", variant: e.winner, headline: `Decided: ${e.winner ?? "no winner"}.`, details };

  const best = better.sort((a, b) => (higher ? b.sequential.ciLow - a.sequential.ciLow : a.sequential.ciHigh - b.sequential.ciHigh))[0];
  if (best) {
    const blocked = harmed.some((h) => h.variant === best.key);
    return blocked
      ? { recommendation: "keep-control", variant: null, headline: `${best.key} wins on ${primary.label} but harms a guardrail: don't ship it without deciding that trade-off.`, details }
      : {
          recommendation: "ship-variant",
          variant: best.key,
          headline: `${best.key} is better than ${control} on ${primary.label}. The always-valid interval excludes no change, so you can stop now and ship ${best.key}.`,
          details,
        };
  }
  if (worse.length === primary.analysis.variants.length) {
    return { recommendation: "keep-control", variant: control, headline: `Every variant is worse than ${control} on ${primary.label}: keep ${control}.`, details };
  }
  if (planned && smallest >= planned) {
    return {
      recommendation: "no-difference",
      variant: null,
      headline: `No clear difference at the planned size (${planned} per variant): the effect is probably smaller than the one you planned to detect. Keep ${control}, or ship whichever is simpler.`,
      details,
    };
  }
  const progress = planned ? ` The smallest variant has ${smallest} of the planned ${planned} people.` : "";
  return {
    recommendation: "keep-running",
    variant: null,
    headline: `No clear difference yet: keep the experiment running.${progress} These intervals stay valid however often you look.`,
    details,
  };
}
