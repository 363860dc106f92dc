import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { Time } from "~/components/Time";
import { ExperimentStatusBadge } from "~/components/experiments/StatusBadge";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const experiments = await context.trpc.experiments.list();
  return json({
    canWrite: user.role !== "viewer",
    experiments: experiments.map((e) => ({
      id: e.id, key: e.key, name: e.name, status: e.status, flagKey: e.flagKey, variants: e.variants.map((v) => v.key),
      primary: e.primaryMetric.name ?? `${e.primaryMetric.kind}${"event" in e.primaryMetric && e.primaryMetric.event ? ` of ${e.primaryMetric.event}` : ""}`,
      startedAt: e.startedAt, endedAt: e.endedAt, winner: e.winner, updatedAt: e.updatedAt,
    })),
  });
}

export default function ExperimentsIndex() {
  const { experiments, canWrite } = useLoaderData<typeof loader>();
  return (
    <Card title="All experiments" actions={canWrite ? <Link to="/experiments/new" className="btn btn-sm btn-primary">New experiment</Link> : null}>
      {experiments.length === 0 ? (
        <EmptyState title="No experiments yet">
          {canWrite ? <>Set one up with <Link to="/experiments/new">the wizard</Link>: a flag, its variants, the metrics and the sample size.</> : "An analyst can set one up."}
        </EmptyState>
      ) : (
        <div className="table-wrap table-wrap-overflow">
          <table className="table" data-testid="experiments-table">
            <thead>
              <tr>
                <th scope="col">Experiment</th>
                <th scope="col">Status</th>
                <th scope="col">Flag</th>
                <th scope="col">Variants</th>
                <th scope="col">Primary metric</th>
                <th scope="col">Started</th>
                <th scope="col">Winner</th>
              </tr>
            </thead>
            <tbody>
              {experiments.map((e) => (
                <tr key={e.id}>
                  <td><Link to={`/experiments/${e.id}`}>{e.name}</Link> <code className="muted">{e.key}</code></td>
                  <td><ExperimentStatusBadge status={e.status} /></td>
                  <td>{e.flagKey ? <code>{e.flagKey}</code> : "—"}</td>
                  <td>{e.variants.join(", ")}</td>
                  <td>{e.primary}</td>
                  <td>{e.startedAt ? <Time value={e.startedAt} /> : "—"}</td>
                  <td>{e.winner ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
