import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { Accuracy } from "~/components/forecasts/Accuracy";
import { ForecastChart } from "~/components/forecasts/ForecastChart";
import { ModelHistory } from "~/components/forecasts/ModelHistory";
import { expectedError, text } from "~/lib/forms.server";
import { requireUser, trpcErrorResponse } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.forecast.target.label ?? "Forecast"} · Forecasts · Foresight` }];

const intParam = (url: URL, name: string, fallback: number) => {
  const raw = url.searchParams.get(name);
  return raw === null || raw === "" ? fallback : Number(raw);
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const url = new URL(request.url);
  const target = params.target ?? "";
  const horizon = intParam(url, "horizon", 14);
  const historyDays = intParam(url, "history", 120);
  const job = url.searchParams.get("job");
  try {
    const [forecast, versions, progress] = await Promise.all([
      context.trpc.forecasts.forecast({ target, horizon, historyDays }),
      context.trpc.forecasts.history({ target }),
      job ? context.trpc.forecasts.progress({ jobId: job, target }) : Promise.resolve(null),
    ]);
    return json({ forecast, versions, progress, canWrite: user.role !== "viewer" });
  } catch (err) {
    throw trpcErrorResponse(err) ?? err;
  }
}

type ActionData = { formError?: string; success?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const intent = text(form, "intent");
  const target = params.target ?? "";
  try {
    switch (intent) {
      case "retrain": {
        const { jobId } = await context.trpc.forecasts.retrain({ target });
        const url = new URL(request.url);
        url.searchParams.set("job", jobId);
        return redirect(url.pathname + url.search);
      }
      case "promote": {
        const r = await context.trpc.forecasts.promote({ versionId: text(form, "versionId") });
        return json<ActionData>({ success: `Version ${r.version} is now active.` });
      }
      case "rollback": {
        const r = await context.trpc.forecasts.rollback({ target });
        return json<ActionData>({ success: `Rolled back from version ${r.from} to version ${r.to}.` });
      }
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    return json<ActionData>(expectedError(err), { status: 400 });
  }
}

const PENDING = new Set(["queued", "running", "retrying"]);

function Retrain({ progress, canWrite }: { progress: ReturnType<typeof useLoaderData<typeof loader>>["progress"]; canWrite: boolean }) {
  const busy = useNavigation().formData?.get("intent") === "retrain";
  const revalidator = useRevalidator();
  const pending = progress !== null && PENDING.has(progress.state);
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearTimeout(t);
  }, [pending, progress, revalidator]);
  const latest = progress?.latest;
  return (
    <div className="stack">
      {canWrite ? (
        <Form method="post">
          <input type="hidden" name="intent" value="retrain" />
          <button type="submit" className="btn btn-primary" disabled={busy || pending}>
            {pending ? "Training…" : "Retrain now"}
          </button>
        </Form>
      ) : null}
      {progress ? (
        <p role="status" data-testid="retrain-progress">
          Job #{progress.jobId}: {progress.state}
          {progress.attempts > 1 ? ` (attempt ${progress.attempts})` : ""}
          {latest?.progress ? ` · v${latest.version} step ${latest.progress.step} of ${latest.progress.of}: ${latest.progress.note}` : ""}
          {progress.error ? ` · ${progress.error}` : ""}
        </p>
      ) : null}
    </div>
  );
}

export default function ForecastTarget() {
  const { forecast, versions, progress, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const f = forecast;
  return (
    <div className="stack-lg">
      <Card
        title={f.target.label}
        description={f.target.description}
        actions={
          <Form method="get" className="cluster">
            <label className="field field-inline">
              <span>Horizon (days)</span>
              <input type="number" name="horizon" min={1} max={90} defaultValue={f.window.horizon} />
            </label>
            <label className="field field-inline">
              <span>History (days)</span>
              <input type="number" name="history" min={28} max={730} defaultValue={f.window.historyDays} />
            </label>
            <button type="submit" className="btn btn-sm btn-secondary">Show</button>
          </Form>
        }
      >
        <ForecastChart label={`${f.target.label}: history and ${f.window.horizon}-day forecast with 80% and 95% intervals`} history={f.history} forecast={f.forecast} />
        {f.reason ? <p className="muted">{f.reason}</p> : null}
      </Card>
      <Card title="Accuracy">
        <Accuracy active={f.active} />
      </Card>
      <Card title="Model history" description="A nightly job trains a version per target and promotes it only when its backtest MASE beats the active one's." actions={<Retrain progress={progress} canWrite={canWrite} />}>
        <FormMessage error={result?.formError} success={result?.success} />
        <ModelHistory versions={versions} canWrite={canWrite} />
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
