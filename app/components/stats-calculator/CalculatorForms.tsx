import { useActionData, useFetcher } from "@remix-run/react";
import type { ReactNode } from "react";
import { Card } from "~/components/Card";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import type { CalculatorData, Intent } from "./calculate.server";
import { formatPercent, formatPoints, formatStat } from "./format";
import { ResultList, Verdict } from "./ResultList";

type Data = CalculatorData | undefined;

/**
 * One calculator's submission: each form posts through its own fetcher, so every card keeps its
 * own answer while another is used. Without JavaScript the form posts the page and the answer
 * comes back as the route's action data.
 */
function useCalculator(intent: Intent) {
  const fetcher = useFetcher<CalculatorData>();
  const page = useActionData<CalculatorData>();
  const data = fetcher.data ?? (page?.intent === intent ? page : undefined);
  return { fetcher, data, busy: fetcher.state !== "idle" };
}

const PROPORTION_LABELS = {
  diff: "variant rate − control rate",
  z: "pooled z statistic",
  pValue: "two-sided",
  ciLow: "95% interval of diff (unpooled Wald), low",
  ciHigh: "95% interval of diff, high",
  relativeLift: "diff / control rate",
};
const MEANS_LABELS = {
  diff: "variant mean − control mean",
  t: "Welch t statistic",
  df: "Welch–Satterthwaite degrees of freedom",
  pValue: "two-sided",
  ciLow: "95% interval of diff, low",
  ciHigh: "95% interval of diff, high",
};
const SRM_LABELS = { chi2: "Pearson chi-square", df: "arms − 1", pValue: "flag a mismatch below 0.001" };

/** The submitted values of this form after a post (so the numbers stay), else the defaults. */
function valuesOf(data: Data, defaults: Record<string, string>): Record<string, string> {
  return data ? { ...defaults, ...data.values } : defaults;
}

function CalcForm({ intent, calc, children, submit }: { intent: Intent; calc: ReturnType<typeof useCalculator>; children: ReactNode; submit: string }) {
  return (
    <calc.fetcher.Form method="post" className="stack" noValidate aria-label={submit} data-testid={`${intent}-form`}>
      <input type="hidden" name="intent" value={intent} />
      <FormMessage error={calc.data?.formError} />
      {children}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={calc.busy}>
          {submit}
        </button>
      </div>
    </calc.fetcher.Form>
  );
}

function ArmFields({ arm, fields, values, errors }: { arm: "control" | "variant"; fields: [string, string, string][]; values: Record<string, string>; errors?: Record<string, string | undefined> }) {
  return (
    <fieldset className="form-grid">
      <legend>{arm === "control" ? "Control" : "Variant"}</legend>
      {fields.map(([field, label, hint]) => (
        <TextField
          key={field}
          label={label}
          hint={hint || undefined}
          name={`${arm}.${field}`}
          inputMode="decimal"
          defaultValue={values[`${arm}.${field}`]}
          error={errors?.[`${arm}.${field}`]}
        />
      ))}
    </fieldset>
  );
}

export function ProportionsCalculator() {
  const calc = useCalculator("proportions");
  const data = calc.data;
  const v = valuesOf(data, { "control.n": "1000", "control.conversions": "100", "variant.n": "1000", "variant.conversions": "120" });
  const mine = data;
  const fields: [string, string, string][] = [["n", "Users", ""], ["conversions", "Conversions", ""]];
  return (
    <Card title="Conversion rates (two-proportion z-test)" description='Input {"test": "proportions", "control": {"n", "conversions"}, "variant": {...}}.'>
      <CalcForm intent="proportions" calc={calc} submit="Compare rates">
        <ArmFields arm="control" fields={fields} values={v} errors={mine?.fieldErrors} />
        <ArmFields arm="variant" fields={fields} values={v} errors={mine?.fieldErrors} />
      </CalcForm>
      {mine?.result && "relativeLift" in mine.result ? (
        <div className="stack">
          <ResultList prefix="proportions" result={mine.result} labels={PROPORTION_LABELS} />
          <p>
            Variant − control: {formatPoints(mine.result.diff)} percentage points (95% interval {formatPoints(mine.result.ciLow)} to {formatPoints(mine.result.ciHigh)}); relative lift{" "}
            {formatPercent(mine.result.relativeLift)}.
          </p>
          <Verdict prefix="proportions" pValue={mine.result.pValue} />
        </div>
      ) : null}
    </Card>
  );
}

export function MeansCalculator() {
  const calc = useCalculator("means");
  const data = calc.data;
  const v = valuesOf(data, { "control.n": "", "control.mean": "", "control.variance": "", "variant.n": "", "variant.mean": "", "variant.variance": "" });
  const mine = data;
  const fields: [string, string, string][] = [["n", "Users", ""], ["mean", "Mean", ""], ["variance", "Variance", "sample variance (sd²)"]];
  return (
    <Card title="Means (Welch t-test)" description='Input {"test": "means", "control": {"n", "mean", "variance"}, "variant": {...}}: revenue per user, time on page...'>
      <CalcForm intent="means" calc={calc} submit="Compare means">
        <ArmFields arm="control" fields={fields} values={v} errors={mine?.fieldErrors} />
        <ArmFields arm="variant" fields={fields} values={v} errors={mine?.fieldErrors} />
      </CalcForm>
      {mine?.result && "t" in mine.result ? (
        <div className="stack">
          <ResultList prefix="means" result={mine.result} labels={MEANS_LABELS} />
          <Verdict prefix="means" pValue={mine.result.pValue} />
        </div>
      ) : null}
    </Card>
  );
}

export function SrmCalculator() {
  const calc = useCalculator("srm");
  const data = calc.data;
  const v = valuesOf(data, { observed: "", weights: "50, 50" });
  const mine = data;
  return (
    <Card title="Sample ratio mismatch (chi-square)" description='Input {"test": "srm", "observed": [...], "weights": [...]}: did the split come out as planned?'>
      <CalcForm intent="srm" calc={calc} submit="Check the split">
        <div className="form-grid">
          <TextField label="Users per arm" name="observed" hint="comma-separated, e.g. 5000, 5200" defaultValue={v.observed} error={mine?.fieldErrors?.observed} />
          <TextField label="Planned weights" name="weights" hint="one per arm, e.g. 50, 50" defaultValue={v.weights} error={mine?.fieldErrors?.weights} />
        </div>
      </CalcForm>
      {mine?.result && "chi2" in mine.result ? (
        <div className="stack">
          <ResultList prefix="srm" result={mine.result} labels={SRM_LABELS} />
          <p data-testid="srm-verdict">
            {mine.result.pValue < 0.001
              ? "Sample ratio mismatch: the split is very unlikely under the planned weights (p < 0.001). Find the cause before trusting the results."
              : "No sample ratio mismatch at p < 0.001."}
          </p>
        </div>
      ) : null}
    </Card>
  );
}

export function JsonCalculator() {
  const calc = useCalculator("json");
  const data = calc.data;
  const mine = data;
  const example = '[\n  {"test": "proportions", "control": {"n": 1000, "conversions": 100}, "variant": {"n": 1000, "conversions": 120}},\n  {"test": "srm", "observed": [5000, 5200], "weights": [1, 1]}\n]';
  return (
    <Card title="JSON, as foresight stats" description={
        <>
          Paste the array you would give <code>npx foresight stats --input arms.json</code>; the answer is what the command prints.
        </>
      }>
      <CalcForm intent="json" calc={calc} submit="Run">
        <label className="field">
          <span>Input</span>
          <textarea name="input" rows={6} spellCheck={false} defaultValue={mine?.values.input ?? example} aria-invalid={mine?.fieldErrors?.input ? true : undefined} />
        </label>
      </CalcForm>
      {mine?.results ? <pre data-testid="json-output">{JSON.stringify(mine.results, null, 2)}</pre> : null}
    </Card>
  );
}

export function PlanCalculator() {
  const calc = useCalculator("sample-size");
  const data = calc.data;
  const v = valuesOf(data, { kind: "proportion", baselineRate: "10", relativeEffect: "10", sd: "", effect: "", alpha: "5", power: "80", arms: "2", n: "" });
  const mine = data;
  const e = mine?.fieldErrors;
  const plan = mine?.plan;
  return (
    <Card
      title="Sample size and power"
      description="Users per arm for a two-sided test to detect the effect with the given power (normal approximation, as R's power.prop.test); with n, the power that many users per arm give."
    >
      <CalcForm intent="sample-size" calc={calc} submit="Calculate sample size">
        <div className="form-grid">
          <SelectField label="Metric" name="kind" defaultValue={v.kind}>
            <option value="proportion">Conversion rate</option>
            <option value="mean">Mean (e.g. revenue per user)</option>
          </SelectField>
          <TextField label="Baseline rate (%)" name="baselineRate" hint="conversion rate" inputMode="decimal" defaultValue={v.baselineRate} error={e?.baselineRate} />
          <TextField label="Relative effect (%)" name="relativeEffect" hint="conversion rate: +10 means 10% → 11%" inputMode="decimal" defaultValue={v.relativeEffect} error={e?.relativeEffect} />
          <TextField label="Standard deviation" name="sd" hint="mean: of the metric per user" inputMode="decimal" defaultValue={v.sd} error={e?.sd} />
          <TextField label="Effect" name="effect" hint="mean: absolute change to detect" inputMode="decimal" defaultValue={v.effect} error={e?.effect} />
          <TextField label="Significance level (%)" name="alpha" inputMode="decimal" defaultValue={v.alpha} error={e?.alpha} />
          <TextField label="Power (%)" name="power" inputMode="decimal" defaultValue={v.power} error={e?.power} />
          <TextField label="Arms" name="arms" inputMode="numeric" defaultValue={v.arms} error={e?.arms} />
          <TextField label="Users per arm you have (optional)" name="n" hint="gives the power at that size" inputMode="numeric" defaultValue={v.n} error={e?.n} />
        </div>
      </CalcForm>
      {plan ? (
        <dl className="kv" data-testid="plan-result">
          <div>
            <dt>Users per arm</dt>
            <dd data-testid="plan-perArm">{plan.perArm.toLocaleString("en-US")}</dd>
          </div>
          <div>
            <dt>Before rounding up</dt>
            <dd data-testid="plan-exactPerArm">{formatStat(plan.exactPerArm)}</dd>
          </div>
          <div>
            <dt>Users in all</dt>
            <dd data-testid="plan-total">{plan.total.toLocaleString("en-US")}</dd>
          </div>
          {plan.powerAtN !== null ? (
            <div>
              <dt>Power with {plan.n?.toLocaleString("en-US")} per arm</dt>
              <dd data-testid="plan-powerAtN">{formatStat(plan.powerAtN)}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </Card>
  );
}
