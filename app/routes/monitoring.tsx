import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { SubNav } from "~/components/SubNav";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Monitoring · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return null;
}

export default function MonitoringLayout() {
  return (
    <div className="stack-lg">
      <PageHeader title="Monitoring" description="Is Foresight healthy, and are its background jobs keeping up?" />
      <SubNav
        label="Monitoring"
        items={[
          { to: "/monitoring", label: "Overview", end: true },
          { to: "/monitoring/jobs", label: "Jobs" },
          { to: "/monitoring/performance", label: "Performance" },
          { to: "/monitoring/ingestion", label: "Ingestion" },
          { to: "/monitoring/errors", label: "Errors" },
          { to: "/monitoring/vitals", label: "Web vitals" },
          { to: "/monitoring/alerts", label: "Alerts" },
          { to: "/monitoring/channels", label: "Channels" },
        ]}
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
