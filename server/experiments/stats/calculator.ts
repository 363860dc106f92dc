// The offline calculator's contract (issue 6, item 6), shared by `foresight stats` and the
// calculator page: an array of tests in, one result per test out, in the same order. Numbers
// that are undefined for the data (z when both arms convert at 0%, a lift relative to 0) are null.
import { z } from "zod";
import { welchTTest } from "./means";
import { twoProportionZTest } from "./proportions";
import { sampleRatioMismatch } from "./srm";

const count = z.number().int().nonnegative();

const proportionArm = z
  .object({ n: count.min(1), conversions: count })
  .refine((a) => a.conversions <= a.n, { message: "conversions must not exceed n", path: ["conversions"] });

const meanArm = z.object({
  n: count.min(2),
  mean: z.number(),
  variance: z.number().nonnegative(),
});

export const proportionsTestSchema = z.object({ test: z.literal("proportions"), control: proportionArm, variant: proportionArm });
export const meansTestSchema = z.object({ test: z.literal("means"), control: meanArm, variant: meanArm });
export const srmTestSchema = z
  .object({
    test: z.literal("srm"),
    observed: z.array(z.number().nonnegative()).min(2),
    weights: z.array(z.number().positive()).min(2),
  })
  .refine((s) => s.observed.length === s.weights.length, { message: "weights must have one entry per observed count", path: ["weights"] });

export const statsTestSchema = z.discriminatedUnion("test", [proportionsTestSchema, meansTestSchema, srmTestSchema]);
export const statsInputSchema = z.array(statsTestSchema);

export type StatsTest = z.infer<typeof statsTestSchema>;
export type StatsInput = z.infer<typeof statsInputSchema>;

export type ProportionsOutput = { diff: number; z: number | null; pValue: number | null; ciLow: number; ciHigh: number; relativeLift: number | null };
export type MeansOutput = { diff: number; t: number | null; df: number | null; pValue: number | null; ciLow: number; ciHigh: number };
export type SrmOutput = { chi2: number; df: number; pValue: number };
export type StatsOutput = ProportionsOutput | MeansOutput | SrmOutput;

export class StatsInputError extends Error {
  constructor(public readonly issues: string[]) {
    super(issues.join("; "));
  }
}

/** `[0].control.conversions: conversions must not exceed n` */
function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return `${where || "input"}: ${issue.message}`;
}

export function parseStatsInput(input: unknown): StatsInput {
  const parsed = statsInputSchema.safeParse(input);
  if (!parsed.success) throw new StatsInputError(parsed.error.issues.map(describeIssue));
  return parsed.data;
}

const finite = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);

export function runStatsTest(t: StatsTest): StatsOutput {
  switch (t.test) {
    case "proportions": {
      const r = twoProportionZTest(t.control, t.variant);
      return { diff: r.diff, z: finite(r.z), pValue: finite(r.pValue), ciLow: r.ciLow, ciHigh: r.ciHigh, relativeLift: finite(r.relativeLift) };
    }
    case "means": {
      const r = welchTTest(t.control, t.variant);
      return { diff: r.diff, t: finite(r.t), df: finite(r.df), pValue: finite(r.pValue), ciLow: r.ciLow, ciHigh: r.ciHigh };
    }
    case "srm": {
      const r = sampleRatioMismatch(t.observed, t.weights);
      return { chi2: r.chi2, df: r.df, pValue: r.pValue };
    }
  }
}

/** Validates and runs every test; throws StatsInputError naming each bad field by index. */
export function runStats(input: unknown): StatsOutput[] {
  return parseStatsInput(input).map(runStatsTest);
}
