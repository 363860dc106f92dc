import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Automations · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({});
}

export default function AutomationsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader
        title="Automations"
        description="Act on the event stream: when a person does something (and not something else within a window), wait, then call a webhook or send an email with their properties, at most once per person. Cohorts can be synced to a webhook or exported."
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
