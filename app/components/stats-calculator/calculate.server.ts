// The calculator page's action: form fields -> the same functions as `foresight stats`
// (server/experiments/stats: runStats for the tests, sampleSize / *Power for planning). Bad input
// comes back as messages per form field, with a 400.
import { z } from "zod";
import {
  meansPower,
  meansSampleSize,
  proportionsPower,
  proportionsSampleSize,
  runStats,
  sampleSize,
  sampleSizeInputSchema,
  StatsInputError,
  type StatsOutput,
} from "../../../server/experiments/stats";

export type FieldErrors = Partial<Record<string, string>>;
export type Intent = "proportions" | "means" | "srm" | "json" | "sample-size";

export interface PlanResult {
  kind: "proportion" | "mean";
  /** Users per arm, rounded up, and in all (sampleSize). */
  perArm: number;
  total: number;
  /** Users per arm before rounding. */
  exactPerArm: number;
  /** Power of the test with `n` users per arm, when n was given. */
  powerAtN: number | null;
  n: number | null;
}

export interface CalculatorData {
  intent: Intent;
  values: Record<string, string>;
  fieldErrors?: FieldErrors;
  formError?: string;
  /** proportions / means / srm: the one result; json: every result, as the CLI prints them. */
  result?: StatsOutput;
  results?: StatsOutput[];
  plan?: PlanResult;
}

const FIELDS: Record<Intent, string[]> = {
  proportions: ["control.n", "control.conversions", "variant.n", "variant.conversions"],
  means: ["control.n", "control.mean", "control.variance", "variant.n", "variant.mean", "variant.variance"],
  srm: ["observed", "weights"],
  json: ["input"],
  "sample-size": ["kind", "baselineRate", "relativeEffect", "sd", "effect", "alpha", "power", "arms", "n"],
};

const number = (v: string | undefined): number | undefined => (v === undefined || v.trim() === "" ? undefined : Number(v.trim()));
const list = (v: string | undefined): number[] => (v ?? "").split(/[\s,;]+/).filter(Boolean).map(Number);

/** `[0].control.conversions: conversions must not exceed n` -> { "control.conversions": "conversions must not exceed n" } */
function statsFieldErrors(err: StatsInputError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const colon = issue.indexOf(": ");
    const where = issue.slice(0, colon).replace(/^\[0\]\.?/, "").replace(/\[\d+\]$/, "");
    out[where || "form"] ??= issue.slice(colon + 2);
  }
  return out;
}

const nInput = z.number().int().min(2, "n must be at least 2 users per arm").optional();

export function calculate(form: FormData): { status: number; data: CalculatorData } {
  const intent = String(form.get("intent") ?? "") as Intent;
  if (!(intent in FIELDS)) return { status: 400, data: { intent: "json", values: {}, formError: "intent: unknown calculator" } };
  const values: Record<string, string> = {};
  for (const f of FIELDS[intent]) values[f] = String(form.get(f) ?? "");
  const fail = (fieldErrors: FieldErrors, formError = "Check the highlighted fields.") => ({ status: 400, data: { intent, values, fieldErrors, formError } });
  try {
    switch (intent) {
      case "proportions": {
        const arm = (a: string) => ({ n: number(values[`${a}.n`]), conversions: number(values[`${a}.conversions`]) });
        return { status: 200, data: { intent, values, result: runStats([{ test: "proportions", control: arm("control"), variant: arm("variant") }])[0] } };
      }
      case "means": {
        const arm = (a: string) => ({ n: number(values[`${a}.n`]), mean: number(values[`${a}.mean`]), variance: number(values[`${a}.variance`]) });
        return { status: 200, data: { intent, values, result: runStats([{ test: "means", control: arm("control"), variant: arm("variant") }])[0] } };
      }
      case "srm":
        return { status: 200, data: { intent, values, result: runStats([{ test: "srm", observed: list(values.observed), weights: list(values.weights) }])[0] } };
      case "json": {
        let input: unknown;
        try {
          input = JSON.parse(values.input ?? "");
        } catch (err) {
          return fail({ input: `not valid JSON: ${(err as Error).message}` }, "input: not valid JSON");
        }
        return { status: 200, data: { intent, values, results: runStats(input) } };
      }
      case "sample-size":
        return planFor(values, fail);
    }
  } catch (err) {
    if (err instanceof StatsInputError) {
      if (intent === "json") return fail({ input: err.issues.join("; ") }, `input: ${err.issues.join("; ")}`);
      return fail(statsFieldErrors(err));
    }
    throw err;
  }
}

function planFor(values: Record<string, string>, fail: (e: FieldErrors) => { status: number; data: CalculatorData }) {
  const percent = (v: string | undefined) => {
    const x = number(v);
    return x === undefined ? undefined : x / 100;
  };
  const kind = values.kind === "mean" ? "mean" : "proportion";
  const common = { alpha: percent(values.alpha), power: percent(values.power), arms: number(values.arms) };
  const parsed = sampleSizeInputSchema.safeParse(
    kind === "proportion"
      ? { kind, baselineRate: percent(values.baselineRate), relativeEffect: percent(values.relativeEffect), ...common }
      : { kind, sd: number(values.sd), effect: number(values.effect), ...common },
  );
  const n = nInput.safeParse(number(values.n));
  const errors: FieldErrors = {};
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0] ?? "form")] ??= i.message;
  if (!n.success) errors.n = n.error.issues[0]!.message;
  if (!parsed.success || !n.success) return fail(errors);
  const q = parsed.data;
  if (q.kind === "proportion" && !(q.baselineRate * (1 + q.relativeEffect) > 0 && q.baselineRate * (1 + q.relativeEffect) < 1)) {
    return fail({ relativeEffect: "the changed rate must stay between 0% and 100%" });
  }
  const { perArm, total } = sampleSize(q);
  let exactPerArm: number;
  let powerAtN: number | null = null;
  if (q.kind === "proportion") {
    const p2 = q.baselineRate * (1 + q.relativeEffect);
    exactPerArm = proportionsSampleSize(q.baselineRate, p2, q);
    if (n.data !== undefined) powerAtN = proportionsPower(n.data, q.baselineRate, p2, q.alpha);
  } else {
    exactPerArm = meansSampleSize(q.effect, q.sd, q);
    if (n.data !== undefined) powerAtN = meansPower(n.data, q.effect, q.sd, q.alpha);
  }
  return { status: 200, data: { intent: "sample-size" as const, values, plan: { kind: q.kind, perArm, total, exactPerArm, powerAtN, n: n.data ?? null } } };
}
