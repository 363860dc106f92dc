import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TRPCError } from "@trpc/server";
import { changePasswordInput } from "~/lib/schemas.server";
import { RoleBadge } from "~/components/Badge";
import { Card } from "~/components/Card";
import { RouteError } from "~/components/ErrorView";
import { FormMessage, TextField } from "~/components/Field";
import { expectedError, parseForm, text, type FieldErrors } from "~/lib/forms.server";
import { requireUser } from "~/lib/guards.server";

export const meta: MetaFunction = () => [{ title: "Your account · Settings · Foresight" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request);
  return json({ user: { email: user.email, name: user.name, role: user.role } });
}

type ActionData = { ok?: string; formError?: string; fieldErrors?: FieldErrors; changedAt?: number };

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context, request);
  const form = await request.formData();
  const parsed = parseForm(changePasswordInput, { currentPassword: text(form, "currentPassword"), newPassword: text(form, "newPassword") });
  const fieldErrors: FieldErrors = parsed.ok ? {} : { ...parsed.fieldErrors };
  if (!text(form, "currentPassword")) fieldErrors.currentPassword = "Enter your current password";
  if (text(form, "confirmPassword") !== text(form, "newPassword")) fieldErrors.confirmPassword = "The two new passwords differ";
  if (!parsed.ok || Object.keys(fieldErrors).length > 0) return json<ActionData>({ fieldErrors }, { status: 400 });
  try {
    await context.trpc.auth.changePassword(parsed.data);
    return json<ActionData>({ ok: "Password changed. Your other sessions were logged out.", changedAt: Date.now() });
  } catch (err) {
    // The one expected failure names a field: show it there.
    if (err instanceof TRPCError && err.code === "BAD_REQUEST") {
      return json<ActionData>({ fieldErrors: { currentPassword: err.message } }, { status: 400 });
    }
    return json<ActionData>(expectedError(err), { status: 400 });
  }
}

export default function AccountSettings() {
  const { user } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result?.fieldErrors;
  return (
    <div className="grid grid-2">
      <Card title="Profile">
        <dl className="kv">
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Name</dt>
            <dd>{user.name || <span className="muted">not set</span>}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>
              <RoleBadge role={user.role} />
            </dd>
          </div>
        </dl>
        <p className="muted">An admin can change your name and role.</p>
      </Card>

      <Card title="Change password" description="Changing it logs you out of every other browser.">
        <Form method="post" className="stack" noValidate key={result?.changedAt ?? "form"}>
          <FormMessage error={result?.formError} success={result?.ok} />
          <input type="email" name="username" autoComplete="username" value={user.email} readOnly hidden />
          <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors?.currentPassword} />
          <TextField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            hint="At least 8 characters."
            error={errors?.newPassword}
          />
          <TextField label="Repeat new password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors?.confirmPassword} />
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Saving…" : "Change password"}
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
