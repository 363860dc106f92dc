import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { LatencyTable } from "~/components/monitoring/LatencyTable";
import { windowFromUrl, WindowPicker } from "~/components/monitoring/WindowPicker";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Performance · Monitoring · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const windowMinutes = windowFromUrl(request.url);
  return json({ windowMinutes, ...(await context.trpc.monitoring.performance({ windowMinutes })) });
}

export default function PerformancePage() {
  const { windowMinutes, routes, procedures } = useLoaderData<typeof loader>();
  const all = routes.find((r) => r.key === "*");
  return (
    <div className="stack-lg">
      <WindowPicker value={windowMinutes} />
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
