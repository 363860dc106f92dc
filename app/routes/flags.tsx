import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Feature flags · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({});
}

export default function FlagsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader
        title="Feature flags"
        description="Turn features on for some people: ordered rules on person properties, cohorts, ids and environments, a rollout per rule, variants with weights and payloads."
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
