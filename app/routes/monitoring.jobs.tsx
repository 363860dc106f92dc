import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { taskNameSchema } from "~/lib/schemas.server";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { JobRunsTable } from "~/components/JobRunsTable";
import { QueueDepth } from "~/components/QueueDepth";
import { useHydrated } from "~/lib/use-hydrated";
import { expectedError } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Jobs · Monitoring · Foresight" }];

const statuses = ["running", "completed", "failed"] as const;
type RunStatus = (typeof statuses)[number];
const isStatus = (s: string | null): s is RunStatus => statuses.includes(s as RunStatus);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const param = new URL(request.url).searchParams.get("status");
  const status = isStatus(param) ? param : undefined;
  const jobs = await context.trpc.jobs.overview({ limit: 50, status });
  const byTask = new Map<string, { task: string; total: number; failed: number }>();
  for (const row of jobs.last24h) {
    const entry = byTask.get(row.task) ?? { task: row.task, total: 0, failed: 0 };
    entry.total += row.count;
    if (row.status === "failed") entry.failed += row.count;
    byTask.set(row.task, entry);
  }
  const last24h = [...byTask.values()].sort((a, b) => b.failed - a.failed || a.task.localeCompare(b.task));
  return json({ ...jobs, last24h, status: status ?? null, isAdmin: user.role === "admin" });
}

type ActionData = { ok?: string; error?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const task = taskNameSchema.safeParse((await request.formData()).get("task"));
  if (!task.success) return json<ActionData>({ error: "Unknown task" }, { status: 400 });
  try {
    const job = await context.trpc.jobs.runNow({ task: task.data });
    return json<ActionData>({ ok: `Queued ${job.task} as job #${job.id}.` });
  } catch (err) {
    return json<ActionData>({ error: expectedError(err).formError }, { status: 400 });
  }
}

function StatusFilter({ status }: { status: string | null }) {
  const hydrated = useHydrated();
  return (
    <Form method="get" className="filter-bar">
      <label className="field field-inline">
        <span>Status</span>
        <select name="status" defaultValue={status ?? ""} onChange={(e) => e.currentTarget.form?.requestSubmit()}>
          <option value="">All</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s[0]!.toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
      </label>
      {hydrated ? null : (
        <button type="submit" className="btn btn-sm btn-secondary">
          Filter
        </button>
      )}
    </Form>
  );
}

export default function JobsPage() {
  const { depth, runs, last24h, tasks, status, isAdmin } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busyTask = useNavigation().formData?.get("task");
  const [params] = useSearchParams();
  return (
    <div className="stack-lg">
      <Card title="Queue" description="Jobs waiting in graphile-worker's queue right now.">
        <QueueDepth depth={depth} />
      </Card>

      <div className="grid grid-2-1">
        <Card title="Recent runs" description={status ? `Showing ${status} runs only.` : "The 50 most recent runs."} actions={<StatusFilter key={params.toString()} status={status} />}>
          <JobRunsTable runs={runs} caption="Recent job runs" emptyText={status ? `No ${status} runs.` : undefined} />
        </Card>

        <div className="stack-lg">
          <Card title="Last 24 hours" description="Runs and failures per task.">
            {last24h.length === 0 ? (
              <EmptyState title="No runs in the last 24 hours" />
            ) : (
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th scope="col">Task</th>
                    <th scope="col" className="num">Runs</th>
                    <th scope="col" className="num">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {last24h.map((row) => (
                    <tr key={row.task}>
                      <td><code>{row.task}</code></td>
                      <td className="num">{row.total}</td>
                      <td className={`num${row.failed > 0 ? " text-danger" : ""}`}>{row.failed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>

          <Card title="Tasks" description={isAdmin ? "Manual tasks can be queued now." : "Admins can queue manual tasks."}>
            <FormMessage error={result?.error} success={result?.ok} />
            <ul className="task-list">
              {tasks.map((t) => (
                <li key={t.name}>
                  <div>
                    <code>{t.name}</code>
                    <p className="muted">{t.description}</p>
                  </div>
                  {isAdmin && t.manual ? (
                    <Form method="post">
                      <input type="hidden" name="task" value={t.name} />
                      <button type="submit" className="btn btn-sm btn-secondary" disabled={busyTask === t.name}>
                        {busyTask === t.name ? "Queuing…" : "Run now"}
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
