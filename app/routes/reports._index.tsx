import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge, StatusBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { Time } from "~/components/Time";
import { KIND_OPTIONS, ReportForm } from "~/components/reports/ReportForm";
import { reportFromForm } from "~/components/reports/form.server";
import { expectedError, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

const kindLabel = (k: string) => KIND_OPTIONS.find((o) => o.value === k)?.label.replace(/ \(.*\)$/, "") ?? k;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const [reports, insights, project, initialPreview] = await Promise.all([
    context.trpc.reports.list(),
    context.trpc.insights.list().catch(() => []),
    context.trpc.projects.current(),
    context.trpc.reports.preview({ cron: "0 8 * * *" }),
  ]);
  return json({
    canWrite: user.role !== "viewer",
    projectTimezone: project.timezone,
    initialPreview,
    timezones: Intl.supportedValuesOf("timeZone"),
    insights: (insights as Array<{ id: string; name: string }>).map((i) => ({ id: i.id, name: i.name })),
    reports: reports.map((r) => ({
      id: r.id, name: r.name, kind: r.kind, cron: r.cron, timezone: r.timezone, formats: r.formats, recipients: r.recipients.length,
      enabled: r.enabled, nextRunAt: r.nextRunAt, lastRun: r.lastRun ? { status: r.lastRun.status, at: r.lastRun.createdAt, email: (r.lastRun.emailStatus as { status?: string }).status ?? null } : null,
    })),
  });
}

type ActionData = { formError?: string; fieldErrors?: FieldErrors };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const parsed = reportFromForm(await request.formData());
  if (!parsed.ok) return json<ActionData>({ formError: "Check the highlighted fields.", fieldErrors: parsed.fieldErrors }, { status: 400 });
  try {
    const report = await context.trpc.reports.create(parsed.data);
    return redirect(`/reports/${report.id}`);
  } catch (err) {
    return json<ActionData>(expectedError(err), { status: 400 });
  }
}

export default function ReportsIndex() {
  const { reports, canWrite, projectTimezone, initialPreview, timezones, insights } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack-lg">
      <Card title="Scheduled reports" description="Each runs on its cron in its time zone (the run_reports job checks every minute); open one to run it now or download past runs.">
        {reports.length === 0 ? (
          <EmptyState title="No reports yet">{canWrite ? "Create one below." : "An analyst can create one."}</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table" data-testid="reports-table">
              <thead>
                <tr><th scope="col">Report</th><th scope="col">Kind</th><th scope="col">Schedule</th><th scope="col">Formats</th><th scope="col" className="num">Recipients</th><th scope="col">Next run</th><th scope="col">Last run</th></tr>
              </thead>
              <tbody>
                {reports.map((r) => (
                  <tr key={r.id}>
                    <td><Link to={`/reports/${r.id}`}>{r.name}</Link>{r.enabled ? null : <> <Badge tone="warning">paused</Badge></>}</td>
                    <td>{kindLabel(r.kind)}</td>
                    <td><code>{r.cron}</code> <span className="muted">{r.timezone}</span></td>
                    <td>{r.formats.join(", ")}</td>
                    <td className="num">{r.recipients}</td>
                    <td>{r.enabled && r.nextRunAt ? <Time value={r.nextRunAt} /> : "—"}</td>
                    <td>{r.lastRun ? <><StatusBadge status={r.lastRun.status} /> <Time value={r.lastRun.at} />{r.lastRun.email === "failed" ? <> <Badge tone="danger">email failed</Badge></> : null}</> : <span className="muted">never</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {canWrite ? (
        <Card title="New report" description="There are no dashboards yet: to report anything else, save it as an insight and pick “Saved insight”.">
          <FormMessage error={result?.formError} />
          <ReportForm report={null} projectTimezone={projectTimezone} insights={insights} timezones={timezones} initialPreview={initialPreview} errors={result?.fieldErrors} busy={busy} />
        </Card>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
