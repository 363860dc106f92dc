import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AreaCard } from "~/components/AreaCard";
import { Card, Stat } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { HealthSummary } from "~/components/HealthSummary";
import { JobRunsTable } from "~/components/JobRunsTable";
import { PageHeader } from "~/components/PageHeader";
import { areas } from "~/lib/areas";
import { formatCount } from "~/lib/format";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Home · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const [overview, health, jobs] = await Promise.all([
    context.trpc.system.overview(),
    context.trpc.system.health(),
    context.trpc.jobs.overview({ limit: 5 }),
  ]);
  return json({
    user: { name: user.name, email: user.email, role: user.role },
    overview,
    health,
    jobs: { depth: jobs.depth, runs: jobs.runs },
  });
}

export default function Home() {
  const { user, overview, health, jobs } = useLoaderData<typeof loader>();
  const isAdmin = user.role === "admin";
  const { project } = overview;
  const queued = jobs.depth.ready + jobs.depth.scheduled + jobs.depth.running;
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Welcome${user.name ? `, ${user.name}` : ""}`}
        description={
          <>
            You are looking at <strong>{project.name}</strong> <span className="muted">({project.slug}, {project.timezone})</span>.
          </>
        }
        actions={
          isAdmin ? (
            <Link to="/settings/api-keys" className="btn btn-secondary">
              API keys
            </Link>
          ) : null
        }
      />

      <div className="grid grid-4">
        <Card>
          <Stat label="Projects" value={formatCount(overview.projects)} hint={<Link to="/settings/projects">View projects</Link>} />
        </Card>
        <Card>
          <Stat label="Active users" value={formatCount(overview.users)} hint={isAdmin ? <Link to="/settings/users">Manage users</Link> : "people who can log in"} />
        </Card>
        <Card>
          <Stat label="Active API keys" value={formatCount(overview.activeKeys)} hint={`in ${project.name}`} />
        </Card>
        <Card>
          <Stat label="Jobs in queue" value={formatCount(queued)} hint={jobs.depth.failed > 0 ? `${jobs.depth.failed} failed` : "none failed"} />
        </Card>
      </div>

      <div className="grid grid-2-1">
        <Card title="Recent jobs" actions={<Link to="/monitoring/jobs">All jobs</Link>}>
          <JobRunsTable runs={jobs.runs} caption="The five most recent job runs" />
        </Card>
        <Card title="System health" actions={<Link to="/monitoring">Monitoring</Link>}>
          <HealthSummary health={health} />
        </Card>
      </div>

      <section aria-labelledby="areas-heading" className="stack">
        <h2 id="areas-heading" className="section-title">
          What Foresight holds
        </h2>
        <p className="muted">
          Areas marked <em>coming next</em> are planned and not built yet; their pages say what they will do.
        </p>
        <div className="grid grid-3">
          {areas
            .filter((a) => a.key !== "home")
            .map((a) => (
              <AreaCard key={a.key} area={a} />
            ))}
        </div>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
