import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { HealthSummary } from "~/components/HealthSummary";
import { QueueDepth } from "~/components/QueueDepth";
import { Time } from "~/components/Time";
import { useLiveRevalidation } from "~/components/monitoring/useLiveSummary";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const [health, jobs, perf, rules, summary] = await Promise.all([
    context.trpc.system.health(),
    context.trpc.jobs.overview({ limit: 1 }),
    context.trpc.monitoring.performance({ windowMinutes: 15 }),
    context.trpc.alerts.list(),
    context.trpc.monitoring.summary(),
  ]);
  const failed24h = jobs.last24h.filter((r) => r.status === "failed").reduce((n, r) => n + r.count, 0);
  const web = perf.routes.find((r) => r.key === "*") ?? null;
  return json({ health, depth: jobs.depth, failed24h, web, firing: rules.filter((r) => r.state === "firing").map((r) => r.name), summary });
}

export default function MonitoringOverview() {
  const { health, depth, failed24h, web, firing, summary } = useLoaderData<typeof loader>();
  useLiveRevalidation(summary);
  return (
    <div className="stack-lg">
      <div className="grid grid-2">
        <Card title="System health" description="What the load balancer sees at /api/health.">
          <HealthSummary health={health} />
        </Card>
        <Card
          title="Background jobs"
          description={failed24h > 0 ? `${failed24h} failed run(s) in the last 24 hours.` : "No failed runs in the last 24 hours."}
          footer={
            <Link to="/monitoring/jobs" className="btn btn-secondary btn-sm">
              Open the jobs page
            </Link>
          }
        >
          <QueueDepth depth={depth} />
        </Card>
      </div>
      <div className="grid grid-2">
        <Card
          title="Requests, last 15 minutes"
          footer={<Link to="/monitoring/performance" className="btn btn-secondary btn-sm">Open performance</Link>}
        >
          {web ? (
            <p data-testid="overview-requests">
              {web.requests} requests, {web.errors} server errors
              {web.requests > 0 ? ` (${((100 * web.errors) / web.requests).toFixed(2)}%)` : ""}, worst p95{" "}
              {web.p95 === null ? "—" : `${Math.round(web.p95 * 1000)} ms`}.
            </p>
          ) : (
            <p className="muted">No samples yet: each process samples its metrics every 10 seconds.</p>
          )}
        </Card>
        <Card
          title="Server errors"
          description="Recorded locally; this page updates live."
          footer={<Link to="/monitoring/errors" className="btn btn-secondary btn-sm">Open errors</Link>}
        >
          <p data-testid="overview-errors">
            {summary.errorOccurrences} occurrence(s) of {summary.distinctErrors} distinct error(s)
            {summary.lastErrorAt ? <>, the last <Time value={summary.lastErrorAt} /></> : null}.
          </p>
        </Card>
        <Card
          title="Alerts"
          description={firing.length ? `${firing.length} firing: ${firing.join(", ")}` : "Nothing firing."}
          footer={<Link to="/monitoring/alerts" className="btn btn-secondary btn-sm">Open alerts</Link>}
        />
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
