import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { LatencyTable } from "~/components/monitoring/LatencyTable";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Performance · Monitoring · Foresight" }];

const windows = [
  [15, "15 minutes"],
  [60, "1 hour"],
  [360, "6 hours"],
  [1440, "24 hours"],
  [10080, "7 days"],
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const asked = Number(new URL(request.url).searchParams.get("window"));
  const windowMinutes = windows.some(([m]) => m === asked) ? asked : 60;
  return json({ windowMinutes, ...(await context.trpc.monitoring.performance({ windowMinutes })) });
}

export default function PerformancePage() {
  const { windowMinutes, routes, procedures } = useLoaderData<typeof loader>();
  const all = routes.find((r) => r.key === "*");
  return (
    <div className="stack-lg">
      <Form method="get" className="filter-bar">
        <label className="field field-inline">
          <span>Window</span>
          <select name="window" defaultValue={String(windowMinutes)} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
            {windows.map(([m, label]) => (
              <option key={m} value={m}>{label}</option>
            ))}
          </select>
        </label>
        <noscript><button type="submit" className="btn btn-sm btn-secondary">Show</button></noscript>
      </Form>
      <Card
        title="HTTP routes"
        description={`From the 10-second samples: p50 averages the intervals, p95 and p99 show the worst interval.${all ? ` ${all.requests} requests, ${all.errors} server errors in the window.` : ""}`}
      >
        <LatencyTable rows={routes} label="Route" testId="route-latency" />
      </Card>
      <Card title="tRPC procedures" description="Slowest first.">
        <LatencyTable rows={procedures} label="Procedure" testId="procedure-latency" />
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
