import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { RouteError } from "~/components/ErrorView";
import { PageHeader } from "~/components/PageHeader";
import { SubNav } from "~/components/SubNav";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Forecasts · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return null;
}

export default function ForecastsLayout() {
  return (
    <div className="stack-lg">
      <PageHeader
        title="Forecasts"
        description="Revenue, bookings, users, route demand and saved trends, forecast with 80% and 95% intervals; each model's backtest and live accuracy, its history, and retraining."
      />
      <SubNav
        label="Forecasts"
        items={[
          { to: "/forecasts", label: "Forecasts", end: true },
          { to: "/forecasts/price", label: "Price explorer" },
        ]}
      />
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
