import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { formatVital, ratingLabel, ratingTone } from "~/components/vitals/format";
import { VitalsTable } from "~/components/vitals/VitalsTable";
import { VitalsTrendChart } from "~/components/vitals/VitalsTrendChart";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Web vitals · Monitoring · Foresight" }];

const windows = [
  [7, "7 days"],
  [28, "28 days"],
  [90, "90 days"],
] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  const params = new URL(request.url).searchParams;
  const asked = Number(params.get("days"));
  const days = windows.some(([d]) => d === asked) ? asked : 28;
  const device = params.get("device")?.slice(0, 40) || undefined;
  const page = params.get("page")?.slice(0, 2000) || undefined;
  const [pages, trend, thresholds] = await Promise.all([
    context.trpc.vitals.pages({ days, device, page }),
    context.trpc.vitals.trend({ days, device, page }),
    context.trpc.vitals.thresholds(),
  ]);
  const metric = thresholds.find((t) => t.metric === params.get("metric"))?.metric ?? "LCP";
  return json({ days, device: device ?? "", page: page ?? "", metric, pages, trend, thresholds });
}

export default function VitalsPage() {
  const { days, device, page, metric, pages, trend, thresholds } = useLoaderData<typeof loader>();
  const all = pages.totals.find((t) => t.device === null);
  const chosen = thresholds.find((t) => t.metric === metric)!;
  return (
    <div className="stack-lg">
      <Form method="get" className="filter-bar" aria-label="Web vitals filters">
        <label className="field field-inline">
          <span>Window</span>
          <select name="days" defaultValue={String(days)}>
            {windows.map(([d, label]) => <option key={d} value={d}>{label}</option>)}
          </select>
        </label>
        <label className="field field-inline">
          <span>Device</span>
          <select name="device" defaultValue={device}>
            <option value="">All devices</option>
            {pages.devices.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </label>
        <label className="field field-inline">
          <span>Page path</span>
          <input name="page" defaultValue={page} placeholder="/checkout" />
        </label>
        <label className="field field-inline">
          <span>Trend metric</span>
          <select name="metric" defaultValue={metric}>
            {thresholds.map((t) => <option key={t.metric} value={t.metric}>{t.metric}</option>)}
          </select>
        </label>
        <button type="submit" className="btn btn-sm btn-secondary">Show</button>
      </Form>

      {!all ? (
        <Card title="Web vitals">
          <EmptyState title="No web vitals in this window">The browser SDK sends a <code>$web_vitals</code> event per page load when <code>captureWebVitals</code> is on.</EmptyState>
        </Card>
      ) : (
        <>
          <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(150px, 1fr))" }} data-testid="vitals-summary">
            {thresholds.map((t) => {
              const s = all.metrics[t.metric];
              return (
                <Card key={t.metric} title={t.metric} description={t.name}>
                  {s ? (
                    <div>
                      <div className="trend-number-value" style={{ fontSize: "1.6rem", whiteSpace: "nowrap" }}>{formatVital(t.metric, s.p75)}</div>
                      <Badge tone={ratingTone[s.rating]}>{ratingLabel[s.rating]}</Badge>{" "}
                      <span className="muted">p75 of {s.samples} samples</span>
                    </div>
                  ) : (
                    <span className="muted">No samples</span>
                  )}
                </Card>
              );
            })}
          </div>

          <Card title={`${chosen.metric} p75 by day`} description={`${chosen.name}. Good up to ${formatVital(metric, chosen.good)}, poor above ${formatVital(metric, chosen.poor)} (web.dev). Days in ${trend.timeZone}.`}>
            <VitalsTrendChart points={trend.points} metric={metric} good={chosen.good} poor={chosen.poor} />
          </Card>

          <Card
            title="By page and device"
            description="75th percentile of each metric over the window, rated with Google's thresholds (web.dev); the bar shows the share of page loads rated good, needs improvement and poor. Busiest pages first."
          >
            <VitalsTable rows={[...pages.totals, ...pages.pages]} metrics={pages.metrics} testId="vitals-table" />
          </Card>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
