import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Cohorts · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({});
}

export default function CohortsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader
        title="Cohorts"
        description="Groups of persons: uploaded lists, or rules on properties and behavior recomputed every 15 minutes. Use them as filters in any insight."
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
