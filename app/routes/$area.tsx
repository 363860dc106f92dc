import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { Icon } from "~/components/Icon";
import { PageHeader } from "~/components/PageHeader";
import { placeholderArea } from "~/lib/areas";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.area.label ?? "Not found"} · Foresight` }];

// Areas that are planned but not built get an honest page; any other segment is a 404.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const area = placeholderArea(params.area);
  if (!area) throw new Response("There is no such page in Foresight.", { status: 404 });
  return json({ area, isAdmin: user.role === "admin" });
}

export default function AreaPlaceholder() {
  const { area, isAdmin } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader
        title={
          <span className="title-with-badge">
            {area.label} <Badge>not built yet</Badge>
          </span>
        }
        description={area.summary}
      />
      <div className="grid grid-2-1">
        <Card title="What this area will do">
          <ul className="plan-list">
            {area.plans.map((plan) => (
              <li key={plan}>{plan}</li>
            ))}
          </ul>
        </Card>
        <Card title="Meanwhile" className="card-muted">
          <div className="placeholder-art" aria-hidden="true">
            <Icon name={area.key} size={40} />
          </div>
          <p>Nothing in this area is wired to data yet, so this page shows none rather than made-up numbers.</p>
          <p>
            {isAdmin ? (
              <>
                The project API keys that the SDKs will use are ready in <Link to="/settings/api-keys">Settings → API keys</Link>.
              </>
            ) : (
              <>
                See what works today on <Link to="/">Home</Link> and in <Link to="/monitoring">Monitoring</Link>.
              </>
            )}
          </p>
        </Card>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
