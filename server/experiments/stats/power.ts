// Sample size and power for two equal arms and a two-sided test at level alpha, as the
// experiment setup wizard needs them. Proportions use the normal approximation of R's
// power.prop.test (strict = FALSE: the far tail ignored), whose closed form is
//   n = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar)) + z_{power} sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2;
// means use n = 2 sigma^2 (z_{1-alpha/2} + z_{power})^2 / delta^2 (normal approximation; R's
// power.t.test, with the noncentral t, asks for about one more user per arm at small n).
import { z } from "zod";
import { phi, phiInverse } from "./distributions";

export interface PowerOptions {
  alpha?: number;
  power?: number;
}

/** Users per arm (not rounded) to detect a change from rate p1 to rate p2. */
export function proportionsSampleSize(p1: number, p2: number, options: PowerOptions = {}): number {
  const { za, zb } = quantiles(options);
  const pbar = (p1 + p2) / 2;
  const num = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (num / (p2 - p1)) ** 2;
}

/** Power of the two-proportion test with n users per arm. */
export function proportionsPower(n: number, p1: number, p2: number, alpha = 0.05): number {
  const pbar = (p1 + p2) / 2;
  const za = phiInverse(1 - alpha / 2);
  return phi((Math.sqrt(n) * Math.abs(p2 - p1) - za * Math.sqrt(2 * pbar * (1 - pbar))) / Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)));
}

/** Users per arm (not rounded) to detect a difference `delta` in means of a metric with standard deviation `sd`. */
export function meansSampleSize(delta: number, sd: number, options: PowerOptions = {}): number {
  const { za, zb } = quantiles(options);
  return (2 * sd * sd * (za + zb) ** 2) / (delta * delta);
}

/** Power of the (normal-approximation) test of means with n users per arm. */
export function meansPower(n: number, delta: number, sd: number, alpha = 0.05): number {
  return phi(Math.abs(delta) / (sd * Math.sqrt(2 / n)) - phiInverse(1 - alpha / 2));
}

/** The minimum sample size a person plans with: users per arm, rounded up. */
export function minimumSampleSize(exact: number): number {
  return Math.ceil(exact - 1e-9);
}

function quantiles(o: PowerOptions) {
  const alpha = o.alpha ?? 0.05;
  const power = o.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) throw new RangeError("alpha and power must be in (0, 1)");
  return { za: phiInverse(1 - alpha / 2), zb: phiInverse(power) };
}

/** A number field: "enter a number" when it was left empty, not zod's "expected number, received undefined". */
const num = () => z.number({ error: (iss) => (iss.input === undefined ? "enter a number" : "expected a finite number") });

/** Past this many users per arm a plan means nothing (and sizes stop being exact integers in a double). */
export const MAX_SAMPLE_SIZE = 1e12;

/** The setup wizard's question: how many users per arm (and in all) for this effect? */
export const sampleSizeInputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("proportion"),
    baselineRate: num().gt(0).lt(1),
    /** Relative change to detect, e.g. 0.05 for +5% of the baseline rate. */
    relativeEffect: num().refine((x) => x !== 0, "the effect must not be 0"),
    alpha: num().gt(0).lt(1).default(0.05),
    power: num().gt(0).lt(1).default(0.8),
    arms: num().int().min(2).default(2),
  }),
  z.object({
    kind: z.literal("mean"),
    sd: num().positive(),
    /** Absolute change in the mean to detect. */
    effect: num().refine((x) => x !== 0, "the effect must not be 0"),
    alpha: num().gt(0).lt(1).default(0.05),
    power: num().gt(0).lt(1).default(0.8),
    arms: num().int().min(2).default(2),
  }),
]).superRefine((q, ctx) => {
  // Only when the fields themselves passed (zod runs this refinement even after field issues).
  const fieldsValid =
    q.kind === "proportion"
      ? q.baselineRate > 0 && q.baselineRate < 1 && Number.isFinite(q.relativeEffect) && q.relativeEffect !== 0
      : q.sd > 0 && Number.isFinite(q.sd) && Number.isFinite(q.effect) && q.effect !== 0;
  if (!fieldsValid || !(q.alpha > 0 && q.alpha < 1 && q.power > 0 && q.power < 1)) return;
  const effectField = q.kind === "proportion" ? "relativeEffect" : "effect";
  if (q.kind === "proportion") {
    const treated = q.baselineRate * (1 + q.relativeEffect);
    if (!(treated > 0 && treated < 1)) {
      ctx.addIssue({ code: "custom", path: ["relativeEffect"], message: `takes the rate from ${q.baselineRate} to ${Number(treated.toPrecision(6))}, outside 0-1` });
      return;
    }
  }
  // An effect tiny against the noise needs more users than exist (or than a double holds).
  const exact = q.kind === "proportion" ? proportionsSampleSize(q.baselineRate, q.baselineRate * (1 + q.relativeEffect), q) : meansSampleSize(q.effect, q.sd, q);
  if (!(exact <= MAX_SAMPLE_SIZE)) ctx.addIssue({ code: "custom", path: [effectField], message: `is too small to detect: it needs more than ${MAX_SAMPLE_SIZE.toExponential(0)} users per arm` });
});

export function sampleSize(input: z.input<typeof sampleSizeInputSchema>): { perArm: number; total: number } {
  const q = sampleSizeInputSchema.parse(input);
  const exact =
    q.kind === "proportion"
      ? proportionsSampleSize(q.baselineRate, q.baselineRate * (1 + q.relativeEffect), q)
      : meansSampleSize(q.effect, q.sd, q);
  const perArm = minimumSampleSize(exact);
  return { perArm, total: perArm * q.arms };
}
