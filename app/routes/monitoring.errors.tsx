import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { Time } from "~/components/Time";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Errors · Monitoring · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request);
  return json({ errors: await context.trpc.monitoring.errors({ limit: 100 }) });
}

export default function ErrorsPage() {
  const { errors } = useLoaderData<typeof loader>();
  return (
    <Card title="Recorded errors" description="Recorded locally for every unexpected error (procedures, pages, jobs, and the app in the browser), one row per message and top frame; linked to the Sentry event when a DSN is set.">
      {errors.length === 0 ? (
        <EmptyState title="No errors recorded" />
      ) : (
        <table className="table" data-testid="error-records">
          <thead>
            <tr><th scope="col">Error</th><th scope="col">Source</th><th scope="col" className="num">Count</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col">Sentry</th></tr>
          </thead>
          <tbody>
            {errors.map((e) => (
              <tr key={e.id}>
                <td>
                  <details>
                    <summary>{e.message}</summary>
                    {e.stack ? <pre className="code-block">{e.stack}</pre> : null}
                  </details>
                </td>
                <td><Badge>{e.source}</Badge></td>
                <td className="num">{e.count}</td>
                <td><Time value={e.firstSeen} /></td>
                <td><Time value={e.lastSeen} /></td>
                <td>{e.sentryUrl ? <a href={e.sentryUrl} target="_blank" rel="noreferrer" aria-label={`View in Sentry: ${e.message.slice(0, 80)}`}>View in Sentry</a> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
