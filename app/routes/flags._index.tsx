import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { Time } from "~/components/Time";
import { expectedError, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  const includeArchived = new URL(request.url).searchParams.get("archived") === "1";
  const flags = await context.trpc.flags.list({ includeArchived });
  return json({
    canWrite: user.role !== "viewer",
    flags: flags.map((f) => ({
      id: f.id, key: f.key, name: f.name, type: f.type, enabled: f.enabled, archived: f.archivedAt !== null,
      summary: f.summary, variants: f.definition.variants.length, nextChangeAt: f.nextChangeAt, updatedAt: f.updatedAt,
    })),
  });
}

type ActionData = { formError?: string; fieldErrors?: FieldErrors; values: { key: string; name: string; type: string } };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "analyst");
  const form = await request.formData();
  const values = { key: text(form, "key").trim(), name: text(form, "name"), type: text(form, "type") === "multivariate" ? "multivariate" : "boolean" };
  try {
    const flag = await context.trpc.flags.create({
      key: values.key,
      name: values.name,
      type: values.type as "boolean" | "multivariate",
      ...(values.type === "multivariate" ? { variants: [{ key: "control", weight: 50 }, { key: "test", weight: 50 }] } : {}),
    });
    return redirect(`/flags/${flag.id}`);
  } catch (err) {
    return json<ActionData>({ ...expectedError(err), values }, { status: 400 });
  }
}

export default function FlagsIndex() {
  const { flags, canWrite } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [params] = useSearchParams();
  const archived = params.get("archived") === "1";
  return (
    <div className="stack-lg">
      <Card title="All flags" actions={<Link to={archived ? "/flags" : "/flags?archived=1"} className="btn btn-sm btn-ghost">{archived ? "Hide archived" : "Show archived"}</Link>}>
        {flags.length === 0 ? (
          <EmptyState title="No flags yet">Create one below; it starts off, with one rule for everyone.</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table" data-testid="flags-table">
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Type</th>
                  <th scope="col">Rollout</th>
                  <th scope="col">Next scheduled change</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {flags.map((f) => (
                  <tr key={f.id}>
                    <td><Link to={`/flags/${f.id}`}><code>{f.key}</code></Link></td>
                    <td>{f.name}</td>
                    <td>{f.archived ? <Badge>archived</Badge> : f.enabled ? <Badge tone="success">on</Badge> : <Badge tone="warning">off</Badge>}</td>
                    <td>{f.type === "multivariate" ? `${f.variants} variants` : "boolean"}</td>
                    <td>{f.summary}</td>
                    <td>{f.nextChangeAt ? <Time value={f.nextChangeAt} /> : "—"}</td>
                    <td><Time value={f.updatedAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {canWrite ? (
        <Card title="New flag" description="The key is what your code asks for; it also seeds the hash, so it cannot be renamed.">
          <Form method="post" className="stack" noValidate>
            <FormMessage error={result?.formError} />
            <TextField label="Key" name="key" required maxLength={200} placeholder="new-checkout" defaultValue={result?.values.key} error={result?.fieldErrors?.key} />
            <TextField label="Name" name="name" maxLength={400} defaultValue={result?.values.name} />
            <SelectField label="Type" name="type" defaultValue={result?.values.type ?? "boolean"}>
              <option value="boolean">Boolean (on / off)</option>
              <option value="multivariate">Multivariate (variants)</option>
            </SelectField>
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy}>Create flag</button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
