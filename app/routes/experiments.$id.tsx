import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { ConfidenceSequenceChart } from "~/components/experiments/ConfidenceSequenceChart";
import { ExperimentStatusBadge } from "~/components/experiments/StatusBadge";
import { VariantTable, type MetricView } from "~/components/experiments/VariantTable";
import { expectedError, optionalText, text } from "~/lib/forms.server";
import { recordNotFound, requireUser } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.experiment.name ?? "Experiment"} · Experiments · Foresight` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const id = params.id ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Response("Not found", { status: 404 });
  const [e, results] = await Promise.all([context.trpc.experiments.get({ id }), context.trpc.experiments.results({ id })]).catch(recordNotFound("There is no such experiment."));
  const metrics: MetricView[] = results.metrics.map((m) => ({
    label: m.label, role: m.role, kind: m.kind, higherIsBetter: m.metric.higherIsBetter, arms: m.arms, holdout: m.holdout, cuped: m.cuped, pending: m.pending,
    variants: m.analysis?.variants.map((v) => ({ ...v, sequential: { ...v.sequential, series: v.sequential.series.slice(-1) } })) ?? [],
  }));
  const primary = results.metrics[0];
  return json({
    canWrite: user.role !== "viewer",
    today: new Date().toISOString().slice(0, 10),
    experiment: {
      id: e.id, key: e.key, name: e.name, hypothesis: e.hypothesis, status: e.status, flagId: e.flagId, flagKey: e.flagKey, variants: e.variants,
      holdoutPercent: e.holdoutPercent, minSampleSize: e.minSampleSize, startedAt: e.startedAt, endedAt: e.endedAt, winner: e.winner,
    },
    window: results.window,
    exposures: results.exposures,
    guidance: results.guidance,
    srm: primary?.analysis?.srm ?? null,
    plan: primary?.plan ?? null,
    metrics,
    chart: primary?.analysis?.variants.map((v) => ({ key: v.key, points: v.sequential.series.map((s) => ({ at: s.at, estimate: s.estimate, ciLow: s.ciLow, ciHigh: s.ciHigh })) })) ?? [],
  });
}

type ActionData = { formError?: string; success?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "start": {
        const from = optionalText(form, "startedAt");
        await context.trpc.experiments.start({ id, startedAt: from ? new Date(`${from}T00:00:00Z`) : undefined });
        return json<ActionData>({ success: "Started: the flag is on with the experiment's variants." });
      }
      case "pause":
        await context.trpc.experiments.pause({ id });
        return json<ActionData>({ success: "Paused: the flag is off, nobody new is exposed." });
      case "resume":
        await context.trpc.experiments.resume({ id });
        return json<ActionData>({ success: "Resumed." });
      case "complete": {
        const winner = text(form, "winner");
        await context.trpc.experiments.complete({ id, winner });
        return json<ActionData>({ success: `"${winner}" is the winner and is rolled out to 100% through the flag.` });
      }
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    return json<ActionData>(expectedError(err), { status: 400 });
  }
}

const toneOf: Record<string, string> = { "ship-variant": "alert-success", "fix-assignment": "alert-error", "keep-control": "alert-warning" };

export default function ExperimentPage() {
  const { experiment: e, window, exposures, guidance, srm, plan, metrics, chart, canWrite, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const primary = metrics.find((m) => m.role === "primary");
  const others = metrics.filter((m) => m.role !== "primary");
  return (
    <div className="stack-lg">
      <Card
        title={<>{e.name} <ExperimentStatusBadge status={e.status} /></>}
        description={<><code>{e.key}</code> on flag {e.flagId ? <Link to={`/flags/${e.flagId}`}><code>{e.flagKey}</code></Link> : "—"} · variants {e.variants.map((v) => `${v.key} ${v.weight}%`).join(", ")}{e.holdoutPercent ? ` · holdout ${e.holdoutPercent}%` : ""}</>}
      >
        <div className="stack">
          {e.hypothesis ? <p><strong>Hypothesis:</strong> {e.hypothesis}</p> : null}
          <p className="muted">
            {window ? <>Window <Time value={window.from} /> to <Time value={window.to} />.</> : "Not started."}
            {e.winner ? <> Winner: <strong>{e.winner}</strong>.</> : null}
          </p>
          <FormMessage error={result?.formError} success={result?.success} />
          {canWrite ? (
            <div className="cluster" data-testid="lifecycle">
              {e.status === "draft" ? (
                <Form method="post" className="cluster">
                  <input type="hidden" name="intent" value="start" />
                  <TextField label="Count exposures from" name="startedAt" type="date" max={today} defaultValue={today} />
                  <button type="submit" className="btn btn-primary" disabled={busy}>Start</button>
                </Form>
              ) : null}
              {e.status === "running" ? <Form method="post"><input type="hidden" name="intent" value="pause" /><button type="submit" className="btn" disabled={busy}>Pause</button></Form> : null}
              {e.status === "paused" ? <Form method="post"><input type="hidden" name="intent" value="resume" /><button type="submit" className="btn btn-primary" disabled={busy}>Resume</button></Form> : null}
              {e.status === "running" || e.status === "paused" ? (
                <DeclareWinner variants={e.variants.map((v) => v.key)} suggested={guidance.variant} />
              ) : null}
            </div>
          ) : null}
        </div>
      </Card>

      <Card title="What to do" className="guidance">
        <div className="stack" data-testid="guidance">
          <p className={`alert ${toneOf[guidance.recommendation] ?? "alert-info"}`} role="status">{guidance.headline}</p>
          {guidance.details.length ? <ul>{guidance.details.map((d, i) => <li key={i}>{d}</li>)}</ul> : null}
        </div>
      </Card>

      {srm?.mismatch ? (
        <p className="alert alert-error" role="alert" data-testid="srm-warning">
          Sample ratio mismatch: {Object.entries(exposures.byVariant).map(([k, n]) => `${k} ${n}`).join(", ")} is not the intended split (chi-square {srm.chi2.toFixed(1)}, p = {srm.pValue.toExponential(1)}).
        </p>
      ) : null}

      {primary ? (
        <Card title={`Primary metric: ${primary.label}`} description="Always-valid (sequential) results are the default: they stay correct however often you look. The fixed-horizon interval is right only at the planned sample size.">
          <div className="stack">
            <VariantTable metric={primary} testId="variant-table" />
            <ConfidenceSequenceChart series={chart} percent={primary.kind === "proportion"} />
            {plan ? <p className="muted">Intervals tuned for {plan.perArm.toLocaleString("en")} people per variant ({plan.source}).</p> : null}
          </div>
        </Card>
      ) : null}

      {others.map((m, i) => (
        <Card key={i} title={`${m.role === "guardrail" ? "Guardrail" : "Secondary"}: ${m.label}`} description={m.role === "guardrail" ? "p-values adjusted across guardrails (Holm)." : "p-values adjusted across secondary metrics (Benjamini-Hochberg)."}>
          <VariantTable metric={m} />
        </Card>
      ))}

      <Card title="Exposures">
        <p>
          {Object.entries(exposures.byVariant).map(([k, n]) => `${k}: ${n.toLocaleString("en")}`).join(" · ")}
          {exposures.holdout ? ` · holdout: ${exposures.holdout.toLocaleString("en")}` : ""}
          {e.minSampleSize ? ` · planned ${e.minSampleSize.toLocaleString("en")} per variant` : ""}
        </p>
        {exposures.multipleVariants ? <p className="muted">{exposures.multipleVariants} people were seen in more than one variant and are left out.</p> : null}
        {exposures.unknownValues ? <p className="muted">{exposures.unknownValues} exposure events carried a value that is none of the variants.</p> : null}
      </Card>
    </div>
  );
}

function DeclareWinner({ variants, suggested }: { variants: string[]; suggested: string | null }) {
  return (
    <Form method="post" className="cluster" data-testid="declare-winner">
      <input type="hidden" name="intent" value="complete" />
      <SelectField label="Winner" name="winner" defaultValue={suggested ?? variants[0]}>
        {variants.map((v) => <option key={v} value={v}>{v}</option>)}
      </SelectField>
      <button type="submit" className="btn btn-danger-outline">Declare winner and roll out to 100%</button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
