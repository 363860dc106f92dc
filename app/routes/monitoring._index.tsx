import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { HealthSummary } from "~/components/HealthSummary";
import { QueueDepth } from "~/components/QueueDepth";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const [health, jobs] = await Promise.all([context.trpc.system.health(), context.trpc.jobs.overview({ limit: 1 })]);
  const failed24h = jobs.last24h.filter((r) => r.status === "failed").reduce((n, r) => n + r.count, 0);
  return json({ health, depth: jobs.depth, failed24h });
}

export default function MonitoringOverview() {
  const { health, depth, failed24h } = useLoaderData<typeof loader>();
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
      <Card title="Coming next" className="card-muted">
        <p className="muted">
          Request timings, ingestion throughput and error rates will appear here once the metrics registry is built. For now this
          page shows health and the job queue.
        </p>
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
