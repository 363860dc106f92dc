import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { SubNav } from "~/components/SubNav";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({});
}

const tabs = [
  { to: "/insights", label: "Explorer", end: true },
  { to: "/insights/saved", label: "Saved insights" },
];

export default function InsightsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader title="Insights" description="Trends, funnels, retention, paths, lifecycle, stickiness and revenue from your events." />
      <SubNav label="Insights" items={tabs} />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
