import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { KIND_LABELS, type InsightKind } from "~/components/insights/draft";
import { Time } from "~/components/Time";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Saved insights · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({ insights: await context.trpc.insights.list() });
}

export default function SavedInsights() {
  const { insights } = useLoaderData<typeof loader>();
  if (insights.length === 0) {
    return (
      <EmptyState title="No saved insights yet" action={<Link to="/insights" className="btn btn-primary">Open the explorer</Link>}>
        Run a query in the explorer and save it under a name; it shows up here for everyone in the project.
      </EmptyState>
    );
  }
  return (
    <Card title="Saved insights" description={`${insights.length} in this project, most recently changed first.`}>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Updated</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {insights.map((i) => (
              <tr key={i.id}>
                <td>
                  <Link to={`/insights/${i.id}`} className="cell-title">
                    {i.name}
                  </Link>
                </td>
                <td>
                  <Badge>{KIND_LABELS[i.kind as InsightKind] ?? i.kind}</Badge>
                </td>
                <td className="nowrap"><Time value={i.updatedAt} /></td>
                <td className="nowrap"><Time value={i.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
