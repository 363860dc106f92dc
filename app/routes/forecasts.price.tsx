import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { SelectField, TextField } from "~/components/Field";
import { AdviceSummary } from "~/components/price/AdviceSummary";
import { ModelAccuracy } from "~/components/price/ModelAccuracy";
import { PriceForecastChart } from "~/components/price/PriceForecastChart";
import { expectedError, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";
import { cabinClasses } from "../../server/ingest/domain-events";

export const meta: MetaFunction = () => [{ title: "Price explorer · Forecasts · Foresight" }];

const DAY = 86_400_000;
const addDays = (iso: string, n: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** The form is a GET: the URL holds the question, so an answer can be shared and reloaded. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const model = await context.trpc.ml.priceModel();
  const top = model.active?.catalog[0];
  const values = {
    origin: params.get("origin") ?? top?.origin ?? "",
    destination: params.get("destination") ?? top?.destination ?? "",
    departDate: params.get("departDate") ?? addDays(model.today, 30),
    returnDate: params.get("returnDate") ?? "",
    cabinClass: params.get("cabinClass") ?? "economy",
  };
  let answer = null;
  let errors: { formError?: string; fieldErrors?: FieldErrors } = {};
  if (params.has("origin")) {
    const input = { ...values, returnDate: values.returnDate || undefined, cabinClass: values.cabinClass as (typeof cabinClasses)[number] };
    try {
      answer = await context.trpc.ml.priceForecast(input);
    } catch (err) {
      errors = expectedError(err);
    }
  }
  return json({ model, values, answer, errors, canRetrain: user.role !== "viewer" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const { jobId } = await context.trpc.ml.retrainPriceModels();
  return json({ retrainJob: jobId });
}

export default function PriceExplorer() {
  const { model, values, answer, errors, canRetrain } = useLoaderData<typeof loader>();
  const retrain = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const airports = (pick: "origin" | "destination") => [...new Set((model.active?.catalog ?? []).map((r) => r[pick]))].sort();
  const fe = errors.fieldErrors ?? {};
  return (
    <div className="stack-lg">
      <Card title="Price explorer" description="Pick a route and dates: the 7-day fare forecast by booking date, the advice and the expected saving — the same answer ml.priceForecast and POST /api/ml/price-forecast give a product surface.">
        <Form method="get" className="form-grid" aria-label="Route and dates">
          <SelectField label="Origin" name="origin" defaultValue={values.origin} error={fe.origin}>
            {airports("origin").map((a) => <option key={a} value={a}>{a}</option>)}
          </SelectField>
          <SelectField label="Destination" name="destination" defaultValue={values.destination} error={fe.destination}>
            {airports("destination").map((a) => <option key={a} value={a}>{a}</option>)}
          </SelectField>
          <TextField label="Departure" name="departDate" type="date" defaultValue={values.departDate} min={model.today} error={fe.departDate} />
          <TextField label="Return (optional)" name="returnDate" type="date" defaultValue={values.returnDate} error={fe.returnDate} />
          <SelectField label="Cabin" name="cabinClass" defaultValue={values.cabinClass} error={fe.cabinClass}>
            {cabinClasses.map((c) => <option key={c} value={c}>{c.replace("_", " ")}</option>)}
          </SelectField>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy || !model.active}>Get advice</button>
          </div>
          {errors.formError ? <div className="alert alert-error" role="alert">{errors.formError}</div> : null}
        </Form>
      </Card>

      {answer ? (
        <Card title={`${values.origin} → ${values.destination}, departing ${values.departDate}`} description="Median cheapest fare a search finds on each booking day, with its 80% band; the dashed line is today's.">
          <div className="stack">
            <AdviceSummary advice={answer} />
            <PriceForecastChart today={model.today} currentPrice={answer.currentPrice} forecast={answer.forecast} bestBookingDate={answer.bestBookingDate} />
            <table className="table table-compact" data-testid="price-forecast-table">
              <thead>
                <tr><th scope="col">Booking date</th><th scope="col" className="num">Predicted</th><th scope="col" className="num">80% band</th><th scope="col" className="num">Band held on backtest</th></tr>
              </thead>
              <tbody>
                {answer.forecast.map((f) => (
                  <tr key={f.date} className={f.date === answer.bestBookingDate ? "row-muted" : undefined}>
                    <td>{f.date}{f.date === answer.bestBookingDate ? " (best)" : ""}</td>
                    <td className="num">{f.predictedPrice.toFixed(2)}</td>
                    <td className="num">{f.lower.toFixed(2)}–{f.upper.toFixed(2)}</td>
                    <td className="num">{Math.round(f.confidence * 100)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <details>
              <summary>The answer as JSON</summary>
              <pre className="query-json">{JSON.stringify(answer, null, 2)}</pre>
            </details>
          </div>
        </Card>
      ) : null}

      <Card
        title="Price model"
        description="Trained nightly from search events (train_price_models); a new version is promoted only when it beats the active one on the backtest."
        actions={canRetrain ? (
          <Form method="post">
            <button type="submit" className="btn btn-sm btn-secondary" disabled={busy}>Retrain now</button>
          </Form>
        ) : null}
      >
        {retrain ? <p className="alert alert-info" role="status">Training queued (job {retrain.retrainJob}); the new version appears here when it finishes.</p> : null}
        {model.active ? (
          <div className="stack">
            <ModelAccuracy version={model.active.version} metrics={model.active.metrics} trainedThrough={model.active.trainedThrough} />
            <p className="muted">{model.active.routeModels} routes with a model of their own, {model.active.airportModels} airport models, a global model for the rest.</p>
            <table className="table table-compact" data-testid="price-model-history">
              <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col" className="num">MASE</th><th scope="col" className="num">sMAPE</th><th scope="col" className="num">80% coverage</th></tr></thead>
              <tbody>
                {model.history.map((v) => {
                  const m = v.metrics as { mase?: number; smape?: number; coverage80?: number };
                  return (
                    <tr key={v.id}>
                      <td>v{v.version}</td>
                      <td>{v.active ? "active" : v.status}{v.error ? ` — ${v.error}` : ""}</td>
                      <td className="num">{m.mase?.toFixed(3) ?? "–"}</td>
                      <td className="num">{m.smape !== undefined ? `${m.smape.toFixed(1)}%` : "–"}</td>
                      <td className="num">{m.coverage80 !== undefined ? `${Math.round(m.coverage80 * 100)}%` : "–"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No price model yet">It needs priced `search` events (origin, destination, depart_date, cheapest_price).</EmptyState>
        )}
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
