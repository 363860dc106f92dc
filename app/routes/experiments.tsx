import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { SubNav } from "~/components/SubNav";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Experiments · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return null;
}

export default function ExperimentsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader
        title="Experiments"
        description="A/B tests on feature flags: variants by stable hashing, metrics from your events, results that stay valid however often you look."
      />
      <SubNav
        label="Experiments"
        items={[
          { to: "/experiments", label: "Experiments", end: true },
          { to: "/experiments/new", label: "New" },
          { to: "/experiments/calculator", label: "Calculator" },
        ]}
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
