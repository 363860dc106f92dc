import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { Time } from "~/components/Time";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Settings · Foresight" }];

const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request, "admin");
  const param = new URL(request.url).searchParams.get("before");
  const before = param && /^\d+$/.test(param) ? param : undefined;
  const [entries, projects, users] = await Promise.all([
    context.trpc.audit.list({ limit: PAGE, before }),
    context.trpc.projects.list(),
    context.trpc.users.list(),
  ]);
  // Names instead of bare ids where the target still exists.
  const names = new Map<string, string>([...projects.map((p) => [p.id, p.name] as const), ...users.map((u) => [u.id, u.email] as const)]);
  const rows = entries.map((e) => ({
    id: e.id,
    at: e.at,
    actor: e.actorEmail,
    action: e.action,
    target: e.targetId ? `${e.targetType} ${names.get(e.targetId) ?? e.targetId.slice(0, 8)}` : e.targetType,
    project: e.projectId ? (names.get(e.projectId) ?? e.projectId.slice(0, 8)) : null,
    details: e.details && typeof e.details === "object" && Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : null,
    ip: e.ip,
  }));
  return json({ rows, before: before ?? null, older: rows.length === PAGE ? rows[rows.length - 1]!.id : null });
}

export default function AuditLog() {
  const { rows, before, older } = useLoaderData<typeof loader>();
  return (
    <Card
      title="Audit log"
      description="Who changed what, and when: users, passwords, projects, API keys and queued jobs. Logins are not recorded."
      footer={
        before || older ? (
          <nav className="pager" aria-label="Audit log pages">
            {before ? <Link to="/settings/audit">← Newest</Link> : <span />}
            {older ? <Link to={`/settings/audit?before=${older}`}>Older entries →</Link> : null}
          </nav>
        ) : null
      }
    >
      {rows.length === 0 ? (
        <EmptyState title="Nothing recorded yet">Changes made by admins appear here.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Project</th>
                <th scope="col">Details</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap"><Time value={r.at} /></td>
                  <td>{r.actor ?? <span className="muted">system</span>}</td>
                  <td><code>{r.action}</code></td>
                  <td>{r.target}</td>
                  <td>{r.project ?? <span className="muted">—</span>}</td>
                  <td className="details-cell">{r.details ? <code title={r.details}>{r.details}</code> : <span className="muted">—</span>}</td>
                  <td className="nowrap">{r.ip ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
