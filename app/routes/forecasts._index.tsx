import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { Sparkline } from "~/components/forecasts/ForecastChart";
import { formatAccuracy } from "~/components/forecasts/format";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Forecasts · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const targets = await context.trpc.forecasts.targets();
  return json({ targets });
}

const KIND_LABEL = { fixed: "business", route: "route demand", insight: "saved insight" } as const;

export default function ForecastTargets() {
  const { targets } = useLoaderData<typeof loader>();
  if (targets.length === 0) return <EmptyState title="Nothing to forecast yet">Forecasts appear once events arrive.</EmptyState>;
  return (
    <Card title="Targets" description="Last 28 days of each series; accuracy of the active model version (backtest MASE: below 1 beats a seasonal naive forecast; live: from reconciled predictions).">
      <div className="table-wrap">
        <table className="table" data-testid="forecast-targets">
          <thead>
            <tr>
              <th>Target</th>
              <th>Last 28 days</th>
              <th>Active version</th>
              <th>Backtest MASE</th>
              <th>Backtest sMAPE</th>
              <th>Live sMAPE</th>
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link to={`/forecasts/${encodeURIComponent(t.id)}`}>{t.label}</Link> <Badge>{KIND_LABEL[t.kind]}</Badge>
                </td>
                <td>
                  <Sparkline values={t.sparkline} label={`${t.label}, last 28 days`} />
                </td>
                <td>{t.active ? `v${t.active.version}` : <span className="muted">not trained</span>}</td>
                <td>{formatAccuracy(t.active?.backtest.mase, "ratio")}</td>
                <td>{formatAccuracy(t.active?.backtest.smape, "percent")}</td>
                <td>{t.active?.live && t.active.live.n > 0 ? `${formatAccuracy(t.active.live.smape, "percent")} (${t.active.live.n})` : <span className="muted">none yet</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
