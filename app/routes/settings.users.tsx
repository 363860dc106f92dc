import { json, type ActionFunctionArgs, type AppLoadContext, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { createUserInput, resetPasswordInput, updateUserInput } from "~/lib/schemas.server";
import { Badge, RoleBadge, StatusBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage } from "~/components/Field";
import { SecretOnce } from "~/components/SecretOnce";
import { Time } from "~/components/Time";
import { CreateUserForm, UserActions } from "~/components/UserForms";
import { expectedError, parseForm, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Users · Settings · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireUser(context, request, "admin");
  return json({ users: await context.trpc.users.list(), meId: me.id });
}

type Intent = "create" | "role" | "disable" | "enable" | "reset";
type ActionData = {
  intent: Intent;
  fieldErrors?: FieldErrors;
  formError?: string;
  values?: Record<string, string>;
  ok?: string;
  secret?: { title: string; password: string };
};

const done: Record<Exclude<Intent, "create" | "reset">, string> = {
  role: "Role changed.",
  disable: "User disabled and logged out.",
  enable: "User enabled.",
};

/** Role change, disable/enable and password reset; each names the user by id. */
async function changeUser(context: AppLoadContext, intent: Exclude<Intent, "create">, id: string, role: string): Promise<ActionData> {
  if (intent === "reset") {
    const parsed = parseForm(resetPasswordInput, { id });
    if (!parsed.ok) return { intent, formError: "No such user" };
    const user = (await context.trpc.users.list()).find((u) => u.id === id);
    const { generatedPassword } = await context.trpc.users.resetPassword(parsed.data);
    const who = user?.email ?? "the user";
    return {
      intent,
      ok: `Password reset; ${who} was logged out everywhere.`,
      secret: generatedPassword ? { title: `New password for ${who}`, password: generatedPassword } : undefined,
    };
  }
  const input = intent === "role" ? { id, role } : { id, disabled: intent === "disable" };
  const parsed = parseForm(updateUserInput, input);
  if (!parsed.ok) return { intent, formError: Object.values(parsed.fieldErrors)[0] ?? "Invalid input" };
  await context.trpc.users.update(parsed.data);
  return { intent, ok: done[intent] };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request, "admin");
  const form = await request.formData();
  const intent = text(form, "intent") as Intent;
  if (intent === "create") {
    const values = { email: text(form, "email"), name: text(form, "name"), role: text(form, "role") };
    const parsed = parseForm(createUserInput, { ...values, password: text(form, "password") || undefined });
    if (!parsed.ok) return json<ActionData>({ intent, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    try {
      const { user, generatedPassword } = await context.trpc.users.create(parsed.data);
      const ok = `Created ${user.email} as ${user.role}.`;
      const secret = generatedPassword ? { title: `Password for ${user.email}`, password: generatedPassword } : undefined;
      return json<ActionData>({ intent, ok, secret });
    } catch (err) {
      return json<ActionData>({ intent, ...expectedError(err), values }, { status: 400 });
    }
  }
  if (!["role", "disable", "enable", "reset"].includes(intent)) throw new Response("Unknown action", { status: 400 });
  try {
    const result = await changeUser(context, intent, text(form, "id"), text(form, "role"));
    return json<ActionData>(result, { status: result.formError ? 400 : 200 });
  } catch (err) {
    return json<ActionData>({ intent, ...expectedError(err) }, { status: 400 });
  }
}

export default function UsersSettings() {
  const { users, meId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const createFailed = result?.intent === "create" && !result.ok ? result : undefined;
  return (
    <div className="stack-lg">
      {result?.secret ? (
        <SecretOnce title={result.secret.title} secrets={[{ label: "Password", value: result.secret.password }]}>
          <p className="muted">Pass it on privately; they can change it under Settings → Your account.</p>
        </SecretOnce>
      ) : null}
      {result && !createFailed ? <FormMessage error={result.formError} success={result.ok} /> : null}

      <Card title="Users" description={`${users.filter((u) => !u.disabledAt).length} active of ${users.length}. Roles apply to every project.`}>
        <div className="table-wrap table-wrap-overflow">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last login</th>
                <th scope="col">Created</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} className={u.disabledAt ? "row-muted" : undefined}>
                  <td>
                    <div className="cell-title">
                      {u.name || u.email} {u.id === meId ? <Badge>you</Badge> : null}
                    </div>
                    {u.name ? <div className="cell-sub">{u.email}</div> : null}
                  </td>
                  <td><RoleBadge role={u.role} /></td>
                  <td>{u.disabledAt ? <StatusBadge status="disabled" /> : <StatusBadge status="active" />}</td>
                  <td className="nowrap">{u.lastLoginAt ? <Time value={u.lastLoginAt} /> : <span className="muted">never</span>}</td>
                  <td className="nowrap"><Time value={u.createdAt} /></td>
                  <td className="actions"><UserActions user={u} isSelf={u.id === meId} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      <Card title="Add a user" description="They log in with this email and password; there is no invitation email yet.">
        <CreateUserForm
          key={result?.intent === "create" && result.ok ? result.ok : "new"}
          errors={createFailed?.fieldErrors}
          formError={createFailed?.formError}
          values={createFailed?.values}
        />
      </Card>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError nested />;
}
