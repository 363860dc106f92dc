import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { StatusBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { Time } from "~/components/Time";
import { AlertRuleForm } from "~/components/monitoring/AlertRuleForm";
import { alertRuleFromForm } from "~/components/monitoring/forms.server";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Alerts · Monitoring · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const editId = new URL(request.url).searchParams.get("edit");
  const [rules, history, channels, insights] = await Promise.all([
    context.trpc.alerts.list(),
    context.trpc.alerts.history({ limit: 50 }),
    context.trpc.channels.list(),
    context.trpc.insights.list().catch(() => []),
  ]);
  return json({
    rules,
    history,
    channels: channels.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
    insights: (insights as Array<{ id: string; name: string }>).map((i) => ({ id: i.id, name: i.name })),
    editing: rules.find((r) => r.id === editId) ?? null,
    canEdit: user.role !== "viewer",
  });
}

type ActionData = { ok?: string; error?: string; fieldErrors?: FieldErrors };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    if (intent === "save") {
      const parsed = alertRuleFromForm(form);
      if (!parsed.ok) return json<ActionData>({ error: "Check the highlighted fields.", fieldErrors: parsed.fieldErrors }, { status: 400 });
      const id = text(form, "id");
      const rule = id ? await context.trpc.alerts.update({ id, rule: parsed.data }) : await context.trpc.alerts.create(parsed.data);
      return json<ActionData>({ ok: `Saved “${rule.name}”.` });
    }
    if (intent === "delete") {
      await context.trpc.alerts.delete({ id: text(form, "id") });
      return json<ActionData>({ ok: "Rule deleted." });
    }
    if (intent === "acknowledge") {
      await context.trpc.alerts.acknowledge({ eventId: text(form, "eventId") });
      return json<ActionData>({ ok: "Acknowledged." });
    }
    if (intent === "evaluate") {
      const results = await context.trpc.alerts.evaluateNow();
      const fired = results.filter((r) => r.fired).length;
      const resolved = results.filter((r) => r.resolved).length;
      return json<ActionData>({ ok: `Evaluated ${results.length} rule(s): ${fired} fired, ${resolved} resolved.` });
    }
    return json<ActionData>({ error: "Unknown action" }, { status: 400 });
  } catch (err) {
    const e = expectedError(err);
    return json<ActionData>({ error: e.formError, fieldErrors: e.fieldErrors }, { status: 400 });
  }
}

function describeSource(s: any): string {
  if (s?.kind === "metric") {
    const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
    return `${s.aggregation}(${s.name}${labels ? `{${labels}}` : ""})${s.denominator ? ` / ${s.denominator}` : ""}`;
  }
  if (s?.kind === "insight") return s.savedInsightId ? `saved insight${s.series ? ` · ${s.series}` : ""}` : `built-in query${s.series ? ` · ${s.series}` : ""}`;
  return String(s?.kind ?? "?");
}
const op: Record<string, string> = { above: ">", below: "<", change_pct: "Δ% ≥" };

export default function AlertsPage() {
  const { rules, history, channels, insights, editing, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="stack-lg">
      <Card
        title="Alert rules"
        description="Evaluated every minute by the evaluate_alerts job; notifications go to each rule's channels."
        actions={
          canEdit ? (
            <Form method="post">
              <input type="hidden" name="intent" value="evaluate" />
              <button type="submit" className="btn btn-secondary btn-sm" disabled={busy}>Evaluate now</button>
            </Form>
          ) : null
        }
      >
        <FormMessage error={result?.fieldErrors ? null : result?.error} success={result?.ok} />
        <table className="table" data-testid="alert-rules">
          <thead>
            <tr><th scope="col">Rule</th><th scope="col">Measures</th><th scope="col">Condition</th><th scope="col">State</th><th scope="col" className="num">Last value</th><th scope="col" /></tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id}>
                <td>{r.name}{r.projectId === null ? <span className="muted"> · instance</span> : null}{r.enabled ? null : <span className="muted"> · off</span>}</td>
                <td><code>{describeSource(r.source)}</code></td>
                <td>{op[r.condition] ?? r.condition} {r.threshold}</td>
                <td><StatusBadge status={r.state === "firing" ? "failed" : r.state === "pending" ? "running" : "completed"} label={r.state} /></td>
                <td className="num">{r.lastValue ?? "—"}</td>
                <td>
                  {canEdit ? (
                    <div className="row-actions">
                      <Link to={`?edit=${r.id}`} className="btn btn-sm btn-secondary">Edit</Link>
                      <Form method="post">
                        <input type="hidden" name="intent" value="delete" />
                        <input type="hidden" name="id" value={r.id} />
                        <button type="submit" className="btn btn-sm btn-ghost" aria-label={`Delete ${r.name}`}>Delete</button>
                      </Form>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>

      {canEdit ? (
        <Card title={editing ? `Edit “${editing.name}”` : "New alert rule"} actions={editing ? <Link to="." className="btn btn-sm btn-ghost">New rule</Link> : null}>
          {result?.fieldErrors ? <FormMessage error={result.error} /> : null}
          <AlertRuleForm rule={editing as any} channels={channels} insights={insights} errors={result?.fieldErrors} busy={busy} />
        </Card>
      ) : null}

      <Card title="History" description="Firings and resolutions, newest first.">
        {history.length === 0 ? (
          <EmptyState title="Nothing has fired yet" />
        ) : (
          <table className="table table-compact" data-testid="alert-history">
            <thead>
              <tr><th scope="col">Rule</th><th scope="col">Status</th><th scope="col" className="num">Value</th><th scope="col">Fired</th><th scope="col">Resolved</th><th scope="col">Deliveries</th><th scope="col">Acknowledged</th></tr>
            </thead>
            <tbody>
              {history.map((e) => (
                <tr key={e.id}>
                  <td>{e.rule.name}</td>
                  <td><StatusBadge status={e.status === "firing" ? "failed" : "completed"} label={e.status} /></td>
                  <td className="num">{e.value ?? "—"}</td>
                  <td><Time value={e.firedAt} /></td>
                  <td><Time value={e.resolvedAt} /></td>
                  <td>{e.deliveries.length === 0 ? "—" : e.deliveries.map((d) => d.status).join(", ")}</td>
                  <td>
                    {e.acknowledgedAt ? (
                      <Time value={e.acknowledgedAt} />
                    ) : canEdit ? (
                      <Form method="post">
                        <input type="hidden" name="intent" value="acknowledge" />
                        <input type="hidden" name="eventId" value={e.id} />
                        <button type="submit" className="btn btn-sm btn-secondary">Acknowledge</button>
                      </Form>
                    ) : "—"}
                  </td>
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
