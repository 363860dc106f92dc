import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { MetricFields, metricFromForm } from "~/components/experiments/MetricFields";
import { expectedError, optionalText, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";
import { exposureStart } from "~/lib/schemas.server";

export const meta: MetaFunction = () => [{ title: "New experiment · Experiments · Foresight" }];

const VARIANT_ROWS = 4;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request, "analyst");
  const [flags, events] = await Promise.all([context.trpc.flags.list(), context.trpc.insights.eventNames({ limit: 500 })]);
  const today = new Date().toISOString().slice(0, 10);
  return json({
    flags: flags.map((f) => ({ id: f.id, key: f.key, type: f.type, enabled: f.enabled })),
    events: events.map((e) => e.name),
    today,
  });
}

type ActionData = {
  formError?: string;
  fieldErrors?: FieldErrors;
  sample?: { perArm: number; total: number } | null;
  sampleError?: string;
  /** What was submitted, so the form keeps it without JavaScript too. */
  values?: Record<string, string>;
};

const num = (form: FormData, name: string) => {
  const v = optionalText(form, name);
  return v === undefined ? undefined : Number(v);
};

/** The power calculator's question from the form: baseline rate and minimum detectable effect in percent. */
function sampleQuestion(form: FormData, arms: number) {
  const baseline = num(form, "baselineRate");
  const mde = num(form, "relativeEffect");
  if (baseline === undefined || mde === undefined) return null;
  return { kind: "proportion" as const, baselineRate: baseline / 100, relativeEffect: mde / 100, power: (num(form, "power") ?? 80) / 100, arms };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const values = Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string" && e[0] !== "intent"));
  const variants = Array.from({ length: VARIANT_ROWS }, (_, i) => ({ key: text(form, `variant.${i}.key`).trim(), weight: Number(text(form, `variant.${i}.weight`)) })).filter((v) => v.key);
  const question = sampleQuestion(form, Math.max(2, variants.length));
  let sample: ActionData["sample"] = null;
  try {
    sample = question ? await context.trpc.experiments.sampleSize(question) : null;
  } catch (err) {
    const e = expectedError(err);
    return json<ActionData>({ values, sampleError: Object.entries(e.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v}`).join("; ") || e.formError }, { status: 400 });
  }
  if (text(form, "intent") === "calculate") {
    return json<ActionData>(question ? { values, sample } : { values, sampleError: "Give the baseline rate and the minimum detectable effect." });
  }

  const flagChoice = text(form, "flag");
  const secondary = [metricFromForm(form, "secondary0"), metricFromForm(form, "secondary1")].filter(Boolean);
  const guardrail = [metricFromForm(form, "guardrail0")].filter(Boolean);
  // The start date is checked before anything is created: a refused start must not leave a draft
  // (and its flag) behind that a second submit then collides with.
  const startNow = text(form, "start") === "on";
  const from = optionalText(form, "startedAt");
  const startedAt = from ? new Date(`${from}T00:00:00Z`) : undefined;
  const checked = startNow && startedAt !== undefined ? exposureStart.safeParse(startedAt) : null;
  if (checked && !checked.success) {
    const problem = checked.error.issues[0]!.message;
    return json<ActionData>({ formError: `Count exposures from: ${problem}.`, fieldErrors: { startedAt: problem }, values, sample }, { status: 400 });
  }
  try {
    const created = await context.trpc.experiments.create({
      key: text(form, "key").trim(),
      name: text(form, "name").trim(),
      hypothesis: text(form, "hypothesis"),
      ...(flagChoice && flagChoice !== "new" ? { flagId: flagChoice } : { flagKey: optionalText(form, "flagKey") }),
      variants,
      primaryMetric: metricFromForm(form, "primary") as never,
      secondaryMetrics: secondary as never,
      guardrailMetrics: guardrail as never,
      exposureEvent: optionalText(form, "exposureEvent") ?? "$feature_flag_called",
      holdoutPercent: num(form, "holdoutPercent") ?? 0,
      minSampleSize: num(form, "minSampleSize") ?? sample?.perArm ?? null,
      plan: question ? { baselineRate: question.baselineRate, relativeEffect: question.relativeEffect, power: question.power } : null,
    });
    if (startNow) await context.trpc.experiments.start({ id: created.id, startedAt });
    return redirect(`/experiments/${created.id}`);
  } catch (err) {
    return json<ActionData>({ ...expectedError(err), values, sample }, { status: 400 });
  }
}

export default function NewExperiment() {
  const { flags, events, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nav = useNavigation();
  const busy = nav.state === "submitting";
  const fe = result?.fieldErrors;
  const submitted = result?.values;
  const v = (name: string, fallback: string) => (submitted ? (submitted[name] ?? "") : fallback);
  return (
    <Form method="post" className="stack-lg" noValidate>
      <datalist id="event-names">{events.map((e) => <option key={e} value={e} />)}</datalist>
      <FormMessage error={result?.formError} />

      <Card title="1. What you are testing" description="The key names the experiment in code (getVariant); the hypothesis says what you expect and why.">
        <div className="stack">
          <TextField label="Key" name="key" required maxLength={200} placeholder="checkout-redesign" defaultValue={v("key", "")} error={fe?.key} />
          <TextField label="Name" name="name" required maxLength={400} placeholder="One-page checkout" defaultValue={v("name", "")} error={fe?.name} />
          <label className="field">
            <span>Hypothesis</span>
            <textarea name="hypothesis" rows={2} placeholder="A one-page checkout gets more people from checkout to payment." defaultValue={v("hypothesis", "")} />
          </label>
        </div>
      </Card>

      <Card title="2. Flag and variants" description="People are assigned by the flag's hash. The first variant is the control; weights add up to 100.">
        <div className="stack">
          <SelectField label="Flag" name="flag" defaultValue={v("flag", "new")} error={fe?.flagId}>
            <option value="new">Create a new flag</option>
            {flags.map((f) => <option key={f.id} value={f.id}>{f.key} ({f.type}{f.enabled ? ", on" : ", off"})</option>)}
          </SelectField>
          <TextField label="New flag key" name="flagKey" maxLength={200} defaultValue={v("flagKey", "")} hint="For a new flag; the experiment's key when empty." error={fe?.flagKey} />
          <div className="stack" data-testid="variants">
            {Array.from({ length: VARIANT_ROWS }, (_, i) => (
              <div className="cluster" key={i}>
                <TextField label={i === 0 ? "Control" : `Variant ${i + 1}`} name={`variant.${i}.key`} defaultValue={v(`variant.${i}.key`, i === 0 ? "control" : i === 1 ? "test" : "")} maxLength={200} />
                <TextField label="Weight (%)" name={`variant.${i}.weight`} type="number" min={0} max={100} step="any" defaultValue={v(`variant.${i}.weight`, i < 2 ? "50" : "")} />
              </div>
            ))}
            {fe?.variants ? <p className="field-error" role="alert">Variants: {fe.variants}</p> : null}
          </div>
          <TextField label="Holdout (%)" name="holdoutPercent" type="number" min={0} max={50} defaultValue={v("holdoutPercent", "0")} hint="People kept out of every variant (they see the control, and are measured apart)." error={fe?.holdoutPercent} />
          <TextField label="Exposure event" name="exposureEvent" list="event-names" defaultValue={v("exposureEvent", "$feature_flag_called")} hint="Sent by the SDKs when a flag is read; or your own event with $experiment and variant properties." />
        </div>
      </Card>

      <Card title="3. Metrics" description="Counted per person from their first exposure. The primary metric decides; secondary metrics explain; guardrails must not get worse.">
        <div className="stack">
          <MetricFields prefix="primary" legend="Primary metric" submitted={submitted} error={fe?.primaryMetric} />
          <MetricFields prefix="secondary0" legend="Secondary metric" optional submitted={submitted} />
          <MetricFields prefix="secondary1" legend="Another secondary metric" optional submitted={submitted} />
          <MetricFields prefix="guardrail0" legend="Guardrail metric" optional submitted={submitted} />
        </div>
      </Card>

      <Card title="4. Sample size" description={<>From the power calculator (two-sided test at 5%). The <Link to="/experiments/calculator">calculator</Link> also checks finished experiments.</>}>
        <div className="stack">
          <div className="cluster">
            <TextField label="Baseline conversion rate (%)" name="baselineRate" type="number" min={0} max={100} step="any" placeholder="58" defaultValue={v("baselineRate", "")} />
            <TextField label="Minimum detectable effect (relative %)" name="relativeEffect" type="number" step="any" placeholder="10" defaultValue={v("relativeEffect", "")} />
            <TextField label="Power (%)" name="power" type="number" min={1} max={99} defaultValue={v("power", "80")} />
            <button type="submit" name="intent" value="calculate" className="btn" disabled={busy}>Calculate</button>
          </div>
          {result?.sampleError ? <p className="alert alert-error" role="alert">{result.sampleError}</p> : null}
          {result?.sample ? (
            <p role="status" data-testid="sample-size">
              <strong>{result.sample.perArm.toLocaleString("en")}</strong> people per variant ({result.sample.total.toLocaleString("en")} in all).
            </p>
          ) : null}
          <TextField
            key={result?.sample?.perArm ?? "none"}
            label="Minimum sample size per variant"
            name="minSampleSize"
            type="number"
            min={1}
            defaultValue={result?.sample?.perArm ?? v("minSampleSize", "")}
            hint="Filled in by Calculate; also fixes how the always-valid intervals are tuned."
            error={fe?.minSampleSize}
          />
        </div>
      </Card>

      <Card title="5. Start">
        <div className="stack">
          <label className="checkbox">
            <input type="checkbox" name="start" defaultChecked={submitted ? "start" in submitted : true} /> Start now: the flag is switched on with these variants
          </label>
          <TextField label="Count exposures from" name="startedAt" type="date" max={today} defaultValue={v("startedAt", today)} error={fe?.startedAt} hint="Today for a new flag; an earlier day when the flag has already been serving these variants." />
          <div className="form-actions">
            <button type="submit" name="intent" value="create" className="btn btn-primary" disabled={busy}>Create experiment</button>
          </div>
        </div>
      </Card>
    </Form>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
