import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { ConfirmAction } from "~/components/ConfirmAction";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { actionText, dedupText, durationText, triggerText } from "~/components/automations/describe";
import { FiringLog } from "~/components/automations/FiringLog";
import { RuleForm } from "~/components/automations/RuleForm";
import { formErrors, ruleToValues, ruleUpdateFromForm, ruleValues } from "~/components/automations/rule-form.server";
import { optionalText, text, type FieldErrors } from "~/lib/forms.server";
import { recordNotFound, requireUser } from "~/lib/guards.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.automation.name ?? "Automation"} · Automations · Foresight` }];

const STATUSES = ["pending", "sent", "skipped", "failed"] as const;
type Status = (typeof STATUSES)[number];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const id = params.id ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Response("Not found", { status: 404 });
  const status = new URL(request.url).searchParams.get("status");
  const filter = STATUSES.includes(status as Status) ? (status as Status) : undefined;
  const [automation, log] = await Promise.all([context.trpc.automations.get({ id }), context.trpc.automations.log({ id, status: filter, limit: 200 })]).catch(
    recordNotFound("There is no such automation."),
  );
  return json({ automation, log, status: filter ?? null, canWrite: user.role !== "viewer", values: ruleToValues(automation) });
}

type ActionData = { intent: string; formError?: string; fieldErrors?: FieldErrors; success?: string; values?: Record<string, string> };

export async function action({ request, context, params }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = text(form, "intent");
  try {
    switch (intent) {
      case "enable":
      case "disable":
        await context.trpc.automations.setEnabled({ id, enabled: intent === "enable" });
        return json<ActionData>({ intent, success: intent === "enable" ? "On: it watches events from now on." : "Off." });
      case "run":
        await context.trpc.automations.runNow({ id });
        return json<ActionData>({ intent, success: "Run queued: the log updates when the worker is done." });
      case "test": {
        const r = await context.trpc.automations.testFire({ id, distinctId: optionalText(form, "distinctId") });
        return r.status === "sent"
          ? json<ActionData>({ intent, success: "Test sent." })
          : json<ActionData>({ intent, formError: `Test failed: ${r.error}` }, { status: 400 });
      }
      case "update": {
        await context.trpc.automations.update({ id, automation: ruleUpdateFromForm(form) as never });
        return json<ActionData>({ intent, success: "Saved: the rule applies to events from now on." });
      }
      case "delete":
        await context.trpc.automations.delete({ id });
        return redirect("/automations");
      default:
        return json<ActionData>({ intent, formError: "Unknown action" }, { status: 400 });
    }
  } catch (err) {
    // The update procedure takes { id, automation }: its field paths start with "automation".
    return json<ActionData>(
      { intent, ...formErrors(err, intent === "update" ? ["automation"] : []), ...(intent === "update" ? { values: ruleValues(form) } : {}) },
      { status: 400 },
    );
  }
}

export default function AutomationPage() {
  const { automation: a, log, status, canWrite, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const filterLink = (s: string | null) => {
    const next = new URLSearchParams(params);
    if (s) next.set("status", s);
    else next.delete("status");
    return `?${next.toString()}`;
  };
  return (
    <div className="stack-lg">
      <p><Link to="/automations">← All automations</Link></p>
      <Card
        title={a.name}
        actions={a.enabled ? <Badge tone="success">on</Badge> : <Badge tone="warning">off</Badge>}
        footer={
          canWrite ? (
            <div className="cluster">
              <Form method="post">
                <input type="hidden" name="intent" value={a.enabled ? "disable" : "enable"} />
                <button type="submit" className="btn btn-sm btn-secondary" disabled={busy}>{a.enabled ? "Turn off" : "Turn on"}</button>
              </Form>
              <Form method="post">
                <input type="hidden" name="intent" value="run" />
                <button type="submit" className="btn btn-sm btn-secondary" disabled={busy || !a.enabled}>Run now</button>
              </Form>
              <ConfirmAction label="Delete" prompt="Delete this automation and its log?" confirmLabel="Delete" intent="delete" fields={{}} />
            </div>
          ) : null
        }
      >
        {result?.intent !== "update" ? <FormMessage error={result?.formError} success={result?.success} /> : null}
        <dl className="kv" data-testid="automation-definition">
          <div><dt>When</dt><dd>{triggerText(a.trigger)}</dd></div>
          <div>
            <dt>Wait</dt>
            <dd>{durationText(a.delaySeconds)}{a.trigger.withinSeconds && a.trigger.withinSeconds > a.delaySeconds ? ` (acts when the ${durationText(a.trigger.withinSeconds)} window closes)` : ""}</dd>
          </div>
          <div><dt>Then</dt><dd>{actionText(a.action)}{a.action.kind === "email" ? ` — “${a.action.subject}”` : ""}</dd></div>
          <div><dt>At most</dt><dd>{dedupText(a.dedupSeconds)}</dd></div>
          <div><dt>Scanned up to</dt><dd><Time value={a.scannedTo} /></dd></div>
        </dl>
      </Card>

      {canWrite ? (
        <Card
          title="Edit"
          description="The rule applies to events that arrive from now on."
        >
          {result?.intent === "update" && result.success ? <FormMessage success={result.success} /> : null}
          <RuleForm
            key={String(a.updatedAt)}
            intent="update"
            submitLabel="Save changes"
            busy={busy}
            values={result?.intent === "update" && result.values ? result.values : values}
            fieldErrors={result?.intent === "update" ? result.fieldErrors : undefined}
            formError={result?.intent === "update" ? result.formError : undefined}
          />
        </Card>
      ) : null}

      {canWrite ? (
        <Card title="Test" description="Sends the action once now for one person (the last who did the trigger event, or the distinct id you give), without the condition, delay or dedup. It shows in the log as a test.">
          <Form method="post" className="cluster">
            <input type="hidden" name="intent" value="test" />
            <TextField label="Distinct id (optional)" name="distinctId" />
            <button type="submit" className="btn btn-secondary" disabled={busy}>Send a test</button>
          </Form>
        </Card>
      ) : null}

      <Card
        title="Log"
        actions={
          <nav className="cluster" aria-label="Filter by status">
            <Link to={filterLink(null)} className={`btn btn-sm ${status === null ? "btn-secondary" : "btn-ghost"}`}>All</Link>
            {STATUSES.map((s) => (
              <Link key={s} to={filterLink(s)} className={`btn btn-sm ${status === s ? "btn-secondary" : "btn-ghost"}`}>{s}</Link>
            ))}
          </nav>
        }
      >
        <FiringLog rows={log} />
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
