import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { FlagEditor, type EditableFlag } from "~/components/flags/FlagEditor";
import { FlagStatsChart } from "~/components/flags/FlagStatsChart";
import { expectedError, text } from "~/lib/forms.server";
import { recordNotFound, requireUser } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.flag.key ?? "Flag"} · Feature flags · Foresight` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const id = params.id ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Response("Not found", { status: 404 });
  const [flag, cohorts, stats] = await Promise.all([
    context.trpc.flags.get({ id }),
    context.trpc.cohorts.list(),
    context.trpc.flags.stats({ id, days: 30 }),
  ]).catch(recordNotFound("There is no such flag."));
  return json({
    flag: {
      id: flag.id, key: flag.key, name: flag.name, description: flag.description, enabled: flag.enabled, version: flag.version,
      archived: flag.archivedAt !== null, summary: flag.summary, definition: flag.definition,
      scheduled: flag.scheduledChanges.map((c) => ({ id: c.id, at: c.at, change: c.change, appliedAt: c.appliedAt, error: c.error })),
    },
    cohorts: cohorts.map((c) => ({ id: c.id, name: c.name })),
    stats: stats.rows,
    canWrite: user.role !== "viewer",
    canDelete: user.role === "admin",
  });
}

type TestResult = { distinctId: string; value: string | boolean; reason: string; ruleIndex: number | null; payload: unknown; found: boolean };
type ActionData = { intent: string; formError?: string; success?: string; test?: TestResult };

function jsonField(form: FormData, name: string): unknown {
  const raw = text(form, name).trim();
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new Response(`${name}: not JSON`, { status: 400 });
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = text(form, "intent");
  const id = params.id ?? "";
  await requireUser(context, request, intent === "test" ? "viewer" : intent === "delete" ? "admin" : "analyst");
  try {
    switch (intent) {
      case "test": {
        const distinctId = text(form, "distinctId").trim();
        const flag = await context.trpc.flags.get({ id });
        let personProperties: Record<string, unknown> | undefined;
        try {
          personProperties = jsonField(form, "personProperties") as Record<string, unknown> | undefined;
        } catch {
          return json<ActionData>({ intent, formError: "Person properties: not JSON (e.g. {\"plan\": \"pro\"})" }, { status: 400 });
        }
        const r = await context.trpc.flags.evaluate({ key: flag.key, distinctId, personProperties });
        const d = r.details[flag.key]!;
        return json<ActionData>({ intent, test: { distinctId, value: d.value, reason: d.reason, ruleIndex: d.ruleIndex, payload: d.payload, found: r.person.found } });
      }
      case "save": {
        const f = JSON.parse(text(form, "flag")) as EditableFlag;
        await context.trpc.flags.update({
          id,
          expectedVersion: Number(text(form, "version")),
          change: { name: text(form, "name"), description: text(form, "description"), type: f.type, rules: f.rules as never, variants: f.variants, payloads: f.payloads as never, environments: f.environments },
        });
        return json<ActionData>({ intent, success: "Saved." });
      }
      case "enable":
      case "disable":
        await context.trpc.flags.setEnabled({ id, enabled: intent === "enable" });
        return json<ActionData>({ intent, success: intent === "enable" ? "The flag is on." : "The flag is off." });
      case "archive":
      case "unarchive":
        await context.trpc.flags.archive({ id, archived: intent === "archive" });
        return json<ActionData>({ intent, success: intent === "archive" ? "Archived (and switched off)." : "Restored; it stays off until you turn it on." });
      case "schedule": {
        const what = text(form, "what");
        const change = what === "enable" ? { enabled: true } : what === "disable" ? { enabled: false } : null;
        const rollout = Number(text(form, "rollout"));
        const flag = await context.trpc.flags.get({ id });
        const at = new Date(text(form, "at") + (text(form, "at").length === 16 ? ":00Z" : ""));
        await context.trpc.flags.scheduleChange({
          id,
          at,
          change: change ?? { rules: flag.definition.rules.map((r, i) => (i === 0 ? { ...r, rollout } : r)) as never },
        });
        return json<ActionData>({ intent, success: "Scheduled." });
      }
      case "cancel":
        await context.trpc.flags.cancelScheduledChange({ id, changeId: text(form, "changeId") });
        return json<ActionData>({ intent, success: "Cancelled." });
      case "delete":
        await context.trpc.flags.delete({ id });
        return redirect("/flags");
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  } catch (err) {
    if (err instanceof Response) throw err;
    return json<ActionData>({ intent, ...expectedError(err) }, { status: 400 });
  }
}

const REASONS: Record<string, string> = {
  disabled: "the flag is off",
  environment: "not in one of the flag's environments",
  rule_match: "matched",
  out_of_rollout: "matched, but outside the rule's rollout",
  no_rule_matched: "no rule matched",
  needs_cohorts: "needs cohort memberships",
};

function TestPerson({ result }: { result?: ReturnType<typeof useActionData<typeof action>> }) {
  const busy = useNavigation().formData?.get("intent") === "test";
  const t = result?.test;
  return (
    <Card title="Test a person" description="What this flag answers for a distinct id: the stored person's properties, with any you type here over them.">
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="test" />
        <TextField label="Distinct id" name="distinctId" required maxLength={400} />
        <label className="field">
          <span>Person properties (JSON, optional)</span>
          <textarea name="personProperties" rows={2} placeholder='{"plan": "pro"}' />
        </label>
        {result?.intent === "test" ? <FormMessage error={result.formError} /> : null}
        <div className="form-actions"><button type="submit" className="btn" disabled={busy}>Evaluate</button></div>
      </Form>
      {t ? (
        <div className="stack" data-testid="flag-test-result" role="status">
          <p>
            <strong>{t.distinctId}</strong> gets <code data-testid="flag-test-value">{String(t.value)}</code>: {REASONS[t.reason] ?? t.reason}
            {t.ruleIndex !== null ? ` (rule ${t.ruleIndex + 1})` : ""}.{t.found ? "" : " No stored person has this id."}
          </p>
          {t.payload !== null && t.payload !== undefined ? <pre className="code-block">{JSON.stringify(t.payload, null, 2)}</pre> : null}
        </div>
      ) : null}
    </Card>
  );
}

export default function FlagPage() {
  const { flag, cohorts, stats, canWrite, canDelete } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const pending = flag.scheduled.filter((c) => !c.appliedAt);
  return (
    <div className="stack-lg">
      <p><Link to="/flags">← All flags</Link></p>
      <Card
        title={<><code>{flag.key}</code> {flag.archived ? <Badge>archived</Badge> : flag.enabled ? <Badge tone="success">on</Badge> : <Badge tone="warning">off</Badge>}</>}
        description={`${flag.summary} · version ${flag.version}`}
        actions={canWrite ? (
          <Form method="post" className="cluster">
            {!flag.archived ? <button type="submit" name="intent" value={flag.enabled ? "disable" : "enable"} className="btn btn-sm">{flag.enabled ? "Turn off" : "Turn on"}</button> : null}
            <button type="submit" name="intent" value={flag.archived ? "unarchive" : "archive"} className="btn btn-sm btn-ghost">{flag.archived ? "Unarchive" : "Archive"}</button>
            {canDelete ? <button type="submit" name="intent" value="delete" className="btn btn-sm btn-ghost">Delete</button> : null}
          </Form>
        ) : null}
      >
        {result && result.intent !== "test" ? <FormMessage error={result.formError} success={result.success} /> : null}
        {canWrite && !flag.archived ? (
          <Form method="post" className="stack" noValidate key={flag.version}>
            <input type="hidden" name="intent" value="save" />
            <input type="hidden" name="version" value={flag.version} />
            <TextField label="Name" name="name" maxLength={400} defaultValue={flag.name} />
            <TextField label="Description" name="description" maxLength={4000} defaultValue={flag.description} />
            <FlagEditor initial={flag.definition as EditableFlag} cohorts={cohorts} />
            <div className="form-actions"><button type="submit" className="btn btn-primary" disabled={busy}>Save flag</button></div>
          </Form>
        ) : (
          <pre className="code-block">{JSON.stringify(flag.definition, null, 2)}</pre>
        )}
      </Card>
      <TestPerson result={result} />
      <Card title="Scheduled changes" description="Applied by the worker within a minute of their time (UTC), and written to the audit log.">
        {pending.length === 0 ? <p className="muted">None pending.</p> : (
          <ul className="stack">
            {pending.map((c) => (
              <li key={c.id} className="cluster">
                <Time value={c.at} /> <code>{JSON.stringify(c.change).slice(0, 120)}</code> {c.error ? <Badge tone="danger">{c.error}</Badge> : null}
                {canWrite ? (
                  <Form method="post"><input type="hidden" name="changeId" value={c.id} /><button type="submit" name="intent" value="cancel" className="btn btn-sm btn-ghost">Cancel</button></Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canWrite && !flag.archived ? (
          <Form method="post" className="cluster" noValidate>
            <input type="hidden" name="intent" value="schedule" />
            <label className="field"><span>At (UTC)</span><input type="datetime-local" name="at" required /></label>
            <label className="field"><span>Change</span>
              <select name="what" defaultValue="enable">
                <option value="enable">Turn on</option>
                <option value="disable">Turn off</option>
                <option value="rollout">Set rule 1's rollout to</option>
              </select>
            </label>
            <label className="field"><span>Rollout %</span><input type="number" name="rollout" min={0} max={100} defaultValue={100} /></label>
            <button type="submit" className="btn btn-sm">Schedule</button>
          </Form>
        ) : null}
      </Card>
      <Card title="Evaluations and exposures" description="Per variant per UTC day, last 30 days: evaluations answered by /api/flags, exposures from $feature_flag_called events.">
        <FlagStatsChart rows={stats} />
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
