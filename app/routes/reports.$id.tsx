import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { Badge, StatusBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { ConfirmAction } from "~/components/ConfirmAction";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { Time } from "~/components/Time";
import { KIND_OPTIONS, ReportForm } from "~/components/reports/ReportForm";
import { reportFromForm } from "~/components/reports/form.server";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser, trpcErrorResponse } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.report.name ?? "Report"} · Reports · Foresight` }];

interface EmailStatus { status?: string; attempts?: number; lastError?: string | null; nextAttemptAt?: string | null; mode?: string }

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const id = params.id ?? "";
  try {
    const [report, runs, project, insights] = await Promise.all([
      context.trpc.reports.get({ id }),
      context.trpc.reports.runs({ id, limit: 50 }),
      context.trpc.projects.current(),
      context.trpc.insights.list().catch(() => []),
    ]);
    const insightList = (insights as Array<{ id: string; name: string }>).map((i) => ({ id: i.id, name: i.name }));
    const params_ = report.params as { insightId?: string };
    return json({
      canWrite: user.role !== "viewer",
      projectTimezone: project.timezone,
      timezones: Intl.supportedValuesOf("timeZone"),
      insights: insightList,
      insightName: params_.insightId ? (insightList.find((i) => i.id === params_.insightId)?.name ?? "(deleted insight)") : null,
      report: { ...report, params: params_ },
      runs: runs.map((r) => ({ ...r, emailStatus: r.emailStatus as EmailStatus })),
    });
  } catch (err) {
    throw trpcErrorResponse(err) ?? err;
  }
}

type ActionData = { ok?: string; formError?: string; fieldErrors?: FieldErrors };

export async function action({ request, context, params }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "run") {
      await context.trpc.reports.runNow({ id });
      return json<ActionData>({ ok: "Queued: the run appears below and updates by itself." });
    }
    if (intent === "delete") {
      await context.trpc.reports.delete({ id });
      return redirect("/reports");
    }
    if (intent === "save") {
      const parsed = reportFromForm(form);
      if (!parsed.ok) return json<ActionData>({ formError: "Check the highlighted fields.", fieldErrors: parsed.fieldErrors }, { status: 400 });
      await context.trpc.reports.update({ id, report: parsed.data });
      return redirect(`/reports/${id}`);
    }
    return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
  } catch (err) {
    return json<ActionData>(expectedError(err), { status: 400 });
  }
}

const emailTone = (s?: string) => (s === "sent" ? "completed" : s === "failed" ? "failed" : s === "retrying" ? "retrying" : "neutral");
const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

export default function ReportPage() {
  const { report, runs, canWrite, projectTimezone, timezones, insights, insightName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [search] = useSearchParams();
  const editing = canWrite && search.get("edit") === "1";
  const { revalidate, state } = useRevalidator();
  const busyRuns = runs.some((r) => r.status === "pending" || r.status === "running" || r.emailStatus.status === "pending" || r.emailStatus.status === "retrying");
  useEffect(() => {
    if (!busyRuns) return;
    const t = setInterval(() => state === "idle" && revalidate(), 2000);
    return () => clearInterval(t);
  }, [busyRuns, revalidate, state]);

  return (
    <div className="stack-lg">
      <Card
        title={report.name}
        description={KIND_OPTIONS.find((k) => k.value === report.kind)?.label.replace(/ \(.*\)$/, "")}
        actions={
          canWrite ? (
            <div className="row-actions">
              <Form method="post">
                <input type="hidden" name="intent" value="run" />
                <button type="submit" className="btn btn-sm btn-primary" disabled={busy}>Run now</button>
              </Form>
              <Link to={editing ? "." : "?edit=1"} className="btn btn-sm btn-secondary">{editing ? "Close editor" : "Edit"}</Link>
              <ConfirmAction label="Delete" prompt={`Delete “${report.name}” and its run history?`} confirmLabel="Delete report" intent="delete" fields={{}} />
            </div>
          ) : null
        }
      >
        <FormMessage error={editing ? null : result?.formError} success={result?.ok} />
        <dl className="kv" data-testid="report-definition">
          {insightName ? <div><dt>Insight</dt><dd>{insightName}</dd></div> : null}
          <div><dt>Schedule</dt><dd><code>{report.cron}</code> in {report.timezone} {report.enabled ? null : <Badge tone="warning">paused</Badge>}</dd></div>
          <div><dt>Next runs</dt><dd>{report.enabled && report.upcoming.length ? report.upcoming.map((u) => u.label).join(" · ") : "—"}</dd></div>
          <div><dt>Formats</dt><dd>{report.formats.join(", ")}</dd></div>
          <div>
            <dt>Recipients</dt>
            <dd>{report.recipients.length ? report.recipients.join(", ") : <span className="muted">none (download only)</span>} · {report.delivery === "link" ? "download link" : "attachments"}</dd>
          </div>
        </dl>
      </Card>

      {editing ? (
        <Card title="Edit report">
          <FormMessage error={result?.formError} />
          <ReportForm
            report={{ id: report.id, name: report.name, kind: report.kind, params: report.params, cron: report.cron, timezone: report.timezone, formats: report.formats, recipients: report.recipients, delivery: report.delivery, enabled: report.enabled }}
            projectTimezone={projectTimezone}
            insights={insights}
            timezones={timezones}
            initialPreview={{ runs: report.upcoming, error: null }}
            errors={result?.fieldErrors}
            busy={busy}
          />
        </Card>
      ) : null}

      <Card title="History" description="Each run, newest first: cron runs name their slot; files stay downloadable even when the email failed.">
        {runs.length === 0 ? (
          <EmptyState title="No runs yet">{canWrite ? "Run it now, or wait for its schedule." : "It runs on its schedule."}</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table table-compact" data-testid="report-runs">
              <thead>
                <tr><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Status</th><th scope="col">Email</th><th scope="col">Files</th></tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td><Time value={r.startedAt ?? r.createdAt} /></td>
                    <td>{r.trigger === "cron" ? <>cron · slot <Time value={r.scheduledFor} /></> : "manual"}</td>
                    <td>
                      <StatusBadge status={r.status} />
                      {r.error ? <div className="field-error">{r.error}</div> : null}
                    </td>
                    <td>
                      {r.emailStatus.status ? <StatusBadge status={emailTone(r.emailStatus.status)} label={r.emailStatus.status} /> : "—"}
                      {r.emailStatus.attempts ? <span className="muted"> {r.emailStatus.attempts} attempt(s)</span> : null}
                      {r.emailStatus.lastError ? <div className="field-error">{r.emailStatus.lastError}</div> : null}
                      {r.emailStatus.status === "retrying" && r.emailStatus.nextAttemptAt ? <div className="muted">next try <Time value={r.emailStatus.nextAttemptAt} /></div> : null}
                    </td>
                    <td>
                      {r.files.map((f) => (
                        <span key={f.id}>
                          <a href={`/reports/files/${f.id}`} download={f.filename} data-format={f.format}>{f.format.toUpperCase()}</a> <span className="muted">{size(f.size)}</span>{" "}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
