// /experiments/calculator: the offline calculator of `foresight stats` as a page (issue 6, item 6),
// computed on the server with the same functions (server/experiments/stats), plus sample size and
// power. Nested in the experiments layout when it exists; complete on its own otherwise.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { RouteError } from "~/components/ErrorView";
import { calculate } from "~/components/stats-calculator/calculate.server";
import { JsonCalculator, MeansCalculator, PlanCalculator, ProportionsCalculator, SrmCalculator } from "~/components/stats-calculator/CalculatorForms";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Calculator · Experiments · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request);
  const { status, data } = calculate(await request.formData());
  return json(data, { status });
}

export default function StatsCalculatorPage() {
  return (
    <div className="stack-lg">
      <div className="stack">
        <h2>Offline calculator</h2>
        <p className="field-hint">
          For experiments run elsewhere, or to check the maths: the same inputs, functions and output fields as{" "}
          <code>npx foresight stats --input arms.json</code>. Differences are variant − control; intervals are 95%.
        </p>
      </div>
      <div className="grid grid-2">
        <ProportionsCalculator />
        <MeansCalculator />
        <SrmCalculator />
        <PlanCalculator />
      </div>
      <JsonCalculator />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
