// One metric of one experiment, every variant against the control, as the results page shows it:
// the sequential (always-valid) result is the default, computed over the cumulative totals at
// each look so the confidence sequence can be drawn over time; the fixed-horizon test, the
// Bayesian summary, the SRM check and multiple-testing adjustment across variants sit beside it.
import { z } from "zod";
import { betaBinomial } from "./beta-binomial";
import { welchTTest } from "./means";
import { benjaminiHochberg, holm } from "./multiple-testing";
import { normalPosterior } from "./normal-posterior";
import { twoProportionZTest } from "./proportions";
import { meansLook, mixingVarianceFor, proportionsLook, sequentialSeries, type SequentialLook } from "./sequential";
import { sampleRatioMismatch, type SrmResult } from "./srm";

const count = z.number().int().nonnegative();
const proportionArm = z
  .object({ n: count.min(1), conversions: count })
  .refine((a) => a.conversions <= a.n, { message: "conversions must not exceed n", path: ["conversions"] });
const meanArm = z.object({ n: count.min(2), mean: z.number(), variance: z.number().nonnegative() });

const common = {
  controlKey: z.string().min(1),
  /** Planned users per arm (from the power calculation) and the per-user variance assumed there: they fix the mixing variance. */
  plan: z.object({ perArm: z.number().int().positive(), variancePerUser: z.number().positive() }),
  /** Intended split by arm key (any scale); equal when absent. */
  weights: z.record(z.string(), z.number().positive()).optional(),
  alpha: z.number().gt(0).lt(1).default(0.05),
  correction: z.enum(["holm", "benjamini-hochberg", "none"]).default("holm"),
};

const looksOf = <T extends z.ZodType>(arm: T) =>
  z.array(z.object({ at: z.string(), arms: z.record(z.string(), arm) })).min(1, "at least one look is needed");

export const experimentAnalysisSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("proportion"), looks: looksOf(proportionArm), ...common }),
    z.object({ kind: z.literal("mean"), looks: looksOf(meanArm), ...common }),
  ])
  .superRefine((input, ctx) => {
    input.looks.forEach((look, i) => {
      if (!(input.controlKey in look.arms)) ctx.addIssue({ code: "custom", message: `no arm "${input.controlKey}" (the control)`, path: ["looks", i, "arms"] });
      if (Object.keys(look.arms).length < 2) ctx.addIssue({ code: "custom", message: "at least two arms are needed", path: ["looks", i, "arms"] });
    });
  });

export type ExperimentAnalysisInput = z.input<typeof experimentAnalysisSchema>;

export type Verdict = "variant-better" | "variant-worse" | "inconclusive" | "sample-ratio-mismatch";

export interface VariantAnalysis {
  key: string;
  /** Always-valid results after the last look (the default display). */
  sequential: {
    pValue: number | null;
    adjustedPValue: number | null;
    ciLow: number;
    ciHigh: number;
    series: { at: string; estimate: number; ciLow: number; ciHigh: number; pValue: number | null }[];
  };
  fixedHorizon: {
    diff: number;
    pValue: number | null;
    adjustedPValue: number | null;
    ciLow: number;
    ciHigh: number;
    relativeLift: number | null;
    relativeCiLow: number | null;
    relativeCiHigh: number | null;
  };
  bayesian: { chanceToBeatControl: number; expectedLossVariant: number; expectedLossControl: number; ciLow: number; ciHigh: number };
  verdict: Verdict;
}

export interface ExperimentAnalysis {
  srm: SrmResult & { arms: string[] };
  variants: VariantAnalysis[];
}

type Parsed = z.output<typeof experimentAnalysisSchema>;

export function analyzeExperiment(input: ExperimentAnalysisInput): ExperimentAnalysis {
  const parsed: Parsed = experimentAnalysisSchema.parse(input);
  const { controlKey, alpha, plan } = parsed;
  const last = parsed.looks[parsed.looks.length - 1]!;
  const keys = Object.keys(last.arms);
  const variantKeys = keys.filter((k) => k !== controlKey);
  const srm = { ...sampleRatioMismatch(keys.map((k) => last.arms[k]!.n), keys.map((k) => parsed.weights?.[k] ?? 1)), arms: keys };
  const tau2 = mixingVarianceFor((2 * plan.variancePerUser) / plan.perArm, alpha);

  const variants = variantKeys.map((key) => {
    const looks = parsed.looks.filter((l) => key in l.arms);
    const seqLooks: SequentialLook[] = looks.map((l) => lookFor(parsed.kind, l.arms[controlKey]!, l.arms[key]!));
    const series = sequentialSeries(seqLooks, { mixingVariance: tau2, alpha });
    const now = series[series.length - 1]!;
    const control = last.arms[controlKey]!;
    const variant = last.arms[key]!;
    const level = 1 - alpha;
    const fixed =
      parsed.kind === "proportion"
        ? twoProportionZTest(control as ProportionArmT, variant as ProportionArmT, level)
        : welchTTest(control as MeanArmT, variant as MeanArmT, level);
    const bayes =
      parsed.kind === "proportion"
        ? betaBinomial(control as ProportionArmT, variant as ProportionArmT, { credibility: level })
        : normalPosterior(control as MeanArmT, variant as MeanArmT, { credibility: level });
    return {
      key,
      sequential: {
        pValue: now.alwaysValidPValue,
        adjustedPValue: null as number | null,
        ciLow: now.csLow,
        ciHigh: now.csHigh,
        series: series.map((s, i) => ({ at: looks[i]!.at, estimate: seqLooks[i]!.estimate, ciLow: s.csLow, ciHigh: s.csHigh, pValue: s.alwaysValidPValue })),
      },
      fixedHorizon: {
        diff: fixed.diff,
        pValue: fixed.pValue,
        adjustedPValue: null as number | null,
        ciLow: fixed.ciLow,
        ciHigh: fixed.ciHigh,
        relativeLift: fixed.relativeLift,
        relativeCiLow: fixed.relativeCiLow,
        relativeCiHigh: fixed.relativeCiHigh,
      },
      bayesian: {
        chanceToBeatControl: bayes.chanceToBeatControl,
        expectedLossVariant: bayes.expectedLossVariant,
        expectedLossControl: bayes.expectedLossControl,
        ciLow: bayes.diff.ciLow,
        ciHigh: bayes.diff.ciHigh,
      },
      verdict: (srm.mismatch ? "sample-ratio-mismatch" : now.csLow > 0 ? "variant-better" : now.csHigh < 0 ? "variant-worse" : "inconclusive") as Verdict,
    };
  });

  adjust(parsed.correction, variants.map((v) => v.sequential));
  adjust(parsed.correction, variants.map((v) => v.fixedHorizon));
  return { srm, variants };
}

type ProportionArmT = z.infer<typeof proportionArm>;
type MeanArmT = z.infer<typeof meanArm>;

function lookFor(kind: "proportion" | "mean", control: ProportionArmT | MeanArmT, variant: ProportionArmT | MeanArmT): SequentialLook {
  return kind === "proportion" ? proportionsLook(control as ProportionArmT, variant as ProportionArmT) : meansLook(control as MeanArmT, variant as MeanArmT);
}

/** Fills adjustedPValue across the variants (null p-values stay null and do not count). */
function adjust(correction: Parsed["correction"], rows: { pValue: number | null; adjustedPValue: number | null }[]): void {
  const defined = rows.filter((r) => r.pValue !== null);
  const p = defined.map((r) => r.pValue!);
  const adjusted = correction === "holm" ? holm(p) : correction === "benjamini-hochberg" ? benjaminiHochberg(p) : p;
  defined.forEach((r, i) => (r.adjustedPValue = adjusted[i]!));
}
