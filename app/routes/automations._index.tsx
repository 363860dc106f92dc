import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { ConfirmAction } from "~/components/ConfirmAction";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { actionText, dedupText, durationText, triggerText } from "~/components/automations/describe";
import { RuleForm } from "~/components/automations/RuleForm";
import { audienceFromForm, formErrors, ruleFromForm, ruleValues } from "~/components/automations/rule-form.server";
import { text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const [automations, audiences, cohorts] = await Promise.all([
    context.trpc.automations.list(),
    context.trpc.automations.audiences.list(),
    context.trpc.cohorts.list(),
  ]);
  return json({ automations, audiences, cohorts: cohorts.map((c) => ({ id: c.id, name: c.name })), canWrite: user.role !== "viewer" });
}

type ActionData = { intent: string; formError?: string; fieldErrors?: FieldErrors; success?: string; values?: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "create": {
        const created = await context.trpc.automations.create(ruleFromForm(form) as never);
        return redirect(`/automations/${created.id}`);
      }
      case "audience-create":
        await context.trpc.automations.audiences.create(audienceFromForm(form));
        return json<ActionData>({ intent, success: "Audience sync added; it runs every 15 minutes." });
      case "audience-sync":
        await context.trpc.automations.audiences.syncNow({ id: text(form, "id") });
        return json<ActionData>({ intent, success: "Sync queued." });
      case "audience-delete":
        await context.trpc.automations.audiences.delete({ id: text(form, "id") });
        return json<ActionData>({ intent, success: "Audience sync removed." });
      default:
        return json<ActionData>({ intent, formError: "Unknown action" }, { status: 400 });
    }
  } catch (err) {
    return json<ActionData>({ intent, ...formErrors(err), values: ruleValues(form) }, { status: 400 });
  }
}

export default function AutomationsIndex() {
  const { automations, audiences, cohorts, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state === "submitting";
  const audienceResult = result?.intent.startsWith("audience") ? result : undefined;
  return (
    <div className="stack-lg">
      <Card title="Rules">
        {automations.length === 0 ? (
          <EmptyState title="No automations yet">Create one below, e.g. checkout_started and no booking_completed within 60 minutes.</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table" data-testid="automations-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">When</th>
                  <th scope="col">Then</th>
                  <th scope="col">Delay</th>
                  <th scope="col">Status</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Pending</th>
                  <th scope="col">Failed</th>
                </tr>
              </thead>
              <tbody>
                {automations.map((a) => (
                  <tr key={a.id}>
                    <td><Link to={`/automations/${a.id}`}>{a.name}</Link></td>
                    <td>{triggerText(a.trigger)}</td>
                    <td>{actionText(a.action)} <span className="muted">({dedupText(a.dedupSeconds)})</span></td>
                    <td>{durationText(a.delaySeconds)}</td>
                    <td>{a.enabled ? <Badge tone="success">on</Badge> : <Badge tone="warning">off</Badge>}</td>
                    <td>{a.firings.sent}</td>
                    <td>{a.firings.pending}</td>
                    <td>{a.firings.failed ? <Badge tone="danger">{a.firings.failed}</Badge> : 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {canWrite ? (
        <Card title="New automation" description="It watches events that arrive from now on; the worker checks every minute.">
          <RuleForm busy={busy} values={result?.intent === "create" ? result.values : undefined} fieldErrors={result?.intent === "create" ? result.fieldErrors : undefined} formError={result?.intent === "create" ? result.formError : undefined} />
        </Card>
      ) : null}

      <Card title="Audiences" description="Post a cohort's members (distinct ids and chosen person properties) to a webhook every 15 minutes, signed like the automations' webhooks, or download them as CSV.">
        <FormMessage error={audienceResult?.formError} success={audienceResult?.success} />
        {audiences.length === 0 ? (
          <EmptyState title="No synced audiences">{cohorts.length ? "Pick a cohort below." : "Create a cohort first; it can then be synced here."}</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table" data-testid="audiences-table">
              <thead>
                <tr>
                  <th scope="col">Cohort</th>
                  <th scope="col">Webhook</th>
                  <th scope="col">Properties</th>
                  <th scope="col">Last synced</th>
                  <th scope="col">Members</th>
                  <th scope="col">Error</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {audiences.map((s) => (
                  <tr key={s.id}>
                    <td>{s.cohortName ?? <span className="muted">deleted cohort</span>}</td>
                    <td><code>{s.url}</code></td>
                    <td>{s.properties.join(", ") || "—"}</td>
                    <td><Time value={s.lastSyncedAt} /></td>
                    <td>{s.lastCount ?? "—"}</td>
                    <td>{s.lastError ? <span className="muted">{s.lastError}</span> : ""}</td>
                    <td className="cluster">
                      <a className="btn btn-sm btn-ghost" href={`/automations/export/${s.cohortId}?properties=${encodeURIComponent(s.properties.join(","))}`}>CSV</a>
                      {canWrite ? (
                        <>
                          <Form method="post">
                            <input type="hidden" name="intent" value="audience-sync" />
                            <input type="hidden" name="id" value={s.id} />
                            <button type="submit" className="btn btn-sm btn-secondary">Sync now</button>
                          </Form>
                          <ConfirmAction label="Remove" prompt="Stop syncing this cohort?" confirmLabel="Remove" intent="audience-delete" fields={{ id: s.id }} />
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {canWrite && cohorts.length > 0 ? (
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="audience-create" />
            <div className="cluster">
              <SelectField label="Cohort" name="cohortId" error={audienceResult?.fieldErrors?.cohortId}>
                {cohorts.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
              </SelectField>
              <TextField label="Webhook URL" name="url" type="url" placeholder="https://ads.example/audiences" error={audienceResult?.fieldErrors?.url} />
              <TextField label="Signing secret" name="secret" type="password" autoComplete="off" error={audienceResult?.fieldErrors?.secret} />
              <TextField label="Person properties (comma-separated)" name="properties" placeholder="email, plan" error={audienceResult?.fieldErrors?.properties} />
            </div>
            <div className="form-actions">
              <button type="submit" className="btn btn-secondary" disabled={busy}>Add audience sync</button>
            </div>
          </Form>
        ) : null}
        {cohorts.length > 0 ? (
          <p className="muted">
            Download any cohort:{" "}
            {cohorts.map((c, i) => (
              <span key={c.id}>{i > 0 ? ", " : ""}<a href={`/automations/export/${c.id}`}>{c.name}</a></span>
            ))}
          </p>
        ) : null}
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
