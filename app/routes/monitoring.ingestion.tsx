import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { BarChart } from "~/components/charts/BarChart";
import { bucketLabel, formatNumber } from "~/components/charts/chart-kit";
import { RouteError } from "~/components/ErrorView";
import { LatencyTable } from "~/components/monitoring/LatencyTable";
import { windowFromUrl, WindowPicker, MONITORING_WINDOWS } from "~/components/monitoring/WindowPicker";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Ingestion · Monitoring · Foresight" }];

const WINDOWS = MONITORING_WINDOWS.filter(([m]) => m <= 1440);

const CAPTURE_ROUTES = /^\/(api\/capture|capture|batch|e|i\/v0\/e|v1\/)/;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const windowMinutes = windowFromUrl(request.url, WINDOWS);
  const series = (name: string, labels: Record<string, string>) => context.trpc.monitoring.series({ name, labels, windowMinutes });
  const [accepted, rejected, spoolBytes, spooling, perf] = await Promise.all([
    series("capture_events", { outcome: "accepted" }),
    series("capture_events", { outcome: "rejected" }),
    series("capture_spool", { measure: "bytes" }),
    series("capture_spool", { measure: "spooling" }),
    context.trpc.monitoring.performance({ windowMinutes }),
  ]);
  return json({ windowMinutes, accepted, rejected, spoolBytes, spooling, routes: perf.routes.filter((r) => CAPTURE_ROUTES.test(r.key)) });
}

type Point = { at: string; value: number };

/** The union of the series' buckets, in time order, with each series' value (0 where it has none). */
function align(...all: Point[][]): { at: string[]; values: number[][] } {
  const at = [...new Set(all.flatMap((s) => s.map((p) => p.at)))].sort();
  return { at, values: all.map((s) => { const m = new Map(s.map((p) => [p.at, p.value])); return at.map((t) => m.get(t) ?? 0); }) };
}

export default function IngestionPage() {
  const { windowMinutes, accepted, rejected, spoolBytes, spooling, routes } = useLoaderData<typeof loader>();
  const events = align(accepted, rejected);
  const totalAccepted = accepted.reduce((n, p) => n + p.value, 0);
  const totalRejected = rejected.reduce((n, p) => n + p.value, 0);
  const lastBytes = spoolBytes.at(-1)?.value ?? 0;
  const spooledLately = spooling.some((p) => p.value > 0);
  return (
    <div className="stack-lg">
      <WindowPicker value={windowMinutes} windows={WINDOWS} />
      <Card
        title="Events received"
        description={`${formatNumber(totalAccepted)} accepted, ${formatNumber(totalRejected)} rejected in the window (from the 10-second samples of every web process).`}
      >
        {events.at.length ? (
          <BarChart
            label="Events accepted and rejected per interval"
            categories={events.at.map((t) => bucketLabel(t, windowMinutes > 360 ? "hour" : "minute"))}
            layers={[
              { label: "accepted", values: events.values[0]! },
              { label: "rejected", values: events.values[1]! },
            ]}
            height={260}
          />
        ) : (
          <p className="muted" data-testid="ingestion-empty">No events received in this window.</p>
        )}
      </Card>
      <Card
        title="Spool"
        description="While the database is unreachable, accepted batches go to an append-only file on disk and are replayed in order when it is back."
      >
        <p data-testid="ingestion-spool">
          {spooledLately ? "Capture spooled to disk during this window. " : "Capture wrote to the database throughout this window. "}
          {lastBytes > 0 ? `${formatNumber(lastBytes)} bytes wait for replay.` : "Nothing waits for replay."}
        </p>
      </Card>
      <Card title="Capture endpoints" description="Latency of the capture routes, slowest p95 first.">
        <LatencyTable rows={routes} label="Route" testId="capture-latency" />
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
