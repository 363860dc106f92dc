import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Reports · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({});
}

export default function ReportsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader
        title="Reports"
        description="Scheduled reports for people who do not log in: daily revenue, weekly performance, monthly and quarterly reviews, or any saved insight, as CSV, Excel, PDF or JSON by email."
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
