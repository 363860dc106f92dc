import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { createApiKeyInput, idInput } from "~/lib/schemas.server";
import { Badge, StatusBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { ConfirmAction } from "~/components/ConfirmAction";
import { EmptyState } from "~/components/EmptyState";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, SelectField, TextField } from "~/components/Field";
import { SecretOnce } from "~/components/SecretOnce";
import { Time } from "~/components/Time";
import { expectedError, parseForm, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "API keys · Settings · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context, request, "admin");
  const [keys, project] = await Promise.all([context.trpc.apiKeys.list(), context.trpc.projects.current()]);
  return json({ keys, project });
}

type ActionData = {
  intent: "create" | "revoke";
  fieldErrors?: FieldErrors;
  formError?: string;
  values?: { name: string; kind: string };
  created?: { id: string; key: string; name: string; kind: string };
  revoked?: boolean;
};

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const form = await request.formData();
  if (text(form, "intent") === "revoke") {
    const parsed = parseForm(idInput, { id: text(form, "id") });
    if (!parsed.ok) return json<ActionData>({ intent: "revoke", formError: "No such API key" }, { status: 400 });
    try {
      await context.trpc.apiKeys.revoke(parsed.data);
      return json<ActionData>({ intent: "revoke", revoked: true });
    } catch (err) {
      return json<ActionData>({ intent: "revoke", ...expectedError(err) }, { status: 400 });
    }
  }
  if (text(form, "intent") !== "create") throw new Response("Unknown action", { status: 400 });
  const values = { name: text(form, "name"), kind: text(form, "kind") };
  const parsed = parseForm(createApiKeyInput, values);
  if (!parsed.ok) return json<ActionData>({ intent: "create", fieldErrors: parsed.fieldErrors, values }, { status: 400 });
  try {
    const created = await context.trpc.apiKeys.create(parsed.data);
    return json<ActionData>({ intent: "create", created: { id: created.id, key: created.key, name: created.name, kind: created.kind } });
  } catch (err) {
    return json<ActionData>({ intent: "create", ...expectedError(err), values }, { status: 400 });
  }
}

export default function ApiKeysSettings() {
  const { keys, project } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const createErrors = result?.intent === "create" && !result.created ? result : undefined;
  return (
    <div className="stack-lg">
      {result?.created ? (
        <SecretOnce
          title={`${result.created.kind === "secret" ? "Secret" : "Write"} key “${result.created.name}” created`}
          secrets={[{ label: "API key", value: result.created.key }]}
        />
      ) : null}
      {result?.intent === "revoke" ? <FormMessage error={result.formError} success={result.revoked ? "Key revoked. Requests using it are now refused." : null} /> : null}

      <Card title={`Keys for ${project.name}`} description="Keys belong to the current project; switch project in the top bar to see another's.">
        {keys.length === 0 ? (
          <EmptyState title="No API keys">Create a write key below to start sending events.</EmptyState>
        ) : (
          <div className="table-wrap table-wrap-overflow">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                  <th scope="col"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className={k.revokedAt ? "row-muted" : undefined}>
                    <td>{k.name}</td>
                    <td>{k.kind === "secret" ? <Badge tone="warning">secret</Badge> : <Badge tone="info">write</Badge>}</td>
                    <td><code>{k.prefix}…</code></td>
                    <td className="nowrap"><Time value={k.createdAt} /></td>
                    <td className="nowrap">{k.lastUsedAt ? <Time value={k.lastUsedAt} /> : <span className="muted">never</span>}</td>
                    <td className="nowrap">
                      {k.revokedAt ? (
                        <>
                          <StatusBadge status="revoked" /> <Time value={k.revokedAt} />
                        </>
                      ) : (
                        <StatusBadge status="active" />
                      )}
                    </td>
                    <td className="actions">
                      {k.revokedAt ? null : (
                        <ConfirmAction
                          label="Revoke"
                          prompt={<>Revoke “{k.name}”? Anything using it stops working at once. This cannot be undone.</>}
                          confirmLabel="Yes, revoke"
                          intent="revoke"
                          fields={{ id: k.id }}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card title="New key" description="The key is shown once after creation; Foresight keeps only its hash.">
        <Form method="post" className="form-grid" noValidate key={result?.created?.id ?? "new"}>
          <input type="hidden" name="intent" value="create" />
          {createErrors?.formError ? <FormMessage error={createErrors.formError} /> : null}
          <TextField label="Name" name="name" required maxLength={80} placeholder="e.g. Web app" defaultValue={createErrors?.values?.name} error={createErrors?.fieldErrors?.name} />
          <SelectField
            label="Kind"
            name="kind"
            defaultValue={createErrors?.values?.kind ?? "write"}
            error={createErrors?.fieldErrors?.kind}
            hint="Write keys only send events and may ship in browsers and apps. Secret keys read data: keep them on servers."
          >
            <option value="write">Write (public)</option>
            <option value="secret">Secret (server-side)</option>
          </SelectField>
          <div className="form-actions">
            <button type="submit" className="btn btn-primary">
              Create key
            </button>
          </div>
        </Form>
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
