import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Badge, StatusBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { channelFromForm } from "~/components/monitoring/forms.server";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Channels · Monitoring · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const [channels, deliveries] = await Promise.all([context.trpc.channels.list(), context.trpc.channels.deliveries({ limit: 50 })]);
  return json({ channels, deliveries, isAdmin: user.role === "admin" });
}

type ActionData = { ok?: string; error?: string; fieldErrors?: FieldErrors };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "create") {
      const parsed = channelFromForm(form);
      if (!parsed.ok) return json<ActionData>({ error: "Check the highlighted fields.", fieldErrors: parsed.fieldErrors }, { status: 400 });
      const c = await context.trpc.channels.create(parsed.data);
      return json<ActionData>({ ok: `Channel “${c.name}” added.` });
    }
    if (intent === "test") {
      await context.trpc.channels.sendTest({ id: text(form, "id") });
      return json<ActionData>({ ok: "Test message queued; its delivery appears below." });
    }
    if (intent === "delete") {
      await context.trpc.channels.delete({ id: text(form, "id") });
      return json<ActionData>({ ok: "Channel deleted." });
    }
    return json<ActionData>({ error: "Unknown action" }, { status: 400 });
  } catch (err) {
    const e = expectedError(err);
    return json<ActionData>({ error: e.formError, fieldErrors: e.fieldErrors }, { status: 400 });
  }
}

function KindFields({ kind }: { kind: string }) {
  if (kind === "email")
    return (
      <>
        <TextField label="To" name="to" hint="Addresses, comma separated" />
        <TextField label="SMTP URL" name="smtpUrl" placeholder="smtp://user:pass@mail.example:587" hint="Empty: FORESIGHT_SMTP_URL" />
        <TextField label="From" name="from" placeholder="Foresight <alerts@example.com>" />
      </>
    );
  if (kind === "slack") return <TextField label="Webhook URL" name="webhookUrl" placeholder="https://hooks.slack.com/services/…" />;
  if (kind === "pagerduty")
    return (
      <>
        <TextField label="Routing key" name="routingKey" />
        <TextField label="Events URL" name="eventsUrl" placeholder="https://events.pagerduty.com/v2/enqueue" />
      </>
    );
  return (
    <>
      <TextField label="URL" name="url" placeholder="https://example.com/hooks/foresight" />
      <TextField label="Signing secret" name="secret" hint="At least 16 characters; see X-Foresight-Signature" />
    </>
  );
}

export default function ChannelsPage() {
  const { channels, deliveries, isAdmin } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [kind, setKind] = useState("webhook");
  return (
    <div className="stack-lg">
      <FormMessage error={result?.error} success={result?.ok} />
      <div className="grid grid-2-1">
        <Card title="Channels" description="Where alerts go. Secrets are never shown again.">
          {channels.length === 0 ? (
            <EmptyState title="No channels yet" />
          ) : (
            <table className="table" data-testid="channels">
              <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Failed deliveries</th><th scope="col" /></tr></thead>
              <tbody>
                {channels.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td><Badge>{c.kind}</Badge></td>
                    <td className={c.failedDeliveries > 0 ? "text-danger" : undefined}>{c.failedDeliveries}</td>
                    <td>
                      {isAdmin ? (
                        <div className="row-actions">
                          <Form method="post">
                            <input type="hidden" name="intent" value="test" />
                            <input type="hidden" name="id" value={c.id} />
                            <button type="submit" className="btn btn-sm btn-secondary" disabled={busy}>Send test</button>
                          </Form>
                          <Form method="post">
                            <input type="hidden" name="intent" value="delete" />
                            <input type="hidden" name="id" value={c.id} />
                            <button type="submit" className="btn btn-sm btn-ghost" aria-label={`Delete ${c.name}`}>Delete</button>
                          </Form>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        {isAdmin ? (
          <Card title="Add a channel">
            <Form method="post" className="form-grid" noValidate aria-label="New channel">
              <input type="hidden" name="intent" value="create" />
              <TextField label="Channel name" name="name" required error={result?.fieldErrors?.name} />
              <SelectField label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)} error={result?.fieldErrors?.config}>
                <option value="webhook">Webhook (HMAC signed)</option>
                <option value="slack">Slack incoming webhook</option>
                <option value="pagerduty">PagerDuty Events v2</option>
                <option value="email">Email (SMTP)</option>
              </SelectField>
              <KindFields kind={kind} />
              <div className="form-actions"><button type="submit" className="btn btn-primary" disabled={busy}>Add channel</button></div>
            </Form>
          </Card>
        ) : null}
      </div>
      <Card title="Deliveries" description="Every message to every channel; failures retry with backoff (30 s, 1 min, 2 min …) and show their last error.">
        {deliveries.length === 0 ? (
          <EmptyState title="No deliveries yet" />
        ) : (
          <table className="table table-compact" data-testid="deliveries">
            <thead><tr><th scope="col">Channel</th><th scope="col">Purpose</th><th scope="col">Status</th><th scope="col" className="num">Attempts</th><th scope="col">Last error</th><th scope="col">Next attempt</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td>{d.channel.name}</td>
                  <td>{d.purpose}</td>
                  <td><StatusBadge status={d.status === "sent" ? "completed" : d.status === "failed" ? "failed" : "running"} label={d.status} /></td>
                  <td className="num">{d.attempts}</td>
                  <td className={d.lastError ? "text-danger" : undefined}>{d.lastError ?? "—"}</td>
                  <td><Time value={d.status === "pending" ? d.nextAttemptAt : null} /></td>
                  <td><Time value={d.createdAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
